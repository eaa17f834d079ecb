"""The audit log in words: one Swedish sentence per event from its action, actor, object and details.

"Anna Berg (säkerhetshandläggare) godkände rapport 123", "Misslyckad inloggning för a@b.se från
10.0.0.1". The raw details stay available (the page shows them behind "Visa detaljer", the CSV keeps
its columns); the sentence is what a person reads first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from api.audit.models import AuditEvent
from api.organisations.models import Organisation
from api.users.models import ROLE_NAMES, User

# Actions whose sentence has no object: "<who> <verb>".
_SUBJECTLESS = {
    "login": "loggade in",
    "logout": "loggade ut",
}
# Login trouble names the account tried ("för <actor>") rather than a person acting.
_LOGIN_TROUBLE = {
    "login_failed": "Misslyckad inloggning",
    "login_locked": "Spärrad inloggning",
    "login_rate_limited": "För många inloggningsförsök",
    "login_throttled": "Fördröjd inloggning efter misslyckade försök",
    "login_sso_failed": "Misslyckad inloggning med SSO",
    "login_totp_failed": "Fel engångskod vid inloggning",
    "login_totp_locked": "Engångskoden spärrades efter för många fel",
}
# "<who> <verb> <object>" for the other actions.
_VERBS = {
    "access_denied": "nekades åtkomst till",
    "report.read": "läste rapporter via",
    "report.create": "skapade",
    "report.update": "ändrade",
    "report.export": "exporterade rapporter som",
    "report.gallring": "gallrade fritexten i",
    "nollrapport.create": "lämnade nollrapport för",
    "import.upload": "laddade upp importfilen",
    "import.commit": "genomförde importen",
    "lagesbild.publish": "publicerade",
    "insats.create": "skapade",
    "insats.update": "ändrade",
    "police_summary.upload": "laddade upp polisens veckosammanställning",
    "police_type_mapping.update": "ändrade polisens händelsetyper",
    "police_offences.upload": "laddade upp polisanmälda brott",
    "brottskod_mapping.update": "ändrade brottskoderna",
    "category_mapping.save": "sparade kategorikopplingen",
    "category_mapping.delete": "tog bort kategorikopplingen",
    "area.population_import": "läste in befolkning per område",
    "organisation.create": "skapade",
    "organisation.update": "ändrade",
    "organisation.deactivate": "inaktiverade",
    "organisation.activate": "återaktiverade",
    "user.create": "skapade",
    "user.update": "ändrade",
    "user.deactivate": "inaktiverade",
    "user.activate": "återaktiverade",
    "user.unlock": "låste upp",
    "user.password_reset": "satte nytt lösenord för",
    "user.sessions_revoked": "loggade ut från alla enheter:",
    "user.invite": "skapade en inbjudningslänk för",
    "user.invite_accept": "valde sitt lösenord via inbjudan till",
    "user.mfa_enrol": "aktiverade tvåstegsverifiering för",
    "user.mfa_reset": "återställde tvåstegsverifieringen för",
    "user.provision_sso": "fick via SSO",
    "user.grant_sso": "gav behörighet till",
    "api_token.create": "skapade",
    "api_token.revoke": "återkallade",
    "counts.read": "läste antal via",
    "kommun.settings.update": "ändrade kommuninställningarna",
    "kommun.mfa_requirement": "ändrade kravet på tvåstegsverifiering",
    "promise.update": "ändrade",
    "promise.delete": "tog bort",
    "promise_report.export": "exporterade uppföljningen av",
    "audit.read": "läste loggen",
    "audit.export": "exporterade loggen",
}
# How an object is named: "rapport 123", "kontot x@y.se".
_OBJECT_NOUNS = {
    "report": "rapport",
    "user": "kontot",
    "organisation": "organisationen",
    "insats": "insats",
    "lagesbild": "lägesbild",
    "kvartalspaket": "kvartalspaket",
    "promise": "medborgarlöfte",
    "api_token": "API-nyckel",
    "review_inbox": "granskningen vecka",
    "csv": "CSV",
}
# Objects the action already names ("läste loggen") get no object phrase.
_NO_OBJECT = {"audit.read", "audit.export", "kommun.settings.update", "kommun.mfa_requirement",
              "police_type_mapping.update", "brottskod_mapping.update"}


@dataclass(frozen=True)
class Person:
    """How the log names a user: name and role, and the organisation for the account's own phrase."""

    name: str
    role: str
    organisation: str = ""


def details(event: AuditEvent) -> dict[str, Any]:
    """The event's details JSON as a dict (empty when missing or not an object)."""
    if not event.filter:
        return {}
    try:
        value = json.loads(event.filter)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def people_for(*, session: Session, events: Iterable[AuditEvent]) -> dict[int, Person]:
    """The users an event list mentions (as actor or as a user object), with organisation names."""
    ids: set[int] = set()
    for event in events:
        if event.user_id is not None:
            ids.add(event.user_id)
        if event.object_type == "user" and event.object_id.isdigit():
            ids.add(int(event.object_id))
    if not ids:
        return {}
    rows = session.exec(
        select(User, Organisation.name)
        .outerjoin(Organisation, col(Organisation.id) == col(User.organisation_id))
        .where(col(User.id).in_(ids))
    ).all()
    return {user.id: Person(user.name, user.role, org or "") for user, org in rows if user.id is not None}


def _who(event: AuditEvent, people: dict[int, Person]) -> str:
    person = people.get(event.user_id) if event.user_id is not None else None
    if person is not None and event.action not in _LOGIN_TROUBLE:
        return f"{person.name} ({ROLE_NAMES.get(person.role, person.role)})"
    if event.actor == "system":
        return "Systemet"
    if event.actor.startswith("token:"):
        return f"API-nyckel {event.actor.removeprefix('token:')}"
    return event.actor or "Okänd"


def _user_object(event: AuditEvent, info: dict[str, Any], people: dict[int, Person]) -> str:
    person = people.get(int(event.object_id)) if event.object_id.isdigit() else None
    email = str(info.get("epost") or "") or (f"nr {event.object_id}" if event.object_id else "")
    if event.action in ("user.create", "user.invite", "user.grant_sso") and person is not None:
        role = ROLE_NAMES.get(str(info.get("roll") or person.role), person.role)
        extras = ", ".join(part for part in (role, person.organisation) if part)
        return f"kontot {email} ({extras})"
    return f"kontot {email}".rstrip()


def _object(event: AuditEvent, info: dict[str, Any], people: dict[int, Person]) -> str:
    if event.action in _NO_OBJECT:
        return ""
    if event.object_type == "user":
        return _user_object(event, info, people)
    noun = _OBJECT_NOUNS.get(event.object_type, event.object_type)
    name = str(info.get("namn") or "")
    if name:
        return f"{noun} {name}".strip()
    return f"{noun} {event.object_id}".strip()


def _review_verb(info: dict[str, Any]) -> str:
    status = info.get("review_status")
    if isinstance(status, list) and len(status) == 2:
        return {"godkand": "godkände", "avvisad": "avvisade", "ny": "återställde granskningen av"}.get(
            str(status[1]), "granskade")
    if "duplicate_of_id" in info:
        return "slog ihop eller delade"
    if "category" in info or "area" in info:
        return "rättade"
    return "granskade"


def sentence(event: AuditEvent, people: dict[int, Person]) -> str:
    """One Swedish sentence for an audit event, e.g. "Anna Berg (säkerhetshandläggare) godkände rapport 123"."""
    info = details(event)
    if event.action in _LOGIN_TROUBLE:
        where = f" från {event.ip}" if event.ip else ""
        return f"{_LOGIN_TROUBLE[event.action]} för {event.actor or 'okänt konto'}{where}"
    who = _who(event, people)
    if event.action in _SUBJECTLESS:
        return f"{who} {_SUBJECTLESS[event.action]}"
    verb = _review_verb(info) if event.action == "report.review" else _VERBS.get(event.action)
    if verb is None:
        verb = f"utförde {event.action} på"
    thing = _object(event, info, people)
    return " ".join(part for part in (who, verb, thing) if part)
