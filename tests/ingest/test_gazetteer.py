"""Tests for ingest.gazetteer: folding, autocomplete and place matching in free text."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.gazetteer import build_gazetteer, fold

FIXTURES = Path(__file__).parent / "fixtures" / "police"


@pytest.fixture(scope="module")
def orebro():
    """Örebro's 36 real RegSO names (Källa: SCB) plus two hand-made places."""
    areas = pd.read_csv(FIXTURES / "regso_orebro_ale_names.csv", sep=";", dtype=str)
    areas = areas[areas["kommun_code"] == "1880"]
    places = [
        {"name": "Vivalla centrum", "aliases": ["Vivallatorget", "Vivalla C"],
         "area_code": "1880R029", "x": 510000.0, "y": 6572000.0},
        {"name": "Centrumskolan", "aliases": "Centrum skolan|CS", "area_code": "1880R031"},
    ]
    return build_gazetteer(places, areas[["area_code", "area_name"]])


def test_fold_strips_diacritics_case_and_punctuation():
    assert fold("Värberga-Oxhagen!") == "varberga oxhagen"
    assert fold("  ÖREBRO   Län ") == "orebro lan"
    assert fold("") == ""


def test_counts_entries(orebro):
    # 36 areas + 2 places
    assert len(orebro) == 38


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Bilbrand, Vivalla.", "1880R029"),
        ("Skadegörelse på Baronbackarna", "1880R003"),
        ("SKADEGÖRELSE PÅ BARONBACKARNA", "1880R003"),
        ("Brand i Värberga", "1880R028"),  # part of "Varberga-Oxhagen", diacritics folded
        ("Stöld i Marieberg galleria", "1880R019"),  # part of "Marieberg-Mosås"
        ("Bråk vid Vivallatorget", "1880R029"),  # place alias
        ("Det ryker i en villa i nya hjärsta Örebro.", "1880R022"),  # longest name wins
    ],
)
def test_match_text_finds_area(orebro, text, code):
    match = orebro.match_text(text)
    assert match is not None
    assert match.area_code == code


def test_match_text_whole_words_only(orebro):
    assert orebro.match_text("Skadegörelse utförd på Rostaskolan i Örebro.") is None
    assert orebro.match_text("Vivallavägen") is None
    assert orebro.match_text("") is None
    assert orebro.match_text(None) is None


def test_match_text_reports_span_and_entry(orebro):
    text = "Bråk vid Vivalla centrum i kväll"
    match = orebro.match_text(text)
    assert match.name == "Vivalla centrum"
    assert match.kind == "place"
    assert text[match.start : match.end] == "Vivalla centrum"
    assert (match.x, match.y) == (510000.0, 6572000.0)


def test_longest_name_wins_over_shorter_in_other_area(orebro):
    # "Hjärsta" (part of Holmen-Hjärsta, R013) vs "Nya Hjärsta" (part of Nya Hjärsta-Nyponlunden)
    assert orebro.match_text("Brand i Hjärsta").area_code == "1880R013"
    assert orebro.match_text("Brand i Nya Hjärsta").area_code == "1880R022"


def test_ambiguous_same_length_different_areas_gives_none(orebro):
    # "Almby" is part of both "Almby-Ormesta" (R002) and "Ekeby-Almby-Hidingsta-Stora Mellösa".
    assert orebro.match_text("Brand i Almby") is None
    # Two areas with names of equal length (6 letters each): which one is meant is unknown.
    assert orebro.match_text("Bråk i Lundby och Tybble") is None
    # Vivalla has 7 letters, Tybble 6: the longer name wins.
    assert orebro.match_text("Bråk i Vivalla och Tybble").area_code == "1880R029"


def test_exact_spelling_breaks_a_diacritics_tie():
    g = build_gazetteer([
        {"name": "Varberga", "area_code": "A"},
        {"name": "Värberga", "area_code": "B"},
    ])
    assert g.match_text("brand i Värberga").area_code == "B"
    assert g.match_text("brand i varberga").area_code == "A"
    assert g.match_text("brand i VARBERGA").area_code == "A"
    assert g.match_text("brand i Vårberga") is None  # folds to both, matches neither exactly


def test_same_name_twice_same_area_is_not_ambiguous():
    g = build_gazetteer([{"name": "Torget", "area_code": "A"}],
                        areas=[{"area_code": "A", "area_name": "Torget"}])
    assert g.match_text("Bråk på Torget").area_code == "A"


def test_compound_parts_can_be_switched_off():
    areas = [{"area_code": "1880R028", "area_name": "Varberga-Oxhagen"}]
    assert build_gazetteer(areas=areas).match_text("i Oxhagen").area_code == "1880R028"
    g = build_gazetteer(areas=areas, split_compound_area_names=False)
    assert g.match_text("i Oxhagen") is None
    assert g.match_text("i Varberga-Oxhagen").area_code == "1880R028"


def test_autocomplete_orders_prefix_before_word_prefix(orebro):
    names = [s.matched for s in orebro.autocomplete("viv")]
    # area name first (shorter, kind area), then the place, each once
    assert names == ["Vivalla", "Vivalla centrum"]
    hits = orebro.autocomplete("centr")
    # "Centrumskolan" starts with the prefix; no area name has a word starting with "centr"
    assert [s.name for s in hits] == ["Centrumskolan", "Vivalla centrum"]


def test_autocomplete_matches_aliases_and_folds(orebro):
    hits = orebro.autocomplete("VIVALLAT")
    assert [(s.name, s.matched) for s in hits] == [("Vivalla centrum", "Vivallatorget")]
    assert [s.area_code for s in orebro.autocomplete("värb")] == ["1880R028"]
    assert [s.name for s in orebro.autocomplete("oxha")] == ["Varberga-Oxhagen"]


def test_autocomplete_limit_and_empty(orebro):
    assert orebro.autocomplete("") == []
    assert orebro.autocomplete("  ") == []
    assert orebro.autocomplete("b", limit=0) == []
    assert len(orebro.autocomplete("b", limit=2)) == 2
    all_b = orebro.autocomplete("b", limit=100)
    # Main names starting with "b", shortest first (12, 13, 20 and 27 folded characters) ...
    assert [s.name for s in all_b[:4]] == [
        "Brickebacken", "Baronbackarna", "Brickeberg-Norra Bro", "Brunnsgärdet-Lindhult-Nasta"
    ]
    # ... then an alias (the part "Björkhaga" of "Mellringe-Björkhaga") ...
    assert (all_b[4].name, all_b[4].matched) == ("Mellringe-Björkhaga", "Björkhaga")
    # ... and word-prefix matches last ("Bro" in "Brickeberg-Norra Bro" is already listed once).
    assert len({s.name for s in all_b}) == len(all_b)


def test_place_without_point_has_nan(orebro):
    (hit,) = orebro.autocomplete("centrumsk")
    assert math.isnan(hit.x) and math.isnan(hit.y)


def test_input_checks_name_the_column():
    with pytest.raises(ValueError, match="area_code"):
        build_gazetteer([{"name": "Torget"}])
    with pytest.raises(ValueError, match="area_name"):
        build_gazetteer(areas=pd.DataFrame({"area_code": ["A"]}))
    with pytest.raises(ValueError, match="rad 1"):
        build_gazetteer([{"name": " ", "area_code": "A"}])


@given(st.text(max_size=60))
def test_match_text_never_crashes_and_span_is_inside(text):
    g = build_gazetteer(areas=[{"area_code": "A", "area_name": "Vivalla"},
                               {"area_code": "B", "area_name": "Ör-ebro"}])
    match = g.match_text(text)
    if match is not None:
        assert 0 <= match.start < match.end <= len(text)
        assert fold(text[match.start : match.end]) in {"vivalla", "or ebro", "ebro"}
