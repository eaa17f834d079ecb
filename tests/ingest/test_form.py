"""Tests for ingest.form: the weekly web-form / JSON API payload."""

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from ingest.form import parse_iso_week, validate_form
from ingest.personnummer import MASK

TODAY = date(2026, 11, 21)  # a Saturday in 2026-W47
CATS = {"klotter": "Klotter", "olovlig_trafik": "Olovlig trafik / buskörning", "ran": "Rån"}


def _validate(payload, **kw):
    kw.setdefault("kommun_code", "1880")
    kw.setdefault("categories", CATS)
    kw.setdefault("today", TODAY)
    return validate_form(payload, **kw)


def _obs(**kw):
    base = {"kategori": "klotter", "datum": "2026-11-20", "plats": "Torget"}
    base.update(kw)
    return {k: v for k, v in base.items() if v is not None}


def _codes(res):
    return [(e.row, e.column, e.code) for e in res.errors]


def test_single_observation_all_fields():
    res = _validate(_obs(tid="21:40", lat=59.2741, lon=15.2066, plats_id=12,
                         beskrivning="Moped på cykelvägen", antal=2, externt_id="A-1",
                         kategori="Buskörning"))
    assert res.errors == []
    (r,) = res.records
    assert r.category_code == "olovlig_trafik"
    assert (r.observed_date, r.observed_time, r.observed_period) == (
        date(2026, 11, 20), time(21, 40), "dag"
    )
    assert r.place_id == "12" and r.place_text == "Torget"
    assert 500_000 < r.x < 520_000 and 6_560_000 < r.y < 6_590_000
    assert r.involved_count == 2 and r.external_id == "A-1"
    assert r.source == "form" and r.kommun_code == "1880"
    assert not r.personnummer_masked
    assert res.notices == []


def test_list_and_wrapper_give_paths():
    bad = _obs(datum="2026-13-01")
    res = _validate([_obs(), bad])
    assert _codes(res) == [(2, "observationer[1].datum", "invalid_date")]
    assert res.errors[0].message.startswith("Observation 2, fältet observationer[1].datum: ")
    res = _validate({"observationer": [_obs(), _obs(), bad]})
    assert _codes(res) == [(3, "observationer[2].datum", "invalid_date")]
    assert len(res.records) == 2
    res = _validate(bad)  # a single object: plain field names
    assert _codes(res) == [(1, "datum", "invalid_date")]


def test_under_veckan():
    res = _validate([
        _obs(datum="under veckan", vecka="2026-W47"),
        _obs(datum=None, vecka="2026W46"),
        _obs(datum="Under veckan"),
        _obs(datum="2026-11-18", vecka="2026-W47"),
        _obs(datum=None, vecka="2026-W47", tid="12:00"),
        _obs(datum=None, vecka="2026-W48"),
        _obs(datum=None, vecka="2026-W60"),
    ])
    assert [(r.observed_date, r.observed_period) for r in res.records] == [
        (date(2026, 11, 16), "vecka"), (date(2026, 11, 9), "vecka")
    ]
    assert _codes(res) == [
        (3, "observationer[2].vecka", "required"),
        (4, "observationer[3].vecka", "conflict"),
        (5, "observationer[4].tid", "conflict"),
        (6, "observationer[5].vecka", "future_date"),
        (7, "observationer[6].vecka", "invalid_week"),
    ]


def test_date_window():
    # 60 days before 2026-11-21 is 2026-09-22: that day is accepted, the day before is not.
    res = _validate([_obs(datum="2026-09-22"), _obs(datum="2026-09-21"),
                     _obs(datum="2026-11-22"), _obs(datum="2026-11-21")])
    assert [r.observed_date for r in res.records] == [date(2026, 9, 22), date(2026, 11, 21)]
    assert _codes(res) == [(2, "observationer[1].datum", "too_old"),
                           (3, "observationer[2].datum", "future_date")]
    assert "mer än 60 dagar" in res.errors[0].message
    assert "framtiden" in res.errors[1].message
    res = _validate(_obs(datum="2026-11-01"), max_days_back=7)
    assert _codes(res) == [(1, "datum", "too_old")]


def test_where_required_and_coordinates():
    res = _validate([
        _obs(plats=None),
        _obs(plats=None, x=514200, y=6571300),
        _obs(plats=None, lat=59.27),
        _obs(plats=None, lat=48.85, lon=2.35),
        _obs(plats=None, x="öst", y=6571300),
        _obs(plats=None, x=59.27, y=15.2),  # x/y must be SWEREF 99 TM
        _obs(plats=None, plats_id="7"),
    ])
    assert _codes(res) == [
        (1, "observationer[0].plats", "required"),
        (3, "observationer[2].lon", "missing_coordinate"),
        (3, "observationer[2].plats", "required"),
        (4, "observationer[3].lat", "outside_sweden"),
        (5, "observationer[4].x", "invalid_coordinate"),
        (6, "observationer[5].x", "outside_sweden"),
    ]
    assert [(r.x, r.y, r.place_id) for r in res.records] == [
        (514200.0, 6571300.0, None), (None, None, "7")
    ]
    assert "utanför Sverige" in res.errors[3].message


def test_known_places_and_kommun_boundary():
    kommun = box(500_000, 6_560_000, 520_000, 6_580_000)
    res = _validate([_obs(plats_id=3), _obs(plats_id=4), _obs(x=530_000, y=6_570_000)],
                    place_ids={3, 5}, kommun_geom=kommun)
    assert _codes(res) == [(2, "observationer[1].plats_id", "unknown_place"),
                           (3, "observationer[2].x", "outside_kommun")]
    assert res.records[0].place_id == "3"


def test_personnummer_masked_and_user_told():
    res = _validate([_obs(beskrivning="Anmälare 880320-0016 och 19880320-0016"),
                     _obs(plats="Utanför 880320-0016s port")])
    assert res.records[0].description == f"Anmälare {MASK} och {MASK}"
    assert res.records[0].personnummer_masked
    assert res.records[1].place_text == f"Utanför {MASK}s port"  # a letter is a boundary too
    assert res.notices == [
        "Observation 1: 2 personnummer togs bort från beskrivningen.",
        "Observation 2: ett personnummer togs bort från platsbeskrivningen.",
    ]
    res = _validate(_obs(beskrivning="Ärende 880320-0018"))  # wrong check digit: kept
    assert res.records[0].description == "Ärende 880320-0018"
    assert not res.records[0].personnummer_masked and res.notices == []


def test_category_count_text_and_unknown_fields():
    res = _validate([
        _obs(kategori=None),
        _obs(kategori="fiske"),
        _obs(kategori=5),
        _obs(antal=-1),
        _obs(antal="två"),
        _obs(beskrivning="x" * 50),
        _obs(namn="Kalle"),
        "inte ett objekt",
        _obs(plats_id=[1]),
        _obs(externt_id={"a": 1}),
    ], max_text_chars=20)
    assert _codes(res) == [
        (1, "observationer[0].kategori", "required"),
        (2, "observationer[1].kategori", "unknown_category"),
        (3, "observationer[2].kategori", "invalid_type"),
        (4, "observationer[3].antal", "invalid_number"),
        (5, "observationer[4].antal", "invalid_number"),
        (6, "observationer[5].beskrivning", "too_long"),
        (7, "observationer[6].namn", "unknown_field"),
        (8, "observationer[7]", "invalid_type"),
        (9, "observationer[8].plats_id", "invalid_type"),
        (10, "observationer[9].externt_id", "invalid_type"),
    ]
    assert res.records == []
    assert _validate(_obs(antal="0")).records[0].involved_count == 0


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("text", "invalid_payload"),
        (None, "invalid_payload"),
        ([], "required"),
        ({"observationer": "x"}, "invalid_type"),
        ({"observationer": [], "extra": 1}, "unknown_field"),
        ([{}] * 3, "too_many"),
    ],
)
def test_bad_payloads_never_crash(payload, code):
    res = _validate(payload, max_observations=2)
    assert [e.code for e in res.errors] == [code]
    assert res.records == []


def test_arguments_checked():
    with pytest.raises(ValueError, match="source"):
        _validate(_obs(), source="import")
    with pytest.raises(ValueError, match="kommun_code"):
        _validate(_obs(), kommun_code="18")
    assert _validate(_obs(), source="api").records[0].source == "api"


def test_parse_iso_week():
    assert parse_iso_week("2026-W01") == date(2025, 12, 29)
    assert parse_iso_week(" 2026-w53 ") == date(2026, 12, 28)
    with pytest.raises(ValueError, match="finns inte"):
        parse_iso_week("2025-W53")
    with pytest.raises(ValueError, match="ingen vecka"):
        parse_iso_week("v47")


def test_names_people_hint_flag():
    res = _validate([_obs(beskrivning="Kalle Svensson kastade sten"),
                     _obs(beskrivning="Sten kastades mot fönster")])
    assert [r.names_people_hint for r in res.records] == [True, False]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12,
)
_field_values = st.dictionaries(
    st.sampled_from(["kategori", "datum", "tid", "vecka", "lat", "lon", "x", "y", "plats_id",
                     "plats", "beskrivning", "antal", "externt_id"]),
    _json,
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(payload=_json | st.lists(_field_values, max_size=3) | _field_values)
def test_never_crashes_on_arbitrary_json(payload):
    res = _validate(payload)
    assert res.records or res.errors  # something is always said about a payload
    assert all(e.code and e.message for e in res.errors)
    assert all(r.kommun_code == "1880" and r.source == "form" for r in res.records)
    error_rows = {e.row for e in res.errors}
    assert len(res.records) + len(error_rows - {None}) <= max(1, _n_items(payload))


def _n_items(payload):
    if isinstance(payload, dict) and "observationer" in payload:
        items = payload["observationer"]
        return len(items) if isinstance(items, list) else 0
    return len(payload) if isinstance(payload, list) else 1
