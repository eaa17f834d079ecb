"""Which Lägesbild account an OpenID login is: matched by e-mail; roles and kommuner stay Lägesbild's."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from api.audit import service as audit_service
from api.sso.client import OidcError
from api.users import service as user_service
from api.users.models import Role, User, UserKommun

# An account made by single sign-on has no password: this is no argon2 hash, so no password matches it.
NO_PASSWORD = "!sso"
# What an auto-provisioned account starts as: the least privileged role without an organisation, and
# no kommun grant, so it sees nothing until an admin grants it a kommun (and the right role).
PROVISIONED_ROLE = Role.granskare


def claimed_email(claims: dict[str, Any], email_claim: str) -> str:
    """The normalised e-mail address the provider vouches for, or OidcError."""
    value = claims.get(email_claim)
    if not isinstance(value, str) or "@" not in value or len(value) > 320:
        raise OidcError(
            "Kommunens inloggning gav ingen e-postadress, så kontot kan inte kopplas. Kontakta administratören.",
            f"claim {email_claim!r} missing or not an e-mail address",
        )
    if email_claim == "email" and claims.get("email_verified") is False:
        raise OidcError(
            "Kommunens inloggning har inte bekräftat din e-postadress. Kontakta administratören.",
            "email_verified is false",
        )
    return user_service.normalise_email(value)


def account_for_login(
    *, session: Session, claims: dict[str, Any], email_claim: str, auto_provision: bool, ip: str
) -> User:
    """The active account for the login's e-mail (case-insensitive), created first when allowed."""
    email = claimed_email(claims, email_claim)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        if not auto_provision:
            raise OidcError(
                f"Det finns inget konto i Lägesbild för {email}. Be kommunens administratör att lägga "
                "upp dig som användare.",
                "unknown e-mail",
            )
        name = claims.get("name")
        user = User(
            name=(name if isinstance(name, str) and name.strip() else email)[:200].strip(),
            email=email,
            role=PROVISIONED_ROLE.value,
            password_hash=NO_PASSWORD,
        )
        session.add(user)
        session.flush()
        audit_service.record(
            session=session, action="user.provision_sso", actor=email, user_id=user.id, ip=ip,
            object_type="user", object_id=str(user.id),
        )
    if not user_service.may_sign_in(session=session, user=user):
        raise OidcError("Ditt konto i Lägesbild är inaktiverat. Kontakta administratören.", "account inactive")
    return user


def waiting_account(*, session: Session, email: str) -> User | None:
    """An account auto-provisioned by single sign-on that no kommun has been granted yet, or None."""
    user = session.exec(select(User).where(User.email == user_service.normalise_email(email))).first()
    if user is None or user.password_hash != NO_PASSWORD or user.id is None:
        return None
    if user_service.granted_kommuner(session=session, user_id=user.id):
        return None
    return user


def grant_waiting_account(
    *, session: Session, user: User, name: str, role: Role | str, organisation_id: int | None, kommun_code: str
) -> User:
    """Give a waiting SSO account its first kommun, role and organisation (the admin's "Ny användare")."""
    role = Role(role)
    user.name = name.strip() or user.name
    user.role = role.value
    user.organisation_id = organisation_id
    session.add(user)
    session.add(UserKommun(user_id=user.id, kommun_code=kommun_code))  # type: ignore[arg-type]
    session.flush()
    return user
