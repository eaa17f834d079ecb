"""Area sets: import a layer as a new version, activate it, and the gazetteer of place names."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Row
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from api.areas.models import Area, AreaSet, Place
from api.core.errors import AppError
from ingest.areas import AreaFileError, filter_where, keep_kommun, prepare_areas
from ingest.gazetteer import Gazetteer, build_gazetteer


def read_area_file(
    path: Path, *, code_field: str, name_field: str, only_where: str | None = None
) -> gpd.GeoDataFrame:
    """Read a GeoPackage, GeoJSON or Shapefile and prepare it (EPSG:3006, checked fields).

    `only_where` ("FIELD=VALUE") keeps matching features, e.g. one kommun out of a national layer.
    """
    layer = _read_layer(path, only_where)
    try:
        return prepare_areas(layer, code_field=code_field, name_field=name_field)
    except AreaFileError as exc:
        raise AppError(str(exc)) from exc


def read_kommun_area_file(
    path: Path, *, kommun_code: str, code_field: str, name_field: str, only_where: str | None = None
) -> tuple[gpd.GeoDataFrame, int]:
    """As `read_area_file`, keeping only the kommun's areas; returns them and how many were left out.

    A layer holding several kommuner keeps the features whose kommun code column (or DeSO/RegSO
    area code) is `kommun_code`, and is refused when none is (`ingest.areas.keep_kommun`).
    """
    layer = _read_layer(path, only_where)
    try:
        layer, left_out = keep_kommun(layer, kommun_code=kommun_code, code_field=code_field) if len(layer) \
            else (layer, 0)
        return prepare_areas(layer, code_field=code_field, name_field=name_field), left_out
    except AreaFileError as exc:
        raise AppError(str(exc)) from exc


def _read_layer(path: Path, only_where: str | None) -> gpd.GeoDataFrame:
    if not path.exists():
        raise AppError(f"Filen {path} finns inte.")
    try:
        layer = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise AppError(f"Filen {path.name} kunde inte läsas som geodata: {exc}") from exc
    if not only_where:
        return layer
    try:
        return filter_where(layer, only_where)
    except AreaFileError as exc:
        raise AppError(str(exc)) from exc


def import_area_set(
    *, session: Session, kommun_code: str, areas: gpd.GeoDataFrame, name: str, source: str,
    activate: bool = True,
) -> AreaSet:
    """Store prepared areas as the next version of the named set, and make it active."""
    latest = session.exec(
        select(AreaSet)
        .where(AreaSet.kommun_code == kommun_code, AreaSet.name == name)
        .order_by(AreaSet.version.desc())  # type: ignore[attr-defined]
    ).first()
    area_set = AreaSet(
        kommun_code=kommun_code, name=name, source=source,
        version=(latest.version + 1) if latest else 1,
    )
    session.add(area_set)
    session.flush()
    wkb = shapely.to_wkb(areas.geometry.to_numpy())
    session.add_all(
        Area(area_set_id=area_set.id, code=code, name=area_name, geometry_wkb=blob)  # type: ignore[arg-type]
        for code, area_name, blob in zip(areas.area_code, areas.area_name, wkb, strict=True)
    )
    session.flush()
    if activate:
        activate_area_set(session=session, area_set=area_set)
    return area_set


def activate_area_set(*, session: Session, area_set: AreaSet) -> None:
    """Make this set the kommun's active one (the previous one is kept for history)."""
    for other in session.exec(
        select(AreaSet).where(AreaSet.kommun_code == area_set.kommun_code, AreaSet.active == True)  # noqa: E712
    ):
        other.active = False
        session.add(other)
    area_set.active = True
    session.add(area_set)
    session.flush()


def active_area_set(*, session: Session, kommun_code: str) -> AreaSet | None:
    return session.exec(
        select(AreaSet).where(AreaSet.kommun_code == kommun_code, AreaSet.active == True)  # noqa: E712
    ).first()


def load_areas_frame(*, session: Session, kommun_code: str) -> gpd.GeoDataFrame:
    """The kommun's active areas as a GeoDataFrame (area_id, area_code, area_name) in EPSG:3006."""
    area_set = active_area_set(session=session, kommun_code=kommun_code)
    rows: Sequence[Row] = []  # type: ignore[type-arg]
    if area_set is not None:
        table = Area.__table__  # type: ignore[attr-defined]
        # Core select: thousands of polygons load without building ORM objects.
        rows = session.connection().execute(
            sa_select(table.c.id, table.c.code, table.c.name, table.c.geometry_wkb)
            .where(table.c.area_set_id == area_set.id)
            .order_by(table.c.code)
        ).all()
    return gpd.GeoDataFrame(
        {
            "area_id": [r[0] for r in rows],
            "area_code": [r[1] for r in rows],
            "area_name": [r[2] for r in rows],
        },
        geometry=shapely.from_wkb([r[3] for r in rows]) if rows else [],
        crs=3006,
    )


def kommun_gazetteer(
    *, session: Session, kommun_code: str, areas: gpd.GeoDataFrame | None = None,
    places: list[Place] | None = None,
) -> Gazetteer:
    """The kommun's gazetteer: its places and the names of its active areas.

    Pass `areas`/`places` when the caller already loaded them.
    """
    if areas is None:
        areas = load_areas_frame(session=session, kommun_code=kommun_code)
    if places is None:
        places = list(session.exec(select(Place).where(Place.kommun_code == kommun_code)))
    code_by_id = dict(zip(areas.area_id, areas.area_code, strict=True))
    rows = [
        {"name": p.name, "aliases": p.aliases, "area_code": code_by_id[p.area_id]}
        for p in places
        if p.area_id in code_by_id
    ]
    return build_gazetteer(
        pd.DataFrame(rows) if rows else None,
        areas[["area_code", "area_name"]] if len(areas) else None,
    )


def import_places_csv(*, session: Session, kommun_code: str, text: str) -> int:
    """Load gazetteer places (name;aliases;area_code;x;y) and add every area's own name."""
    areas = load_areas_frame(session=session, kommun_code=kommun_code)
    area_ids = dict(zip(areas.area_code, areas.area_id, strict=True))
    existing = {
        p.name for p in session.exec(select(Place).where(Place.kommun_code == kommun_code))
    }
    added = 0
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        name = row["name"].strip()
        if not name or name in existing:
            continue
        session.add(
            Place(
                kommun_code=kommun_code,
                name=name,
                aliases=row.get("aliases", "").strip(),
                x=float(row["x"]) if row.get("x") else None,
                y=float(row["y"]) if row.get("y") else None,
                area_id=area_ids.get(row.get("area_code", "").strip()),
            )
        )
        existing.add(name)
        added += 1
    for area_name, area_id, point in zip(
        areas.area_name, areas.area_id, areas.representative_point(), strict=True
    ):
        if area_name and area_name not in existing:
            session.add(
                Place(kommun_code=kommun_code, name=area_name, area_id=area_id, x=point.x, y=point.y)
            )
            existing.add(area_name)
            added += 1
    session.flush()
    return added
