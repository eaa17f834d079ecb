"""What the admin pages share: the role, form reading with CSRF, audit records and local times."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from api.admin.log_query import local_time
from api.audit import service as audit_service
from api.users.principal import Principal
from api.web.deps import _client_ip, allow, check_csrf

Admin = Annotated[Principal, Depends(allow("admin"))]
# Pages that show a secret once (a new API token, a generated password) must not be cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def form_values(request: Request, principal: Principal, form: FormData) -> dict[str, str]:
    """The posted form's text fields after the CSRF check (files and repeated keys are ignored)."""
    check_csrf(request, principal, form)
    return {key: value for key, value in form.items() if isinstance(value, str)}


def audit(
    request: Request, session: Session, principal: Principal, action: str, *, object_type: str,
    object_id: int | str, details: dict[str, Any] | None = None,
) -> None:
    """Record an admin write (or a read of the log) in the current kommun."""
    audit_service.record(
        session=session, action=action, actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type=object_type, object_id=object_id,
        filter=details, ip=_client_ip(request),
    )


def local(request: Request):  # type: ignore[no-untyped-def]
    """A template filter: a stored UTC moment in the configured time zone."""
    timezone = request.app.state.settings.timezone
    return lambda moment: local_time(moment, timezone)[:16] if moment else ""


def parse_id(value: str) -> int | None:
    """A positive integer id from a form field, or None."""
    value = value.strip()
    return int(value) if value.isdigit() and len(value) < 10 else None
