"""The last guard before the database: text that does not fit its column is a 422, never a 500.

Pages and the API check their fields first, in their own words. This catches what one of them
missed, on every table at once, from the columns' own sizes (so it cannot drift from the models):
PostgreSQL refuses text longer than a VARCHAR's length and any text with a NUL character, and
SQLite would silently store what PostgreSQL refuses.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, TypeDecorator, event, inspect
from sqlalchemy.orm import Session

from api.core.errors import AppError
from api.core.limits import NUL, field_label


class TextDoesNotFit(AppError):
    """A text value longer than its column or holding a NUL character."""

    status_code = 422


def install_text_guard() -> None:
    """Check every flushed row's text columns (once per process; later calls do nothing)."""
    if not event.contains(Session, "before_flush", _check_session):
        event.listen(Session, "before_flush", _check_session)


def _check_session(session: Session, _context: Any, _instances: Any) -> None:
    for instance in session.new:
        check_text_fits(instance)
    for instance in session.dirty:
        check_text_fits(instance, changed_only=True)


def check_text_fits(instance: Any, *, changed_only: bool = False) -> None:
    """Raise TextDoesNotFit when a string attribute of this mapped row cannot be stored.

    With ``changed_only`` only attributes changed since loading are checked, so a row stored
    before this guard existed can still be updated in its other columns.
    """
    state = inspect(instance)
    mapper = state.mapper
    for column in mapper.columns:
        key = mapper.get_property_by_column(column).key
        if changed_only and not state.attrs[key].history.has_changes():
            continue
        column_type = column.type
        if isinstance(column_type, TypeDecorator):  # SQLModel's AutoString wraps a String
            column_type = column_type.impl_instance
        if not isinstance(column_type, String):
            continue
        value = getattr(instance, key, None)
        if not isinstance(value, str):
            continue
        label = field_label(column.key)
        if NUL in value:
            raise TextDoesNotFit(f"Fältet \"{label}\" innehåller ett otillåtet tecken (NUL).")
        length = column_type.length
        if length is not None and len(value) > length:
            raise TextDoesNotFit(f"Fältet \"{label}\" får vara högst {length} tecken ({len(value)} angavs).")
