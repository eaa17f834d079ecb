"""The Jinja2 environment and where the frontend lives; api/web/layout.py renders pages with the layout."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(FRONTEND / "templates"))
    templates.env.globals["nav_items"] = []
    templates.env.globals["flash_messages"] = []
    templates.env.globals["kommun_names"] = {}
    return templates
