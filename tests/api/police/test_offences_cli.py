"""`lagesbild police offences deso | import` against a fresh database of their own."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from api.police.models import BrottskodMapping
from api.reports.models import Report
from tests.api.police.conftest import run
from tests.api.police.offences_world import COUNTS, DESO_FILE, EXTRACT

pytestmark = pytest.mark.dates




def test_deso_then_import_with_a_category_map(cli_engine, tmp_path):
    assert run("kommun", "add", "0780", "Växjö").exit_code == 0
    # The kommun uses DeSO itself here: the DeSO file is its active area set.
    areas = run("areas", "import", str(DESO_FILE), "--code-field", "desokod", "--name-field", "desokod",
                "--kommun", "0780")
    assert areas.exit_code == 0, areas.output
    deso = run("police", "offences", "deso", str(DESO_FILE), "--kommun", "0780")
    assert deso.exit_code == 0, deso.output
    assert "10 DeSO-områden sparade" in deso.output

    text = EXTRACT.read_bytes().decode("cp1252") + (
        "5000-K1523802-26;4001;Rattfylleri;2026-11-22;04:00;2026-11-22;Växjö;;;\r\n")
    extract = tmp_path / "utdrag.csv"
    extract.write_bytes(text.encode("cp1252"))
    refused = run("police", "offences", "import", str(extract), "--kommun", "0780")
    assert refused.exit_code == 1
    assert "inget sparades" in refused.output and "4001 Rattfylleri: 1 rader, 1 brott" in refused.output

    mapping = tmp_path / "koppling.csv"
    mapping.write_text("brottskod;kategori\n4001;-\n", encoding="utf-8")
    done = run("police", "offences", "import", str(extract), "--kommun", "0780", "--category-map", str(mapping))
    assert done.exit_code == 0, done.output
    assert "9 nya rader (10 brott i filen), 0 fanns redan" in done.output
    assert "1 brott med brottskoder som inte importeras" in done.output
    assert "Anmälningsnummer → anmalan" in done.output
    counts = run("police", "offences", "import", str(COUNTS), "--kommun", "0780")
    assert counts.exit_code == 0 and "5 nya rader (11 brott i filen)" in counts.output
    with Session(cli_engine) as session:
        total = session.exec(select(func.sum(Report.report_count)).where(Report.source == "police_offences")).one()
        assert total == 20
        assert session.exec(select(BrottskodMapping.category_code).where(BrottskodMapping.brottskod == "4001")).one() is None

    bad_map = tmp_path / "fel.csv"
    bad_map.write_text("brottskod;kategori\n4001;bilbrand\n", encoding="utf-8")
    wrong = run("police", "offences", "import", str(extract), "--kommun", "0780", "--category-map", str(bad_map))
    assert wrong.exit_code == 1 and "okänd kategori 'bilbrand'" in wrong.output and "anlagd_brand" in wrong.output
