"""Clock helpers: UTC for storage, Europe/Stockholm for what users see."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, timezone-aware UTC (what every `_at` column stores)."""
    return datetime.now(UTC)
