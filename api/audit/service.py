"""Write audit events. Reads and exports of report data are logged, not only writes."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from api.audit.models import AuditEvent


def record(
    *,
    session: Session,
    action: str,
    actor: str,
    user_id: int | None = None,
    kommun_code: str | None = None,
    object_type: str = "",
    object_id: str | int = "",
    filter: dict[str, Any] | None = None,
    purpose: str = "",
    ip: str = "",
) -> AuditEvent:
    """Append one audit event to the session (committed with the caller's transaction)."""
    event = AuditEvent(
        action=action,
        actor=actor,
        user_id=user_id,
        kommun_code=kommun_code,
        object_type=object_type,
        object_id=str(object_id),
        filter=json.dumps(filter, ensure_ascii=False, sort_keys=True, default=str) if filter else "",
        purpose=purpose,
        ip=ip,
    )
    session.add(event)
    return event
