"""Organisations in a kommun."""

from __future__ import annotations

from sqlmodel import Session, select

from api.core.errors import AppError, NotFound
from api.organisations.models import ORGANISATION_TYPE_LABELS, Organisation, OrganisationType


def create_organisation(
    *, session: Session, kommun_code: str, name: str, type: str, expected_to_report: bool = True
) -> Organisation:
    """Add an organisation to a kommun."""
    try:
        kind = OrganisationType(type)
    except ValueError:
        allowed = ", ".join(t.value for t in OrganisationType)
        raise AppError(f"Okänd organisationstyp '{type}'. Välj en av: {allowed}.") from None
    name = name.strip()
    if not name:
        raise AppError("Organisationen måste ha ett namn.")
    if session.exec(
        select(Organisation).where(Organisation.kommun_code == kommun_code, Organisation.name == name)
    ).first():
        raise AppError(f"Organisationen '{name}' finns redan i kommunen.")
    organisation = Organisation(
        kommun_code=kommun_code, name=name, type=kind.value, expected_to_report=expected_to_report
    )
    session.add(organisation)
    session.flush()
    return organisation


def list_organisations(*, session: Session, kommun_code: str) -> list[Organisation]:
    return list(
        session.exec(
            select(Organisation)
            .where(Organisation.kommun_code == kommun_code)
            .order_by(Organisation.name)
        )
    )


def find_organisation(*, session: Session, kommun_code: str, name_or_id: str) -> Organisation:
    """An organisation of the kommun by id or exact name."""
    query = select(Organisation).where(Organisation.kommun_code == kommun_code)
    if name_or_id.isdigit():
        query = query.where(Organisation.id == int(name_or_id))
    else:
        query = query.where(Organisation.name == name_or_id)
    organisation = session.exec(query).first()
    if organisation is None:
        raise AppError(f"Organisationen '{name_or_id}' finns inte i kommunen {kommun_code}.")
    return organisation


def type_label(kind: str) -> str:
    return ORGANISATION_TYPE_LABELS.get(OrganisationType(kind), kind)


def get_organisation(*, session: Session, kommun_code: str, organisation_id: int) -> Organisation:
    """One of the kommun's organisations; NotFound for another kommun's."""
    organisation = session.exec(
        select(Organisation).where(
            Organisation.kommun_code == kommun_code, Organisation.id == organisation_id
        )
    ).first()
    if organisation is None:
        raise NotFound("Organisationen finns inte i kommunen.")
    return organisation


def update_organisation(
    *, session: Session, organisation: Organisation, name: str, type: str, expected_to_report: bool
) -> dict[str, tuple[object, object]]:
    """Rename or retype an organisation; returns what changed as {field: (before, after)}."""
    try:
        kind = OrganisationType(type)
    except ValueError:
        raise AppError("Välj en organisationstyp i listan.") from None
    name = name.strip()
    if not name:
        raise AppError("Organisationen måste ha ett namn.")
    if session.exec(
        select(Organisation).where(
            Organisation.kommun_code == organisation.kommun_code,
            Organisation.name == name,
            Organisation.id != organisation.id,
        )
    ).first():
        raise AppError(f"Organisationen '{name}' finns redan i kommunen.")
    changes: dict[str, tuple[object, object]] = {}
    for field, value in (("name", name), ("type", kind.value), ("expected_to_report", expected_to_report)):
        if getattr(organisation, field) != value:
            changes[field] = (getattr(organisation, field), value)
            setattr(organisation, field, value)
    session.add(organisation)
    session.flush()
    return changes


def set_organisation_active(*, session: Session, organisation: Organisation, active: bool) -> bool:
    """Deactivate or reactivate; False if it already was. An inactive organisation's API tokens stop working."""
    if organisation.active == active:
        return False
    organisation.active = active
    session.add(organisation)
    session.flush()
    return True
