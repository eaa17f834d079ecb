"""Validate the weekly web-form / JSON API payload of an inrapportör.

A payload is one observation (a dict), a list of them, or ``{"observationer": [...]}``. Each
observation (keys are Swedish, as in the form):

=================  ===========================================================================
``kategori``       category code or Swedish name (required)
``datum``          ``2026-11-20`` (or any format of :func:`ingest.values.parse_date`), or
                   ``"under veckan"`` together with ``vecka``
``tid``            optional time of day (``14:30``); not with "under veckan"
``vecka``          ISO week ``2026-W47`` for an observation made "under veckan" (stored on the
                   Monday with ``observed_period="vecka"``)
``lat``/``lon``    a point in WGS84 (phone GPS), or
``x``/``y``        a point in SWEREF 99 TM, or
``plats_id``       a gazetteer place chosen from the list, or
``plats``          free place text — at least one of these four
``beskrivning``    optional free text; personnummer are masked and the user is told
``antal``          optional number of people/objects involved, ``>= 0``
``externt_id``     optional id in the sender's system (API use)
=================  ===========================================================================

Errors are ``RowError``s whose ``column`` is the field path (``observationer[2].datum``, 0-based
as in JSON) and whose ``row`` is the observation's 1-based number; messages are Swedish.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np
from pydantic import ValidationError

from ingest.coordinates import ERROR_MESSAGES as COORD_MESSAGES
from ingest.coordinates import to_sweref99
from ingest.personnummer import mask_personnummer, names_people_hint
from ingest.placement import outside_kommun
from ingest.records import (
    MAX_DESCRIPTION_CHARS,
    MAX_EXTERNAL_ID_CHARS,
    MAX_INVOLVED,
    MAX_PLACE_TEXT_CHARS,
    MAX_ROW_ID,
    NUL,
    IngestResult,
    ReportRecord,
    RowError,
)
from ingest.values import CategoryMatcher, as_text, is_blank, normalise_key, parse_count, parse_date
from ingest.values import parse_time as _parse_time

FIELDS: tuple[str, ...] = (
    "kategori", "datum", "tid", "vecka", "lat", "lon", "x", "y", "plats_id", "plats",
    "beskrivning", "antal", "externt_id",
)  # fmt: skip

DEFAULT_MAX_DAYS_BACK = 60
DEFAULT_MAX_OBSERVATIONS = 200
DEFAULT_MAX_TEXT_CHARS = 4_000
#: Longest text per field: what the report's columns hold (ingest.records).
FIELD_MAX_CHARS = {"plats": MAX_PLACE_TEXT_CHARS, "beskrivning": MAX_DESCRIPTION_CHARS,
                   "externt_id": MAX_EXTERNAL_ID_CHARS}

_WEEK_RE = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")


def validate_form(
    payload: Any,
    *,
    kommun_code: str,
    categories: Any,
    today: date,
    source: str = "form",
    organisation_id: int | None = None,
    max_days_back: int = DEFAULT_MAX_DAYS_BACK,
    category_aliases: Mapping[str, str] | None = None,
    place_ids: Collection[Any] | None = None,
    kommun_geom: Any = None,
    max_observations: int = DEFAULT_MAX_OBSERVATIONS,
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS,
) -> IngestResult:
    """Validate a form/API payload into ``ReportRecord``s and field-level ``RowError``s.

    Parameters
    ----------
    payload : dict or list
        Parsed JSON: one observation, a list, or ``{"observationer": [...]}``.
    kommun_code : str
        The reporting kommun (4 digits).
    categories : pandas.DataFrame, mapping or CategoryMatcher
        Active categories (see :class:`ingest.values.CategoryMatcher`); a matcher is used as it is
        (``category_aliases`` are then the matcher's own).
    today : date
        The local date now (taken from the caller; no clock here).
    source : {"form", "api"}
        Stamped on the records.
    organisation_id : int, optional
        Stamped on the records.
    max_days_back : int, default 60
        Observations older than this many days are rejected (``too_old``).
    category_aliases : mapping, optional
        ``alias -> category_code``.
    place_ids : collection, optional
        Known gazetteer place ids; when given, an unknown ``plats_id`` is an error.
    kommun_geom : shapely geometry, optional
        Kommun boundary (EPSG:3006); points outside are errors (``outside_kommun``).
    max_observations, max_text_chars : int
        Limits on observations per payload and characters per free-text field.

    Returns
    -------
    IngestResult
        Records of the valid observations, errors of the invalid ones, and ``notices``
        (e.g. that a personnummer was removed).

    Examples
    --------
    >>> from datetime import date
    >>> res = validate_form(
    ...     {"observationer": [
    ...         {"kategori": "klotter", "datum": "2026-11-20", "plats": "Torget",
    ...          "beskrivning": "Tags, anmälare 880320-0016"},
    ...         {"kategori": "klotter", "datum": "under veckan", "vecka": "2026-W47",
    ...          "plats": "Skolan"},
    ...         {"kategori": "klotter", "datum": "2026-12-01", "plats": "Parken"}]},
    ...     kommun_code="1880", categories={"klotter": "Klotter"}, today=date(2026, 11, 21))
    >>> [(r.observed_date.isoformat(), r.observed_period) for r in res.records]
    [('2026-11-20', 'dag'), ('2026-11-16', 'vecka')]
    >>> res.records[0].description
    'Tags, anmälare [personnummer borttaget]'
    >>> [(e.row, e.column, e.code) for e in res.errors]
    [(3, 'observationer[2].datum', 'future_date')]
    >>> res.notices
    ['Observation 1: ett personnummer togs bort från beskrivningen.']
    """
    if not re.fullmatch(r"\d{4}", str(kommun_code)):
        raise ValueError(f"kommun_code måste vara fyra siffror, inte {kommun_code!r}")
    if source not in ("form", "api"):
        raise ValueError(f"source måste vara 'form' eller 'api', inte {source!r}")
    items, prefix, payload_error = _observations(payload, max_observations)
    if payload_error is not None:
        return IngestResult([], [payload_error])
    # A matcher built once by the caller (the API keeps one per category list) is used as it is.
    matcher = categories if isinstance(categories, CategoryMatcher) else CategoryMatcher(categories, category_aliases)
    known_places = None if place_ids is None else {str(p) for p in place_ids}

    records: list[ReportRecord] = []
    errors: list[RowError] = []
    notices: list[str] = []
    for i, obs in enumerate(items):
        checker = _Checker(i, prefix)
        record_kw = checker.run(obs, matcher, today, max_days_back, known_places, kommun_geom,
                                max_text_chars)
        if checker.errors:
            errors.extend(checker.errors)
            continue
        try:
            records.append(ReportRecord(kommun_code=kommun_code, source=source,
                                        organisation_id=organisation_id, **record_kw))
        except ValidationError as err:
            first = err.errors()[0]
            errors.append(checker.error(None, None, "invalid", str(first.get("msg", ""))))
            continue
        notices.extend(checker.notices)
    return IngestResult(records, errors, notices=notices)


def parse_iso_week(text: Any) -> date:
    """Monday of the ISO week ``"2026-W47"`` (also ``"2026W47"``); ValueError in Swedish.

    Examples
    --------
    >>> parse_iso_week("2026-W47"), parse_iso_week("2026w53")
    (datetime.date(2026, 11, 16), datetime.date(2026, 12, 28))
    """
    m = _WEEK_RE.match(str(text))
    if not m:
        raise ValueError(f"\"{text}\" är ingen vecka (skriv t.ex. 2026-W47)")
    try:
        return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError as err:
        raise ValueError(f"vecka {m.group(2)} finns inte år {m.group(1)}") from err


def _observations(payload: Any, cap: int) -> tuple[list[Any], str | None, RowError | None]:
    if isinstance(payload, Mapping) and "observationer" in payload:
        extra = sorted(set(payload) - {"observationer"})
        items = payload["observationer"]
        if not isinstance(items, list):
            return [], None, RowError(None, "observationer", None, "invalid_type",
                                      "observationer måste vara en lista")
        if extra:
            return [], None, RowError(None, extra[0], None, "unknown_field",
                                      f"okänt fält \"{extra[0]}\"")
        prefix = "observationer"
    elif isinstance(payload, list):
        items, prefix = payload, "observationer"
    elif isinstance(payload, Mapping):
        items, prefix = [payload], None
    else:
        return [], None, RowError(None, None, None, "invalid_payload",
                                  "Inskicket måste vara en observation eller en lista av "
                                  "observationer")
    if not items:
        return [], None, RowError(None, prefix, None, "required",
                                  "Inskicket innehåller ingen observation")
    if len(items) > cap:
        return [], None, RowError(None, prefix, len(items), "too_many",
                                  f"Högst {cap} observationer kan skickas åt gången")
    return items, prefix, None


class _Checker:
    """Validates one observation, collecting errors and notices with the right field paths."""

    def __init__(self, index: int, prefix: str | None) -> None:
        self.index = index
        self.prefix = prefix
        self.errors: list[RowError] = []
        self.notices: list[str] = []
        self.masked = 0

    def path(self, name: str | None) -> str | None:
        if self.prefix is None:
            return name
        base = f"{self.prefix}[{self.index}]"
        return base if name is None else f"{base}.{name}"

    def error(self, name: str | None, value: Any, code: str, reason: str) -> RowError:
        path = self.path(name)
        where = f"Observation {self.index + 1}" + (f", fältet {path}" if path else "")
        err = RowError(self.index + 1, path, value, code, f"{where}: {reason}")
        self.errors.append(err)
        return err

    def run(self, obs, matcher, today, max_days_back, known_places, kommun_geom, max_text):
        if not isinstance(obs, Mapping):
            self.error(None, None, "invalid_type", "en observation måste vara ett objekt")
            return {}
        for key in obs:
            if key not in FIELDS:
                self.error(str(key), None, "unknown_field", f"okänt fält \"{key}\"")
        kw: dict[str, Any] = {}
        kw["category_code"] = self._category(obs.get("kategori"), matcher)
        kw.update(self._when(obs, today, max_days_back))
        kw.update(self._where(obs, known_places, kommun_geom, max_text))
        kw["description"] = self._text(obs.get("beskrivning"), "beskrivning", max_text)
        kw["involved_count"] = self._count(obs.get("antal"))
        kw["personnummer_masked"] = self.masked > 0
        kw["names_people_hint"] = names_people_hint(kw.get("description")) or names_people_hint(
            kw.get("place_text")
        )
        external = obs.get("externt_id")
        if not is_blank(external) and not _is_id(external):
            self.error("externt_id", external, "invalid_type", "externt_id måste vara text")
        elif not is_blank(external) and self._clean(as_text(external), "externt_id", FIELD_MAX_CHARS["externt_id"]):
            kw["external_id"] = as_text(external)
        return kw

    def _clean(self, text: str | None, name: str, limit: int) -> bool:
        """True when the text fits its column and holds no NUL character; else a field error."""
        if text is None:
            return True
        if NUL in text:
            self.error(name, None, "invalid_character", f"{name} innehåller ett otillåtet tecken (NUL)")
            return False
        if len(text) > limit:
            self.error(name, None, "too_long", f"{name} får vara högst {limit} tecken")
            return False
        return True

    def _category(self, value, matcher):
        if is_blank(value):
            self.error("kategori", value, "required", "kategori saknas")
            return None
        if not isinstance(value, str):
            self.error("kategori", value, "invalid_type", "kategori måste vara text")
            return None
        code = matcher.match(value)
        if code is None:
            self.error("kategori", value, "unknown_category", matcher.unknown_message(value))
        return code

    def _when(self, obs, today, max_days_back):
        raw_date, raw_week, raw_time = obs.get("datum"), obs.get("vecka"), obs.get("tid")
        week_mode = not is_blank(raw_week) or (
            isinstance(raw_date, str) and normalise_key(raw_date) == "underveckan"
        )
        oldest = today - timedelta(days=max_days_back)
        if week_mode:
            if not is_blank(raw_date) and normalise_key(raw_date) != "underveckan":
                self.error("vecka", raw_week, "conflict",
                           "ange antingen datum eller vecka (under veckan), inte båda")
                return {}
            if is_blank(raw_week):
                self.error("vecka", raw_week, "required", "ange vilken vecka (t.ex. 2026-W47)")
                return {}
            if not is_blank(raw_time):
                self.error("tid", raw_time, "conflict",
                           "klockslag kan inte anges för en observation under veckan")
            try:
                monday = parse_iso_week(raw_week)
            except ValueError as err:
                self.error("vecka", raw_week, "invalid_week", str(err))
                return {}
            if monday > today:
                self.error("vecka", raw_week, "future_date", "veckan har inte börjat än")
            elif monday + timedelta(days=6) < oldest:
                self.error("vecka", raw_week, "too_old",
                           f"veckan ligger mer än {max_days_back} dagar bakåt i tiden")
            return {"observed_date": monday, "observed_period": "vecka"}

        if is_blank(raw_date):
            self.error("datum", raw_date, "required", "datum saknas")
            return {}
        try:
            day, time_from_date = parse_date(raw_date)
        except ValueError as err:
            self.error("datum", raw_date, "invalid_date", str(err))
            return {}
        if day > today:
            self.error("datum", raw_date, "future_date",
                       f"datumet {day.isoformat()} ligger i framtiden")
        elif day < oldest:
            self.error("datum", raw_date, "too_old",
                       f"datumet {day.isoformat()} ligger mer än {max_days_back} dagar bakåt "
                       "i tiden")
        observed_time = time_from_date
        if not is_blank(raw_time):
            try:
                observed_time = _parse_time(raw_time)
            except ValueError as err:
                self.error("tid", raw_time, "invalid_time", str(err))
        return {"observed_date": day, "observed_time": observed_time}

    def _where(self, obs, known_places, kommun_geom, max_text):
        out: dict[str, Any] = {}
        pair = None
        for a, b, allowed in (("lat", "lon", ("latlon",)), ("x", "y", ("sweref",))):
            has_a, has_b = not is_blank(obs.get(a)), not is_blank(obs.get(b))
            if has_a != has_b:
                missing = b if has_a else a
                self.error(missing, None, "missing_coordinate",
                           f"{missing} saknas; båda koordinaterna behövs")
            elif has_a and pair is None:
                pair = (a, b, allowed)
        if pair is not None:
            a, b, allowed = pair
            va, vb = obs.get(a), obs.get(b)
            if not (_is_scalar_number(va) and _is_scalar_number(vb)):
                self.error(a, va, "invalid_coordinate", COORD_MESSAGES["invalid_coordinate"])
            else:
                t = to_sweref99(np.array([va], dtype=object), np.array([vb], dtype=object),
                                allowed=allowed)
                code = t.error[0]
                if code is None and kommun_geom is not None and outside_kommun(
                    t.x, t.y, kommun_geom
                )[0]:
                    code = "outside_kommun"
                if code == "outside_kommun":
                    self.error(a, va, code, "platsen ligger utanför kommunen")
                elif code is not None:
                    self.error(a, va, code, COORD_MESSAGES[code])
                else:
                    out["x"], out["y"] = float(t.x[0]), float(t.y[0])

        place_id = obs.get("plats_id")
        if not is_blank(place_id) and not _is_row_id(place_id):
            self.error("plats_id", place_id, "invalid_type", "plats_id måste vara ett id")
        elif not is_blank(place_id):
            pid = as_text(place_id)
            if known_places is not None and pid not in known_places:
                self.error("plats_id", place_id, "unknown_place", "platsen finns inte i listan")
            else:
                out["place_id"] = pid
        place_text = self._text(obs.get("plats"), "plats", max_text)
        if place_text is not None:
            out["place_text"] = place_text
        if pair is None and is_blank(place_id) and is_blank(obs.get("plats")):
            self.error("plats", None, "required",
                       "ange var: en punkt på kartan, en plats i listan eller en beskrivning "
                       "av platsen")
        return out

    def _text(self, value, name, max_text):
        if is_blank(value):
            return None
        if not isinstance(value, str):
            self.error(name, value, "invalid_type", f"{name} måste vara text")
            return None
        limit = min(max_text, FIELD_MAX_CHARS.get(name, max_text))
        if not self._clean(value.strip(), name, limit):
            return None
        masked, count = mask_personnummer(value.strip())
        if len(masked) > limit:  # the mask is longer than the number it replaces
            self.error(name, None, "too_long", f"{name} får vara högst {limit} tecken")
            return None
        if count:
            self.masked += count
            what = "ett personnummer" if count == 1 else f"{count} personnummer"
            self.notices.append(
                f"Observation {self.index + 1}: {what} togs bort från {_definite(name)}."
            )
        return masked

    def _count(self, value):
        if is_blank(value):
            return None
        try:
            count = parse_count(value)
        except ValueError as err:
            self.error("antal", value, "invalid_number", f"antal {err}")
            return None
        if count > MAX_INVOLVED:
            self.error("antal", value, "too_large", f"antal får vara högst {MAX_INVOLVED:,}".replace(",", " "))
            return None
        return count


def _definite(name: str) -> str:
    return {"beskrivning": "beskrivningen", "plats": "platsbeskrivningen"}.get(name, name)


def _is_scalar_number(value: Any) -> bool:
    """A coordinate must be a number or text (``"59,27"``), not a bool, list or object."""
    return isinstance(value, int | float | str) and not isinstance(value, bool)


def _is_id(value: Any) -> bool:
    return isinstance(value, int | str) and not isinstance(value, bool)


def _is_row_id(value: Any) -> bool:
    """A database row id: a whole number 1..MAX_ROW_ID (PostgreSQL INTEGER), given as a number or as digits."""
    if not _is_id(value):
        return False
    text = str(value).strip()
    return text.isdigit() and 0 < int(text) <= MAX_ROW_ID
