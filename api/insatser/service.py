"""Insatser: register, edit and look up what is being done, where and when.

Other features (the weekly lägesbild, the quarterly package) call `active_insatser` and
`insatser_for_area`; both return `InsatsView` rows with codes and labels already resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from api.core.errors import NotFound
from api.insatser.models import (
    INSATS_TYPE_LABELS,
    Insats,
    InsatsArea,
    InsatsCategory,
    InsatsStatus,
    InsatsType,
)
from api.organisations.models import Organisation

INSATS_STATUS_LABELS = {
    InsatsStatus.planerad: "Planerad",
    InsatsStatus.pagaende: "Pågående",
    InsatsStatus.avslutad: "Avslutad",
}


@dataclass(frozen=True)
class InsatsView:
    """An insats with its areas, categories and labels resolved, ready for a page or a package."""

    id: int
    kommun_code: str
    title: str
    type: str
    type_label: str
    description: str
    start_date: date
    end_date: date | None
    status: str
    status_label: str
    notes: str
    responsible_organisation_id: int | None
    responsible_organisation_name: str
    area_codes: tuple[str, ...]
    category_codes: tuple[str, ...]

    def active_on(self, day: date) -> bool:
        """Whether the insats runs on this day (no end date means still running)."""
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


@dataclass
class InsatsData:
    """Validated values for creating or updating an insats."""

    title: str
    type: str
    start_date: date
    end_date: date | None = None
    description: str = ""
    responsible_organisation_id: int | None = None
    status: str = InsatsStatus.planerad
    notes: str = ""
    area_codes: list[str] = field(default_factory=list)
    category_codes: list[str] = field(default_factory=list)


def type_label(kind: str) -> str:
    """The Swedish label of an insats type (the raw value if unknown)."""
    try:
        return INSATS_TYPE_LABELS[InsatsType(kind)]
    except ValueError:
        return kind


def status_label(status: str) -> str:
    """The Swedish label of an insats status (the raw value if unknown)."""
    try:
        return INSATS_STATUS_LABELS[InsatsStatus(status)]
    except ValueError:
        return status


def _views(session: Session, insatser: list[Insats]) -> list[InsatsView]:
    if not insatser:
        return []
    ids = [i.id for i in insatser]
    areas: dict[int, list[str]] = {}
    for area in session.exec(select(InsatsArea).where(col(InsatsArea.insats_id).in_(ids))):
        areas.setdefault(area.insats_id, []).append(area.area_code)
    categories: dict[int, list[str]] = {}
    for category in session.exec(
        select(InsatsCategory).where(col(InsatsCategory.insats_id).in_(ids))
    ):
        categories.setdefault(category.insats_id, []).append(category.category_code)
    org_ids = {i.responsible_organisation_id for i in insatser if i.responsible_organisation_id}
    org_names = {
        o.id: o.name
        for o in session.exec(select(Organisation).where(Organisation.id.in_(org_ids)))  # type: ignore[union-attr]
    } if org_ids else {}
    return [
        InsatsView(
            id=i.id,  # type: ignore[arg-type]
            kommun_code=i.kommun_code,
            title=i.title,
            type=i.type,
            type_label=type_label(i.type),
            description=i.description,
            start_date=i.start_date,
            end_date=i.end_date,
            status=i.status,
            status_label=status_label(i.status),
            notes=i.notes,
            responsible_organisation_id=i.responsible_organisation_id,
            responsible_organisation_name=org_names.get(i.responsible_organisation_id, ""),  # type: ignore[arg-type]
            area_codes=tuple(sorted(areas.get(i.id, []))),  # type: ignore[arg-type]
            category_codes=tuple(sorted(categories.get(i.id, []))),  # type: ignore[arg-type]
        )
        for i in insatser
    ]


def _ordered(statement):  # type: ignore[no-untyped-def]
    return statement.order_by(Insats.start_date, Insats.id)


def active_insatser(
    *, session: Session, kommun_code: str, first_date: date, last_date: date
) -> list[InsatsView]:
    """The kommun's insatser whose [start, end] overlaps the period (no end date: still running)."""
    statement = select(Insats).where(
        Insats.kommun_code == kommun_code,
        col(Insats.start_date) <= last_date,
        or_(col(Insats.end_date).is_(None), col(Insats.end_date) >= first_date),
    )
    return _views(session, list(session.exec(_ordered(statement))))


def insatser_for_area(
    *, session: Session, kommun_code: str, area_code: str, on_date: date
) -> list[InsatsView]:
    """The kommun's insatser in this area that run on the given day."""
    statement = (
        select(Insats)
        .join(InsatsArea, InsatsArea.insats_id == Insats.id)  # type: ignore[arg-type]
        .where(
            Insats.kommun_code == kommun_code,
            InsatsArea.area_code == area_code,
            col(Insats.start_date) <= on_date,
            or_(col(Insats.end_date).is_(None), col(Insats.end_date) >= on_date),
        )
    )
    return _views(session, list(session.exec(_ordered(statement))))


def list_insatser(
    *, session: Session, kommun_code: str, area_code: str | None = None
) -> list[InsatsView]:
    """All the kommun's insatser, newest start first; only those in `area_code` if given."""
    statement = select(Insats).where(Insats.kommun_code == kommun_code)
    if area_code:
        statement = statement.join(
            InsatsArea, InsatsArea.insats_id == Insats.id  # type: ignore[arg-type]
        ).where(InsatsArea.area_code == area_code)
    statement = statement.order_by(col(Insats.start_date).desc(), col(Insats.id).desc())
    return _views(session, list(session.exec(statement)))


def _get(session: Session, kommun_code: str, insats_id: int) -> Insats:
    insats = session.get(Insats, insats_id)
    # Another kommun's insats is reported as missing, not forbidden: its existence is not shown.
    if insats is None or insats.kommun_code != kommun_code:
        raise NotFound("Insatsen finns inte.")
    return insats


def get_insats(*, session: Session, kommun_code: str, insats_id: int) -> InsatsView:
    """One insats of the kommun; NotFound for a missing one or another kommun's."""
    return _views(session, [_get(session, kommun_code, insats_id)])[0]


def _write_links(session: Session, insats_id: int, data: InsatsData) -> None:
    for area in session.exec(select(InsatsArea).where(InsatsArea.insats_id == insats_id)):
        session.delete(area)
    for category in session.exec(select(InsatsCategory).where(InsatsCategory.insats_id == insats_id)):
        session.delete(category)
    session.flush()
    session.add_all(InsatsArea(insats_id=insats_id, area_code=code) for code in dict.fromkeys(data.area_codes))
    session.add_all(
        InsatsCategory(insats_id=insats_id, category_code=code)
        for code in dict.fromkeys(data.category_codes)
    )
    session.flush()


def _apply(insats: Insats, data: InsatsData) -> None:
    insats.title = data.title
    insats.type = data.type
    insats.description = data.description
    insats.start_date = data.start_date
    insats.end_date = data.end_date
    insats.responsible_organisation_id = data.responsible_organisation_id
    insats.status = data.status
    insats.notes = data.notes


def create_insats(
    *, session: Session, kommun_code: str, data: InsatsData, created_by_id: int | None = None
) -> InsatsView:
    """Register a new insats (values already checked by `validate_insats`)."""
    insats = Insats(kommun_code=kommun_code, created_by_id=created_by_id, title="", type="",
                    start_date=data.start_date)
    _apply(insats, data)
    session.add(insats)
    session.flush()
    _write_links(session, insats.id, data)  # type: ignore[arg-type]
    return get_insats(session=session, kommun_code=kommun_code, insats_id=insats.id)  # type: ignore[arg-type]


def update_insats(
    *, session: Session, kommun_code: str, insats_id: int, data: InsatsData
) -> InsatsView:
    """Replace an insats's values, areas and categories."""
    insats = _get(session, kommun_code, insats_id)
    _apply(insats, data)
    session.add(insats)
    session.flush()
    _write_links(session, insats_id, data)
    return get_insats(session=session, kommun_code=kommun_code, insats_id=insats_id)


def validate_insats(
    values: dict[str, str], area_codes: list[str], category_codes: list[str], *,
    allowed_areas: set[str], allowed_categories: set[str], allowed_organisations: set[int],
) -> tuple[InsatsData | None, dict[str, str]]:
    """Check a submitted insats form; the data, or Swedish errors keyed by field name."""
    errors: dict[str, str] = {}
    title = values.get("titel", "").strip()
    if not title:
        errors["titel"] = "Skriv en rubrik för insatsen."
    elif len(title) > 200:
        errors["titel"] = "Rubriken får vara högst 200 tecken."
    kind = values.get("typ", "")
    if kind not in {t.value for t in InsatsType}:
        errors["typ"] = "Välj vilken typ av insats det är."
    start = _date(values.get("startdatum", ""), "startdatum", "Ange startdatum", errors)
    end = _date(values.get("slutdatum", ""), "slutdatum", "", errors)
    if start and end and end < start:
        errors["slutdatum"] = "Slutdatum kan inte vara före startdatum."
    if not area_codes:
        errors["omraden"] = "Välj minst ett område där insatsen görs."
    elif any(code not in allowed_areas for code in area_codes):
        errors["omraden"] = "Välj områden i listan."
    if any(code not in allowed_categories for code in category_codes):
        errors["kategorier"] = "Välj kategorier i listan."
    organisation = values.get("organisation", "").strip()
    organisation_id = int(organisation) if organisation.isdigit() else None
    if organisation and organisation_id not in allowed_organisations:
        errors["organisation"] = "Välj en organisation i listan."
    status = values.get("status", InsatsStatus.planerad)
    if status not in {s.value for s in InsatsStatus}:
        errors["status"] = "Välj en status i listan."
    if errors or start is None:
        return None, errors
    return InsatsData(
        title=title, type=kind, start_date=start, end_date=end,
        description=values.get("beskrivning", "").strip(),
        responsible_organisation_id=organisation_id, status=status,
        notes=values.get("anteckningar", "").strip(),
        area_codes=list(dict.fromkeys(area_codes)), category_codes=list(dict.fromkeys(category_codes)),
    ), {}


def _date(text: str, name: str, missing: str, errors: dict[str, str]) -> date | None:
    text = text.strip()
    if not text:
        if missing:
            errors[name] = f"{missing} (ÅÅÅÅ-MM-DD)."
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = f"Datumet '{text}' finns inte; skriv det som ÅÅÅÅ-MM-DD, t.ex. 2026-11-16."
        return None
