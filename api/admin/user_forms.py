"""Reading and checking the admin's user forms; errors are Swedish and keyed by field."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, select

from api.admin._common import parse_id
from api.organisations.models import Organisation
from api.sso import service as sso_service
from api.users import service as user_service
from api.users.models import ROLE_LABELS, Role, User
from api.users.password_policy import password_problem

ROLES = {role.value: label for role, label in ROLE_LABELS.items()}
# Deliberately loose: one @, something on both sides, a dot in the domain, no spaces.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class AccountInput:
    name: str
    role: str
    organisation_id: int | None


def kommun_organisations(session: Session, kommun_code: str) -> list[Organisation]:
    """The kommun's active organisations, the ones a user may be placed in."""
    return list(session.exec(
        select(Organisation)
        .where(Organisation.kommun_code == kommun_code, Organisation.active == True)  # noqa: E712
        .order_by(Organisation.name)
    ))


def check_account(
    session: Session, kommun_code: str, values: dict[str, str], errors: dict[str, str]
) -> AccountInput | None:
    """Name, role and organisation from a form (errors are added to `errors`)."""
    name = values.get("namn", "").strip()
    if not name:
        errors["namn"] = "Namn: skriv användarens namn."
    elif len(name) > 200:
        errors["namn"] = "Namn: högst 200 tecken."
    role = values.get("roll", "")
    if role not in ROLES:
        errors["roll"] = "Roll: välj en roll i listan."
    raw_organisation = values.get("organisation", "").strip()
    organisation_id = parse_id(raw_organisation)
    allowed = {o.id for o in kommun_organisations(session, kommun_code)}
    if raw_organisation and organisation_id not in allowed:
        errors["organisation"] = "Organisation: välj en av kommunens aktiva organisationer."
    elif role == Role.inrapportor.value and organisation_id is None:
        errors["organisation"] = "Organisation: en inrapportör måste höra till en organisation."
    if errors:
        return None
    return AccountInput(name=name, role=role, organisation_id=organisation_id)


def check_email(session: Session, values: dict[str, str], errors: dict[str, str]) -> str:
    """The normalised e-mail of a new account (errors are added to `errors`)."""
    email = user_service.normalise_email(values.get("epost", ""))
    if not email:
        errors["epost"] = "E-post: skriv användarens e-postadress."
    elif len(email) > 320 or not _EMAIL.match(email):
        errors["epost"] = "E-post: skriv en giltig e-postadress, till exempel namn@kommun.se."
    elif (session.exec(select(User.id).where(User.email == email)).first() is not None
          and sso_service.waiting_account(session=session, email=email) is None):
        errors["epost"] = ("E-post: det finns redan ett konto med den e-postadressen. Ska personen arbeta i fler "
                           "kommuner ger systemförvaltaren kontot tillgång till dem.")
    return email


def check_password(values: dict[str, str], errors: dict[str, str], *, email: str, name: str) -> str:
    """The admin's chosen password for the user with this e-mail and name, or "" to generate one (errors
    are added to `errors`; the policy is api.users.password_policy)."""
    password = values.get("losenord", "")
    problem = password_problem(password, email=email, name=name) if password else None
    if problem:
        errors["losenord"] = f"Lösenord: {problem} Eller lämna fältet tomt för ett slumpat lösenord."
    return password
