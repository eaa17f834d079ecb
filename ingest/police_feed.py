"""Parse Polisen's public events feed (``/api/events``) into police-feed report records.

A record looks like::

    {"id": 588161, "datetime": "2025-06-07 6:25:02 +02:00",
     "name": "07 juni 00.23, Brand, Malmö", "summary": "Bilbrand, Rosengård.",
     "url": "/aktuellt/handelser/2025/juni/7/07-juni-00.23-brand-malmo/", "type": "Brand",
     "location": {"name": "Malmö", "gps": "55.604981,13.003822"}}

What the parser does with it:

* ``datetime`` is the *publication* time (hour not zero-padded). The *event* time is the start of
  ``name`` ("07 juni 00.23" or "05 oktober 09:35"); its year is the one that puts the event
  closest to the publication, so an event on 31 December published on 1 January gets last year.
* The kommun is the last comma part of ``name`` when that is a kommun, else ``location.name``
  (since January 2026 ``location.name`` is always the län). An event that names only a län is
  skipped (``lan_niva``), as it cannot be tied to one kommun.
* ``location.gps`` is the centroid of the kommun or län, **never the incident**: it is kept in
  :class:`PoliceEvent` as metadata only, and records get no point (x/y stay None).
* The area comes from matching ``summary`` against the kommun's gazetteer (whole words, longest
  name wins, ambiguous → none); without a match the record stays at kommun level
  (``area_code=None``).
* ``type`` → category via an editable dict (:mod:`ingest.police_types`). Types mapped to ``None``
  are skipped (``ej_relevant_typ``); types missing from the dict get ``unmapped_category``
  (default ``"ovrigt"``) or, if that is None, are skipped (``okand_typ``).
* Summaries ("Sammanfattning natt", "… kväll och natt") are kept as ONE record each with
  category ``summary_category``, flagged ``is_summary`` in :class:`PoliceEvent`, and never placed
  in an area: they bundle incidents from many places.
* Events are deduplicated on the police id (``external_id = str(id)``); the latest published
  version wins.

Malformed records become :class:`~ingest.records.RowError`\\ s with the record's 1-based position
in the array as ``row``; skipped events are counted per reason in ``skip_reasons``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from ingest.gazetteer import Gazetteer
from ingest.kommuner import KOMMUNER, kommun_code
from ingest.personnummer import mask_personnummer
from ingest.police_types import DEFAULT_POLICE_TYPE_MAPPING, SUMMARY_TYPES
from ingest.records import IngestResult, ReportRecord, RowError

__all__ = ["PoliceEvent", "PoliceFeedResult", "parse_police_events", "POLISEN_BASE_URL"]

#: Base for the feed's relative ``url`` values.
POLISEN_BASE_URL = "https://polisen.se"

_STOCKHOLM = ZoneInfo("Europe/Stockholm")
_MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
_NAME_RE = re.compile(r"^\s*(\d{1,2})\s+([^\W\d_]+)\s+(\d{1,2})[.:](\d{2})\s*,(.*)$")
_DATETIME_RE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})\s*([+-])(\d{2}):?(\d{2})\s*$"
)
_GPS_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class PoliceEvent:
    """Everything read from one feed record, kept next to its :class:`ReportRecord`.

    ``published_at`` is timezone-aware; ``event_at`` is naive local (Europe/Stockholm) time.
    ``gps_lat``/``gps_lon`` are the kommun/län centroid: metadata, never the incident's place.
    """

    external_id: str
    published_at: datetime
    event_at: datetime
    police_type: str
    kommun_code: str
    kommun_name: str
    location_name: str
    summary: str
    url: str | None
    gps_lat: float | None
    gps_lon: float | None
    is_summary: bool
    category_code: str
    area_code: str | None
    matched_place: str | None


@dataclass
class PoliceFeedResult(IngestResult):
    """An :class:`~ingest.records.IngestResult` plus per-event metadata and skip reasons.

    ``events[i]`` belongs to ``records[i]``. ``skip_reasons`` counts skipped events by reason
    (``utanfor_kommun``, ``lan_niva``, ``ej_relevant_typ``, ``okand_typ``, ``dubblett``);
    ``skipped`` is their sum.
    """

    events: list[PoliceEvent] = field(default_factory=list)
    skip_reasons: dict[str, int] = field(default_factory=dict)


class _RecordError(Exception):
    def __init__(self, column: str, value, code: str, message: str):
        super().__init__(message)
        self.column, self.value, self.code, self.message = column, value, code, message


def _parse_published(value) -> datetime:
    m = _DATETIME_RE.match(value) if isinstance(value, str) else None
    if not m:
        raise _RecordError("datetime", value, "invalid_date",
                           "publiceringstiden (datetime) kunde inte tolkas")
    y, mo, d, h, mi, s, sign, oh, om = m.groups()
    offset = f"{sign}{oh}:{om}"
    try:
        return datetime.fromisoformat(
            f"{int(y):04d}-{int(mo):02d}-{int(d):02d}T{int(h):02d}:{mi}:{s}{offset}"
        )
    except ValueError as exc:
        raise _RecordError("datetime", value, "invalid_date",
                           "publiceringstiden (datetime) är inte ett giltigt datum") from exc


def _event_time(name: str, published: datetime) -> tuple[datetime, str]:
    """Event time from ``name`` (year inferred from ``published``) and the rest of the name."""
    m = _NAME_RE.match(name)
    if not m:
        raise _RecordError("name", name, "invalid_date",
                           "händelsens tid saknas i början av rubriken (name)")
    day, month_name, hour, minute, rest = m.groups()
    month = _MONTHS.get(month_name.casefold())
    if month is None or int(hour) > 23 or int(minute) > 59:
        raise _RecordError("name", name, "invalid_date",
                           "händelsens datum eller klockslag i rubriken (name) är ogiltigt")
    local_pub = published.astimezone(_STOCKHOLM).replace(tzinfo=None)
    candidates = []
    for year in (local_pub.year - 1, local_pub.year, local_pub.year + 1):
        try:
            candidates.append(datetime(year, month, int(day), int(hour), int(minute)))
        except ValueError:  # 29 februari in a non-leap year, 31 april …
            continue
    if not candidates:
        raise _RecordError("name", name, "invalid_date",
                           "händelsens datum i rubriken (name) finns inte")
    return min(candidates, key=lambda c: abs(c - local_pub)), rest


def _parse_gps(value) -> tuple[float | None, float | None]:
    m = _GPS_RE.match(value) if isinstance(value, str) else None
    if not m:
        return None, None
    return float(m.group(1)), float(m.group(2))


def _absolute_url(url, base_url: str) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    if re.match(r"^https?://", url, flags=re.IGNORECASE):
        return url
    return base_url.rstrip("/") + "/" + url.lstrip("/")


def _resolve_kommuner(kommun) -> set[str]:
    values = [kommun] if isinstance(kommun, str | int) else list(kommun)
    if not values:
        raise ValueError("kommun måste anges")
    codes = set()
    for v in values:
        # an int code loses its leading zero (780 for Växjö 0780)
        code = kommun_code(f"{v:04d}" if isinstance(v, int) else str(v))
        if code is None:
            raise ValueError(f"okänd kommun: {v!r}")
        codes.add(code)
    return codes


def _text_field(rec: dict, key: str, required: bool = True) -> str:
    value = rec.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _RecordError(key, value, "required", f"fältet '{key}' saknas")
        return ""
    if not isinstance(value, str):
        raise _RecordError(key, value, "invalid_type", f"fältet '{key}' måste vara text")
    return " ".join(value.split())


def _load(data) -> list:
    if isinstance(data, bytes | bytearray):
        data = data.decode("utf-8-sig")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ValueError(f"polisens händelseflöde är inte giltig JSON: {exc.msg}") from exc
    if not isinstance(data, list):
        raise ValueError("polisens händelseflöde måste vara en JSON-lista av händelser")
    return data


def _skip(result: PoliceFeedResult, reason: str) -> None:
    result.skip_reasons[reason] = result.skip_reasons.get(reason, 0) + 1
    result.skipped += 1


def parse_police_events(
    data,
    *,
    kommun: str | Iterable[str],
    gazetteer: Gazetteer | Mapping[str, Gazetteer] | None = None,
    type_mapping: Mapping[str, str | None] | None = None,
    unmapped_category: str | None = "ovrigt",
    summary_category: str = "ovrigt",
    base_url: str = POLISEN_BASE_URL,
) -> PoliceFeedResult:
    """Parse feed records and keep the configured kommun's events as police-feed records.

    Parameters
    ----------
    data : bytes, str or list of dict
        The feed's JSON (as fetched) or the already decoded list.
    kommun : str or iterable of str
        Kommun name(s) or SCB code(s) to keep: ``"Örebro"``, ``"1880"``, ``["1440", "Alingsås"]``.
    gazetteer : Gazetteer or mapping kommun code -> Gazetteer, optional
        Places the event in an area by its ``summary``. With a mapping, each kommun's events are
        matched against its own gazetteer. Without one, every record stays at kommun level.
    type_mapping : mapping police type -> category code or None, optional
        Defaults to :data:`ingest.police_types.DEFAULT_POLICE_TYPE_MAPPING`; keys are compared
        case-insensitively, ignoring surrounding spaces.
    unmapped_category : str or None, default "ovrigt"
        Category for types missing from the mapping; ``None`` skips them (``okand_typ``).
    summary_category : str, default "ovrigt"
        Category for "Sammanfattning …" records (one record each, never in an area).
    base_url : str, default "https://polisen.se"
        Prefix for relative ``url`` values.

    Returns
    -------
    PoliceFeedResult
        ``records`` (``ReportRecord``, source ``"police_feed"``), ``events`` (metadata, same
        order), ``errors`` and ``skip_reasons``.

    Raises
    ------
    ValueError
        When ``data`` is not a JSON list or ``kommun`` names no known kommun.

    Examples
    --------
    >>> rec = {"id": 588161, "datetime": "2025-06-07 6:25:02 +02:00",
    ...        "name": "07 juni 00.23, Brand, Malmö", "summary": "Bilbrand, Rosengård.",
    ...        "url": "/aktuellt/handelser/2025/juni/7/07-juni-00.23-brand-malmo/",
    ...        "type": "Brand", "location": {"name": "Malmö", "gps": "55.604981,13.003822"}}
    >>> res = parse_police_events([rec], kommun="Malmö")
    >>> r = res.records[0]
    >>> r.kommun_code, str(r.observed_date), str(r.observed_time), r.external_id, r.x
    ('1280', '2025-06-07', '00:23:00', '588161', None)
    >>> parse_police_events([rec], kommun="Örebro").skip_reasons
    {'utanfor_kommun': 1}
    """
    items = _load(data)
    wanted = _resolve_kommuner(kommun)
    mapping = {
        str(k).strip().casefold(): v
        for k, v in (DEFAULT_POLICE_TYPE_MAPPING if type_mapping is None else type_mapping).items()
    }
    result = PoliceFeedResult(records=[], errors=[])
    kept: dict[str, tuple[ReportRecord, PoliceEvent]] = {}
    for row, rec in enumerate(items, start=1):
        try:
            pair = _parse_one(rec, wanted, gazetteer, mapping, unmapped_category,
                              summary_category, base_url)
        except _RecordError as err:
            result.errors.append(RowError(row, err.column, err.value, err.code,
                                          f"Händelse {row}: {err.message}"))
            continue
        except ValidationError as err:
            first = err.errors()[0]
            column = ".".join(str(p) for p in first.get("loc", ())) or None
            result.errors.append(RowError(row, column, first.get("input"), "invalid",
                                          f"Händelse {row}: {first.get('msg', 'ogiltigt värde')}"))
            continue
        if isinstance(pair, str):
            _skip(result, pair)
            continue
        record, event = pair
        previous = kept.get(record.external_id)
        if previous is not None:
            _skip(result, "dubblett")
            if previous[1].published_at > event.published_at:
                continue
        kept[record.external_id] = pair
    for record, event in kept.values():
        result.records.append(record)
        result.events.append(event)
    return result


def _parse_one(rec, wanted, gazetteer, mapping, unmapped_category, summary_category, base_url):
    """One record -> (ReportRecord, PoliceEvent), or a skip reason string."""
    if not isinstance(rec, dict):
        raise _RecordError("id", rec, "invalid_type", "händelsen är inte ett JSON-objekt")
    raw_id = rec.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, int | str) or not str(raw_id).strip():
        raise _RecordError("id", raw_id, "required", "händelsens id saknas")
    external_id = str(raw_id).strip()
    published = _parse_published(rec.get("datetime"))
    name = _text_field(rec, "name")
    event_at, rest = _event_time(name, published)
    location = rec.get("location") if isinstance(rec.get("location"), dict) else {}
    location_name = " ".join(str(location.get("name") or "").split())
    last_part = rest.rsplit(",", 1)[-1].strip()
    code = kommun_code(last_part) or (kommun_code(location_name) if location_name else None)
    if code is None:
        return "lan_niva"
    if code not in wanted:
        return "utanfor_kommun"
    police_type = _text_field(rec, "type", required=False) or rest.rsplit(",", 1)[0].strip()
    if not police_type:
        raise _RecordError("type", rec.get("type"), "required", "händelsetypen (type) saknas")
    masked = mask_personnummer(_text_field(rec, "summary", required=False))
    summary = masked.text or ""
    type_key = police_type.casefold()
    is_summary = type_key in SUMMARY_TYPES or type_key.startswith("sammanfattning")
    if is_summary:
        category = summary_category
    elif type_key in mapping:
        category = mapping[type_key]
        if category is None:
            return "ej_relevant_typ"
    elif unmapped_category is None:
        return "okand_typ"
    else:
        category = unmapped_category
    match = None
    if not is_summary and gazetteer is not None:
        gaz = gazetteer.get(code) if isinstance(gazetteer, Mapping) else gazetteer
        match = gaz.match_text(summary) if gaz is not None else None
    lat, lon = _parse_gps(location.get("gps"))
    record = ReportRecord(
        kommun_code=code,
        category_code=category,
        observed_date=date(event_at.year, event_at.month, event_at.day),
        observed_time=time(event_at.hour, event_at.minute),
        place_text=match.matched if match else None,
        description=summary or None,
        area_code=match.area_code if match else None,
        external_id=external_id,
        source="police_feed",
        personnummer_masked=masked.count > 0,
    )
    event = PoliceEvent(
        external_id=external_id,
        published_at=published,
        event_at=event_at,
        police_type=police_type,
        kommun_code=code,
        kommun_name=KOMMUNER[code],
        location_name=location_name,
        summary=summary,
        url=_absolute_url(rec.get("url"), base_url),
        gps_lat=lat,
        gps_lon=lon,
        is_summary=is_summary,
        category_code=category,
        area_code=record.area_code,
        matched_place=match.name if match else None,
    )
    return record, event
