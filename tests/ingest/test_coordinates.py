"""Tests for ingest.coordinates: detection by range, transformation and Swedish errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from ingest.coordinates import (
    CoordinateError,
    detect_system,
    parse_coordinates,
    point_to_sweref99,
    to_sweref99,
)

_BACK = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)


def test_parse_swedish_numbers():
    values = ["59,5", " 6\u00a0580\u00a0000 ", "-1,25", "\u22121,25", 7, "", None, "x"]
    out = parse_coordinates(values)
    assert out[:5].tolist() == [59.5, 6580000.0, -1.25, -1.25, 7.0]
    assert np.isnan(out[5:]).all()


def test_detect_each_system():
    got = detect_system(
        [59.3, 18.0, 674000, 6580000, 0.0, 100.0],
        [18.0, 59.3, 6580000, 674000, 0.0, 100.0],
    )
    assert got.tolist() == ["latlon", "lonlat", "sweref", "sweref_ne", "", ""]


def test_central_meridian_gives_false_easting():
    # SWEREF 99 TM: central meridian 15°E, false easting 500 000 m.
    t = to_sweref99([63.0, 15.0], [15.0, 63.0])
    assert t.system.tolist() == ["latlon", "lonlat"]
    assert t.x == pytest.approx([500000.0, 500000.0], abs=1e-6)
    assert t.y[0] == pytest.approx(t.y[1])
    assert 6_900_000 < t.y[0] < 7_100_000  # 63°N lies about 7 000 km north of the equator


def test_sweref_passes_through_both_orders():
    t = to_sweref99(["674 032,5", "6580822"], ["6580822", "674032,5"])
    assert t.x.tolist() == [674032.5, 674032.5]
    assert t.y.tolist() == [6580822.0, 6580822.0]
    assert t.error.tolist() == [None, None]


def test_errors():
    t = to_sweref99(["48,85", "abc", "59,3", None, ""], ["2,35", "18", None, None, ""])
    assert t.error.tolist() == [
        "outside_sweden",
        "invalid_coordinate",
        "missing_coordinate",
        None,
        None,
    ]
    assert np.isnan(t.x).all()


def test_allowed_restricts_detection():
    t = to_sweref99([18.0], [59.3], allowed=("latlon",))
    assert t.error.tolist() == ["outside_sweden"]
    with pytest.raises(ValueError, match="okänt"):
        to_sweref99([1], [2], allowed=("utm",))


def test_shape_mismatch():
    with pytest.raises(ValueError, match="lika många"):
        to_sweref99([1, 2], [3])


def test_point_errors_in_swedish():
    with pytest.raises(CoordinateError, match="utanför Sverige") as info:
        point_to_sweref99(48.85, 2.35)
    assert info.value.code == "outside_sweden"
    with pytest.raises(CoordinateError, match="inte ett tal"):
        point_to_sweref99("nord", 18)
    with pytest.raises(CoordinateError, match="Båda"):
        point_to_sweref99(None, None)


@settings(max_examples=100, deadline=None)
@given(lat=st.floats(55.4, 69.0), lon=st.floats(11.0, 24.0), swap=st.booleans())
def test_round_trip(lat, lon, swap):
    x, y = point_to_sweref99(lon, lat) if swap else point_to_sweref99(lat, lon)
    back_lon, back_lat = _BACK.transform(x, y)
    assert back_lat == pytest.approx(lat, abs=1e-7)
    assert back_lon == pytest.approx(lon, abs=1e-7)


def test_vectorised_many():
    lat = np.linspace(55.5, 68.5, 1000)
    lon = np.linspace(11.5, 23.5, 1000)
    t = to_sweref99(lat, lon)
    assert (t.system == "latlon").all()
    assert np.all(np.diff(t.y) > 0)  # moving north increases northing
