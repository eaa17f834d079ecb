"""Map data for the lägesbild: simplified area GeoJSON (cached, gzip) and report points in WGS84.

Areas are stored and analysed in EPSG:3006; the map draws WGS84. The area geometry is served as its
own cached resource so the page stays small and the browser can reuse it between weeks.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from sqlmodel import Session, col, func, select

from api.areas import service as area_service
from api.areas.models import Area
from api.lagesbild.snapshot import CategoryCount, MapPoint, OffenceAreaCount

SIMPLIFY_METRES = 25.0
CACHE_FORMAT = 1  # bump when the output changes, so old disk caches are not served
DECIMALS = 5  # ~1 m in Sweden: plenty for a weekly map, and a third of the bytes of full floats

_TO_WGS84 = Transformer.from_crs(3006, 4326, always_xy=True)


@dataclass(frozen=True)
class AreaGeoJson:
    """The gzip-compressed GeoJSON of a kommun's active areas, with its ETag."""

    gzipped: bytes
    etag: str
    feature_count: int

    def raw(self) -> bytes:
        """The uncompressed GeoJSON (for clients that do not accept gzip)."""
        return gzip.decompress(self.gzipped)


_cache: dict[tuple[str, ...], AreaGeoJson] = {}
_cache_lock = threading.Lock()


def _area_set_key(session: Session, kommun_code: str) -> tuple[str, ...]:
    """What identifies the kommun's active areas without loading them: set id, its created_at, and
    the number and highest id of its areas.

    The id alone is not enough: a rolled-back import (or a deleted set, on SQLite) hands the same id
    to other areas, and with a fixed clock (LAGESBILD_CLOCK_AT, the tests') every set has the same
    created_at too; the areas' count and highest id then still differ.
    """
    area_set = area_service.active_area_set(session=session, kommun_code=kommun_code)
    if area_set is None or area_set.id is None:
        return (kommun_code, "0", "0", "0", "0")
    count, last = session.exec(
        select(func.count(col(Area.id)), func.max(col(Area.id))).where(Area.area_set_id == area_set.id)
    ).one()
    created = int(area_set.created_at.timestamp() * 1e6)
    return (kommun_code, str(area_set.id), str(created), str(count), str(last or 0))


def area_geojson(*, session: Session, kommun_code: str, cache_dir: Path | None = None) -> AreaGeoJson:
    """The kommun's active areas as simplified WGS84 GeoJSON, gzip-compressed and cached.

    The cache key is the active area set (`_area_set_key`): importing areas creates a new set, so a
    new key. With `cache_dir` the result is also kept on disk, so a restart does not simplify again.
    In memory the key also names the database, so two installations in one process (tests) never
    share an entry.
    """
    key = _area_set_key(session, kommun_code)
    database = session.get_bind().engine.url.render_as_string(hide_password=True)
    with _cache_lock:
        cached = _cache.get((database, *key))
    if cached is not None:
        return cached
    path = cache_dir / f"omraden-{'-'.join(key)}-v{CACHE_FORMAT}.geojson.gz" if cache_dir else None
    if path is not None and path.exists():
        built = _from_gzip(path.read_bytes())
    else:
        areas = area_service.load_areas_frame(session=session, kommun_code=kommun_code)
        built = build_area_geojson(areas)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(built.gzipped)
            temporary.replace(path)  # atomic: a parallel worker never reads half a file
    with _cache_lock:
        _cache[(database, *key)] = built
    return built


def build_area_geojson(areas: pd.DataFrame) -> AreaGeoJson:
    """Simplify (shared edges stay shared), reproject to WGS84, round and gzip."""
    geometries = areas.geometry.to_numpy() if len(areas) else np.array([], dtype=object)
    if len(geometries):
        # coverage_simplify keeps neighbouring areas' common borders identical (no gaps/slivers).
        try:
            geometries = shapely.coverage_simplify(geometries, SIMPLIFY_METRES)
        except Exception:  # noqa: BLE001 - an invalid coverage: fall back to per-polygon simplify
            geometries = shapely.simplify(geometries, SIMPLIFY_METRES, preserve_topology=True)
        geometries = shapely.transform(geometries, _reproject)
    # Assembled as text: GEOS writes the rounded coordinates in their shortest form already.
    features = [
        '{"type":"Feature","properties":'
        + json.dumps({"code": code, "name": name}, ensure_ascii=False, separators=(",", ":"))
        + ',"geometry":' + geometry + "}"
        for code, name, geometry in zip(
            areas.area_code, areas.area_name, shapely.to_geojson(geometries), strict=True
        )
    ]
    text = ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}").encode("utf-8")
    return _from_gzip(gzip.compress(text, compresslevel=9, mtime=0), text)


def _from_gzip(gzipped: bytes, text: bytes | None = None) -> AreaGeoJson:
    text = gzip.decompress(gzipped) if text is None else text
    return AreaGeoJson(
        gzipped=gzipped,
        etag='"' + hashlib.sha256(text).hexdigest()[:32] + '"',
        feature_count=text.count(b'"type":"Feature"'),
    )


def _reproject(coords: np.ndarray) -> np.ndarray:
    lon, lat = _TO_WGS84.transform(coords[:, 0], coords[:, 1])
    return np.round(np.column_stack([lon, lat]), DECIMALS)


def report_points(
    frame: pd.DataFrame, category_names: dict[str, str], organisation_names: dict[int, str]
) -> list[MapPoint]:
    """The week's positioned reports as map points: what, when, which organisation, where.

    Only the category, date, hour, source organisation and position leave the database: never
    the description, the place text or anything about people.
    """
    if not len(frame):
        return []
    placed = frame[frame.x.notna() & frame.y.notna() & ~frame.is_context]
    if not len(placed):
        return []
    lon, lat = _TO_WGS84.transform(placed.x.to_numpy(), placed.y.to_numpy())
    points = []
    for row, x, y in zip(placed.itertuples(index=False), lon, lat, strict=True):
        hour = row.observed_hour
        organisation = row.organisation_id
        points.append(
            MapPoint(
                category_code=row.category_code,
                category_name=category_names.get(row.category_code, row.category_code),
                date=row.observed_date.date().isoformat(),
                time=None if pd.isna(hour) else f"{int(hour):02d}",
                organisation=None if pd.isna(organisation) else organisation_names.get(int(organisation)),
                lon=round(float(x), DECIMALS),
                lat=round(float(y), DECIMALS),
            )
        )
    return points


OFFENCES_SOURCE = "police_offences"
KOMMUN_LEVEL_NAME = "Kommunnivå (inget område)"


def offence_counts(
    frame: pd.DataFrame, area_names: dict[str, str], category_names: dict[str, str]
) -> list[OffenceAreaCount]:
    """The week's polisanmälda brott per area (kommun level last), each with its categories.

    Counts are `report_count` sums, so an aggregated extract counts its offences, not its rows.
    """
    offences = frame[(frame.source == OFFENCES_SOURCE) & ~frame.is_context] if len(frame) else frame
    if not len(offences):
        return []
    keyed = offences.assign(area_key=offences.area_code.fillna(""))
    result = []
    for key, group in sorted(keyed.groupby("area_key"), key=lambda item: (item[0] == "", item[0])):
        by_category = group.groupby("category_code")["report_count"].sum().sort_values(ascending=False, kind="stable")
        result.append(OffenceAreaCount(
            area_code=key or None,
            area_name=area_names.get(key, key) if key else KOMMUN_LEVEL_NAME,
            count=int(group.report_count.sum()),
            category_counts=[CategoryCount(category_code=str(c), category_name=category_names.get(str(c), str(c)),
                                           count=int(n)) for c, n in by_category.items()],
        ))
    return result
