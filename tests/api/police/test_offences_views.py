"""Polisanmälda brott on the weekly map (a layer of its own) and in the kvartalsanalys package."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date

import pandas as pd
import pytest

from api.lagesbild.map_data import offence_counts
from api.packages import service as package_service
from api.packages.data import package_data
from api.police import offences
from api.users import service as user_service
from api.users.models import Role
from tests.api.police.offences_world import EXTRACT, add_vaxjo
from tests.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

Q3_ROW = "5000-K0990001-26;1203;Skadegörelse på motorfordon, ej brand;2026-08-10;21:00;2026-08-11;Växjö;0780C1150;;\r\n"


def _import(session, extra: str = "") -> None:  # type: ignore[no-untyped-def]
    data = (EXTRACT.read_bytes().decode("cp1252") + extra).encode("cp1252")
    result = offences.import_offences(session=session, kommun_code="0780", data=data)
    assert result.errors == [] and result.unknown_codes == []


def test_offence_counts_sum_report_counts_per_area_with_kommun_level_last():
    frame = pd.DataFrame({
        "source": ["police_offences", "police_offences", "form", "police_offences", "police_offences"],
        "area_code": ["B", "A", "A", None, "B"],
        "category_code": ["klotter", "ran", "ran", "ran", "ran"],
        "report_count": [3, 1, 5, 2, 1],
        "is_context": [False] * 5,
    })
    got = offence_counts(frame, {"A": "Centrum", "B": "Norr"}, {"klotter": "Klotter", "ran": "Rån"})
    assert [(o.area_code, o.area_name, o.count) for o in got] == [
        ("A", "Centrum", 1), ("B", "Norr", 4), (None, "Kommunnivå (inget område)", 2)]
    assert [(c.category_code, c.count) for c in got[1].category_counts] == [("klotter", 3), ("ran", 1)]
    assert sum(o.count for o in got) == 7  # the form report is not a police offence


def test_weekly_map_has_the_offences_layer_and_the_page_lists_them(client, session, world):
    add_vaxjo(session)
    _import(session)
    analyst = user_service.create_user(session=session, name="Analytiker Växjö", email="analys@0780.example",
                                       password=PASSWORD, role=Role.analytiker, kommun_codes=["0780"])
    session.commit()
    login(client, analyst.email, PASSWORD)
    data = client.get("/lagesbild/2026-W47/kartdata.json").json()
    assert data["police_offences"] == {"EST-NO": 2, "EST-NV": 3, "EST-SO": 2, "EST-SV": 1}
    assert data["police_offences_kommun"] == 1
    # Counted by the same query as everything else: the area totals hold them.
    assert {a["code"]: a["count"] for a in data["areas"]} == {"EST-NO": 2, "EST-NV": 3, "EST-SO": 2, "EST-SV": 1}
    page = client.get("/lagesbild/2026-W47").text
    assert "Polisanmälda brott vecka 47" in page and 'id="polisanmalda-brott"' in page
    script = client.get("/static/js/lagesbild-map.js").text
    assert "data.police_offences" in script and "Polisanmälda brott (" in script


def test_package_has_the_offences_section_with_previous_period(session):
    add_vaxjo(session)
    _import(session, Q3_ROW)
    data = package_data(session=session, kommun_code="0780", period="2026-Q4", today=date(2026, 12, 5))
    rows = {(r.area_code, r.category_code): (r.current, r.previous, r.last_year)
            for r in data.police_offences.itertuples()}
    assert rows == {
        ("EST-SV", "skadegorelse"): (1, 1, 0),
        ("EST-NO", "anlagd_brand"): (1, 0, 0),
        ("EST-NO", "skadegorelse"): (1, 0, 0),
        ("EST-SO", "narkotika"): (2, 0, 0),
        ("EST-NV", "ran"): (1, 0, 0),
        ("EST-NV", "incident_anstalld"): (1, 0, 0),
        ("EST-NV", "klotter"): (1, 0, 0),
        (None, "skadegorelse"): (1, 0, 0),
    }
    assert data.police_offences["area_code"].iloc[-1] is None  # kommun level last
    assert int(data.police_offences["current"].sum()) == 9
    # They are part of the package's totals too: one query for everything.
    assert data.total == 9 and data.total_previous == 1


def test_generated_package_carries_the_section_in_csv_and_pdf(database, session, test_settings, tmp_path):
    add_vaxjo(session)
    _import(session, Q3_ROW)
    session.commit()
    settings = test_settings.model_copy(update={"data_dir": tmp_path})
    package = package_service.generate_package(database=database, settings=settings, kommun_code="0780",
                                               period="2026-Q4", today=date(2026, 12, 5),
                                               created_by="analys@example.se")
    assert package.status == "done", package.error
    archive = zipfile.ZipFile(settings.data_dir / package.artefact_path)
    table = pd.read_csv(io.BytesIO(archive.read("polisanmalda_brott.csv")), sep=";", encoding="utf-8-sig",
                        keep_default_na=False)
    assert int(table["antal"].sum()) == 9 and int(table["antal_foregaende"].sum()) == 1
    assert table["omradesnamn"].iloc[-1] == "Kommunnivå (inget område)"
    if shutil.which("pdftotext"):
        pdf = tmp_path / "paket.pdf"
        pdf.write_bytes(archive.read(archive.namelist()[0]))  # the PDF, named after the package
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        section = text.split("Polisanmälda brott", 1)[1].split("5. Förhöjda områden", 1)[0]
        assert "Sydost" in section and "Totalt" in section
