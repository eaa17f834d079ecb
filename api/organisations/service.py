"""Organisations in a kommun."""

from __future__ import annotations

from sqlmodel import Session, select

from api.core.errors import AppError
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
