"""Pydantic v2 request and response bodies of the REST API, one module per area."""
