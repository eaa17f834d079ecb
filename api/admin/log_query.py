"""Reading the audit trail for a kommun: one filter feeds the admin's log page and its CSV export.

The trail is append-only (the database refuses UPDATE and DELETE). A kommun's log is every event
recorded in that kommun, plus the kommun-less events (logouts) of the users granted the kommun.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlmodel import Session, col, func, select

from api.admin.log_sentences import Person, people_for, sentence
from api.audit.models import AuditEvent
from api.core.time import local_time as core_local_time
from api.exports.csv_export import Column, header_line, neutralise
from api.users.models import UserKommun

PAGE_SIZE = 50
CSV_PAGE_SIZE = 2000

# Swedish names for the actions the application records; unknown actions are shown as they are.
ACTION_LABELS = {
    "login": "Inloggning",
    "login_failed": "Misslyckad inloggning",
    "login_locked": "Inloggning spärrad",  # before login_throttled replaced the hard lock (kept for old rows)
    "login_rate_limited": "För många inloggningsförsök",
    "login_throttled": "Inloggning fördröjd efter misslyckade försök",
    "login_sso_failed": "Misslyckad inloggning med SSO",
    "login_totp_failed": "Fel engångskod vid inloggning",
    "login_totp_locked": "Engångskoden spärrad efter för många fel",
    "logout": "Utloggning",
    "access_denied": "Nekad åtkomst",
    "report.read": "Läsning av rapporter",
    "report.create": "Ny rapport",
    "report.update": "Ändrad rapport",
    "report.review": "Granskning",
    "report.export": "Export av rapporter",
    "nollrapport.create": "Nollrapport",
    "import.upload": "Uppladdad importfil",
    "import.commit": "Genomförd import",
    "lagesbild.publish": "Publicerad lägesbild",
    "insats.create": "Ny insats",
    "insats.update": "Ändrad insats",
    "police_summary.upload": "Polisens veckosammanställning",
    "police_type_mapping.update": "Ändrade händelsetyper",
    "police_offences.upload": "Polisanmälda brott",
    "brottskod_mapping.update": "Ändrade brottskoder",
    "category_mapping.save": "Sparad kategorikoppling",
    "category_mapping.delete": "Borttagen kategorikoppling",
    "area.population_import": "Inläst befolkning per område",
    "organisation.create": "Ny organisation",
    "organisation.update": "Ändrad organisation",
    "organisation.deactivate": "Inaktiverad organisation",
    "organisation.activate": "Återaktiverad organisation",
    "user.create": "Nytt konto",
    "user.update": "Ändrat konto",
    "user.deactivate": "Inaktiverat konto",
    "user.activate": "Återaktiverat konto",
    "user.unlock": "Upplåst konto",
    "user.password_reset": "Nytt lösenord",
    "user.invite": "Inbjudningslänk",
    "user.invite_accept": "Lösenord valt via inbjudan",
    "user.sessions_revoked": "Utloggad från alla enheter",
    "api_token.create": "Ny API-nyckel",
    "api_token.revoke": "Återkallad API-nyckel",
    "counts.read": "Läsning av antal (API)",
    "kommun.settings.update": "Ändrade kommuninställningar",
    "kommun.mfa_requirement": "Ändrat krav på tvåstegsverifiering",
    "promise.update": "Ändrat medborgarlöfte",
    "promise.delete": "Borttaget medborgarlöfte",
    "promise_report.export": "Export av medborgarlöftets uppföljning",
    "report.gallring": "Gallring av fritext",
    "user.mfa_enrol": "Tvåstegsverifiering aktiverad",
    "user.mfa_reset": "Tvåstegsverifiering återställd",
    "user.provision_sso": "Nytt konto via SSO",
    "user.grant_sso": "Behörighet till SSO-konto",
    "audit.read": "Läsning av loggen",
    "audit.export": "Export av loggen",
}

CSV_COLUMNS = [
    Column("tid", "Lokal tid (Europe/Stockholm), ÅÅÅÅ-MM-DD TT:MM:SS."),
    Column("tid_utc", "Samma tidpunkt i UTC (ISO 8601)."),
    Column("anvandare", "Vem: e-postadress, token:<id> för en API-nyckel, eller system."),
    Column("anvandar_id", "Användarens nummer, tomt för API-nycklar och okända."),
    Column("handelse", "Händelsens kod, t.ex. report.read."),
    Column("beskrivning", "Händelsen på svenska."),
    Column("objekttyp", "Vad händelsen gällde (user, organisation, csv …)."),
    Column("objekt_id", "Objektets nummer eller namn."),
    Column("kommunkod", "Kommunens kod, tomt för händelser utan kommun (utloggning)."),
    Column("filter", "Filtret för läsningen eller exporten, som JSON."),
    Column("syfte", "Angivet syfte."),
    Column("ip", "Klientens IP-adress."),
    Column("mening", "Händelsen som en mening: vem gjorde vad med vilket objekt."),
]


@dataclass(frozen=True)
class AuditFilter:
    """Which events: the kommun, an optional local date range, action and user (part of the e-mail)."""

    kommun_code: str
    timezone: str = "Europe/Stockholm"
    first_date: date | None = None
    last_date: date | None = None
    action: str = ""
    user: str = ""

    def as_filter(self) -> dict[str, Any]:
        """The filter as recorded in the audit event for reading or exporting the log (set fields only)."""
        fields = {
            "fran": self.first_date.isoformat() if self.first_date else None,
            "till": self.last_date.isoformat() if self.last_date else None,
            "handelse": self.action or None,
            "anvandare": self.user or None,
        }
        return {key: value for key, value in fields.items() if value is not None}


def parse_filter(
    params: Mapping[str, str], *, kommun_code: str, timezone: str
) -> tuple[AuditFilter, dict[str, str]]:
    """The filter from the page's query string, and Swedish errors per field (bad fields are ignored)."""
    errors: dict[str, str] = {}
    dates: dict[str, date | None] = {}
    for field, label in (("fran", "Från"), ("till", "Till")):
        raw = params.get(field, "").strip()
        dates[field] = None
        if raw:
            try:
                dates[field] = date.fromisoformat(raw)
            except ValueError:
                errors[field] = f"{label}: ange ett datum som ÅÅÅÅ-MM-DD."
    first, last = dates["fran"], dates["till"]
    if first and last and last < first:
        errors["till"] = "Till: datumet kan inte vara före från-datumet."
        last = None
    return (
        AuditFilter(
            kommun_code=kommun_code, timezone=timezone, first_date=first, last_date=last,
            action=params.get("handelse", "").strip()[:50], user=params.get("anvandare", "").strip()[:200],
        ),
        errors,
    )


def _local_midnight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(timezone))


def _conditions(audit_filter: AuditFilter) -> list[Any]:
    kommun_users = select(UserKommun.user_id).where(UserKommun.kommun_code == audit_filter.kommun_code)
    conditions: list[Any] = [
        or_(
            col(AuditEvent.kommun_code) == audit_filter.kommun_code,
            and_(col(AuditEvent.kommun_code).is_(None), col(AuditEvent.user_id).in_(kommun_users)),
        )
    ]
    if audit_filter.first_date:
        conditions.append(
            col(AuditEvent.occurred_at) >= _local_midnight(audit_filter.first_date, audit_filter.timezone)
        )
    if audit_filter.last_date:
        end = _local_midnight(audit_filter.last_date + timedelta(days=1), audit_filter.timezone)
        conditions.append(col(AuditEvent.occurred_at) < end)
    if audit_filter.action:
        conditions.append(AuditEvent.action == audit_filter.action)
    if audit_filter.user:
        conditions.append(func.lower(AuditEvent.actor).contains(audit_filter.user.lower(), autoescape=True))
    return conditions


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    pages: int


def audit_page(*, session: Session, audit_filter: AuditFilter, page: int = 1) -> AuditPage:
    """One page (50 events) of the filtered log, newest first; a page past the end shows the last."""
    conditions = _conditions(audit_filter)
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    events = session.exec(
        select(AuditEvent)
        .where(*conditions)
        .order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return AuditPage(events=list(events), total=total, page=page, pages=pages)


def actions_in_log(*, session: Session, kommun_code: str) -> list[str]:
    """The actions that occur in the kommun's log, for the filter's choice list."""
    conditions = _conditions(AuditFilter(kommun_code=kommun_code))
    return list(session.exec(select(AuditEvent.action).where(*conditions).distinct().order_by(AuditEvent.action)))


def local_time(moment: datetime | None, timezone: str) -> str:
    """A stored UTC moment as local "ÅÅÅÅ-MM-DD TT:MM:SS" (the log shows seconds)."""
    return core_local_time(moment, timezone, seconds=True)


def _cells(event: AuditEvent, timezone: str, people: dict[int, Person]) -> list[str]:
    occurred = event.occurred_at
    return [
        local_time(occurred, timezone),
        occurred.astimezone(ZoneInfo("UTC")).isoformat(timespec="seconds") if occurred.tzinfo else occurred.isoformat(),
        neutralise(event.actor),
        str(event.user_id) if event.user_id is not None else "",
        neutralise(event.action),
        neutralise(ACTION_LABELS.get(event.action, "")),
        neutralise(event.object_type),
        neutralise(event.object_id),
        event.kommun_code or "",
        neutralise(event.filter),
        neutralise(event.purpose),
        neutralise(event.ip),
        neutralise(sentence(event, people)),
    ]


def _encode(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def audit_csv_chunks(
    *, open_session: Callable[[], Session], audit_filter: AuditFilter, page_size: int = CSV_PAGE_SIZE
) -> Iterator[bytes]:
    """The filtered log as CSV for Swedish Excel (BOM, `;`, CRLF, formulas neutralised), newest first.

    Keyset pages in short transactions of their own, so a long download holds no lock (SQLite).
    """
    yield header_line(CSV_COLUMNS)
    after: tuple[datetime, int] | None = None
    while True:
        with open_session() as session:
            conditions = _conditions(audit_filter)
            if after is not None:
                moment, last_id = after
                conditions.append(or_(col(AuditEvent.occurred_at) < moment,
                                      and_(col(AuditEvent.occurred_at) == moment, col(AuditEvent.id) < last_id)))
            events = session.exec(
                select(AuditEvent)
                .where(*conditions)
                .order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
                .limit(page_size)
            ).all()
            session.commit()
            people = people_for(session=session, events=events)
        if events:
            yield _encode([_cells(event, audit_filter.timezone, people) for event in events])
        if len(events) < page_size:
            return
        last = events[-1]
        after = (last.occurred_at, last.id)  # type: ignore[assignment]

