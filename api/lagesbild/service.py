"""The lägesbild's life: draft (idempotent), save texts and statuses, publish, new version.

A published version is immutable: its snapshot is everything it shows. A correction is a new
draft version N+1 prefilled from the latest version, published in its turn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from analysis.weeks import shift_week
from api.audit import service as audit_service
from api.core.errors import AppError, NotFound
from api.core.time import utcnow
from api.lagesbild import compose as compose_module
from api.lagesbild.models import AreaAssessment, AreaStatus, Lagesbild, LagesbildStatus
from api.lagesbild.snapshot import LagesbildSnapshot
from api.reports.query import ReportQuery
from api.users.models import User

STATUS_VALUES = [s.value for s in AreaStatus]


def versions(*, session: Session, kommun_code: str, week: str) -> list[Lagesbild]:
    """Every version of the week's lägesbild, oldest first."""
    return list(
        session.exec(
            select(Lagesbild)
            .where(Lagesbild.kommun_code == kommun_code, Lagesbild.iso_week == week)
            .order_by(Lagesbild.version)  # type: ignore[arg-type]
        )
    )


def published_versions(*, session: Session, kommun_code: str, week: str) -> list[Lagesbild]:
    """The week's published versions, oldest first."""
    return [
        v for v in versions(session=session, kommun_code=kommun_code, week=week)
        if v.status == LagesbildStatus.publicerad
    ]


def latest_week(*, session: Session, kommun_code: str, published_only: bool) -> str | None:
    """The newest ISO week with a lägesbild (published, if asked) in the kommun."""
    statement = select(Lagesbild.iso_week).where(Lagesbild.kommun_code == kommun_code)
    if published_only:
        statement = statement.where(Lagesbild.status == LagesbildStatus.publicerad)
    # ISO labels "YYYY-Www" sort as text in week order.
    return session.exec(statement.order_by(Lagesbild.iso_week.desc())).first()  # type: ignore[attr-defined]


def published_neighbours(*, session: Session, kommun_code: str, week: str) -> tuple[str | None, str | None]:
    """The nearest weeks before and after `week` that have a published lägesbild (None if none)."""
    published = select(Lagesbild.iso_week).where(
        Lagesbild.kommun_code == kommun_code, Lagesbild.status == LagesbildStatus.publicerad
    )
    # ISO labels "YYYY-Www" sort as text in week order.
    before = session.exec(
        published.where(Lagesbild.iso_week < week).order_by(Lagesbild.iso_week.desc())  # type: ignore[attr-defined]
    ).first()
    after = session.exec(
        published.where(Lagesbild.iso_week > week).order_by(Lagesbild.iso_week)  # type: ignore[arg-type]
    ).first()
    return before, after


def draft_lagesbild(*, session: Session, kommun_code: str, week: str, created_by: str) -> Lagesbild:
    """The week's newest version; version 1 as a fresh draft when the week has none (idempotent)."""
    return draft_with_snapshot(session=session, kommun_code=kommun_code, week=week, created_by=created_by)[0]


def draft_with_snapshot(
    *, session: Session, kommun_code: str, week: str, created_by: str
) -> tuple[Lagesbild, LagesbildSnapshot | None]:
    """As `draft_lagesbild`, with the snapshot a fresh draft was composed from (None if it existed)."""
    existing = versions(session=session, kommun_code=kommun_code, week=week)
    if existing:
        return existing[-1], None
    query = compose_module.week_query(kommun_code, week)
    lagesbild = Lagesbild(kommun_code=kommun_code, iso_week=week, version=1, created_by=created_by)
    session.add(lagesbild)
    session.flush()
    snapshot = compose_module.compose(session=session, lagesbild=lagesbild, query=query)
    lagesbild.vad_har_hant = "\n".join(snapshot.generated_summary)
    session.add(lagesbild)
    for area in snapshot.areas:
        session.add(
            AreaAssessment(
                lagesbild_id=lagesbild.id,  # type: ignore[arg-type]
                area_code=area.code,
                suggested_status=area.suggested_status,
                suggested_reasons_json=json.dumps(area.suggested_reasons, ensure_ascii=False),
            )
        )
    session.flush()
    return lagesbild, snapshot


def get_version(
    *, session: Session, kommun_code: str, week: str, version: int | None, published_only: bool
) -> Lagesbild:
    """One version (default: the newest visible one); NotFound in Swedish otherwise."""
    candidates = (
        published_versions(session=session, kommun_code=kommun_code, week=week)
        if published_only
        else versions(session=session, kommun_code=kommun_code, week=week)
    )
    if version is not None:
        candidates = [v for v in candidates if v.version == version]
    if not candidates:
        what = f"version {version} av " if version is not None else ""
        raise NotFound(f"Det finns ingen publicerad {what}lägesbild för vecka {week[-2:].lstrip('0')}."
                       if published_only else f"Det finns ingen {what}lägesbild för vecka {week}.")
    return candidates[-1]


@dataclass
class DraftInput:
    """What the analyst submitted: texts and, per area, status and motivering."""

    vad_har_hant: str = ""
    vad_gors: str = ""
    prognos: str = ""
    statuses: dict[str, str] = field(default_factory=dict)
    motiveringar: dict[str, str] = field(default_factory=dict)


def view(
    *, session: Session, lagesbild: Lagesbild, query: ReportQuery, tile_attribution: str = ""
) -> LagesbildSnapshot:
    """What a version shows: the frozen snapshot if published, else composed from live data."""
    if lagesbild.status == LagesbildStatus.publicerad and lagesbild.snapshot_json:
        return LagesbildSnapshot.from_json(lagesbild.snapshot_json)
    return compose_module.compose(
        session=session, lagesbild=lagesbild, query=query, tile_attribution=tile_attribution
    )


def validate_draft(snapshot: LagesbildSnapshot, data: DraftInput) -> dict[str, str]:
    """Field errors in Swedish, keyed by field name ("status-<code>", "motivering-<code>")."""
    errors: dict[str, str] = {}
    for area in snapshot.areas:
        status = data.statuses.get(area.code, "")
        if status and status not in STATUS_VALUES:
            errors[f"status-{area.code}"] = f"Välj grön, gul, orange eller röd för {area.name}."
            continue
        if status and status != area.suggested_status and not data.motiveringar.get(area.code, "").strip():
            errors[f"motivering-{area.code}"] = (
                f"Skriv en motivering för {area.name}: din status ({status}) skiljer sig från "
                f"förslaget ({area.suggested_status})."
            )
    return errors


def save_draft(
    *, session: Session, lagesbild: Lagesbild, snapshot: LagesbildSnapshot, data: DraftInput,
    user_id: int | None, query: ReportQuery,
) -> dict[str, str]:
    """Save texts and statuses of a draft; returns field errors (nothing is saved when any)."""
    _require_draft(lagesbild)
    errors = validate_draft(snapshot, data)
    if errors:
        return errors
    lagesbild.vad_har_hant = data.vad_har_hant.strip()
    lagesbild.vad_gors = data.vad_gors.strip()
    lagesbild.prognos = data.prognos.strip()
    lagesbild.filter_json = json.dumps(compose_module.filter_of(query))
    session.add(lagesbild)
    existing = {
        a.area_code: a
        for a in session.exec(select(AreaAssessment).where(AreaAssessment.lagesbild_id == lagesbild.id))
    }
    now = utcnow()
    for area in snapshot.areas:
        assessment = existing.get(area.code) or AreaAssessment(
            lagesbild_id=lagesbild.id, area_code=area.code, suggested_status=area.suggested_status  # type: ignore[arg-type]
        )
        status = data.statuses.get(area.code, "") or None
        motivering = data.motiveringar.get(area.code, "").strip()
        changed = (status, motivering) != (assessment.status, assessment.motivering)
        assessment.suggested_status = area.suggested_status
        assessment.suggested_reasons_json = json.dumps(area.suggested_reasons, ensure_ascii=False)
        assessment.status = status
        assessment.motivering = motivering
        if changed:
            assessment.assessed_by_id = user_id
            assessment.assessed_at = now
        session.add(assessment)
    session.flush()
    return {}


def publish(
    *, session: Session, lagesbild: Lagesbild, query: ReportQuery, user: User, ip: str = "",
    tile_attribution: str = "", composed: LagesbildSnapshot | None = None,
) -> LagesbildSnapshot:
    """Freeze the draft into its snapshot and mark it published (audit: lagesbild.publish).

    `composed` is a snapshot of this version composed under `query` in the same transaction
    (the save before publishing made one): its numbers are reused, texts and statuses re-read.
    """
    _require_draft(lagesbild)
    if composed is not None and composed.version == lagesbild.version:
        snapshot = _with_saved_edits(session, lagesbild, composed.model_copy(deep=True))
    else:
        snapshot = compose_module.compose(
            session=session, lagesbild=lagesbild, query=query, tile_attribution=tile_attribution
        )
    missing = [a.name for a in snapshot.areas if a.status and a.status != a.suggested_status and not a.motivering]
    if missing:
        raise AppError("Motivering saknas för " + ", ".join(missing) + ". Skriv en och publicera igen.")
    now = utcnow()
    snapshot.published_at = now
    snapshot.published_by = user.name
    lagesbild.snapshot_json = snapshot.to_json()
    lagesbild.status = LagesbildStatus.publicerad
    lagesbild.published_at = now
    lagesbild.published_by_id = user.id
    lagesbild.filter_json = json.dumps(compose_module.filter_of(query))
    session.add(lagesbild)
    audit_service.record(
        session=session, action="lagesbild.publish", actor=user.email, user_id=user.id,
        kommun_code=lagesbild.kommun_code, object_type="lagesbild", object_id=lagesbild.id or "",
        filter=query.as_filter(), purpose=f"Publicering av lägesbild {lagesbild.iso_week} version {lagesbild.version}",
        ip=ip,
    )
    session.flush()
    return snapshot


def _with_saved_edits(session: Session, lagesbild: Lagesbild, snapshot: LagesbildSnapshot) -> LagesbildSnapshot:
    snapshot.vad_har_hant = lagesbild.vad_har_hant
    snapshot.vad_gors = lagesbild.vad_gors
    snapshot.prognos = lagesbild.prognos
    saved = {
        a.area_code: a
        for a in session.exec(select(AreaAssessment).where(AreaAssessment.lagesbild_id == lagesbild.id))
    }
    for area in snapshot.areas:
        assessment = saved.get(area.code)
        area.status = (assessment.status or None) if assessment else None
        area.motivering = assessment.motivering if assessment else ""
    return snapshot


def new_version(*, session: Session, lagesbild: Lagesbild, created_by: str) -> Lagesbild:
    """A new draft N+1 prefilled from the newest version (its texts, filter and statuses)."""
    latest = versions(session=session, kommun_code=lagesbild.kommun_code, week=lagesbild.iso_week)[-1]
    if latest.status == LagesbildStatus.utkast:
        return latest  # a draft already exists: edit that one
    draft = Lagesbild(
        kommun_code=latest.kommun_code, iso_week=latest.iso_week, version=latest.version + 1,
        vad_har_hant=latest.vad_har_hant, vad_gors=latest.vad_gors, prognos=latest.prognos,
        filter_json=latest.filter_json, created_by=created_by,
    )
    session.add(draft)
    session.flush()
    for old in session.exec(select(AreaAssessment).where(AreaAssessment.lagesbild_id == latest.id)):
        session.add(
            AreaAssessment(
                lagesbild_id=draft.id,  # type: ignore[arg-type]
                area_code=old.area_code, suggested_status=old.suggested_status,
                suggested_reasons_json=old.suggested_reasons_json, status=old.status,
                motivering=old.motivering, assessed_by_id=old.assessed_by_id, assessed_at=old.assessed_at,
            )
        )
    session.flush()
    return draft


def _require_draft(lagesbild: Lagesbild) -> None:
    if lagesbild.status != LagesbildStatus.utkast:
        raise AppError(
            f"Version {lagesbild.version} är publicerad och kan inte ändras. Skapa en ny version för "
            "att rätta.",
            status_code=409,
        )


def due_week(*, session: Session, kommun_code: str, current_week: str) -> str:
    """The week the analyst's job is on: last week until it is published, then the current week."""
    last_week = shift_week(current_week, -1)
    if published_versions(session=session, kommun_code=kommun_code, week=last_week):
        return current_week
    return last_week


def unassessed_non_green(*, session: Session, lagesbild: Lagesbild) -> list[str]:
    """Area codes of the version whose suggested status is not grön and that have no status set."""
    return list(session.exec(
        select(AreaAssessment.area_code).where(
            AreaAssessment.lagesbild_id == lagesbild.id, AreaAssessment.suggested_status != "grön",
            col(AreaAssessment.status).is_(None),
        ).order_by(AreaAssessment.area_code)
    ).all())
