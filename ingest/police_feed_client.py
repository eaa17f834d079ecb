"""HTTP client for Polisen's events feed that keeps to the feed's terms of use.

Polisen's terms for ``/api/events``: send a User-Agent, at least 10 s between calls, at most 60
calls an hour and 1 440 a day. :class:`RateLimitLedger` keeps the times of earlier calls (rolling
windows of one hour and 24 hours) and :class:`PoliceFeedClient` asks it before every request. The
client never sleeps: when a call is not allowed it raises :class:`RateLimitExceeded` with the
number of seconds to wait, and the caller (the api's scheduled job) decides what to do.

This is the one module in ``ingest`` that does network I/O; URL, User-Agent and clock come from the
caller (docs/data-contract.md). Tests pass an ``httpx.MockTransport`` and a fake clock.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import httpx

__all__ = [
    "PoliceFeedClient",
    "PoliceFeedError",
    "RateLimitExceeded",
    "RateLimitLedger",
    "POLISEN_EVENTS_URL",
]

#: The public feed's address (the caller passes it; this is only the documented default).
POLISEN_EVENTS_URL = "https://polisen.se/api/events"

_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)


class RateLimitExceeded(RuntimeError):
    """A call now would break the feed's terms of use; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: float, reason: str):
        super().__init__(f"{reason}; försök igen om {retry_after:.0f} s")
        self.retry_after = retry_after
        self.reason = reason


class PoliceFeedError(RuntimeError):
    """The feed could not be fetched or did not answer with a JSON list (message in Swedish)."""


def _require_aware(now: datetime) -> datetime:
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("klockan måste ge en tidszonsmedveten datetime (t.ex. UTC)")
    return now


class RateLimitLedger:
    """Times of earlier calls, and whether another call is allowed now.

    Parameters
    ----------
    min_interval : float, default 10
        Seconds required between two calls.
    max_per_hour : int, default 60
        Calls allowed in any rolling hour.
    max_per_day : int, default 1440
        Calls allowed in any rolling 24 hours.
    calls : iterable of datetime, optional
        Earlier calls (timezone-aware), e.g. loaded from the database so limits survive a restart.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
    >>> ledger = RateLimitLedger()
    >>> ledger.wait_seconds(t0)
    0.0
    >>> ledger.record(t0)
    >>> ledger.wait_seconds(t0 + timedelta(seconds=4))
    6.0
    """

    def __init__(
        self,
        *,
        min_interval: float = 10.0,
        max_per_hour: int = 60,
        max_per_day: int = 1440,
        calls: Iterable[datetime] = (),
    ):
        if min_interval < 0 or max_per_hour < 1 or max_per_day < 1:
            raise ValueError("ogiltiga gränser för anropstakten")
        self.min_interval = timedelta(seconds=min_interval)
        self.max_per_hour = max_per_hour
        self.max_per_day = max_per_day
        self._calls: deque[datetime] = deque(sorted(_require_aware(c) for c in calls))

    @property
    def calls(self) -> list[datetime]:
        """Recorded calls within the last 24 hours of the latest one, oldest first."""
        return list(self._calls)

    def _prune(self, now: datetime) -> None:
        while self._calls and self._calls[0] <= now - _DAY:
            self._calls.popleft()

    def _check(self, now: datetime) -> tuple[float, str]:
        now = _require_aware(now)
        self._prune(now)
        waits: list[tuple[float, str]] = [(0.0, "")]
        if self._calls:
            gap = self._calls[-1] + self.min_interval - now
            waits.append((gap.total_seconds(), "minst 10 s mellan anropen"))
        in_hour = [c for c in self._calls if c > now - _HOUR]
        if len(in_hour) >= self.max_per_hour:
            oldest = in_hour[len(in_hour) - self.max_per_hour]
            waits.append(((oldest + _HOUR - now).total_seconds(),
                          f"högst {self.max_per_hour} anrop per timme"))
        if len(self._calls) >= self.max_per_day:
            oldest = self._calls[len(self._calls) - self.max_per_day]
            waits.append(((oldest + _DAY - now).total_seconds(),
                          f"högst {self.max_per_day} anrop per dygn"))
        return max(waits)

    def wait_seconds(self, now: datetime) -> float:
        """Seconds until a call is allowed (0.0 when it is allowed now)."""
        return max(0.0, self._check(now)[0])

    def check(self, now: datetime) -> None:
        """Raise :class:`RateLimitExceeded` unless a call is allowed at ``now``."""
        wait, reason = self._check(now)
        if wait > 0:
            raise RateLimitExceeded(wait, f"Polisens användarvillkor: {reason}")

    def record(self, now: datetime) -> None:
        """Record a call made at ``now``."""
        now = _require_aware(now)
        self._calls.append(now)
        if len(self._calls) > 1 and self._calls[-2] > now:  # clock went back: keep sorted
            self._calls = deque(sorted(self._calls))
        self._prune(now)


class PoliceFeedClient:
    """Fetch the events feed within the terms of use.

    Parameters
    ----------
    url : str
        The feed URL, normally :data:`POLISEN_EVENTS_URL` (optionally with query parameters).
    user_agent : str
        Required by Polisen; name the kommun and a contact address.
    clock : callable returning datetime
        Returns the current timezone-aware time; injected so tests need no real clock.
    ledger : RateLimitLedger, optional
        Shared ledger (a new one with the terms' limits by default).
    transport : httpx.BaseTransport, optional
        For tests (``httpx.MockTransport``).
    timeout : float, default 30
        Seconds for the whole request.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> import httpx
    >>> mock = httpx.MockTransport(lambda request: httpx.Response(200, content=b"[]"))
    >>> client = PoliceFeedClient("https://polisen.se/api/events", "Lagesbild Exempel kommun",
    ...                           clock=lambda: datetime(2026, 11, 21, tzinfo=timezone.utc),
    ...                           transport=mock)
    >>> client.fetch_events()
    []
    """

    def __init__(
        self,
        url: str,
        user_agent: str,
        *,
        clock: Callable[[], datetime],
        ledger: RateLimitLedger | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
    ):
        if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
            raise ValueError(f"ogiltig adress till händelseflödet: {url!r}")
        if not isinstance(user_agent, str) or not user_agent.strip():
            raise ValueError("User-Agent måste anges (krav i Polisens användarvillkor)")
        self.url = url
        self.user_agent = user_agent.strip()
        self.clock = clock
        self.ledger = ledger if ledger is not None else RateLimitLedger()
        self._transport = transport
        self._timeout = timeout

    def fetch(self) -> bytes:
        """Fetch the feed and return the response body.

        Raises
        ------
        RateLimitExceeded
            When a call now would break the terms of use (nothing is sent).
        PoliceFeedError
            On a network error or a non-200 answer. The attempt still counts in the ledger.
        """
        now = self.clock()
        self.ledger.check(now)
        self.ledger.record(now)
        headers = {"User-Agent": self.user_agent, "Accept": "application/json"}
        try:
            with httpx.Client(transport=self._transport, timeout=self._timeout,
                              follow_redirects=True) as client:
                response = client.get(self.url, headers=headers)
        except httpx.HTTPError as exc:
            raise PoliceFeedError(f"kunde inte hämta polisens händelseflöde: {exc}") from exc
        if response.status_code != 200:
            raise PoliceFeedError(
                f"polisens händelseflöde svarade med HTTP-status {response.status_code}"
            )
        return response.content

    def fetch_events(self) -> list[dict]:
        """Fetch the feed and decode it as a JSON list (see :meth:`fetch`)."""
        body = self.fetch()
        try:
            data = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PoliceFeedError("polisens händelseflöde svarade inte med giltig JSON") from exc
        if not isinstance(data, list):
            raise PoliceFeedError("polisens händelseflöde svarade inte med en lista av händelser")
        return data
