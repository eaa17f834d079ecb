"""Medborgarlöften: change and remove what the analyst registered (löfte, åtaganden, log, indicators).

Every lookup goes through the löfte, which is already scoped to the kommun: a child row of another
löfte (or another kommun) is "not found", never touched. Each change returns what it changed, so the
page can write it to the audit log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import delete
from sqlmodel import Session, SQLModel, col, select

from api.core.errors import NotFound
from api.promises.models import (
    Atagande,
    AtagandeLog,
    Aterkoppling,
    LofteIndicator,
    LofteIndicatorValue,
    Medborgarlofte,
    MedborgarlofteArea,
)
from api.promises.service import (
    MAX_ROW_ID,
    Errors,
    ataganden,
    fill_indicator,
    indicators,
    validate_atagande,
)

Row = TypeVar("Row", bound=SQLModel)
PROMISE_FIELDS = ("title", "promise_text", "parties", "period_start_date", "period_end_date",
                  "status", "aterkoppling_interval_days")
INDICATOR_FIELDS = ("name", "unit", "period", "direction", "target_value", "category_codes",
                    "area_codes", "baseline_start_date", "baseline_end_date", "baseline_value")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _apply(row: SQLModel, data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    """Set the fields on the row; the changed ones as {field: [before, after]} (for the audit log)."""
    changes = {}
    for name in fields:
        before, after = getattr(row, name), data[name]
        if before != after:
            changes[name] = [_plain(before), _plain(after)]
            setattr(row, name, after)
    return changes


def area_codes(session: Session, promise: Medborgarlofte) -> list[str]:
    """The löfte's area codes, sorted."""
    return sorted(session.exec(select(MedborgarlofteArea.area_code).where(
        MedborgarlofteArea.medborgarlofte_id == promise.id)))


def update_promise(*, session: Session, promise: Medborgarlofte,
                   data: dict[str, Any]) -> dict[str, list[Any]]:
    """Store the edited löfte (validated with `validate_promise`) and its areas; what changed."""
    changes = _apply(promise, data, PROMISE_FIELDS)
    before = area_codes(session, promise)
    if before != data["area_codes"]:
        changes["area_codes"] = [before, data["area_codes"]]
        session.execute(delete(MedborgarlofteArea).where(
            col(MedborgarlofteArea.medborgarlofte_id) == promise.id,
            col(MedborgarlofteArea.area_code).not_in(data["area_codes"])))
        for code in sorted(set(data["area_codes"]) - set(before)):
            session.add(MedborgarlofteArea(medborgarlofte_id=promise.id, area_code=code))  # type: ignore[arg-type]
    session.add(promise)
    session.flush()
    return changes


def close_promise(*, session: Session, promise: Medborgarlofte) -> dict[str, list[Any]]:
    """Mark the löfte avslutat (kept with its follow-up); what changed."""
    changes = _apply(promise, {"status": "avslutat"}, ("status",))
    session.add(promise)
    session.flush()
    return changes


@dataclass(frozen=True)
class Contents:
    """What goes with a löfte when it is removed."""

    ataganden: int
    logs: int
    indicators: int
    values: int
    aterkopplingar: int


def _ids(rows: list[Any]) -> list[int]:
    return [row.id for row in rows]


def contents(*, session: Session, promise: Medborgarlofte) -> Contents:
    """Count the åtaganden, log entries, indicators, values and återkopplingar of the löfte."""
    atagande_ids = _ids(ataganden(session, promise))
    indicator_ids = _ids(indicators(session, promise))
    return Contents(
        ataganden=len(atagande_ids),
        logs=len(session.exec(select(AtagandeLog.id).where(
            col(AtagandeLog.atagande_id).in_(atagande_ids))).all()),
        indicators=len(indicator_ids),
        values=len(session.exec(select(LofteIndicatorValue.id).where(
            col(LofteIndicatorValue.lofte_indicator_id).in_(indicator_ids))).all()),
        aterkopplingar=len(session.exec(select(Aterkoppling.id).where(
            Aterkoppling.medborgarlofte_id == promise.id)).all()),
    )


def delete_promise(*, session: Session, promise: Medborgarlofte) -> dict[str, Any]:
    """Remove the löfte and everything under it; a record of what was removed (for the audit log)."""
    removed = {**{name: _plain(getattr(promise, name)) for name in PROMISE_FIELDS},
               "area_codes": area_codes(session, promise),
               **asdict(contents(session=session, promise=promise))}
    atagande_ids = _ids(ataganden(session, promise))
    indicator_ids = _ids(indicators(session, promise))
    # Children first and explicitly: no reliance on the database's ON DELETE CASCADE.
    session.execute(delete(AtagandeLog).where(col(AtagandeLog.atagande_id).in_(atagande_ids)))
    session.execute(delete(LofteIndicatorValue).where(
        col(LofteIndicatorValue.lofte_indicator_id).in_(indicator_ids)))
    for model in (Atagande, LofteIndicator, Aterkoppling, MedborgarlofteArea):
        session.execute(delete(model).where(col(model.medborgarlofte_id) == promise.id))  # type: ignore[attr-defined]
    session.delete(promise)
    session.flush()
    return removed


def _get(session: Session, model: type[Row], row_id: int) -> Row | None:
    return session.get(model, row_id) if 0 < row_id <= MAX_ROW_ID else None


def _child(session: Session, model: type[Row], row_id: int, promise: Medborgarlofte,
           message: str) -> Row:
    row = _get(session, model, row_id)
    if row is None or getattr(row, "kommun_code", None) != promise.kommun_code or (
            getattr(row, "medborgarlofte_id", promise.id) != promise.id):
        raise NotFound(message)
    return row


def get_atagande(*, session: Session, promise: Medborgarlofte, atagande_id: int) -> Atagande:
    """One of the löfte's åtaganden; NotFound otherwise."""
    return _child(session, Atagande, atagande_id, promise, "Åtagandet finns inte.")


def update_atagande(*, session: Session, atagande: Atagande,
                    values: dict[str, Any]) -> tuple[dict[str, list[Any]] | None, Errors]:
    """Change the åtagande's title, target or unit; what changed, or Swedish errors per field."""
    data, errors = validate_atagande(values)
    if data is None:
        return None, errors
    changes = _apply(atagande, data, ("title", "target_count", "unit"))
    session.add(atagande)
    session.flush()
    return changes, errors


def atagande_logs(session: Session, atagande: Atagande) -> list[AtagandeLog]:
    """The åtagande's activity log in date order."""
    return list(session.exec(select(AtagandeLog).where(AtagandeLog.atagande_id == atagande.id)
                             .order_by(col(AtagandeLog.done_date), col(AtagandeLog.id))))


def delete_atagande(*, session: Session, atagande: Atagande) -> dict[str, Any]:
    """Remove the åtagande and its activity log; a record of what was removed."""
    logs = atagande_logs(session, atagande)
    removed = {"id": atagande.id, "titel": atagande.title, "mal": atagande.target_count,
               "enhet": atagande.unit, "loggposter": len(logs),
               "genomfort": sum(log.done_count for log in logs)}
    session.execute(delete(AtagandeLog).where(col(AtagandeLog.atagande_id) == atagande.id))
    session.delete(atagande)
    session.flush()
    return removed


def delete_log(*, session: Session, promise: Medborgarlofte, log_id: int) -> dict[str, Any]:
    """Remove one wrongly logged activity entry of the löfte; a record of what was removed."""
    log = _get(session, AtagandeLog, log_id)
    atagande = session.get(Atagande, log.atagande_id) if log is not None else None
    if log is None or atagande is None or log.kommun_code != promise.kommun_code or (
            atagande.medborgarlofte_id != promise.id):
        raise NotFound("Aktiviteten finns inte.")
    removed = {"id": log.id, "atagande": atagande.title, "datum": log.done_date.isoformat(),
               "antal": log.done_count, "notering": log.note}
    session.delete(log)
    session.flush()
    return removed


def get_indicator(*, session: Session, promise: Medborgarlofte,
                  indicator_id: int) -> LofteIndicator:
    """One of the löfte's indicators; NotFound otherwise."""
    return _child(session, LofteIndicator, indicator_id, promise, "Indikatorn finns inte.")


def indicator_values(session: Session, indicator: LofteIndicator) -> list[LofteIndicatorValue]:
    """A manual indicator's entered values."""
    return list(session.exec(select(LofteIndicatorValue).where(
        LofteIndicatorValue.lofte_indicator_id == indicator.id)))


def update_indicator(*, session: Session, indicator: LofteIndicator, values: dict[str, Any],
                     category_codes: list[str], area_codes: list[str],
                     allowed_categories: set[str],
                     allowed_areas: set[str]) -> tuple[dict[str, list[Any]] | None, Errors]:
    """Change the indicator (its kind stays); what changed, or Swedish errors per field."""
    # Validate on a copy: the follow-up page commits its read audit, which must not carry a
    # half-applied edit with it.
    draft = LofteIndicator(kommun_code=indicator.kommun_code,
                           medborgarlofte_id=indicator.medborgarlofte_id, kind=indicator.kind,
                           **{name: getattr(indicator, name) for name in INDICATOR_FIELDS})
    errors = fill_indicator(draft, values, category_codes=category_codes, area_codes=area_codes,
                            allowed_categories=allowed_categories, allowed_areas=allowed_areas)
    if (indicator.kind == "manuell" and "ind_period" not in errors
            and draft.period != indicator.period and indicator_values(session, indicator)):
        errors["ind_period"] = ("Periodlängden kan inte ändras när värden är införda. "
                                "Ta bort värdena först.")
    if errors:
        return None, errors
    changes = _apply(indicator, {name: getattr(draft, name) for name in INDICATOR_FIELDS},
                     INDICATOR_FIELDS)
    session.add(indicator)
    session.flush()
    return changes, errors


def delete_indicator(*, session: Session, indicator: LofteIndicator) -> dict[str, Any]:
    """Remove the indicator and its entered values; a record of what was removed."""
    values = indicator_values(session, indicator)
    removed = {"id": indicator.id, "namn": indicator.name, "typ": indicator.kind,
               "varden": {v.period_label: v.value for v in values}}
    session.execute(delete(LofteIndicatorValue).where(
        col(LofteIndicatorValue.lofte_indicator_id) == indicator.id))
    session.delete(indicator)
    session.flush()
    return removed


def delete_indicator_value(*, session: Session, promise: Medborgarlofte,
                           value_id: int) -> dict[str, Any]:
    """Remove one entered value of a manual indicator of the löfte; a record of what was removed."""
    value = _get(session, LofteIndicatorValue, value_id)
    indicator = session.get(LofteIndicator, value.lofte_indicator_id) if value is not None else None
    if value is None or indicator is None or value.kommun_code != promise.kommun_code or (
            indicator.medborgarlofte_id != promise.id):
        raise NotFound("Värdet finns inte.")
    removed = {"id": value.id, "indikator": indicator.name, "period": value.period_label,
               "varde": value.value}
    session.delete(value)
    session.flush()
    return removed


def delete_aterkoppling(*, session: Session, promise: Medborgarlofte,
                        aterkoppling_id: int) -> dict[str, Any]:
    """Remove one logged återkoppling of the löfte; a record of what was removed."""
    row = _child(session, Aterkoppling, aterkoppling_id, promise, "Återkopplingen finns inte.")
    removed = {"id": row.id, "datum": row.aterkoppling_date.isoformat(), "kanal": row.channel,
               "vad": row.communicated}
    session.delete(row)
    session.flush()
    return removed
