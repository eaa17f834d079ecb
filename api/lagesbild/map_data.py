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

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from sqlmodel import Session

from api.areas import service as area_service
from api.lagesbild.snapshot import MapPoint

SIMPLIFY_METRES = 25.0
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


_cache: dict[tuple[str, int], AreaGeoJson] = {}
_cache_lock = threading.Lock()


def area_geojson(*, session: Session, kommun_code: str) -> AreaGeoJson:
    """The kommun's active areas as simplified WGS84 GeoJSON, gzip-compressed and cached.

    The cache key is the active area set's id: importing areas creates a new set, so a new id.
    """
    area_set = area_service.active_area_set(session=session, kommun_code=kommun_code)
    key = (kommun_code, area_set.id if area_set and area_set.id is not None else 0)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    areas = area_service.load_areas_frame(session=session, kommun_code=kommun_code)
    built = build_area_geojson(areas)
    with _cache_lock:
        _cache[key] = built
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
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name},
            "geometry": json.loads(shapely.to_geojson(geometry)),
        }
        for code, name, geometry in zip(areas.area_code, areas.area_name, geometries, strict=True)
    ]
    text = json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    return AreaGeoJson(
        gzipped=gzip.compress(text, compresslevel=9, mtime=0),
        etag='"' + hashlib.sha256(text).hexdigest()[:32] + '"',
        feature_count=len(features),
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
