"""A customer's export as a JSON download, streamed case by case: for staff (everything)
over the API, for the customer themselves (what they can see) from the portal.

The caller has already checked who may export whom (`access.load_customer`: a customer
only themselves). The body is read in its own unit of work, opened when the download
starts and closed when it ends, so it does not depend on the request's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from fastapi import Request
from starlette.responses import StreamingResponse

from frontliner.desk.model import Customer
from frontliner.desk.ports import UowFactory
from frontliner.store import customer_export
from frontliner.web.lookup import session_of


def export_response(request: Request, customer: Customer, staff: bool) -> StreamingResponse:
    assert customer.id is not None
    factory: UowFactory = request.app.state.uow_factory
    now = datetime.now(UTC)
    name = f"frontliner-export-{customer.id if staff else 'my-cases'}-{now:%Y%m%d}.json"
    return StreamingResponse(
        _chunks(factory, customer.id, staff, now), media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Cache-Control": "no-store"})


def _chunks(factory: UowFactory, customer_id: int, staff: bool, now: datetime,
            ) -> Iterator[bytes]:
    with factory() as uow:
        session = session_of(uow)
        customer = session.get(Customer, customer_id)
        assert customer is not None
        head = {"format": customer_export.FORMAT, "exported_at": now.isoformat(),
                "view": "staff" if staff else "customer",
                "customer": customer_export.customer_part(session, customer, staff)}
        yield json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "cases": ['
        for index, case in enumerate(customer_export.case_parts(session, customer_id, staff)):
            yield (b", " if index else b"") + json.dumps(case, ensure_ascii=False).encode()
        yield b"]}"
