"""Bulk review: one action on many reports of a week, all or nothing.

Every report in the batch is checked before anything changes: one report that is missing, another
kommun's, or merged into another refuses the whole batch, so the inbox never ends half-done. Each
report gets its own audit row (the route writes them from the returned changes).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col
from sqlmodel import select as sm_select

from api.core.errors import AppError
from api.reports.models import Report
from api.review import service

ACTIONS = {
    "godkann": "Godkänn",
    "kategori": "Byt kategori",
    "omrade": "Byt område",
    "avvisa": "Avvisa med motivering",
}


class BulkError(AppError):
    """A refused bulk action, naming the form field ("rapport", "atgard", "kategori", …)."""

    status_code = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class BulkAction:
    """What the analyst chose: the action and its one value (category, area or motivering)."""

    action: str
    category_code: str = ""
    area_code: str = ""
    note: str = ""


def _check_batch(session: Session, kommun_code: str, report_ids: list[int]) -> list[Report]:
    if not report_ids:
        raise BulkError("rapport", "Markera minst en rapport.")
    unique = sorted(set(report_ids))
    reports = list(session.exec(
        sm_select(Report).where(Report.kommun_code == kommun_code, col(Report.id).in_(unique))
        .order_by(col(Report.id))
    ).all())
    found = {r.id for r in reports}
    missing = [i for i in unique if i not in found]
    if missing:
        raise BulkError("rapport", f"Rapport {missing[0]} finns inte. Inget ändrades.")
    merged = [r for r in reports if r.duplicate_of_id]
    if merged:
        raise BulkError("rapport", f"Rapport {merged[0].id} är sammanslagen med rapport "
                                   f"{merged[0].duplicate_of_id} och kan inte ändras. Inget ändrades.")
    return reports


def apply(
    *, session: Session, kommun_code: str, report_ids: list[int], action: BulkAction,
    user_id: int | None,
) -> dict[int, dict]:
    """Apply one action to every listed report; per report what changed. Refuses the whole batch."""
    if action.action not in ACTIONS:
        raise BulkError("atgard", "Välj vad som ska göras med de markerade rapporterna.")
    if action.action == "avvisa":
        note = action.note.strip()
        if not note:
            raise BulkError("motivering", "Skriv varför rapporterna avvisas.")
        if len(note) > 1000:
            raise BulkError("motivering", "Motiveringen får vara högst 1 000 tecken.")
    if action.action == "kategori":
        codes = {c.code for c in service.category_choices(session=session, kommun_code=kommun_code)}
        if action.category_code not in codes:
            raise BulkError("kategori", "Välj en kategori i listan.")
    if action.action == "omrade":
        codes = {a.code for a in service.area_choices(session=session, kommun_code=kommun_code)}
        if action.area_code != service.KOMMUNNIVA and action.area_code not in codes:
            raise BulkError("omrade", "Välj ett område i listan eller kommunnivå.")
    reports = _check_batch(session, kommun_code, report_ids)
    changes: dict[int, dict] = {}
    for report in reports:
        assert report.id is not None
        if action.action == "godkann":
            changes[report.id] = service.accept(
                session=session, kommun_code=kommun_code, report_id=report.id, user_id=user_id)
        elif action.action == "avvisa":
            changes[report.id] = service.reject(
                session=session, kommun_code=kommun_code, report_id=report.id, user_id=user_id,
                note=action.note)
        else:
            current = service.report_codes(session=session, report=report)
            changes[report.id] = service.correct(
                session=session, kommun_code=kommun_code, report_id=report.id, user_id=user_id,
                category_code=action.category_code if action.action == "kategori" else current[0],
                area_code=action.area_code if action.action == "omrade" else current[1],
            )
    for report_changes in changes.values():
        report_changes["bulk"] = True
    return changes
