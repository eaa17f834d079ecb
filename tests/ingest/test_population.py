"""SCB population CSV: both encodings, kön summed or totalt used, every bad row named."""

from pathlib import Path

import pytest

from ingest.population import PopulationFileError, read_scb_population

FIXTURES = Path(__file__).parent / "fixtures"
# 2024 column of the fixtures, män + kvinnor, worked out by hand
EXPECTED = {"1880A": 2154 + 2131, "1880B": 830 + 801, "1880C": 4502 + 4466, "1880D": 1198 + 1176}


@pytest.mark.parametrize("name", ["folkmangd_regso_cp1252.csv", "folkmangd_regso_utf8_bom.csv"])
def test_reads_scb_shaped_files(name: str) -> None:
    frame = read_scb_population((FIXTURES / name).read_bytes())
    assert dict(zip(frame["area_code"], frame["population"], strict=True)) == EXPECTED
    assert set(frame["year"]) == {2024}
    assert frame["area_name"].tolist() == ["Område A", "Område B", "Område C", "Område D"]


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_every_bad_row_is_named_and_nothing_is_returned() -> None:
    data = _csv('"region";"ålder";"kön";"2024"',
                '"1880A Område A";"totalt ålder";"totalt";"4285"',
                '"Område B";"totalt ålder";"totalt";"1631"',
                '"1880C Område C";"totalt ålder";"totalt";".."',
                '"1880D Område D";"totalt ålder";"totalt";"-5"')
    with pytest.raises(PopulationFileError) as info:
        read_scb_population(data)
    assert [(e.line, e.field) for e in info.value.errors] == [(3, "region"), (4, "2024"), (5, "2024")]
    assert "Rad 3, kolumn 'region'" in str(info.value) and "Rad 4, kolumn '2024'" in str(info.value)


def test_spaces_in_numbers_and_latest_year() -> None:
    data = _csv('"region";"2022";"2024";"2023"', '"1880A Område A";"1 000";"4\u00a0285";"900"')
    frame = read_scb_population(data)
    assert frame.loc[0, "population"] == 4285 and frame.loc[0, "year"] == 2024


@pytest.mark.parametrize("data, message", [
    (_csv('"kommun";"2024"', '"1880";"150000"'), "region"),
    (_csv('"region";"ålder"', '"1880A Område A";"totalt"'), "årskolumn"),
    (_csv('"region";"2024"'), "inga rader"),
    (_csv('"region";"2024"', '"1880A Område A";"10"', '"1880A Område A";"12"'), "Rad 3"),
])
def test_files_that_are_not_population_tables(data: bytes, message: str) -> None:
    with pytest.raises(PopulationFileError, match=message):
        read_scb_population(data)
