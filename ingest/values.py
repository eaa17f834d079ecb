"""Parse single cell values the way Swedish users write them: dates, times, counts, categories.

Shared by the file import and the form adapter. Every parser raises ``ValueError`` with a short
Swedish reason that the adapter puts into a ``RowError``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIAL_RANGE = (20_000, 80_000)  # 1954 .. 2119: anything else is not a plausible date

_MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "februari": 2, "february": 2,
    "mar": 3, "mars": 3, "march": 3,
    "apr": 4, "april": 4,
    "maj": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "augusti": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip

_TIME = r"(?:[ T]+(?:kl\.?\s*)?(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:\.\d+)?)?)?"
_TZ = r"(?:Z|[+-]\d{2}:?\d{2})?"
_DATE_RES = [
    re.compile(r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})" + _TIME + _TZ + "$"),
    re.compile(r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})" + _TIME + "$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<d>\d{1,2})\s*(?P<mon>[^\W\d_]+)\.?\s+(?P<y>\d{4})" + _TIME + "$"),
]
_TIME_RE = re.compile(r"^(?:kl\.?\s*)?(?P<H>\d{1,2})(?:[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?)?$")
_HHMM_RE = re.compile(r"^(?P<H>\d{2})(?P<M>\d{2})$")


def normalise_key(text: Any) -> str:
    """Case-fold, drop diacritics and everything but letters and digits (for matching names).

    Examples
    --------
    >>> normalise_key(" Stöld / Inbrott "), normalise_key("Externt-ID")
    ('stoldinbrott', 'externtid')
    """
    folded = unicodedata.normalize("NFKD", str(text).casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", "", folded)


def is_blank(value: Any) -> bool:
    """True for None, NaN/NaT and strings that are empty after stripping.

    Examples
    --------
    >>> is_blank(None), is_blank(" "), is_blank(float("nan")), is_blank(0)
    (True, True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def parse_date(value: Any) -> tuple[date, time | None]:
    """Parse a date (and a time of day, when the value carries one).

    Accepts ``date``/``datetime`` objects, Excel serial numbers, ``2026-11-21``, ``2026/11/21``,
    ``21/11/2026``, ``21.11.2026``, ``21-11-2026``, ``21 nov 2026``, ``21 november 2026`` and
    ``20261121``, optionally followed by a time (``2026-11-21 14:30``). A ``datetime`` at exactly
    midnight is taken as a date without time (that is how spreadsheets store plain dates).

    Examples
    --------
    >>> parse_date("21 nov 2026")
    (datetime.date(2026, 11, 21), None)
    >>> parse_date("21.11.2026 kl 14.30")
    (datetime.date(2026, 11, 21), datetime.time(14, 30))
    >>> parse_date(46347)  # Excel serial number
    (datetime.date(2026, 11, 21), None)
    """
    if isinstance(value, bool) or is_blank(value):
        raise ValueError("datum saknas")
    if isinstance(value, datetime):
        t = value.time().replace(tzinfo=None)
        return value.date(), (None if t == time(0) else t)
    if isinstance(value, date):
        return value, None
    if isinstance(value, int | float):
        return _from_excel_serial(float(value))
    text = " ".join(str(value).split())
    if re.fullmatch(r"\d{5}(?:[.,]\d+)?", text):
        return _from_excel_serial(float(text.replace(",", ".")))
    for pattern in _DATE_RES:
        m = pattern.match(text)
        if not m:
            continue
        parts = m.groupdict()
        if parts.get("mon") is not None:
            month = _MONTHS.get(normalise_key(parts["mon"]))
            if month is None:
                raise ValueError(f"okänt månadsnamn \"{parts['mon']}\"")
        else:
            month = int(parts["m"])
        try:
            d = date(int(parts["y"]), month, int(parts["d"]))
        except ValueError as err:
            raise ValueError(f"\"{text}\" är inte ett giltigt datum") from err
        at: time | None = None
        if parts.get("H") is not None:
            at = _make_time(parts["H"], parts["M"], parts.get("S"), text)
        return d, at
    raise ValueError(f"\"{text}\" är inte ett datum som går att läsa (skriv t.ex. 2026-11-21)")


def parse_time(value: Any) -> time:
    """Parse a time of day: ``14:30``, ``14.30``, ``kl 14``, ``1430``, a time, an Excel fraction.

    Examples
    --------
    >>> parse_time("kl. 9.05"), parse_time(0.5)
    (datetime.time(9, 5), datetime.time(12, 0))
    """
    if isinstance(value, bool) or is_blank(value):
        raise ValueError("klockslag saknas")
    if isinstance(value, datetime):
        return value.time().replace(tzinfo=None)
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if isinstance(value, int | float) and 0 <= value < 1:
        seconds = round(float(value) * 86_400)
        return (datetime.min + timedelta(seconds=min(seconds, 86_399))).time()
    text = " ".join(str(value).split()).casefold()
    m = _TIME_RE.match(text) or _HHMM_RE.match(text)
    if not m:
        raise ValueError(f"\"{value}\" är inte ett klockslag (skriv t.ex. 14:30)")
    return _make_time(m.group("H"), m.groupdict().get("M"), m.groupdict().get("S"), str(value))


def parse_count(value: Any) -> int:
    """Parse a whole number ``>= 0`` (``"3"``, ``3.0``, ``"3,0"``).

    Examples
    --------
    >>> parse_count("3,0"), parse_count(2.0)
    (3, 2)
    """
    if isinstance(value, bool):
        raise ValueError("måste vara ett heltal")
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).strip().replace(",", ".").replace(" ", ""))
        except ValueError as err:
            raise ValueError(f"\"{value}\" är inte ett heltal") from err
    if not math.isfinite(number) or number != int(number):  # NaN, "INF", "1e999" are no counts
        raise ValueError(f"\"{value}\" är inte ett heltal")
    if number < 0:
        raise ValueError("får inte vara negativt")
    return int(number)


def as_text(value: Any) -> str | None:
    """Cell value as stripped text; ``None`` when blank; ``123.0`` becomes ``"123"``.

    Examples
    --------
    >>> as_text(123.0), as_text(" A-1 "), as_text("")
    ('123', 'A-1', None)
    """
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _from_excel_serial(serial: float) -> tuple[date, time | None]:
    lo, hi = _EXCEL_SERIAL_RANGE
    if not lo <= serial <= hi:
        raise ValueError(f"\"{serial:g}\" är inte ett datum som går att läsa")
    days = int(serial)
    seconds = round((serial - days) * 86_400)
    d = _EXCEL_EPOCH + timedelta(days=days)
    t = None if seconds == 0 else (datetime.min + timedelta(seconds=min(seconds, 86_399))).time()
    return d, t


def _make_time(h: str, m: str | None, s: str | None, text: str) -> time:
    try:
        return time(int(h), int(m or 0), int(s or 0))
    except ValueError as err:
        raise ValueError(f"\"{text}\" innehåller inget giltigt klockslag") from err


class CategoryMatcher:
    """Match what a user wrote to a category code: the code, the Swedish name or an alias.

    Matching ignores case, diacritics, spaces and punctuation. Besides the full name, each part of
    a name split at ``/`` or ``(`` matches when that part belongs to one category only
    ("Buskörning" → ``olovlig_trafik``). Caller aliases win over names; codes win over all.

    Parameters
    ----------
    categories : pandas.DataFrame or mapping
        A categories frame (``category_code``, ``category_name``, optional ``active``; inactive
        categories are not matched) or a mapping ``code -> name``.
    aliases : mapping, optional
        ``alias -> category_code``, e.g. ``{"grafitti": "klotter"}``.

    Examples
    --------
    >>> m = CategoryMatcher({"klotter": "Klotter", "olovlig_trafik": "Olovlig trafik / buskörning"},
    ...                     aliases={"tags": "klotter"})
    >>> m.match("KLOTTER"), m.match("Buskorning"), m.match("tags"), m.match("rån")
    ('klotter', 'olovlig_trafik', 'klotter', None)
    """

    def __init__(self, categories: Any, aliases: Mapping[str, str] | None = None) -> None:
        pairs = _category_pairs(categories)
        codes = {code for code, _ in pairs}
        lookup: dict[str, str] = {}
        part_owner: dict[str, set[str]] = {}
        for code, name in pairs:
            for part in re.split(r"[/()]", name or ""):
                key = normalise_key(part)
                if key:
                    part_owner.setdefault(key, set()).add(code)
        for key, owners in part_owner.items():
            if len(owners) == 1:
                lookup[key] = next(iter(owners))
        for code, name in pairs:
            if name:
                lookup[normalise_key(name)] = code
        for alias, code in (aliases or {}).items():
            if code not in codes:
                raise ValueError(f"aliaset '{alias}' pekar på okänd kategori '{code}'")
            lookup[normalise_key(alias)] = code
        for code in codes:
            lookup[normalise_key(code)] = code
        lookup.pop("", None)
        self._lookup = lookup
        self._seen: dict[str, str | None] = {}
        self.codes = frozenset(codes)
        #: ``code -> name`` (the code where there is no name), in the order given.
        self.names = {code: name or code for code, name in pairs}

    def unknown_message(self, value: Any) -> str:
        """The Swedish "okänd kategori" reason, naming the valid categories (name and code).

        Examples
        --------
        >>> CategoryMatcher({"klotter": "Klotter", "ran": "Rån"}).unknown_message("Tags")
        'okänd kategori "Tags"; giltiga kategorier: Klotter (klotter), Rån (ran)'
        """
        valid = ", ".join(f"{name} ({code})" for code, name in self.names.items())
        return f"okänd kategori \"{as_text(value)}\"; giltiga kategorier: {valid}"

    def match(self, value: Any) -> str | None:
        """Return the category code for ``value`` or ``None``."""
        if is_blank(value):
            return None
        if isinstance(value, str):
            # A file repeats a handful of category texts thousands of times; normalising is the cost.
            if value in self._seen:
                return self._seen[value]
            code = self._lookup.get(normalise_key(value))
            if len(self._seen) < 10_000:  # bounded: a file of unique junk texts must not grow it forever
                self._seen[value] = code
            return code
        return self._lookup.get(normalise_key(value))


def _category_pairs(categories: Any) -> list[tuple[str, str | None]]:
    if isinstance(categories, pd.DataFrame):
        if "category_code" not in categories.columns:
            raise ValueError("kategorier saknar kolumnen 'category_code'")
        df = categories
        if "active" in df.columns:
            df = df[df["active"].fillna(True).astype(bool)]
        names = df["category_name"] if "category_name" in df.columns else [None] * len(df)
        items: Iterable[tuple[Any, Any]] = zip(df["category_code"], names, strict=True)
    elif isinstance(categories, Mapping):
        items = categories.items()
    else:
        raise ValueError("kategorier måste vara en DataFrame eller en dict kod -> namn")
    return [(str(c), None if is_blank(n) else str(n)) for c, n in items]
