"""The analyst's review (granskning) of a week's reports: accept, correct, merge, reject.

Nothing is ever deleted: a merge sets `duplicate_of_id` on the duplicate (both rows stay, the query
object stops counting the duplicate) and can be undone. Every change returns a dict of what changed,
which the route writes to the audit log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from api.areas import service as area_service
from api.areas.models import Area
from api.categories.models import Category
from api.core.errors import AppError, NotFound
from api.core.time import utcnow
from api.organisations.models import Organisation
from api.reports.models import Report, ReviewStatus, Source
from api.reports.query import ReportQuery, free_text_columns, reports_frame
from api.users.principal import Principal
from ingest.records import MAX_ROW_ID

KOMMUNNIVA = "kommun"  # the area choice "kommunnivå": a report placed in no area
SOURCE_LABELS = {
    Source.form.value: "Formulär",
    Source.api.value: "API (systemintegration)",
    Source.import_.value: "Filimport",
    Source.police_feed.value: "Polisens händelser (polisen.se)",
    Source.police_summary.value: "Polisens veckosammanställning",
    Source.police_offences.value: "Polisanmälda brott",
}
STATUS_LABELS = {
    ReviewStatus.ny.value: "Ny",
    ReviewStatus.godkand.value: "Godkänd",
    ReviewStatus.avvisad.value: "Avvisad",
}


class CorrectionError(AppError):
    """A refused correction, naming the form field ("kategori" or "omrade")."""

    status_code = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class InboxFilter:
    """The inbox's GET filters; empty values mean "all"."""

    omrade: str = ""
    kategori: str = ""
    organisation: str = ""
    kalla: str = ""
    status: str = ""
    flaggade: bool = False

    @classmethod
    def from_params(cls, params: dict[str, str]) -> InboxFilter:
        """The filter from query parameters (unknown values are kept and simply match nothing)."""
        return cls(
            omrade=params.get("omrade", "").strip(),
            kategori=params.get("kategori", "").strip(),
            organisation=params.get("organisation", "").strip(),
            kalla=params.get("kalla", "").strip(),
            status=params.get("status", "").strip(),
            flaggade=params.get("flaggade", "") in ("1", "on", "ja"),
        )

    def as_dict(self) -> dict[str, object]:
        """Only the filters in use (for the audit log)."""
        return {key: value for key, value in asdict(self).items() if value}

    def query_pairs(self) -> list[tuple[str, str]]:
        """The filters in use as query-string pairs, as `from_params` reads them (flaggade=1)."""
        return [(key, "1" if value is True else str(value)) for key, value in self.as_dict().items()]


@dataclass(frozen=True)
class InboxRow:
    """One report as the inbox shows it."""

    id: int
    observed_date: date
    observed_time: time | None
    category_code: str
    category_name: str
    area_code: str
    area_name: str
    place_text: str
    description: str
    organisation_name: str
    source: str
    source_label: str
    report_count: int
    review_status: str
    status_label: str
    review_note: str
    reviewed_at: datetime | None
    suspected_duplicate_of_id: int | None
    duplicate_of_id: int | None
    privacy_flag: bool
    personnummer_masked: bool
    #: When gallring removed the free text (description, place text, review note); None = kept.
    text_removed_at: datetime | None = None
    #: A sensitive category (sexualbrott): its text is for analysts only and never exported.
    sensitive: bool = False

    @property
    def flagged(self) -> bool:
        """A suspected duplicate, a privacy flag or a masked personnummer needs a closer look."""
        return bool(
            (self.suspected_duplicate_of_id and not self.duplicate_of_id)
            or self.privacy_flag or self.personnummer_masked
        )

    @property
    def when(self) -> str:
        """ISO date and 24-hour time, as users read it."""
        if self.observed_time is None:
            return self.observed_date.isoformat()
        return f"{self.observed_date.isoformat()} {self.observed_time.strftime('%H:%M')}"


def _row_statement(principal: Principal):  # type: ignore[no-untyped-def]
    report, area, category, organisation = (
        Report.__table__, Area.__table__, Category.__table__, Organisation.__table__,  # type: ignore[attr-defined]
    )
    # The free text through the query object's rule: a sensitive category's text for analysts only.
    free_text = free_text_columns(principal)
    plain = [c for c in report.c if c.name not in {f.name for f in free_text}]
    return (
        select(*plain, *free_text, category.c.code.label("category_code"),
               category.c.name.label("category_name"), category.c.sensitive,
               area.c.code.label("area_code"), area.c.name.label("area_name"),
               organisation.c.name.label("organisation_name"))
        .select_from(report)
        .join(category, category.c.id == report.c.category_id)
        .outerjoin(area, area.c.id == report.c.area_id)
        .outerjoin(organisation, organisation.c.id == report.c.organisation_id)
        .where(report.c.kommun_code == principal.kommun_code)
    )


def _to_row(m) -> InboxRow:  # type: ignore[no-untyped-def]
    return InboxRow(
        id=m["id"], observed_date=m["observed_date"], observed_time=m["observed_time"],
        category_code=m["category_code"], category_name=m["category_name"],
        area_code=m["area_code"] or "", area_name=m["area_name"] or "",
        place_text=m["place_text"] or "", description=m["description"] or "",
        organisation_name=m["organisation_name"] or "", source=m["source"],
        source_label=SOURCE_LABELS.get(m["source"], m["source"]),
        report_count=m["report_count"], review_status=m["review_status"],
        status_label=STATUS_LABELS.get(m["review_status"], m["review_status"]),
        review_note=m["review_note"] or "", reviewed_at=m["reviewed_at"],
        suspected_duplicate_of_id=m["suspected_duplicate_of_id"],
        duplicate_of_id=m["duplicate_of_id"], privacy_flag=bool(m["privacy_flag"]),
        personnummer_masked=bool(m["personnummer_masked"]), text_removed_at=m["text_removed_at"],
        sensitive=bool(m["sensitive"]),
    )


def inbox_rows(
    *, session: Session, principal: Principal, monday: date, filters: InboxFilter
) -> list[InboxRow]:
    """The week's reports of the kommun under the filters, merged duplicates included (to undo)."""
    report, area, category = Report.__table__, Area.__table__, Category.__table__  # type: ignore[attr-defined]
    conditions = [
        report.c.observed_date >= monday,
        report.c.observed_date <= monday + timedelta(days=6),
    ]
    if filters.omrade == KOMMUNNIVA:
        conditions.append(report.c.area_id.is_(None))
    elif filters.omrade:
        conditions.append(area.c.code == filters.omrade)
    if filters.kategori:
        conditions.append(category.c.code == filters.kategori)
    if filters.organisation:
        organisation_id = int(filters.organisation) if filters.organisation.isdigit() else -1
        organisation_id = organisation_id if organisation_id <= MAX_ROW_ID else -1  # names no row
        conditions.append(report.c.organisation_id == organisation_id)
    if filters.kalla:
        conditions.append(report.c.source == filters.kalla)
    if filters.status:
        conditions.append(report.c.review_status == filters.status)
    if filters.flaggade:
        # A flagged duplicate stays in this view after the merge, so the merge can be undone here.
        conditions.append(or_(
            report.c.suspected_duplicate_of_id.is_not(None), report.c.duplicate_of_id.is_not(None),
            report.c.privacy_flag.is_(True), report.c.personnummer_masked.is_(True),
        ))
    statement = _row_statement(principal).where(*conditions).order_by(
        report.c.observed_date, report.c.observed_time, report.c.id
    )
    return [_to_row(m) for m in session.connection().execute(statement).mappings()]


def inbox_row(*, session: Session, principal: Principal, report_id: int) -> InboxRow:
    """One report of the kommun as an inbox row; NotFound for another kommun's."""
    statement = _row_statement(principal).where(Report.__table__.c.id == report_id)  # type: ignore[attr-defined]
    found = session.connection().execute(statement).mappings().first()
    if found is None:
        raise NotFound("Rapporten finns inte.")
    return _to_row(found)


def get_report(*, session: Session, kommun_code: str, report_id: int) -> Report:
    """A report of the kommun; another kommun's is reported as missing (404), never shown."""
    report = session.get(Report, report_id)
    if report is None or report.kommun_code != kommun_code:
        raise NotFound("Rapporten finns inte.")
    return report


def _reviewed(report: Report, user_id: int | None) -> None:
    report.reviewed_by_id = user_id
    report.reviewed_at = utcnow()


def accept(*, session: Session, kommun_code: str, report_id: int, user_id: int | None) -> dict:
    """Mark the report godkänd."""
    report = get_report(session=session, kommun_code=kommun_code, report_id=report_id)
    changes = {"review_status": [report.review_status, ReviewStatus.godkand.value]}
    report.review_status = ReviewStatus.godkand
    report.review_note = ""
    _reviewed(report, user_id)
    session.add(report)
    session.flush()
    return changes


def accept_many(
    *, session: Session, kommun_code: str, report_ids: list[int], user_id: int | None
) -> list[int]:
    """Accept every listed report of the kommun that is still ny and not merged; their ids."""
    if not report_ids:
        return []
    reports = session.exec(
        sm_select(Report).where(
            Report.kommun_code == kommun_code, col(Report.id).in_(report_ids),
            Report.review_status == ReviewStatus.ny, col(Report.duplicate_of_id).is_(None),
        ).order_by(col(Report.id))
    ).all()
    for report in reports:
        report.review_status = ReviewStatus.godkand
        _reviewed(report, user_id)
        session.add(report)
    session.flush()
    return [r.id for r in reports]  # type: ignore[misc]


def reject(
    *, session: Session, kommun_code: str, report_id: int, user_id: int | None, note: str
) -> dict:
    """Mark the report avvisad; a reason is required (AppError in Swedish otherwise)."""
    report = get_report(session=session, kommun_code=kommun_code, report_id=report_id)
    note = note.strip()
    if not note:
        raise AppError("Skriv varför rapporten avvisas.", status_code=422)
    if len(note) > 1000:
        raise AppError("Motiveringen får vara högst 1 000 tecken.", status_code=422)
    # The audit row records that a reason was given, not its text: the audit table is append-only, so a copy
    # of free text there would outlive gallring of the report.
    changes = {"review_status": [report.review_status, ReviewStatus.avvisad.value],
               "motivering_tecken": len(note)}
    report.review_status = ReviewStatus.avvisad
    report.review_note = note
    _reviewed(report, user_id)
    session.add(report)
    session.flush()
    return changes


def area_choices(*, session: Session, kommun_code: str) -> list[Area]:
    """The areas of the kommun's active set, by code."""
    area_set = area_service.active_area_set(session=session, kommun_code=kommun_code)
    if area_set is None:
        return []
    return list(session.exec(sm_select(Area).where(Area.area_set_id == area_set.id).order_by(Area.code)))


def category_choices(*, session: Session, kommun_code: str) -> list[Category]:
    """The kommun's categories in their sort order."""
    return list(session.exec(
        sm_select(Category).where(Category.kommun_code == kommun_code)
        .order_by(Category.sort_order, Category.name)  # type: ignore[arg-type]
    ))


def correct(
    *, session: Session, kommun_code: str, report_id: int, user_id: int | None,
    category_code: str, area_code: str,
) -> dict:
    """Change the report's category and/or area (active set, or KOMMUNNIVA); what changed."""
    report = get_report(session=session, kommun_code=kommun_code, report_id=report_id)
    categories = {c.code: c for c in category_choices(session=session, kommun_code=kommun_code)}
    areas = {a.code: a for a in area_choices(session=session, kommun_code=kommun_code)}
    if category_code not in categories:
        raise CorrectionError("kategori", "Välj en kategori i listan.")
    if area_code != KOMMUNNIVA and area_code not in areas:
        raise CorrectionError("omrade", "Välj ett område i listan eller kommunnivå.")
    changes: dict[str, list[str]] = {}
    category = categories[category_code]
    if category.id != report.category_id:
        old = session.get(Category, report.category_id)
        changes["category"] = [old.code if old else "", category.code]
        report.category_id = category.id  # type: ignore[assignment]
    new_area_id = None if area_code == KOMMUNNIVA else areas[area_code].id
    if new_area_id != report.area_id:
        old_area = session.get(Area, report.area_id) if report.area_id else None
        changes["area"] = [old_area.code if old_area else KOMMUNNIVA, area_code]
        report.area_id = new_area_id
    if changes:
        _reviewed(report, user_id)
        session.add(report)
        session.flush()
    return changes


def merge_problem(*, session: Session, report: Report, target: Report) -> str:
    """Why `report` cannot be merged into `target` (Swedish), or "" when it can."""
    if report.id == target.id:
        return "En rapport kan inte slås ihop med sig själv."
    if report.duplicate_of_id:
        return f"Rapport {report.id} är redan sammanslagen med rapport {report.duplicate_of_id}."
    if target.duplicate_of_id:
        return (f"Rapport {target.id} är själv sammanslagen med rapport {target.duplicate_of_id}; "
                f"slå ihop med rapport {target.duplicate_of_id} i stället.")
    merged_into_report = session.exec(
        sm_select(Report.id).where(Report.duplicate_of_id == report.id)
    ).first()
    if merged_into_report:
        return (f"Rapport {merged_into_report} är sammanslagen med rapport {report.id}; "
                "ångra den sammanslagningen först.")
    return ""


def merge(
    *, session: Session, kommun_code: str, report_id: int, into_id: int, user_id: int | None
) -> dict:
    """Merge a duplicate into the report it duplicates: both rows stay, only the link is set."""
    report = get_report(session=session, kommun_code=kommun_code, report_id=report_id)
    try:
        target = get_report(session=session, kommun_code=kommun_code, report_id=into_id)
    except NotFound as missing:
        raise AppError(f"Rapport {into_id} finns inte.", status_code=422) from missing
    problem = merge_problem(session=session, report=report, target=target)
    if problem:
        raise AppError(problem, status_code=422)
    report.duplicate_of_id = target.id
    _reviewed(report, user_id)
    session.add(report)
    session.flush()
    return {"duplicate_of_id": [None, target.id]}


def undo_merge(*, session: Session, kommun_code: str, report_id: int, user_id: int | None) -> dict:
    """Remove the merge link: the report counts again on its own."""
    report = get_report(session=session, kommun_code=kommun_code, report_id=report_id)
    if not report.duplicate_of_id:
        raise AppError(f"Rapport {report.id} är inte sammanslagen.", status_code=422)
    changes = {"duplicate_of_id": [report.duplicate_of_id, None]}
    report.duplicate_of_id = None
    _reviewed(report, user_id)
    session.add(report)
    session.flush()
    return changes


def counted_total(*, session: Session, kommun_code: str, monday: date) -> int:
    """What the week's lägesbild counts: the one query object's frame, report counts summed."""
    frame = reports_frame(session=session, query=ReportQuery.for_weeks(kommun_code, monday))
    return int(frame["report_count"].sum())


def report_codes(*, session: Session, report: Report) -> tuple[str, str]:
    """The report's category code and area code (KOMMUNNIVA when it lies in no area)."""
    category = session.get(Category, report.category_id)
    area = session.get(Area, report.area_id) if report.area_id else None
    return (category.code if category else ""), (area.code if area else KOMMUNNIVA)

