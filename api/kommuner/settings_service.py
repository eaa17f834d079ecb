"""Per-kommun settings: the analysis period (kvartal or tertial) and gallring of free text.

The bounds on gallring follow what informationshanteringsplaner for this kind of handling say in
practice: free text is kept at least half a year (the weekly review, the quarterly analysis of the
half-year and the comparison with the previous period need it) and rarely more than ten years; a
kommun that must keep it longer, or forever, leaves the field empty (no automatic gallring).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from api.audit import service as audit_service
from api.core.errors import NotFound
from api.kommuner.models import Kommun

PERIOD_KINDS: dict[str, str] = {
    "kvartal": "Kvartal (fyra perioder om året)",
    "tertial": "Tertial (tre perioder om året)",
}
RETENTION_MIN_MONTHS = 6
RETENTION_MAX_MONTHS = 120


@dataclass(frozen=True)
class KommunSettings:
    """What an admin can set for the kommun."""

    period_kind: str
    retention_months: int | None


def parse_settings(*, period_kind: str, retention: str) -> tuple[KommunSettings | None, dict[str, str]]:
    """Validate the form's raw values: the settings, or Swedish errors by field name."""
    errors: dict[str, str] = {}
    if period_kind not in PERIOD_KINDS:
        errors["analysperiod"] = "Välj kvartal eller tertial."
    months: int | None = None
    text = retention.strip()
    if text:
        if not text.isdigit():
            errors["gallring"] = "Ange antal månader som ett heltal, eller lämna fältet tomt."
        else:
            months = int(text)
            if not RETENTION_MIN_MONTHS <= months <= RETENTION_MAX_MONTHS:
                errors["gallring"] = (
                    f"Ange mellan {RETENTION_MIN_MONTHS} och {RETENTION_MAX_MONTHS} månader, "
                    "eller lämna fältet tomt för ingen automatisk gallring."
                )
    if errors:
        return None, errors
    return KommunSettings(period_kind=period_kind, retention_months=months), {}


def get_kommun(*, session: Session, kommun_code: str) -> Kommun:
    """The kommun row, or NotFound."""
    kommun = session.get(Kommun, kommun_code)
    if kommun is None:
        raise NotFound(f"Kommunen {kommun_code} finns inte.")
    return kommun


def period_kind_of(*, session: Session, kommun_code: str) -> str:
    """The kommun's analysis period: "kvartal" or "tertial"."""
    return get_kommun(session=session, kommun_code=kommun_code).period_kind


def update_settings(
    *, session: Session, kommun_code: str, settings: KommunSettings, actor: str,
    user_id: int | None = None, ip: str = "",
) -> dict[str, list[object]]:
    """Store the settings and audit what changed as {field: [old, new]} (the caller commits)."""
    kommun = get_kommun(session=session, kommun_code=kommun_code)
    changes: dict[str, list[object]] = {}
    for name in ("period_kind", "retention_months"):
        old, new = getattr(kommun, name), getattr(settings, name)
        if old != new:
            changes[name] = [old, new]
            setattr(kommun, name, new)
    if changes:
        session.add(kommun)
        audit_service.record(
            session=session, action="kommun.settings.update", actor=actor, user_id=user_id,
            kommun_code=kommun_code, object_type="kommun", object_id=kommun_code, filter=changes,
            purpose="Kommunens inställningar", ip=ip,
        )
        session.flush()
    return changes
