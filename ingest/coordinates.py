"""Recognise and transform coordinates from reporters and other systems to EPSG:3006.

People paste coordinates from phones (WGS84 latitude/longitude, in either order) and GIS systems
export SWEREF 99 TM (easting/northing, sometimes written northing first). The ranges of these
systems do not overlap inside Sweden, so each pair ``(a, b)`` is classified by plausible ranges:

============  ==========================  ==========================
system        a                           b
============  ==========================  ==========================
``latlon``    latitude 55.0–69.5          longitude 10.0–24.5
``lonlat``    longitude 10.0–24.5         latitude 55.0–69.5
``sweref``    easting 200 000–1 000 000   northing 6 100 000–7 700 000
``sweref_ne`` northing 6 100 000–7 700 000 easting 200 000–1 000 000
============  ==========================  ==========================

The boxes are a little wider than Sweden and include border strips of Norway, Finland and Denmark;
the exact test against the kommun boundary is :func:`ingest.placement.outside_kommun`.
Strings with a decimal comma (``"59,3293"``) and thousands spaces (``"6 580 000"``) are accepted.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from pyproj import Transformer

LAT_RANGE = (55.0, 69.5)
LON_RANGE = (10.0, 24.5)
EAST_RANGE = (200_000.0, 1_000_000.0)
NORTH_RANGE = (6_100_000.0, 7_700_000.0)

SYSTEMS: tuple[str, ...] = ("latlon", "lonlat", "sweref", "sweref_ne")

#: Swedish messages for the error codes returned by :func:`to_sweref99`.
ERROR_MESSAGES: dict[str, str] = {
    "invalid_coordinate": "Koordinaten är inte ett tal",
    "missing_coordinate": "Båda koordinaterna måste anges",
    "outside_sweden": "Koordinaten ligger utanför Sverige",
}


class CoordinateError(ValueError):
    """A coordinate pair could not be used; ``code`` is machine-readable, the text Swedish."""

    def __init__(self, code: str) -> None:
        super().__init__(ERROR_MESSAGES[code])
        self.code = code


class Transformed(NamedTuple):
    """Result of :func:`to_sweref99`, one entry per input pair."""

    x: np.ndarray  #: easting in EPSG:3006, NaN where ``error`` is set
    y: np.ndarray  #: northing in EPSG:3006, NaN where ``error`` is set
    system: np.ndarray  #: detected system (see module doc), ``""`` where unknown
    error: np.ndarray  #: ``None`` or an error code of :data:`ERROR_MESSAGES`


def parse_coordinates(values: Any) -> np.ndarray:
    """Parse numbers written the Swedish or the English way into a float array (NaN if empty).

    Raises nothing: a value that is present but not a number becomes NaN and is reported by
    :func:`to_sweref99` as ``invalid_coordinate``; use :func:`_present` to tell the two apart.

    Examples
    --------
    >>> parse_coordinates(["59,3293", "6 580 000", 18.06, None, "abc"]).tolist()
    [59.3293, 6580000.0, 18.06, nan, nan]
    """
    raw = np.atleast_1d(np.asarray(values, dtype=object))
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw.flat):
        return raw.astype("float64")  # plain numbers (an API submit's pair): nothing to clean
    s = pd.Series(raw, dtype=object)
    numeric = pd.to_numeric(s, errors="coerce")
    text_mask = s.map(lambda v: isinstance(v, str))
    if text_mask.any():
        cleaned = (
            s[text_mask]
            .str.strip()
            .str.replace(r"[\s\u00a0\u202f]", "", regex=True)
            .str.replace("\u2212", "-", regex=False)
            .str.replace(",", ".", regex=False)
        )
        numeric[text_mask] = pd.to_numeric(cleaned, errors="coerce")
    return numeric.to_numpy(dtype="float64")


def detect_system(a: Any, b: Any) -> np.ndarray:
    """Classify each pair ``(a, b)`` as ``latlon``, ``lonlat``, ``sweref``, ``sweref_ne`` or ``""``.

    Examples
    --------
    >>> detect_system([59.33, 18.06, 674000, 6580000, 40.0], [18.06, 59.33, 6580000, 674000, 3.0])
    array(['latlon', 'lonlat', 'sweref', 'sweref_ne', ''], dtype='<U9')
    """
    a = parse_coordinates(a)
    b = parse_coordinates(b)
    if a.shape != b.shape:
        raise ValueError("a och b måste ha lika många koordinater")
    out = np.full(a.shape, "", dtype="<U9")

    def inside(v: np.ndarray, rng: tuple[float, float]) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return (v >= rng[0]) & (v <= rng[1])

    out[inside(a, LAT_RANGE) & inside(b, LON_RANGE)] = "latlon"
    out[inside(a, LON_RANGE) & inside(b, LAT_RANGE)] = "lonlat"
    out[inside(a, EAST_RANGE) & inside(b, NORTH_RANGE)] = "sweref"
    out[inside(a, NORTH_RANGE) & inside(b, EAST_RANGE)] = "sweref_ne"
    return out


@lru_cache(maxsize=1)
def _wgs84_to_sweref() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)


def to_sweref99(a: Any, b: Any, *, allowed: tuple[str, ...] = SYSTEMS) -> Transformed:
    """Detect the system of each pair and transform it to EPSG:3006 (vectorised).

    Parameters
    ----------
    a, b : array-like
        First and second coordinate of each pair, as numbers or strings (decimal comma allowed).
    allowed : tuple of str, default all systems
        Restrict detection, e.g. ``("latlon",)`` when the file's columns are named latitud and
        longitud; a pair that only fits another system is then ``outside_sweden``.

    Returns
    -------
    Transformed
        ``x``, ``y`` (NaN where not usable), ``system`` and ``error`` per pair.

    Examples
    --------
    >>> t = to_sweref99(["63,0", "500000", "1,5"], ["15,0", "6985000", "2"])
    >>> t.system.tolist(), t.error.tolist()
    (['latlon', 'sweref', ''], [None, None, 'outside_sweden'])
    >>> [round(v) for v in t.x[:2]]  # 15°E is the central meridian: easting 500 000
    [500000, 500000]
    """
    unknown = set(allowed) - set(SYSTEMS)
    if unknown:
        raise ValueError(f"okänt koordinatsystem: {sorted(unknown)}")
    raw_a = np.atleast_1d(np.asarray(a, dtype=object))
    raw_b = np.atleast_1d(np.asarray(b, dtype=object))
    fa, fb = parse_coordinates(raw_a), parse_coordinates(raw_b)
    if fa.shape != fb.shape:
        raise ValueError("a och b måste ha lika många koordinater")
    system = detect_system(fa, fb)
    system[~np.isin(system, list(allowed))] = ""

    x = np.full(fa.shape, np.nan)
    y = np.full(fa.shape, np.nan)
    sel = system == "sweref"
    x[sel], y[sel] = fa[sel], fb[sel]
    sel = system == "sweref_ne"
    x[sel], y[sel] = fb[sel], fa[sel]
    lat = np.where(system == "latlon", fa, np.where(system == "lonlat", fb, np.nan))
    lon = np.where(system == "latlon", fb, np.where(system == "lonlat", fa, np.nan))
    wgs = ~np.isnan(lat)
    if wgs.any():
        x[wgs], y[wgs] = _wgs84_to_sweref().transform(lon[wgs], lat[wgs])

    present_a, present_b = _present(raw_a), _present(raw_b)
    error = np.full(fa.shape, None, dtype=object)
    error[system == ""] = "outside_sweden"
    error[(present_a & np.isnan(fa)) | (present_b & np.isnan(fb))] = "invalid_coordinate"
    error[present_a != present_b] = "missing_coordinate"
    error[~present_a & ~present_b] = None  # no point at all is not an error here
    return Transformed(x, y, system, error)


def point_to_sweref99(a: Any, b: Any, *, allowed: tuple[str, ...] = SYSTEMS) -> tuple[float, float]:
    """Transform one pair to EPSG:3006 or raise :class:`CoordinateError` with a Swedish message.

    Examples
    --------
    >>> x, y = point_to_sweref99("59,3293", "18,0686")
    >>> round(x), round(y)
    (674572, 6580743)
    >>> try:
    ...     point_to_sweref99(48.85, 2.35)
    ... except CoordinateError as err:
    ...     print(err.code, "-", err)
    outside_sweden - Koordinaten ligger utanför Sverige
    """
    t = to_sweref99([a], [b], allowed=allowed)
    if t.error[0] is not None:
        raise CoordinateError(t.error[0])
    if np.isnan(t.x[0]):
        raise CoordinateError("missing_coordinate")
    return float(t.x[0]), float(t.y[0])


def _present(values: np.ndarray) -> np.ndarray:
    """True where a value was given (not None/NaN/empty string)."""

    def one(v: Any) -> bool:
        if v is None:
            return False
        if isinstance(v, str):
            return v.strip() != ""
        try:
            return not bool(pd.isna(v))
        except (TypeError, ValueError):
            return True

    return np.fromiter((one(v) for v in values), dtype=bool, count=len(values))
