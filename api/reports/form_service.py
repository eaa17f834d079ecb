"""The inrapportör's weekly report: submit observations, nollrapport, the week's list, corrections.

Everything stores through `api.reports.service.store_records` (strict) after
`ingest.form.validate_form`; a correction uses the same validation and the same placement rule.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from api.areas.models import Area, Place
from api.categories import service as category_service
from api.categories.models import Category
from api.core.errors import AppError, Forbidden, NotFound
from api.organisations.models import Organisation
from api.reports import form_input, form_places
from api.reports import service as report_service
from api.reports.form_input import FormErrors
from api.reports.models import Nollrapport, Report, ReviewStatus
from ingest.form import parse_iso_week, validate_form
from ingest.records import ReportRecord

# Police summaries have their own channel; an inrapportör never picks this one.
HIDDEN_CATEGORY_CODES = frozenset({"polis_sammanfattning"})
MASKED_NOTE = "Ett personnummer har tagits bort ur beskrivningen"


@dataclass(frozen=True)
class Week:
    """An ISO week as users read it: "vecka 47" / 2026-W47, Monday to Sunday."""

    label: str
    number: int
    monday: date

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def text(self) -> str:
        return f"vecka {self.number} ({self.monday.isoformat()} – {self.sunday.isoformat()})"


def week_of(day: date) -> Week:
    """The ISO week containing `day`."""
    year, number, weekday = day.isocalendar()
    return Week(f"{year}-W{number:02d}", number, day - timedelta(days=weekday - 1))


def parse_week(text: str) -> Week:
    """A week from "2026-W47"; NotFound (Swedish) when it is no week."""
    try:
        return week_of(parse_iso_week(text))
    except ValueError as exc:
        raise NotFound(f"Veckan finns inte: {exc}.") from exc


def reporting_weeks(today: date) -> list[Week]:
    """The weeks an inrapportör may report for: this week and last week."""
    return [week_of(today), week_of(today - timedelta(days=7))]


def reporting_week(text: str | None, today: date) -> Week:
    """The chosen reporting week, this week by default; only this or last week is accepted."""
    weeks = reporting_weeks(today)
    for week in weeks:
        if week.label == (text or weeks[0].label):
            return week
    raise AppError("Du kan bara rapportera för denna vecka eller förra veckan.")


def reporter_organisation(*, session: Session, organisation_id: int | None,
                          kommun_code: str, on_behalf: bool = False) -> Organisation:
    """The reporting organisation, which must be active and belong to the current kommun."""
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or organisation.kommun_code != kommun_code or not organisation.active:
        if on_behalf:
            raise NotFound("Organisationen finns inte bland kommunens aktiva organisationer.")
        raise Forbidden(
            "Ditt konto är inte kopplat till en aktiv organisation i den här kommunen. "
            "Kontakta administratören."
        )
    return organisation


def category_groups(*, session: Session, kommun_code: str) -> list[dict[str, object]]:
    """Active categories for the form: incidents first, then kontextfaktorer."""
    categories = [
        c for c in category_service.list_categories(session=session, kommun_code=kommun_code)
        if c.code not in HIDDEN_CATEGORY_CODES
    ]
    return [
        {"label": "Händelser", "categories": [c for c in categories if not c.is_context]},
        {"label": "Kontextfaktorer (inte händelser)",
         "categories": [c for c in categories if c.is_context]},
    ]


@dataclass
class Submission:
    """The outcome of a form post: errors to show, or the token of the stored reports."""

    errors: FormErrors = field(default_factory=FormErrors)
    token: str = ""
    stored: int = 0
    skipped: int = 0
    #: observations identical to an earlier one of the same post, stored once (as a file import does)
    same_in_post: int = 0
    removed_nollrapport: bool = False


def submit_observations(
    *, session: Session, kommun_code: str, organisation_id: int, user_id: int | None,
    observations: Sequence[dict[str, str]], week: Week, token: str, today: date,
) -> Submission:
    """Validate and store the form's observations (all or nothing); a retried token stores once."""
    result = Submission(token=token)
    indices = [i for i, obs in enumerate(observations) if not form_input.is_empty(obs)]
    if not indices:
        result.errors.add(None, None, "Fyll i minst en observation, eller lämna en nollrapport.")
        return result
    payload = []
    for i in indices:
        obs = observations[i]
        place_id = None
        if obs.get("plats_namn"):
            place_id = form_places.resolve_place(session=session, kommun_code=kommun_code,
                                     name=obs["plats_namn"], chosen_id=obs.get("plats_id", ""))
            if place_id is None:
                result.errors.add(i, "plats_namn", (
                    f"Platsen ”{obs['plats_namn']}” finns inte i listan. Välj ett av förslagen, "
                    "eller beskriv platsen med egna ord i fältet nedan."
                ))
        payload.append(form_input.to_payload(
            obs, week_label=week.label, place_id=str(place_id) if place_id else None,
            external_id=f"{token}-{i + 1}",
        ))
    validated = validate_form(
        {"observationer": payload}, kommun_code=kommun_code, today=today, source="form",
        organisation_id=organisation_id, categories=_category_map(session, kommun_code),
    )
    form_input.add_row_errors(result.errors, validated.errors, indices)
    records = list(validated.records)
    for record in records:
        index = int(str(record.external_id).rsplit("-", 1)[1]) - 1
        in_week = week.monday <= record.observed_date <= week.sunday
        if record.observed_period == "dag" and not in_week:
            result.errors.add(index, "datum", (
                f"Datumet {record.observed_date.isoformat()} ligger inte i {week.text}. "
                "Välj ett datum i veckan, eller byt vecka överst i formuläret."
            ))
    if result.errors:
        return result
    positions = {f"{token}-{i + 1}": k for k, i in enumerate(indices)}
    rows = [positions[str(r.external_id)] + 1 for r in records]
    try:
        outcome = report_service.store_records(
            session=session, kommun_code=kommun_code, records=_same_id_for_identical(records),
            organisation_id=organisation_id, submitted_by_id=user_id, strict=True, rows=rows,
        )
    except report_service.StoreRejected as rejected:
        form_input.add_row_errors(result.errors, rejected.errors, indices)
        return result
    result.stored, result.skipped = len(outcome.created_ids), len(outcome.skipped)
    result.same_in_post = len(outcome.same_as)
    if outcome.created_ids:
        # Observations now exist for the week, so "nothing to report" no longer holds.
        nolls = session.exec(select(Nollrapport).where(
            Nollrapport.organisation_id == organisation_id, Nollrapport.iso_week == week.label
        )).all()
        for noll in nolls:
            session.delete(noll)
        result.removed_nollrapport = bool(nolls)
    session.flush()
    return result


def _same_id_for_identical(records: list[ReportRecord]) -> list[ReportRecord]:
    """Give an observation identical to an earlier one of the post that one's id, so it is stored once.

    Each form row gets its own external id (token-row), which is part of the content hash; without
    this, two identical rows would be two reports where a file import or the API stores one.
    """
    first_id: dict[str, str | None] = {}
    result = []
    for record in records:
        key = record.model_copy(update={"external_id": None}).content_hash()
        same = first_id.setdefault(key, record.external_id)
        result.append(record if same == record.external_id else record.model_copy(update={"external_id": same}))
    return result


def _category_map(session: Session, kommun_code: str) -> dict[str, str]:
    return {
        c.code: c.name
        for c in category_service.list_categories(session=session, kommun_code=kommun_code)
        if c.code not in HIDDEN_CATEGORY_CODES
    }


def report_rows(session: Session, reports: Sequence[Report]) -> list[dict[str, object]]:
    """Reports as the receipt and week list show them (category, when, where)."""
    categories = {c.id: c for c in session.exec(select(Category).where(
        col(Category.id).in_({r.category_id for r in reports})))}
    areas = {a.id: a.name for a in session.exec(select(Area).where(
        col(Area.id).in_({r.area_id for r in reports if r.area_id})))}
    places = {p.id: p.name for p in session.exec(select(Place).where(
        col(Place.id).in_({r.place_id for r in reports if r.place_id})))}
    rows = []
    for r in reports:
        if r.observed_period == "vecka":
            when = f"Under veckan ({week_of(r.observed_date).text})"
        else:
            when = r.observed_date.isoformat() + (
                f" kl. {r.observed_time.strftime('%H:%M')}" if r.observed_time else "")
        where = [x for x in (places.get(r.place_id or 0), r.place_text) if x]
        if r.x is not None and not where:
            where.append("Punkt på kartan")
        category = categories.get(r.category_id)
        rows.append({
            "report": r, "category": category.name if category else "",
            "when": when, "where": ", ".join(where) or "–",
            "area": areas.get(r.area_id or 0, "Kommunnivå (inget område)"),
            "masked_note": MASKED_NOTE if r.personnummer_masked else "",
            "editable": is_editable(r),
        })
    return rows


def receipt(*, session: Session, kommun_code: str, organisation_id: int,
            token: str) -> list[dict[str, object]]:
    """The reports stored by one form submission (same answer for a retried submission)."""
    token = form_input.submission_token(token) if token else ""
    reports = session.exec(select(Report).where(
        Report.kommun_code == kommun_code, Report.organisation_id == organisation_id,
        col(Report.external_id).like(f"{token}-%"),
    )).all() if token else []
    reports = sorted(reports, key=lambda r: int(str(r.external_id).rsplit("-", 1)[1]))
    return report_rows(session, reports)


def week_reports(*, session: Session, kommun_code: str, organisation_id: int,
                 week: Week) -> list[dict[str, object]]:
    """The organisation's own reports observed in the week, oldest first."""
    reports = session.exec(select(Report).where(
        Report.kommun_code == kommun_code, Report.organisation_id == organisation_id,
        col(Report.observed_date) >= week.monday, col(Report.observed_date) <= week.sunday,
    ).order_by(col(Report.observed_date), col(Report.observed_time), col(Report.id))).all()
    return report_rows(session, reports)


def has_nollrapport(*, session: Session, organisation_id: int, week: Week) -> bool:
    """Whether the organisation said "nothing to report" for the week."""
    return session.exec(select(func.count()).select_from(Nollrapport).where(
        Nollrapport.organisation_id == organisation_id, Nollrapport.iso_week == week.label
    )).one() > 0


def store_nollrapport(*, session: Session, kommun_code: str, organisation_id: int,
                      user_id: int | None, week: Week) -> bool:
    """Store "Inget att rapportera" once per organisation and week; False if already stored.

    Refused (AppError, Swedish) when the organisation has reported observations that week.
    """
    observed = session.exec(select(func.count()).select_from(Report).where(
        Report.organisation_id == organisation_id,
        col(Report.observed_date) >= week.monday, col(Report.observed_date) <= week.sunday,
    )).one()
    if observed:
        raise AppError(
            f"Ni har redan rapporterat {observed} observation{'er' if observed != 1 else ''} "
            f"för {week.text}, så en nollrapport kan inte lämnas. Se veckans rapporter.",
            status_code=409,
        )
    if has_nollrapport(session=session, organisation_id=organisation_id, week=week):
        return False
    try:
        with session.begin_nested():
            session.add(Nollrapport(kommun_code=kommun_code, organisation_id=organisation_id,
                                    iso_week=week.label, submitted_by_id=user_id))
    except IntegrityError:  # a simultaneous double-click stored it first
        return False
    return True


def is_editable(report: Report) -> bool:
    """An inrapportör may correct a report until an analyst has reviewed it."""
    return report.review_status == ReviewStatus.ny and report.duplicate_of_id is None


def own_report(*, session: Session, kommun_code: str, organisation_id: int,
               report_id: int) -> Report:
    """One of the organisation's own reports; NotFound for anyone else's (no hint it exists)."""
    report = session.get(Report, report_id)
    if report is None or report.kommun_code != kommun_code or (
        report.organisation_id != organisation_id
    ):
        raise NotFound("Rapporten finns inte, eller hör inte till din organisation.")
    return report


def report_values(session: Session, report: Report) -> dict[str, str]:
    """A stored report as form values (for the correction form)."""
    category = session.get(Category, report.category_id)
    place = session.get(Place, report.place_id) if report.place_id else None
    values = form_input.blank_observation()
    values.update({
        "kategori": category.code if category else "",
        "nar": "vecka" if report.observed_period == "vecka" else "dag",
        "datum": report.observed_date.isoformat(),
        "tid": report.observed_time.strftime("%H:%M") if report.observed_time else "",
        "plats_namn": place.name if place else "", "plats_id": str(place.id) if place else "",
        "plats": report.place_text, "beskrivning": report.description,
        "antal": "" if report.involved_count is None else str(report.involved_count),
    })
    if report.x is not None and report.y is not None:
        values["lat"], values["lon"] = _to_wgs84(report.x, report.y)
    return values


def _to_wgs84(x: float, y: float) -> tuple[str, str]:
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(3006, 4326, always_xy=True).transform(x, y)
    return f"{lat:.6f}", f"{lon:.6f}"


def update_report(*, session: Session, report: Report, values: dict[str, str],
                  today: date) -> FormErrors:
    """Correct a report through the same validation and placement as a new one."""
    errors = FormErrors()
    if not is_editable(report):
        errors.add(None, None, "Rapporten är redan granskad och kan inte ändras.")
        return errors
    week = week_of(report.observed_date if values.get("nar") == "vecka" else today)
    if values.get("nar") == "vecka" and values.get("datum"):
        with contextlib.suppress(ValueError):
            week = week_of(date.fromisoformat(values["datum"]))
    place_id = None
    if values.get("plats_namn"):
        place_id = form_places.resolve_place(session=session, kommun_code=report.kommun_code,
                                 name=values["plats_namn"], chosen_id=values.get("plats_id", ""))
        if place_id is None:
            errors.add(0, "plats_namn", f"Platsen ”{values['plats_namn']}” finns inte i listan.")
    validated = validate_form(
        {"observationer": [form_input.to_payload(
            values, week_label=week.label, place_id=str(place_id) if place_id else None,
            external_id=report.external_id)]},
        kommun_code=report.kommun_code, today=today, source="form",
        organisation_id=report.organisation_id,
        categories=_category_map(session, report.kommun_code),
    )
    form_input.add_row_errors(errors, validated.errors, [0])
    if errors:
        return errors
    record = validated.records[0]
    # The one placement rule of store_records, applied to the corrected record.
    area_id, place, error = report_service.place_record(
        session=session, kommun_code=report.kommun_code, record=record
    )
    if error is not None:
        form_input.add_row_errors(errors, [error], [0])
        return errors
    category = session.exec(select(Category).where(
        Category.kommun_code == report.kommun_code, Category.code == record.category_code)).one()
    report.category_id = category.id  # type: ignore[assignment]
    report.observed_date, report.observed_time = record.observed_date, record.observed_time
    report.observed_period = record.observed_period
    report.x, report.y, report.area_id, report.place_id = record.x, record.y, area_id, place
    report.place_text = record.place_text or ""
    report.description = record.description or ""
    report.involved_count = record.involved_count
    report.personnummer_masked = report.personnummer_masked or record.personnummer_masked
    report.content_hash = record.model_copy(update={"source": report.source}).content_hash()
    session.add(report)
    session.flush()
    return errors
