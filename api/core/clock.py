"""The one clock: every "now", "today" and "this week" in Lägesbild comes from a `Clock`.

`create_app` puts one clock on `app.state.clock` (from `Settings.clock_at`, else the system clock)
and makes it the current clock for each request; the scheduler's jobs and the CLI get it the same
way. Services take `today`/`now` as parameters; the few places that cannot be handed one (column
defaults such as `created_at`) ask `current_clock()`, which is the injected clock wherever a
request, job or command is running. Tests build their own clock (tests/conftest.py `clock`), so
nothing in the suite depends on the real date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Europe/Stockholm"


def _system_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Clock:
    """Now, today and this week in one time zone.

    A fixed clock holds its moment in `fixed_at` (so two fixed clocks compare and print by their
    moment); otherwise `source` gives the moment, the system's by default.
    """

    timezone: str = DEFAULT_TIMEZONE
    fixed_at: datetime | None = None
    source: Callable[[], datetime] = field(default=_system_now, compare=False, repr=False)

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # an unknown zone fails here (ZoneInfoNotFoundError), not at first use
        if self.fixed_at is not None:
            if self.fixed_at.tzinfo is None:
                raise ValueError("Clock.fixed_at must be timezone-aware")
            object.__setattr__(self, "fixed_at", self.fixed_at.astimezone(UTC))

    @classmethod
    def fixed(cls, moment: datetime | date, timezone: str = DEFAULT_TIMEZONE) -> Clock:
        """A clock that stands still: a date means 12:00 local time that day; a naive datetime is local."""
        zone = ZoneInfo(timezone)
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, time(12, 0), zone)
        elif moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return cls(timezone=timezone, fixed_at=moment)

    @classmethod
    def parse(cls, text: str, timezone: str = DEFAULT_TIMEZONE) -> Clock:
        """A fixed clock from ISO text: `2026-12-31` or `2026-12-31T08:30` (local) or with an offset."""
        text = text.strip()
        moment: datetime | date = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        return cls.fixed(moment, timezone)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def now(self) -> datetime:
        """Now, timezone-aware UTC (what every `_at` column stores)."""
        moment = self.fixed_at if self.fixed_at is not None else self.source()
        if moment.tzinfo is None:
            raise ValueError("Clock source must return an aware datetime")
        return moment.astimezone(UTC)

    def local_now(self) -> datetime:
        """Now in the installation's time zone (what users see)."""
        return self.now().astimezone(self.zone)

    def today(self) -> date:
        """Today's date in the installation's time zone."""
        return self.local_now().date()

    def week_label(self) -> str:
        """This ISO week as `2026-W49`."""
        year, week, _ = self.today().isocalendar()
        return f"{year:04d}-W{week:02d}"

    def monday(self) -> date:
        """Monday of this ISO week."""
        today = self.today()
        return today - timedelta(days=today.weekday())

    def local_midnight(self, day: date) -> datetime:
        """The start of `day` in the installation's time zone, as aware UTC."""
        return datetime.combine(day, time(), self.zone).astimezone(UTC)

    def with_timezone(self, timezone: str) -> Clock:
        """The same source seen from another time zone."""
        return Clock(timezone=timezone, fixed_at=self.fixed_at, source=self.source)


SYSTEM_CLOCK = Clock()
_current: ContextVar[Clock] = ContextVar("lagesbild_clock", default=SYSTEM_CLOCK)


def current_clock() -> Clock:
    """The clock of the running request, job or command (the system clock outside them)."""
    return _current.get()


@contextmanager
def using_clock(clock: Clock) -> Iterator[Clock]:
    """Make `clock` the current clock inside the block.

    Asyncio tasks and Starlette's threadpool (sync routes and dependencies) copy the context, so they
    see it; a plain `threading.Thread` or an APScheduler worker does not: enter `using_clock` there.
    """
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)


def clock_from_settings(timezone: str, clock_at: str | None) -> Clock:
    """The installation's clock: fixed at `clock_at` (demos, training, tests) or the system clock."""
    if clock_at:
        return Clock.parse(clock_at, timezone)
    return Clock(timezone=timezone)


class ClockMiddleware:
    """Makes the app's clock the current clock for the whole request (pure ASGI, no buffering)."""

    def __init__(self, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.clock = clock

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        with using_clock(self.clock):
            await self.app(scope, receive, send)
