"""Integer types with the desk's ranges (`desk/bounds.py`), for every id and number the
API reads: path, query and body alike. A value outside them is a 422 naming the field,
before any work; `tests/integration/test_api_number_ranges.py` checks that no integer
input of the OpenAPI document is left without both ends."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from frontliner.desk.bounds import MAX_CENTS, MAX_COUNT, MAX_DAYS, MAX_ID, MIN_ID

Id = Annotated[int, Field(ge=MIN_ID, le=MAX_ID)]
Cents = Annotated[int, Field(ge=0, le=MAX_CENTS, description="cents")]
Days = Annotated[int, Field(ge=0, le=MAX_DAYS)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
