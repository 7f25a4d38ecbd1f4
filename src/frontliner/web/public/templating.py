"""The Jinja2 environment for the public pages (autoescaping on: whatever a visitor
typed is shown back as text, never as markup)."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
