"""A demo with a history: published weekly lägesbilder behind the clock's week, last week a draft.

Everything goes through the services the lägesbild and insats pages use (`draft_lagesbild`,
`save_draft`, `publish`, `new_version`, `create_insats`), each step under a clock fixed at the
moment an analyst would have done it (Tuesday morning after the week), so the rows' timestamps and
the audit trail read like a real history. Relative to `today`, so the demo is current on any date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from analysis.weeks import iso_week_label, shift_week, week_start
from api.core.clock import Clock, current_clock, using_clock
from api.insatser import service as insats_service
from api.lagesbild import compose as compose_module
from api.lagesbild import service as lagesbild_service
from api.lagesbild.snapshot import LagesbildSnapshot
from api.users.models import User

HISTORY_WEEKS = 8  # published weeks before last week (issue 14 asks for 8–12; each costs ~1 s)
CORRECTED_OFFSET = 3  # the week three weeks back gets a corrected version 2
INSATS_OFFSET = 6  # an insats decided at the meeting after the week six weeks back
_LOWER = {"röd": "orange", "orange": "gul", "gul": "grön"}


@dataclass
class DemoHistory:
    """What the demo published: the weeks (oldest first), the corrected week, the draft week."""

    published_weeks: list[str] = field(default_factory=list)
    corrected_week: str = ""
    draft_week: str = ""
    insats_title: str = ""


def publish_demo_history(
    *, session: Session, kommun_code: str, today: date, analyst: User, weeks: int = HISTORY_WEEKS
) -> DemoHistory:
    """Publish the `weeks` weeks before last week, correct one of them, leave last week as a draft."""
    this_week = str(iso_week_label(today))
    history = DemoHistory(draft_week=shift_week(this_week, -1))
    zone = current_clock().timezone
    for offset in range(weeks + 1, 1, -1):
        week = shift_week(this_week, -offset)
        meeting = week_start(week) + timedelta(days=8)  # the Tuesday after the week
        if offset == INSATS_OFFSET:
            with using_clock(_at(meeting - timedelta(days=1), time(15, 0), zone)):
                history.insats_title = _decide_insats(session=session, kommun_code=kommun_code,
                                                      week=shift_week(week, -1), starts=week_start(week),
                                                      analyst=analyst)
        with using_clock(_at(meeting, time(9, 30), zone)):
            _publish_week(session=session, kommun_code=kommun_code, week=week, analyst=analyst,
                          lower_one=offset % 3 == 0)
        history.published_weeks.append(week)
        if offset == CORRECTED_OFFSET:
            with using_clock(_at(meeting + timedelta(days=2), time(14, 15), zone)):
                _correct_week(session=session, kommun_code=kommun_code, week=week, analyst=analyst)
            history.corrected_week = week
    lagesbild_service.draft_lagesbild(
        session=session, kommun_code=kommun_code, week=history.draft_week, created_by=analyst.email
    )
    session.flush()
    return history


def _at(day: date, moment: time, zone: str) -> Clock:
    return Clock.fixed(datetime.combine(day, moment), timezone=zone)


def _publish_week(*, session: Session, kommun_code: str, week: str, analyst: User, lower_one: bool) -> None:
    draft, composed = lagesbild_service.draft_with_snapshot(
        session=session, kommun_code=kommun_code, week=week, created_by=analyst.email
    )
    query = compose_module.week_query(kommun_code, week)
    # The fresh draft's own composition (what the page would compose again): each week once.
    snapshot = composed or lagesbild_service.view(session=session, lagesbild=draft, query=query)
    data = _assessment(snapshot, lower_one=lower_one)
    errors = lagesbild_service.save_draft(
        session=session, lagesbild=draft, snapshot=snapshot, data=data, user_id=analyst.id, query=query
    )
    if errors:  # the demo's own input: a bug here, not a user's mistake
        raise RuntimeError(f"demo history {week}: {errors}")
    lagesbild_service.publish(session=session, lagesbild=draft, query=query, user=analyst, composed=snapshot)


def _assessment(snapshot: LagesbildSnapshot, *, lower_one: bool) -> lagesbild_service.DraftInput:
    """The analyst's week: every non-green suggestion confirmed or (once) lowered, with motivering."""
    data = lagesbild_service.DraftInput(
        vad_har_hant=snapshot.vad_har_hant or "\n".join(snapshot.generated_summary),
        vad_gors=_vad_gors(snapshot),
        prognos=_prognos(snapshot),
    )
    flagged = sorted((a for a in snapshot.areas if a.suggested_status != "grön"),
                     key=lambda a: (-a.count, a.code))
    for index, area in enumerate(flagged):
        reason = area.suggested_reasons[0] if area.suggested_reasons else f"{area.count} rapporter"
        if lower_one and index == len(flagged) - 1 and area.suggested_status in _LOWER:
            data.statuses[area.code] = _LOWER[area.suggested_status]
            data.motiveringar[area.code] = (
                f"Sänkt från {area.suggested_status}: ökningen ({reason.rstrip('.')}) gäller en enskild "
                "händelse som redan är åtgärdad enligt fastighetsägaren."
            )
        else:
            data.statuses[area.code] = area.suggested_status
            data.motiveringar[area.code] = f"Bekräftad vid veckomötet: {reason.rstrip('.')}."
    return data


def _vad_gors(snapshot: LagesbildSnapshot) -> str:
    lines = [
        f"{insats.title} ({insats.type_label.lower()}"
        + (f", ansvarig: {insats.responsible_organisation}" if insats.responsible_organisation else "")
        + ")."
        for insats in snapshot.insatser
    ]
    busiest = max(snapshot.areas, key=lambda a: (a.count, a.code), default=None)
    if busiest is not None and busiest.count:
        lines.append(f"Polisen och fältgruppen prioriterar kvällstid i {busiest.name} nästa vecka.")
    return "\n".join(lines) or "Inga nya insatser beslutades denna vecka."


def _prognos(snapshot: LagesbildSnapshot) -> str:
    ahead = sorted({f"{c.category_name.lower()} {c.date}" for c in snapshot.context_factors})
    if ahead:
        return ("Kommande veckor: " + ", ".join(ahead[:3])
                + ". Räkna med fler ungdomar ute kvällstid i centrum och de utsatta områdena.")
    return "Inga kända lov eller evenemang de närmaste fyra veckorna; läget väntas bestå."


def _decide_insats(*, session: Session, kommun_code: str, week: str, starts: date, analyst: User) -> str:
    """Register the insats the weekly meeting decides for the busiest area of `week`."""
    query = compose_module.week_query(kommun_code, week)
    draft = lagesbild_service.draft_lagesbild(
        session=session, kommun_code=kommun_code, week=week, created_by=analyst.email
    )
    snapshot = lagesbild_service.view(session=session, lagesbild=draft, query=query)
    busiest = max(snapshot.areas, key=lambda a: (a.count, a.code))
    title = f"Förstärkt väktarrondering kvällstid i {busiest.name}"
    insats_service.create_insats(
        session=session, kommun_code=kommun_code, created_by_id=analyst.id,
        data=insats_service.InsatsData(
            title=title, type="vaktarrondering", start_date=starts, end_date=starts + timedelta(weeks=8),
            status="pagaende", area_codes=[busiest.code],
            description=f"Beslutad vid veckomötet efter vecka {week[-2:].lstrip('0')}: "
                        "väktare går rundor fredag och lördag kväll (demo, syntetiska data).",
        ),
    )
    return title


def _correct_week(*, session: Session, kommun_code: str, week: str, analyst: User) -> None:
    """Version 2 of `week`: the published text corrected, as the "Skapa ny version" button does."""
    published = lagesbild_service.get_version(
        session=session, kommun_code=kommun_code, week=week, version=None, published_only=True
    )
    draft = lagesbild_service.new_version(session=session, lagesbild=published, created_by=analyst.email)
    query = compose_module.week_query(kommun_code, week)
    snapshot = lagesbild_service.view(session=session, lagesbild=draft, query=query)
    data = lagesbild_service.DraftInput(
        vad_har_hant=snapshot.vad_har_hant,
        vad_gors=snapshot.vad_gors + "\nRättelse: väktarrondering kvällstid gäller fredag och lördag, "
        "inte hela veckan som version 1 angav.",
        prognos=snapshot.prognos,
        statuses={a.code: a.status for a in snapshot.areas if a.status},
        motiveringar={a.code: a.motivering for a in snapshot.areas if a.status},
    )
    errors = lagesbild_service.save_draft(
        session=session, lagesbild=draft, snapshot=snapshot, data=data, user_id=analyst.id, query=query
    )
    if errors:
        raise RuntimeError(f"demo correction {week}: {errors}")
    lagesbild_service.publish(session=session, lagesbild=draft, query=query, user=analyst, composed=snapshot)
