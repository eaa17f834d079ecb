"""Clock helpers: UTC for storage, the installation's time zone for what users see."""

from __future__ import annotations

from datetime import datetime

from api.core.clock import current_clock


def utcnow() -> datetime:
    """Now, timezone-aware UTC, from the current clock (what every `_at` column stores)."""
    return current_clock().now()

