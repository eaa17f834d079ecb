"""The analyst's weekly checklist: granska → bedöm områden → skriv → publicera for the due week.

The due week is last week until it is published (api.lagesbild.service.due_week); each step links
to the page and week where it is done.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from analysis.weeks import week_start
from api.lagesbild import service as lagesbild_service
from api.lagesbild.models import LagesbildStatus
from api.lagesbild.summary import week_number
from api.reports.backlog import unreviewed_count


@dataclass(frozen=True)
class Step:
    """One step of the week: its label, a line of detail, the link, done or not."""

    key: str
    label: str
    detail: str
    href: str
    done: bool


@dataclass(frozen=True)
class Checklist:
    """The due week and its four steps in order."""

    week: str
    week_number: int
    steps: list[Step]

    @property
    def next_step(self) -> Step | None:
        """The first step not yet done (None when the week is published)."""
        return next((s for s in self.steps if not s.done), None)


def weekly_checklist(*, session: Session, kommun_code: str, current_week: str) -> Checklist:
    """The checklist of the due week in the kommun."""
    week = lagesbild_service.due_week(session=session, kommun_code=kommun_code,
                                      current_week=current_week)
    left = unreviewed_count(session=session, kommun_code=kommun_code, monday=week_start(week))
    existing = lagesbild_service.versions(session=session, kommun_code=kommun_code, week=week)
    latest = existing[-1] if existing else None
    published = any(v.status == LagesbildStatus.publicerad for v in existing)
    draft = latest if latest is not None and latest.status == LagesbildStatus.utkast else None
    page = f"/lagesbild/{week}"
    if published:
        unassessed: list[str] = []
        assess_detail = "Områdenas status är publicerad."
    elif draft is None:
        unassessed = []
        assess_detail = "Öppna utkastet: förslagen räknas fram när det skapas."
    else:
        unassessed = lagesbild_service.unassessed_non_green(session=session, lagesbild=draft)
        assess_detail = (f"{len(unassessed)} områden med förslag gul, orange eller röd saknar status."
                         if unassessed else "Alla områden med förslag gul, orange eller röd har status.")
    written = published or bool(draft is not None and draft.vad_gors.strip() and draft.prognos.strip())
    steps = [
        Step("granska", f"Granska ({left} kvar)",
             "Alla rapporter är granskade." if left == 0 else f"{left} rapporter väntar på granskning.",
             f"/granska/{week}", left == 0),
        Step("bedom", "Bedöm områden", assess_detail, f"{page}#lagesbedomning",
             published or (draft is not None and not unassessed)),
        Step("skriv", "Skriv", "Vad görs och prognos är skrivna." if written
             else "Skriv vad som görs och prognosen.", f"{page}#vad-gors", written),
        Step("publicera", "Publicera", "Veckan är publicerad." if published
             else "Publicera när stegen ovan är klara.", f"{page}#publicera", published),
    ]
    return Checklist(week=week, week_number=week_number(week), steps=steps)
