"""Clock helpers: UTC for storage, the installation's time zone for what users see."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from api.core.clock import current_clock


def utcnow() -> datetime:
    """Now, timezone-aware UTC, from the current clock (what every `_at` column stores)."""
    return current_clock().now()



def local_time(moment: datetime | None, timezone: str, *, seconds: bool = False) -> str:
    """A stored UTC moment as local "ÅÅÅÅ-MM-DD TT:MM" (with ":SS" when asked; empty when missing)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; every `_at` column is UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
