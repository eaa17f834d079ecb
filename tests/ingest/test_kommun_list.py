"""SCB's 290 kommuner shipped with the package, and checking a code and name against them."""

from __future__ import annotations

from importlib import resources

import pytest

from ingest.kommuner import KOMMUNER, check_kommun, kommun_code_by_name


def test_the_list_ships_with_the_package_with_its_source():
    text = resources.files("ingest").joinpath("data", "kommuner_scb.csv").read_text(encoding="utf-8")
    assert "Källa: SCB" in text.splitlines()[0]
    assert len(KOMMUNER) == 290 and len(set(KOMMUNER.values())) == 290
    assert all(len(code) == 4 and code.isdigit() for code in KOMMUNER)
    assert list(KOMMUNER) == sorted(KOMMUNER)
    assert (KOMMUNER["0331"], KOMMUNER["0380"], KOMMUNER["1880"], KOMMUNER["2584"]) == (
        "Heby", "Uppsala", "Örebro", "Kiruna")


def test_a_code_that_is_another_kommun_names_the_right_one():
    assert check_kommun("0331", "Uppsala") == "0331 är Heby, inte Uppsala. Uppsala har kommunkoden 0380."
    assert check_kommun("0331", "Gnarp") == "0331 är Heby, inte Gnarp."


@pytest.mark.parametrize("name", ["Örebro", "örebro", "OREBRO", "Orebro kommun", "  örebro  "])
def test_the_name_is_accepted_without_case_or_diacritics(name):
    assert check_kommun("1880", name) is None


def test_names_with_hyphens_and_spaces():
    assert kommun_code_by_name("upplands vasby") == "0114"
    assert kommun_code_by_name("Upplands-Bro") == kommun_code_by_name("upplands bro") == "0139"
    assert check_kommun("1880") is None  # no name given: only the code is checked


def test_a_code_that_does_not_exist():
    assert check_kommun("9999") == "9999 är ingen kommunkod i SCB:s lista över Sveriges 290 kommuner."
    assert check_kommun("9999", "Uppsala") == (
        "9999 är ingen kommunkod i SCB:s lista över Sveriges 290 kommuner. Uppsala har kommunkoden 0380.")
    assert check_kommun("380") == (
        "380 är ingen kommunkod i SCB:s lista över Sveriges 290 kommuner. Menade du 0380 (Uppsala)?")
