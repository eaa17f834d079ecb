"""Page rendering with what every page's layout needs: the principal, CSRF token, navigation, kommun names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlmodel import Session, select

from api.kommuner.models import Kommun
from api.users.principal import Principal
from api.web.deps import template_csrf_token


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str
    roles: frozenset[str]


# The main menu: a plain list, each entry shown to the roles that may open it.
NAV_ITEMS: list[NavItem] = [
    NavItem("/start", "Start", frozenset({"inrapportor", "granskare", "analytiker", "polis", "admin"})),
    NavItem("/rapportera", "Rapportera", frozenset({"inrapportor", "analytiker"})),
    NavItem("/rapportera/vecka", "Veckans rapporter", frozenset({"inrapportor"})),
    NavItem("/import", "Importera fil", frozenset({"inrapportor", "analytiker"})),
    NavItem("/polis/veckosammanstallning", "Polisens vecka", frozenset({"polis", "analytiker"})),
    NavItem("/kategorikopplingar", "Kategorikopplingar", frozenset({"analytiker", "admin"})),
    NavItem("/polis/handelsetyper", "Polisens händelsetyper", frozenset({"analytiker", "admin"})),
    NavItem("/polis/polisanmalda-brott", "Polisanmälda brott", frozenset({"polis", "analytiker"})),
    NavItem("/polis/brottskoder", "Brottskoder", frozenset({"analytiker", "admin"})),
    NavItem("/lagesbild", "Lägesbild", frozenset({"analytiker", "granskare", "polis"})),
    NavItem("/granska", "Granska", frozenset({"analytiker"})),
    NavItem("/insatser", "Insatser", frozenset({"analytiker", "granskare", "polis"})),
    NavItem("/medborgarloften", "Medborgarlöften", frozenset({"analytiker", "granskare", "polis"})),
    NavItem("/kvartal", "Kvartalsanalys", frozenset({"analytiker", "granskare", "polis"})),
    NavItem("/korningar", "Körningar", frozenset({"analytiker", "admin"})),
    NavItem("/export/csv", "Exportera CSV", frozenset({"polis", "analytiker"})),
    NavItem("/admin/kommun", "Inställningar", frozenset({"admin"})),
    NavItem("/admin/organisationer", "Organisationer", frozenset({"admin"})),
    NavItem("/admin/anvandare", "Användare", frozenset({"admin"})),
    NavItem("/admin/api-nycklar", "API-nycklar", frozenset({"admin"})),
    NavItem("/admin/logg", "Logg", frozenset({"admin"})),
]


def _is_current(path: str, href: str) -> bool:
    """A menu entry is current on its own page and on pages below it (/lagesbild/2026-W47)."""
    return path == href or path.startswith(href.rstrip("/") + "/")


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    principal: Principal | None,
    session: Session | None = None,
    status_code: int = 200,
):  # type: ignore[no-untyped-def]
    """Render a page with the shared layout context."""
    nav = []
    if principal is not None:
        visible = [item for item in NAV_ITEMS if principal.role in item.roles]
        # One current entry: the most specific match (/rapportera/vecka/… is "Veckans rapporter",
        # not also "Rapportera").
        matches = [item.href for item in visible if _is_current(request.url.path, item.href)]
        current = max(matches, key=len, default=None)
        nav = [{"href": item.href, "label": item.label, "current": item.href == current} for item in visible]
    kommun_names: dict[str, str] = {}
    if principal is not None and session is not None:
        kommun_names = {
            k.code: k.name
            for k in session.exec(select(Kommun).where(Kommun.code.in_(principal.kommun_codes)))  # type: ignore[attr-defined]
        }
    full_context = {
        "principal": principal,
        "csrf_token": template_csrf_token(request, principal),
        "nav_items": nav,
        "kommun_names": kommun_names,
        "settings": request.app.state.settings,
        **context,
    }
    return request.app.state.templates.TemplateResponse(
        request, template, full_context, status_code=status_code
    )
