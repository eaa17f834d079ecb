"""Tests for ingest.police_feed on real feed records (Källa: Polisen) and hand-edited variants."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from ingest.gazetteer import build_gazetteer
from ingest.kommuner import KOMMUNER
from ingest.police_feed import parse_police_events
from ingest.police_types import DEFAULT_POLICE_TYPE_MAPPING
from ingest.records import ReportRecord

FIXTURES = Path(__file__).parent / "fixtures" / "police"
SHARED = Path("/work/shared/data")
CEST = timezone(timedelta(hours=2))


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    return json.loads((FIXTURES / "events_sample.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gazetteers():
    areas = pd.read_csv(FIXTURES / "regso_orebro_ale_names.csv", sep=";", dtype=str)
    return {
        code: build_gazetteer(areas=group[["area_code", "area_name"]])
        for code, group in areas.groupby("kommun_code")
    }


@pytest.fixture(scope="module")
def orebro(sample, gazetteers):
    return parse_police_events(sample, kommun="Örebro", gazetteer=gazetteers)


def _by_id(result):
    return {r.external_id: (r, e) for r, e in zip(result.records, result.events, strict=True)}


def test_orebro_sample_counts(orebro, sample):
    # Worked out by hand from the 27 fixture records (see fixtures/police/README.md):
    # 19 are in Örebro, of which Rattfylleri (622246) and Trafikolycka (409606) are not relevant;
    # 7 are in other kommuner; one (599342) names only Hallands län.
    assert orebro.errors == []
    assert len(orebro.records) == 17
    assert orebro.skip_reasons == {"ej_relevant_typ": 2, "utanfor_kommun": 7, "lan_niva": 1}
    assert orebro.skipped == 10
    assert len(orebro.records) + orebro.skipped == len(sample)


def test_records_are_police_feed_records_without_point(orebro):
    for record in orebro.records:
        assert isinstance(record, ReportRecord)
        assert record.source == "police_feed"
        assert record.kommun_code == "1880"
        # gps is the kommun/län centroid: never used as the incident's place
        assert record.x is None and record.y is None
    assert all(e.gps_lat is not None for e in orebro.events)


def test_event_in_an_area(orebro):
    record, event = _by_id(orebro)["431850"]
    # "26 juni 22:35, Skottlossning, Örebro", published 2023-06-27 7:06:13 +02:00
    assert record.observed_date == date(2023, 6, 26)
    assert record.observed_time == time(22, 35)
    assert record.category_code == "skjutning"
    assert record.area_code == "1880R003"
    assert record.place_text == "Baronbackarna"
    assert record.description == "En skottlossning har ägt rum i Baronbackarna"
    assert event.published_at == datetime(2023, 6, 27, 7, 6, 13, tzinfo=CEST)
    assert event.url == (
        "https://polisen.se/aktuellt/handelser/2023/juni/26/26-juni-2235-skottlossning-orebro/"
    )
    assert (event.gps_lat, event.gps_lon) == (59.275263, 15.213411)


@pytest.mark.parametrize(
    ("event_id", "category", "area"),
    [
        ("622274", "stold_inbrott", "1880R019"),  # "Marieberg galleria" -> Marieberg-Mosås
        ("610211", "dodligt_vald", "1880R019"),  # Mord/dråp, försök in Mosås
        ("419855", "narkotika", "1880R013"),  # Hjärsta -> Holmen-Hjärsta
        ("428684", "ovrigt", "1880R029"),  # Brand in Vivalla: not assumed anlagd
        ("413510", "incident_anstalld", None),  # Våld/hot mot tjänsteman, "centrala Örebro"
        ("564069", "ran", None),  # type with a comma: "Rån, försök"
        ("425119", "skadegorelse", None),  # "Rostaskolan" is not "Rosta" (whole words)
        ("483617", "olovlig_trafik", None),
    ],
)
def test_category_and_area(orebro, event_id, category, area):
    record, _event = _by_id(orebro)[event_id]
    assert record.category_code == category
    assert record.area_code == area


def test_unpadded_hour_and_kommun_from_name_when_location_is_lan(orebro):
    record, event = _by_id(orebro)["646051"]
    # "datetime": "2026-07-03 7:59:30 +02:00", "name": "3 juli 07.50, Brand, Örebro"
    assert event.published_at == datetime(2026, 7, 3, 7, 59, 30, tzinfo=CEST)
    assert event.event_at == datetime(2026, 7, 3, 7, 50)
    assert event.location_name == "Örebro län"
    assert (record.kommun_code, event.kommun_name) == ("1880", "Örebro")


def test_summaries_are_one_unplaced_record_each(orebro, sample, gazetteers):
    summaries = [(r, e) for r, e in zip(orebro.records, orebro.events, strict=True) if e.is_summary]
    assert sorted(e.external_id for _r, e in summaries) == ["410968", "438200", "564090"]
    assert all(r.area_code is None and r.category_code == "ovrigt" for r, _e in summaries)
    # A summary that names a district is still not placed in it.
    fake = copy.deepcopy(next(r for r in sample if r["id"] == 410968))
    fake["summary"] = "Bråk i Vivalla, brand i Baronbackarna."
    res = parse_police_events([fake], kommun="1880", gazetteer=gazetteers,
                              summary_category="evenemang")
    assert res.records[0].area_code is None
    assert res.records[0].category_code == "evenemang"
    # url without trailing slash is kept as it is, made absolute
    assert _by_id(orebro)["564090"][1].url.endswith("/02-januari-07.13-sammanfattning-natt-orebro")


def test_kommun_names_in_lower_case_and_gotland(sample):
    lilla_edet = parse_police_events(sample, kommun="Lilla Edet")
    assert [r.external_id for r in lilla_edet.records] == ["606930"]
    assert lilla_edet.records[0].kommun_code == "1462"
    gotland = parse_police_events(sample, kommun="0980")
    assert [r.external_id for r in gotland.records] == ["600799"]
    vasby = parse_police_events(sample, kommun="Upplands Väsby")
    assert vasby.records == [] and vasby.skip_reasons["ej_relevant_typ"] == 1


def test_several_kommuner_each_with_its_gazetteer(sample, gazetteers):
    res = parse_police_events(sample, kommun=["Örebro", "1440"], gazetteer=gazetteers)
    ale = {r.external_id: r for r in res.records if r.kommun_code == "1440"}
    assert ale["420726"].area_code == "1440R010"  # Surte
    assert ale["601455"].area_code == "1440R006"  # "kedjehus i Nol."
    assert len(res.records) == 17 + 2


def _record(**changes) -> dict:
    base = {
        "id": 1, "datetime": "2025-06-07 6:25:02 +02:00", "name": "07 juni 00.23, Brand, Malmö",
        "summary": "Bilbrand, Rosengård.", "url": "/aktuellt/handelser/x/", "type": "Brand",
        "location": {"name": "Malmö", "gps": "55.604981,13.003822"},
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("published", "name", "expected"),
    [
        ("2026-01-01 0:30:00 +01:00", "31 december 23.50, Brand, Malmö", date(2025, 12, 31)),
        ("2025-12-31 23:59:00 +01:00", "01 januari 00.05, Brand, Malmö", date(2026, 1, 1)),
        ("2024-03-01 8:00:00 +01:00", "29 februari 22.10, Brand, Malmö", date(2024, 2, 29)),
        ("2025-06-07 6:25:02 +02:00", "7 JUNI 00:23, Brand, Malmö", date(2025, 6, 7)),
    ],
)
def test_event_year_inferred_from_publication(published, name, expected):
    res = parse_police_events([_record(datetime=published, name=name)], kommun="Malmö")
    assert res.errors == []
    assert res.records[0].observed_date == expected


def test_gps_float_noise_is_metadata_only():
    rec = _record(location={"name": "Malmö", "gps": "58.345364000000004,15.519784"})
    res = parse_police_events([rec], kommun="Malmö")
    assert res.events[0].gps_lat == pytest.approx(58.345364)
    assert res.records[0].x is None


def test_absolute_url_kept():
    url = "https://polisen.se/aktuellt/handelser/2025/juni/7/x/"
    res = parse_police_events([_record(url=url)], kommun="Malmö")
    assert res.events[0].url == url


def test_deduplicate_by_id_latest_version_wins():
    first = _record(summary="Bilbrand.")
    update = _record(datetime="2025-06-07 9:00:00 +02:00", summary="Bilbrand, uppdaterad.")
    for items in ([first, update], [update, first]):
        res = parse_police_events(items, kommun="Malmö")
        assert [r.description for r in res.records] == ["Bilbrand, uppdaterad."]
        assert res.skip_reasons == {"dubblett": 1}


def test_type_mapping_override_and_unmapped():
    mapping = {**DEFAULT_POLICE_TYPE_MAPPING, "brand ": "anlagd_brand"}
    res = parse_police_events([_record()], kommun="Malmö", type_mapping=mapping)
    assert res.records[0].category_code == "anlagd_brand"
    odd = _record(type="Helt ny typ", name="07 juni 00.23, Helt ny typ, Malmö")
    assert parse_police_events([odd], kommun="Malmö").records[0].category_code == "ovrigt"
    skipped = parse_police_events([odd], kommun="Malmö", unmapped_category=None)
    assert skipped.records == [] and skipped.skip_reasons == {"okand_typ": 1}


def test_row_errors_are_swedish_with_row_numbers():
    items = [
        _record(),
        _record(id=2, datetime="7 juni 2025"),
        _record(id=3, name="Brand i Malmö"),
        _record(id=4, name="07 jani 00.23, Brand, Malmö"),
        "not an object",
        _record(id=None),
    ]
    res = parse_police_events(items, kommun="Malmö")
    assert len(res.records) == 1
    assert [(e.row, e.column, e.code) for e in res.errors] == [
        (2, "datetime", "invalid_date"),
        (3, "name", "invalid_date"),
        (4, "name", "invalid_date"),
        (5, "id", "invalid_type"),
        (6, "id", "required"),
    ]
    assert res.errors[0].message.startswith("Händelse 2: publiceringstiden")


def test_bad_input_raises():
    with pytest.raises(ValueError, match="JSON"):
        parse_police_events(b"{not json", kommun="Malmö")
    with pytest.raises(ValueError, match="lista"):
        parse_police_events('{"id": 1}', kommun="Malmö")
    with pytest.raises(ValueError, match="okänd kommun"):
        parse_police_events([], kommun="Atlantis")
    with pytest.raises(ValueError, match="kommun måste anges"):
        parse_police_events([], kommun=[])


def test_kommun_as_int_code():
    res = parse_police_events([_record(name="07 juni 00.23, Brand, Växjö")], kommun=780)
    assert res.records[0].kommun_code == "0780"


def test_bytes_with_bom(sample):
    raw = "\ufeff".encode() + json.dumps(sample).encode("utf-8")
    assert len(parse_police_events(raw, kommun="Örebro").records) == 17


@pytest.mark.parametrize(
    "filename",
    [
        "polisen_events_orebro_alingsas_ale_2022-09_2026-08.json",
        "polisen_events_national_2025-09_2025-11.json",
    ],
)
def test_every_real_record_parses(filename):
    path = SHARED / filename
    if not path.exists():
        pytest.skip(f"{path} saknas (delad testdata)")
    raw = path.read_bytes()
    items = json.loads(raw)
    res = parse_police_events(raw, kommun=list(KOMMUNER), type_mapping={},
                              unmapped_category="ovrigt")
    assert res.errors == []
    # With an empty mapping nothing is "not relevant": every record is kept, a duplicate, or
    # names only a län.
    assert set(res.skip_reasons) <= {"dubblett", "lan_niva"}
    assert len(res.records) + res.skipped == len(items)
    assert len({r.external_id for r in res.records}) == len(res.records)
    for record, event in zip(res.records, res.events, strict=True):
        assert record.x is None
        assert abs(event.event_at - event.published_at.replace(tzinfo=None)) < timedelta(days=40)


SEED_CATEGORIES = {
    "skadegorelse", "klotter", "nedskrapning", "anlagd_brand", "narkotika", "ungdomssamling",
    "incident_anstalld", "ran", "misshandel", "olovlig_trafik", "otrygg_plats",
    "oro_sociala_medier", "stold_inbrott", "ovrigt", "skollov", "evenemang", "positiv_iakttagelse",
    "skjutning", "sprangning", "dodligt_vald", "sexualbrott",
}


def test_default_mapping_uses_seed_categories_only():
    used = {v for v in DEFAULT_POLICE_TYPE_MAPPING.values() if v is not None}
    assert used <= SEED_CATEGORIES
    assert DEFAULT_POLICE_TYPE_MAPPING["Skadegörelse"] == "skadegorelse"
    assert DEFAULT_POLICE_TYPE_MAPPING["Trafikolycka"] is None


def test_kommun_table():
    from ingest.kommuner import kommun_code

    assert len(KOMMUNER) == 290
    assert all(len(code) == 4 and code.isdigit() for code in KOMMUNER)
    assert len(set(KOMMUNER.values())) == 290
    assert [KOMMUNER[c] for c in ("1880", "1489", "1440", "0780")] == [
        "Örebro", "Alingsås", "Ale", "Växjö"
    ]
    # Polisen's spellings
    assert kommun_code("Dals-ed") == "1438"
    assert kommun_code("Upplands-bro") == kommun_code("Upplands-Bro")
    assert kommun_code("Örebro kommun") == "1880"
    assert kommun_code("Örebro län") is None
    assert kommun_code("Gotlands län") == "0980"


def test_summary_text_is_masked():
    res = parse_police_events([_record(summary="Gripen 880320-0016 vid torget.")], kommun="Malmö")
    assert res.records[0].description == "Gripen [personnummer borttaget] vid torget."
    assert res.records[0].personnummer_masked is True
    assert "880320" not in res.events[0].summary


def test_serious_violence_types_get_their_own_categories():
    # fixtures/police/violence_events.json: one real record of each type (Källa: Polisen).
    events = json.loads((FIXTURES / "violence_events.json").read_text(encoding="utf-8"))
    result = parse_police_events(
        events, kommun=["Örebro", "Alingsås", "Falun", "Malmö"], type_mapping=DEFAULT_POLICE_TYPE_MAPPING
    )
    assert result.errors == [] and result.skipped == 0
    by_type = {e.police_type: r.category_code for r, e in zip(result.records, result.events, strict=True)}
    assert by_type == {
        "Mord/dråp": "dodligt_vald",
        "Mord/dråp, försök": "dodligt_vald",
        "Skottlossning": "skjutning",
        "Skottlossning, misstänkt": "skjutning",
        "Explosion": "sprangning",
        "Våldtäkt": "sexualbrott",
        "Våldtäkt, försök": "sexualbrott",
        "Sexualbrott": "sexualbrott",
    }
    # Not sexual, and a bang is not known to be an explosion: unchanged.
    assert DEFAULT_POLICE_TYPE_MAPPING["Ofredande/förargelse"] == "ovrigt"
    assert DEFAULT_POLICE_TYPE_MAPPING["Smällar"] == "ovrigt"
    assert DEFAULT_POLICE_TYPE_MAPPING["Sedlighetsbrott"] == "sexualbrott"
