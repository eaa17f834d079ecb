"""Clock helpers: UTC for storage, the installation's time zone for what users see."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from api.core.clock import current_clock


def utcnow() -> datetime:
    """Now, timezone-aware UTC, from the current clock (what every `_at` column stores)."""
    return current_clock().now()


def local_today(timezone: str, now: datetime) -> date:
    """The date of `now` in the installation's time zone (what users call today)."""
    return now.astimezone(ZoneInfo(timezone)).date()
