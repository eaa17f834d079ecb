"""Tell the coordinate system of a file's coordinate columns from their header and values.

Swedish property, housing and GIS systems export points in SWEREF 99 TM, in one of the twelve
SWEREF 99 local zones (a kommun's own system), in the old RT90 2.5 gon V, or in WGS84, and write
X = northing as Swedish surveying does ("X (SWEREF 99 TM)" holds 6 5xx xxx). The header may name
the system in parentheses; when it does not, the values decide:

=====================  ==============================  ==========================
system                 easting                          northing
=====================  ==============================  ==========================
SWEREF 99 TM           200 000 – 1 000 000              6 100 000 – 7 700 000
SWEREF 99 local zones  0 – 400 000 (false E 150 000)    6 100 000 – 7 700 000
RT90 2.5 gon V         1 200 000 – 1 950 000            6 100 000 – 7 700 000
WGS84                  longitude 10 – 24.5              latitude 55 – 69.5
=====================  ==============================  ==========================

The northing range overlaps none of the eastings, so which column holds the northing is read from
the values, row by row. The local zones differ only by their central meridian, so their values
look alike: with the kommun's geometry, the system whose transform puts most points inside the
kommun is chosen (ties go to the order of :data:`SYSTEMS`, SWEREF 99 TM first). Every transform is
pyproj's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer

from ingest.coordinates import _present, parse_coordinates

__all__ = ["SYSTEMS", "CoordinateReading", "CoordinateSystem", "crs_from_header", "read_coordinates"]


@dataclass(frozen=True)
class CoordinateSystem:
    """One coordinate system a file may use."""

    key: str  #: short name, e.g. ``sweref99tm``
    epsg: int
    label: str  #: as users write it, e.g. ``SWEREF 99 TM``
    easting: tuple[float, float]  #: plausible easting (longitude) range in Sweden
    northing: tuple[float, float]  #: plausible northing (latitude) range in Sweden

    @property
    def geographic(self) -> bool:
        """True for latitude/longitude in degrees."""
        return self.epsg == 4326


_NORTH = (6_100_000.0, 7_700_000.0)
_ZONES = {3007: "12 00", 3008: "13 30", 3012: "14 15", 3009: "15 00", 3013: "15 45", 3010: "16 30",
          3014: "17 15", 3011: "18 00", 3015: "18 45", 3016: "20 15", 3017: "21 45", 3018: "23 15"}

#: Every system recognised, in the order ties are broken.
SYSTEMS: tuple[CoordinateSystem, ...] = (
    CoordinateSystem("sweref99tm", 3006, "SWEREF 99 TM", (200_000.0, 1_000_000.0), _NORTH),
    CoordinateSystem("wgs84", 4326, "WGS 84", (10.0, 24.5), (55.0, 69.5)),
    CoordinateSystem("rt90", 3021, "RT90 2.5 gon V", (1_200_000.0, 1_950_000.0), _NORTH),
    *(
        CoordinateSystem(f"sweref99_{zone.replace(' ', '')}", epsg, f"SWEREF 99 {zone}",
                         (0.0, 400_000.0), _NORTH)
        for epsg, zone in _ZONES.items()
    ),
)
_BY_EPSG = {s.epsg: s for s in SYSTEMS}
_CHOICE_SAMPLE = 2_000  #: points per candidate system transformed to choose the file's system

#: Swedish messages for the row error codes of :func:`read_coordinates`.
ERROR_MESSAGES: dict[str, str] = {
    "invalid_coordinate": "koordinaten är inte ett tal",
    "missing_coordinate": "bara den ena koordinaten är ifylld; båda behövs",
    "outside_sweden": "koordinaten ligger utanför Sverige (den passar inget svenskt koordinatsystem)",
    "wrong_system": "koordinaten passar inte koordinatsystemet {label} som kolumnrubriken anger",
    "unknown_zone": ("koordinaten är i en lokal SWEREF 99-zon som inte kan avgöras utan kommunens "
                     "områden; ange zonen i kolumnrubriken"),
}


def crs_from_header(header: Any) -> CoordinateSystem | None:
    """The coordinate system a header names (``"X (SWEREF 99 TM)"``), or None.

    Examples
    --------
    >>> [getattr(crs_from_header(h), "label", None) for h in
    ...  ["X (SWEREF 99 TM)", "N sweref99 1500", "Y (RT 90 2,5 gon V)", "Lat WGS84", "Östlig (E)"]]
    ['SWEREF 99 TM', 'SWEREF 99 15 00', 'RT90 2.5 gon V', 'WGS 84', None]
    """
    text = re.sub(r"[\s_.,-]+", "", str(header).casefold())
    if m := re.search(r"epsg:?(\d{4,5})", text):
        return _BY_EPSG.get(int(m.group(1)))
    if "sweref" in text:
        if "tm" in text.split("sweref", 1)[1]:
            return _BY_EPSG[3006]
        if m := re.search(r"sweref99(\d{4})", text):
            zone = f"{m.group(1)[:2]} {m.group(1)[2:]}"
            return next((s for e, s in _BY_EPSG.items() if _ZONES.get(e) == zone), None)
        return _BY_EPSG[3006]
    if "rt90" in text:
        return _BY_EPSG[3021]
    if "wgs84" in text or "wgs" in text:
        return _BY_EPSG[4326]
    return None


@dataclass
class CoordinateReading:
    """Result of :func:`read_coordinates`, one entry per row in the arrays."""

    x: np.ndarray  #: easting in EPSG:3006, NaN where not usable
    y: np.ndarray  #: northing in EPSG:3006, NaN where not usable
    error: list[str | None]  #: code of :data:`ERROR_MESSAGES` or None
    system: CoordinateSystem | None  #: the file's system (the one most rows use)
    northing_first: bool  #: True when the first column holds the northing (latitude)
    from_header: bool  #: True when a header named the system
    note: str = ""  #: Swedish: how the system was chosen

    def message(self, code: str) -> str:
        """The Swedish reason for a row error code."""
        label = self.system.label if self.system else ""
        return ERROR_MESSAGES[code].format(label=label)


def read_coordinates(
    a: Any, b: Any, *, hint: CoordinateSystem | None = None, within: Any = None,
    geographic_only: bool = False,
) -> CoordinateReading:
    """Read coordinate pairs ``(a, b)`` in any order and system and transform them to EPSG:3006.

    Parameters
    ----------
    a, b : array-like
        The two coordinate columns (numbers or text with decimal comma / thousands spaces).
    hint : CoordinateSystem, optional
        The system a header names; rows that do not fit it are ``wrong_system``.
    within : shapely geometry or sequence of them, optional
        The kommun or its areas (EPSG:3006): picks, among systems the values fit, the one that puts
        most points inside. Without it a local zone cannot be told from another (``unknown_zone``).
    geographic_only : bool
        The columns are latitude/longitude (headers said so).

    Returns
    -------
    CoordinateReading

    Examples
    --------
    >>> r = read_coordinates(["6 571 300", "6571350"], ["514 200", "514250"])
    >>> r.system.label, r.northing_first, r.x.tolist(), r.y.tolist()
    ('SWEREF 99 TM', True, [514200.0, 514250.0], [6571300.0, 6571350.0])
    """
    raw_a = np.atleast_1d(np.asarray(a, dtype=object))
    raw_b = np.atleast_1d(np.asarray(b, dtype=object))
    fa, fb = parse_coordinates(raw_a), parse_coordinates(raw_b)
    if fa.shape != fb.shape:
        raise ValueError("a och b måste ha lika många koordinater")
    n = fa.shape[0]
    present_a, present_b = _present(raw_a), _present(raw_b)
    error: list[str | None] = [None] * n
    for i in range(n):
        if present_a[i] != present_b[i]:
            error[i] = "missing_coordinate"
        elif (present_a[i] and np.isnan(fa[i])) or (present_b[i] and np.isnan(fb[i])):
            error[i] = "invalid_coordinate"
    usable = np.isfinite(fa) & np.isfinite(fb)
    north_first = _inside(fa, _NORTH) | (_inside(fa, SYSTEMS[1].northing) & _inside(fb, SYSTEMS[1].easting))
    east = np.where(north_first, fb, fa)
    north = np.where(north_first, fa, fb)

    stated = hint is not None
    if geographic_only and hint is None:
        hint = _BY_EPSG[4326]
    candidates = [hint] if hint is not None else list(SYSTEMS)
    fits = {s.key: usable & _inside(east, s.easting) & _inside(north, s.northing) for s in candidates}
    chosen, note = _choose(candidates, fits, east, north, within, from_header=hint is not None)

    x, y = np.full(n, np.nan), np.full(n, np.nan)
    used = np.zeros(n, dtype=bool)
    # WGS84 rows are recognisable on their own (degrees), so they stay usable beside a projected
    # file system unless a header named another system.
    for system in {chosen, None if hint is not None else _BY_EPSG[4326]} - {None}:
        assert system is not None
        sel = fits.get(system.key, np.zeros(n, dtype=bool)) & ~used
        if sel.any():
            x[sel], y[sel] = _transform(system.epsg, east[sel], north[sel])
            used |= sel
    projected_fit = np.zeros(n, dtype=bool)
    for s in candidates:
        if not s.geographic:
            projected_fit |= fits[s.key]
    for j in np.flatnonzero(usable & ~used).tolist():
        if stated:
            error[j] = "wrong_system"
        elif chosen is None and projected_fit[j]:
            error[j] = "unknown_zone"
        else:
            error[j] = "outside_sweden"
    majority_north_first = bool(north_first[used].sum() * 2 > used.sum()) if used.any() else False
    return CoordinateReading(x, y, error, chosen, majority_north_first, stated, note)


def _choose(candidates: list[CoordinateSystem], fits: dict[str, np.ndarray], east: np.ndarray,
            north: np.ndarray, within: Any, *, from_header: bool) -> tuple[CoordinateSystem | None, str]:
    """The file's system: the header's, else the one the most points fit (inside the kommun)."""
    if from_header:
        if candidates[0].geographic:
            return candidates[0], "Koordinaterna är latitud och longitud (WGS 84)."
        return candidates[0], f"Koordinatsystemet {candidates[0].label} anges i kolumnrubriken."
    projected = [s for s in candidates if not s.geographic and fits[s.key].any()]
    if not projected:
        wgs = _BY_EPSG[4326]
        return (wgs, "Koordinaterna är latitud och longitud (WGS 84).") if fits[wgs.key].any() else (None, "")
    if within is None:
        best = max(projected, key=lambda s: int(fits[s.key].sum()))
        if best.key.startswith("sweref99_"):
            return None, ("Koordinaterna ser ut att vara i en lokal SWEREF 99-zon, men kommunens "
                          "områden saknas, så zonen kan inte avgöras. Ange zonen i kolumnrubriken, "
                          "t.ex. ”X (SWEREF 99 15 00)”.")
        return best, f"Koordinatsystemet {best.label} bestämdes av värdena."
    polygons = np.atleast_1d(np.asarray(within, dtype=object))
    tree = shapely.STRtree(polygons)  # the areas as they are: no union of thousands of polygons
    inside: dict[str, int] = {}
    for s in projected:
        sel = np.flatnonzero(fits[s.key])
        sel = sel[:: max(1, len(sel) // _CHOICE_SAMPLE)]  # a spread sample decides as well as all
        px, py = _transform(s.epsg, east[sel], north[sel])
        hits = tree.query(shapely.points(px, py), predicate="intersects")[0]
        inside[s.key] = int(np.unique(hits).size)
    best = max(projected, key=lambda s: (inside[s.key], int(fits[s.key].sum())))  # max keeps the first of ties
    note = f"Koordinatsystemet {best.label} bestämdes av värdena"
    if best.key.startswith("sweref99_"):
        note += " (den lokala zon där punkterna hamnar i kommunen)"
    return best, note + "."


def _inside(v: np.ndarray, rng: tuple[float, float]) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (v >= rng[0]) & (v <= rng[1])


@lru_cache(maxsize=32)
def _transformer(epsg: int) -> Transformer:
    return Transformer.from_crs(f"EPSG:{epsg}", "EPSG:3006", always_xy=True)


def _transform(epsg: int, east: np.ndarray, north: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if epsg == 3006:
        return east.astype("float64"), north.astype("float64")
    x, y = _transformer(epsg).transform(east, north)
    return np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
