"""The Jinja2 environment and where the frontend lives; api/web/layout.py renders pages with the layout."""

from __future__ import annotations

from fastapi.templating import Jinja2Templates

from api.resources import frontend_path


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(frontend_path("templates")))
    templates.env.globals["nav_items"] = []
    templates.env.globals["flash_messages"] = []
    templates.env.globals["kommun_names"] = {}
    return templates
