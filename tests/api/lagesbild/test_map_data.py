"""The cached area GeoJSON: one entry per set of areas, even when ids and timestamps repeat."""

from __future__ import annotations

import json

from sqlmodel import Session

from api.areas import service as area_service
from api.core import migrate
from api.core.db import make_engine
from api.kommuner import service as kommun_service
from api.lagesbild import map_data
from tests.conftest import database_url_for, drop_schema, make_test_settings
from tests.factories import square_areas


def _codes(built: map_data.AreaGeoJson) -> list[str]:
    return sorted(feature["properties"]["code"] for feature in json.loads(built.raw())["features"])


def test_two_databases_with_the_same_set_id_and_instant_get_their_own_areas(session, world, tmp_path):  # type: ignore[no-untyped-def]
    """Under the tests' fixed clock both sets are area_set 1 created at the same instant (this once
    served one installation's areas to another: the e2e demo showed the unit tests' four squares)."""
    url = database_url_for(tmp_path, "map_cache_" + tmp_path.name[-8:])
    engine = make_engine(make_test_settings(url, tmp_path))
    try:
        migrate.upgrade(engine)
        with Session(engine) as other:
            kommun_service.add_kommun(session=other, code="1880", name="Örebro")
            two = square_areas("1880", 510_000.0, 6_570_000.0).iloc[:2]
            area_service.import_area_set(session=other, kommun_code="1880", areas=two, name="Två", source="test")
            other.commit()
            own = map_data.area_geojson(session=session, kommun_code="1880", cache_dir=tmp_path / "cache")
            theirs = map_data.area_geojson(session=other, kommun_code="1880", cache_dir=tmp_path / "cache")
            assert _codes(own) == ["1880A", "1880B", "1880C", "1880D"]
            assert _codes(theirs) == ["1880A", "1880B"] and theirs.etag != own.etag
            # Asked again: from its own cache entry in memory, and it was written to a file of its own.
            assert map_data.area_geojson(session=other, kommun_code="1880") is theirs
            names = [path.name.split("-") for path in (tmp_path / "cache").glob("omraden-1880-*.geojson.gz")]
            assert "2" in [name[4] for name in names]  # omraden-<kommun>-<set>-<created>-<count>-<last id>
            assert map_data.area_geojson(session=other, kommun_code="1880", cache_dir=tmp_path / "cache") is theirs
    finally:
        engine.dispose()
        drop_schema(url)
