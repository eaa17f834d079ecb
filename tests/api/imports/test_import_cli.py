"""`lagesbild import`: dry run, strict and lenient runs, templates and rejected files."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli import app
from api.core.db import make_engine
from api.imports.models import ImportBatch, ImportTemplate
from api.reports.models import Report
from tests.conftest import database_url_for, make_test_settings, set_cli_environment

pytestmark = pytest.mark.dates

# Row 3: unknown category; rows 2 and 4 are valid (no coordinates: kommun level).
CSV = "Kategori;Datum;Plats;Id\nKlotter;2026-11-16;Torget;V-1\nFiske;2026-11-17;Ån;V-2\nNedskräpning;18.11.2026;Parken;V-3\n"


@pytest.fixture()
def cli_env(tmp_path, monkeypatch, test_today):  # type: ignore[no-untyped-def]
    url = database_url_for(tmp_path, "cli_imp_" + tmp_path.name[-10:])
    set_cli_environment(monkeypatch, url, tmp_path, test_today)
    engine = make_engine(make_test_settings(url, tmp_path))
    runner = CliRunner()
    assert runner.invoke(app, ["kommun", "add", "1880", "Örebro"]).exit_code == 0
    added = runner.invoke(app, ["organisations", "add", "Väktarbolaget", "--type", "bevakning"])
    assert added.exit_code == 0, added.output
    yield engine
    engine.dispose()


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["import", *args])


def _counts(engine) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return len(session.exec(select(Report)).all()), len(session.exec(select(ImportBatch)).all())


def test_dry_run_strict_lenient_and_reimport(cli_env, tmp_path):
    path = tmp_path / "vakt.csv"
    path.write_bytes(CSV.encode("cp1252"))
    dry = run(str(path), "--org", "Väktarbolaget", "--dry-run")
    assert dry.exit_code == 1, dry.output
    assert "Provkörning (inget sparades): 3 rader, 2 nya, 0 fanns redan, 1 med fel" in dry.output
    assert "okänd kategori" in dry.output and "Fiske" in dry.output
    assert _counts(cli_env) == (0, 0)
    lenient_dry = run(str(path), "--org", "Väktarbolaget", "--dry-run", "--lenient")
    assert lenient_dry.exit_code == 0 and _counts(cli_env) == (0, 0)

    strict = run(str(path), "--org", "Väktarbolaget")
    assert strict.exit_code == 1
    assert "inget sparades" in strict.output and "Rad 3" in strict.output
    assert _counts(cli_env) == (0, 0)

    lenient = run(str(path), "--org", "Väktarbolaget", "--lenient")
    assert lenient.exit_code == 0, lenient.output
    assert "Klart: 2 rader sparades, 0 fanns redan och hoppades över, 1 rader hade fel" in lenient.output
    with Session(cli_env) as session:
        reports = session.exec(select(Report).order_by(Report.id)).all()
        assert [(r.external_id, r.source, r.place_text) for r in reports] == [
            ("V-1", "import", "Torget"), ("V-3", "import", "Parken")
        ]
        batch = session.exec(select(ImportBatch)).one()
        assert (batch.status, batch.rows_total, batch.rows_created, batch.rows_error) == (
            "committed", 3, 2, 1
        )
    again = run(str(path), "--org", "Väktarbolaget", "--lenient")
    assert again.exit_code == 0
    assert "0 rader sparades, 2 fanns redan" in again.output
    assert _counts(cli_env) == (2, 2)


def test_template_and_rejected_files(cli_env, tmp_path):
    with Session(cli_env) as session:
        from api.organisations.models import Organisation

        org = session.exec(select(Organisation)).one()
        session.add(ImportTemplate(organisation_id=org.id, name="Väktare",
                                   mapping_json=json.dumps({"category": "Vad", "date": "När"})))
        session.commit()
    path = tmp_path / "egen.csv"
    path.write_text("Export\nVad;När\nKlotter;2026-11-20\n", encoding="utf-8")
    without = run(str(path), "--org", "Väktarbolaget")
    assert without.exit_code == 1 and "Välj vilken kolumn som innehåller kategori" in without.output
    with_template = run(str(path), "--org", "Väktarbolaget", "--template", "Väktare")
    assert with_template.exit_code == 0, with_template.output
    assert "1 rader sparades" in with_template.output
    junk = tmp_path / "skrap.xlsx"
    junk.write_bytes(b"PK\x03\x04" + b"\x01" * 300)
    rejected = run(str(junk), "--org", "Väktarbolaget")
    assert rejected.exit_code == 1 and "skadad" in rejected.output
    missing = run(str(path), "--org", "Finns inte")
    assert missing.exit_code == 1 and "finns inte" in missing.output
    assert _counts(cli_env) == (1, 1)


# --- --category-map: the partner's words, mapped once (issue 13, item 2) ------------------------------

HOUSING = "Händelsetyp;Händelsedatum;Adress\nNarkotika misstänkt;2026-11-16;Ängsvägen 4\n" \
          "Klotter/skadegörelse;2026-11-17;Ängsvägen 6\nnarkotika  MISSTÄNKT;2026-11-18;Ängsvägen 4\n"


def _mappings(engine) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    from api.categories.models import Category, CategoryMapping

    with Session(engine) as session:
        return [(m.text, c.code, m.created_by) for m, c in session.exec(
            select(CategoryMapping, Category).join(Category, Category.id == CategoryMapping.category_id)
            .order_by(CategoryMapping.text_key))]


def test_category_map_is_saved_for_the_organisation_and_used_next_time(cli_env, tmp_path):
    assert CliRunner().invoke(app, ["organisations", "add", "Bostadsbolaget", "--type", "fastighetsbolag"]).exit_code == 0
    data = tmp_path / "felanmalan.csv"
    data.write_bytes(HOUSING.encode("cp1252"))
    refused = run(str(data), "--org", "Bostadsbolaget")
    assert refused.exit_code == 1
    assert "3 rader har fel; inget sparades" in refused.output
    # The unknown texts are listed once with suggestions and the codes to write in a map.
    assert "Okända kategorier" in refused.output
    assert "Narkotika misstänkt" in refused.output and "(narkotika)" in refused.output

    mapfile = tmp_path / "kategorier.csv"
    mapfile.write_bytes("text;kategori\r\nNarkotika misstänkt;narkotika\r\nKlotter/skadegörelse;skadegorelse\r\n"
                        .encode("utf-8-sig"))
    done = run(str(data), "--org", "Bostadsbolaget", "--category-map", str(mapfile))
    assert done.exit_code == 0, done.output
    assert "2 kategorikopplingar sparades för Bostadsbolaget." in done.output
    assert "Klart: 3 rader sparades" in done.output
    assert _mappings(cli_env) == [
        ("Klotter/skadegörelse", "skadegorelse", "kommandoraden"),
        ("Narkotika misstänkt", "narkotika", "kommandoraden"),
    ]
    with Session(cli_env) as session:
        from api.categories.models import Category

        codes = [c.code for r, c in session.exec(
            select(Report, Category).join(Category, Category.id == Report.category_id).order_by(Report.observed_date))]
    assert codes == ["narkotika", "skadegorelse", "narkotika"]

    # Remembered: the next file of the same organisation needs no map; another organisation's does.
    later = tmp_path / "december.csv"
    later.write_bytes("Händelsetyp;Händelsedatum\nNARKOTIKA MISSTÄNKT;2026-11-19\n".encode("cp1252"))
    assert run(str(later), "--org", "Bostadsbolaget").exit_code == 0
    other = run(str(later), "--org", "Väktarbolaget")
    assert other.exit_code == 1 and "Okända kategorier" in other.output


def test_category_map_errors_name_the_line_and_the_valid_codes(cli_env, tmp_path):
    data = tmp_path / "felanmalan.csv"
    data.write_bytes(HOUSING.encode("cp1252"))
    bad = tmp_path / "karta.csv"
    # cp1252 (as Excel saves it), a wrong code on line 3, a line without a code on line 4.
    bad.write_bytes("Text;Kategori\nNarkotika misstänkt;narkotika\nKlotter/skadegörelse;skadegörelse\nBrand\n"
                    .encode("cp1252"))
    result = run(str(data), "--org", "Väktarbolaget", "--category-map", str(bad))
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "Rad 3: okänd kategorikod ”skadegörelse”. Giltiga koder: Skadegörelse (inkl. krossade rutor) (skadegorelse), Klotter (klotter)" in output
    assert "Rad 4: raden ska ha två värden, text;kategori." in output
    assert "Kategorifilen kunde inte användas; inget importerades." in output
    assert _mappings(cli_env) == [] and _counts(cli_env) == (0, 0)  # all or nothing

    header = tmp_path / "utan_rubrik.csv"
    header.write_bytes(b"Narkotika;narkotika\n")
    result = run(str(data), "--org", "Väktarbolaget", "--category-map", str(header))
    assert result.exit_code == 1 and "Rad 1: första raden ska vara rubrikerna text;kategori" in result.output

    # A text that already is a category's name cannot be mapped to another category.
    clash = tmp_path / "krock.csv"
    clash.write_bytes("text;kategori\nNarkotika misstänkt;narkotika\nKlotter;ran\n".encode())
    result = run(str(data), "--org", "Väktarbolaget", "--category-map", str(clash))
    assert result.exit_code == 1
    assert "Rad 3: ”Klotter” är redan kategorin Klotter (klotter) och kan inte kopplas om." in " ".join(result.output.split())
    assert _mappings(cli_env) == []
