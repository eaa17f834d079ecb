"""Login rate limit (slowapi's limiter, keyed by client address); one per app instance."""

from __future__ import annotations

from limits import parse
from slowapi import Limiter
from slowapi.util import get_remote_address


class LoginLimiter:
    """Counts login attempts per client address in a moving window.

    In-memory per process; the per-account lock in users.service (counted from audit_event) holds
    across several web workers.
    """

    def __init__(self) -> None:
        self._limiter = Limiter(key_func=get_remote_address, storage_uri="memory://")

    def hit(self, limit: str, key: str) -> bool:
        """Record an attempt; False when the limit is exceeded."""
        return bool(self._limiter.limiter.hit(parse(limit), "login", key))
