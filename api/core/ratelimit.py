"""Login rate limits (slowapi's limiter): per real client address and per account; one per app instance."""

from __future__ import annotations

import math
import time

from limits import parse
from slowapi import Limiter
from slowapi.util import get_remote_address


class LoginLimiter:
    """Counts login attempts in a moving window, separately per client address and per account.

    In-memory per process. The address is the real client's (api.core.client_address), so users
    behind the kommun's reverse proxy are counted one by one. The per-account count bounds guessing
    spread over many addresses; the progressive delay in api.users.login_throttle (counted from
    audit_event, so it holds across several web workers) does the rest.
    """

    def __init__(self) -> None:
        self._limiter = Limiter(key_func=get_remote_address, storage_uri="memory://")

    def hit(self, limit: str, key: str, *, scope: str = "login") -> bool:
        """Record an attempt; False when the limit is exceeded."""
        return bool(self._limiter.limiter.hit(parse(limit), scope, key))

    def hit_address(self, limit: str, address: str) -> bool:
        """Record an attempt from a client address; False when that address is over the limit."""
        return self.hit(limit, address, scope="login")

    def hit_account(self, limit: str, email: str) -> bool:
        """Record an attempt on an account (normalised e-mail); False when it is over the limit."""
        return self.hit(limit, email, scope="login-account")

    def retry_after(self, limit: str, key: str, *, scope: str = "login") -> int:
        """Whole seconds until the window has room again for `key` (at least 1)."""
        reset_at, _remaining = self._limiter.limiter.get_window_stats(parse(limit), scope, key)
        return max(1, math.ceil(reset_at - time.time()))
