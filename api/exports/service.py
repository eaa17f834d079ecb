"""Export services: the CSV form's validation into a `ReportQuery`, and the export audit record."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from analysis.weeks import parse_iso_week, week_end, week_start
from api.audit import service as audit_service
from api.core.errors import NotFound
from api.lagesbild import compose
from api.lagesbild import service as lagesbild_service
from api.lagesbild.models import Lagesbild, LagesbildStatus
from api.lagesbild.snapshot import LagesbildSnapshot
from api.reports.models import Source
from api.reports.query import ReportQuery
from api.users.principal import Principal

EXPORT_ACTION = "report.export"
SOURCE_LABELS = {
    Source.form.value: "Formulär",
    Source.api.value: "API (systemintegration)",
    Source.import_.value: "Filimport",
    Source.police_feed.value: "Polisens händelser (polisen.se)",
    Source.police_summary.value: "Polisens veckosammanställning",
    Source.police_offences.value: "Polisanmälda brott",
}
KINDS = {"rapporter": "En rad per rapport", "antal": "Antal per vecka, område och kategori"}
MAX_AGGREGATE_DAYS = 5 * 366  # the map's count cube is dense: keep it a sensible size
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class CsvExportForm:
    """What the user typed on the export page (kept as typed, so it can be shown again)."""

    fran: str = ""
    till: str = ""
    omraden: list[str] = field(default_factory=list)
    kategorier: list[str] = field(default_factory=list)
    kallor: list[str] = field(default_factory=list)
    fritext: bool = False
    typ: str = "rapporter"
    syfte: str = ""


def parse_period_end(text: str, *, last: bool) -> date:
    """A date ("2026-11-16") or an ISO week ("2026-W47": its Monday, or Sunday when `last`)."""
    value = text.strip()
    if _DATE_RE.match(value):
        return date.fromisoformat(value)
    label = parse_iso_week(value).label
    return week_end(label) if last else week_start(label)


def validate_csv_form(
    form: CsvExportForm, *, kommun_code: str, area_codes: set[str], category_codes: set[str]
) -> tuple[ReportQuery | None, dict[str, str]]:
    """The query the form asks for, or Swedish errors per field."""
    errors: dict[str, str] = {}
    first = last = None
    for name, is_last in (("fran", False), ("till", True)):
        text = getattr(form, name)
        if not text.strip():
            errors[name] = "Ange ett datum (ÅÅÅÅ-MM-DD) eller en vecka (till exempel 2026-W47)."
            continue
        try:
            value = parse_period_end(text, last=is_last)
        except ValueError:
            errors[name] = (
                f"”{text.strip()[:40]}” är inte ett datum (ÅÅÅÅ-MM-DD) eller en vecka (2026-W47)."
            )
            continue
        if is_last:
            last = value
        else:
            first = value
    if first and last and first > last:
        errors["till"] = "Slutet av perioden ligger före början."
    if first and last and form.typ == "antal" and (last - first).days > MAX_AGGREGATE_DAYS:
        errors["till"] = "Antal per vecka kan tas ut för högst fem år åt gången."
    if unknown := [c for c in form.omraden if c not in area_codes]:
        errors["omraden"] = f"Okänt område: {', '.join(unknown[:5])}."
    if unknown := [c for c in form.kategorier if c not in category_codes]:
        errors["kategorier"] = f"Okänd kategori: {', '.join(unknown[:5])}."
    if unknown := [c for c in form.kallor if c not in SOURCE_LABELS]:
        errors["kallor"] = f"Okänd källa: {', '.join(unknown[:5])}."
    if form.typ not in KINDS:
        errors["typ"] = "Välj vad filen ska innehålla."
    if not form.syfte.strip():
        errors["syfte"] = "Ange syftet med uttaget. Varje export loggas med syfte."
    elif len(form.syfte) > 500:
        errors["syfte"] = "Syftet får vara högst 500 tecken."
    if errors or first is None or last is None:
        return None, errors
    query = ReportQuery(
        kommun_code=kommun_code,
        first_date=first,
        last_date=last,
        area_codes=tuple(sorted(set(form.omraden))),
        category_codes=tuple(sorted(set(form.kategorier))),
        sources=tuple(sorted(set(form.kallor))),
    )
    return query, {}


def default_period(today: date) -> tuple[str, str]:
    """The last full ISO week, as the form's first suggestion."""
    monday = today - timedelta(days=today.weekday()) - timedelta(days=7)
    label = f"{monday.isocalendar()[0]:04d}-W{monday.isocalendar()[1]:02d}"
    return label, label


def record_export(
    *,
    session: Session,
    principal: Principal,
    object_type: str,
    object_id: str,
    filter: dict[str, object],
    purpose: str,
    ip: str,
) -> None:
    """Log one export (who, what, which filter, for which purpose); the caller commits."""
    audit_service.record(
        session=session,
        action=EXPORT_ACTION,
        actor=principal.actor,
        user_id=principal.user_id,
        kommun_code=principal.kommun_code,
        object_type=object_type,
        object_id=object_id[:100],
        filter=filter,
        purpose=purpose[:500],
        ip=ip,
    )


@dataclass(frozen=True)
class WeekExport:
    """The lägesbild an export of a week is built from, and whether it is a published version."""

    snapshot: LagesbildSnapshot
    published: bool


def week_for_export(
    *, session: Session, principal: Principal, week: str, version: int | None = None
) -> WeekExport:
    """The week's newest (or the asked) published version; an analyst also gets an unpublished week.

    Without a published version the analyst's export is composed from live data and shows the
    suggested statuses; every other role gets NotFound.
    """
    published = lagesbild_service.published_versions(
        session=session, kommun_code=principal.kommun_code, week=week
    )
    if version is not None or published or principal.role != "analytiker":
        chosen = lagesbild_service.get_version(
            session=session, kommun_code=principal.kommun_code, week=week, version=version,
            published_only=True,
        )
        return WeekExport(LagesbildSnapshot.from_json(chosen.snapshot_json), published=True)
    drafts = lagesbild_service.versions(session=session, kommun_code=principal.kommun_code, week=week)
    draft = drafts[-1] if drafts else Lagesbild(kommun_code=principal.kommun_code, iso_week=week, version=0)
    query = compose.week_query(principal.kommun_code, week)
    snapshot = compose.compose(session=session, lagesbild=draft, query=query)
    # Not published: the suggestion is the status (a draft's unconfirmed choices are not exported).
    for area in snapshot.areas:
        area.status = None
        area.motivering = ""
    return WeekExport(snapshot, published=False)


def published_weeks(*, session: Session, kommun_code: str, limit: int = 8) -> list[tuple[str, int]]:
    """The newest weeks with a published lägesbild and their newest version, newest first."""
    rows = session.exec(
        select(Lagesbild.iso_week, func.max(Lagesbild.version))
        .where(Lagesbild.kommun_code == kommun_code, Lagesbild.status == LagesbildStatus.publicerad)
        .group_by(Lagesbild.iso_week)
        .order_by(Lagesbild.iso_week.desc())  # type: ignore[attr-defined]
        .limit(limit)
    ).all()
    return [(week, int(version)) for week, version in rows]


def parse_week(text: str) -> str:
    """The canonical ISO week label, or NotFound in Swedish."""
    try:
        return parse_iso_week(text).label
    except ValueError:
        raise NotFound(f"”{text[:20]}” är ingen vecka. Skriv till exempel 2026-W47.") from None
