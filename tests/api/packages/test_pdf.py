"""The package PDF: A4, Swedish section headings, page numbers, deterministic charts."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from api.core.pdf import number, percent
from api.packages import charts
from api.packages.data import package_data
from api.packages.pdf import build_package_pdf, top_changes
from tests.api.packages.conftest import PERIOD, TODAY

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdfinfo")), reason="poppler-utils saknas"
)

HEADINGS = (
    "1. Sammanfattning",
    "2. Rapporteringsgrad per organisation",
    "3. Områden rangordnade efter behov",
    "4. Förändringar mot föregående period och samma period förra året",
    "5. Förhöjda områden, kluster och täthetskarta",
    "6. Trender per kategori med säsongsjämförelse",
    "7. Koncentration",
    "8. Insatser och uppmätta effekter",
    "9. Medborgarlöften",
    "10. Bilaga: definitioner och källor",
)


def _pdf_text(tmp_path, content: bytes) -> tuple[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    path = tmp_path / "paket.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return text, {k.strip(): v.strip() for k, v in fields.items()}


@needs_poppler
def test_pdf_has_every_section_in_swedish(session, quarter_reports, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = package_data(session=session, kommun_code="1880", period=PERIOD, today=TODAY)
    content = build_package_pdf(data, kommun_name="Örebro")
    assert content.startswith(b"%PDF")
    text, info = _pdf_text(tmp_path, content)
    flat = " ".join(text.split())
    for heading in HEADINGS:
        assert heading in flat, heading
    assert info["Page size"].endswith("(A4)")
    # Summary, tables and changes; hotspot map with its legend texts and the emerging-hotspot
    # section; density map; trends (two categories with reports fit with the rest); bilaga: six pages.
    assert info["Pages"] == "7"  # the definitions (with the alert help text) take a second bilaga page
    assert "Sida 1 av 7" in flat and "Sida 7 av 7" in flat
    assert "Förhöjt område: området har klart fler händelser" in flat
    # the alert help text (analysis.alerts.ALERT_HELP_TEXT_SV) among the definitions
    assert "Larm i veckolägesbilden Ett larm betyder" in flat
    for phrase in ("högst ett falskt larm per vecka", "ungefär var sjunde gång",
                   "inget larm syns betyder alltså inte"):
        assert phrase in flat, phrase
    assert "Framväxande hotspots (senaste 12 månaderna)" in flat
    for expected in ("Kvartalsanalys Örebro – 2026-Q3", "Rapporter 2026-Q3: 5", "Skola Örebro",
                     "1. Område A", "Källa: SCB", "Källa: Polisen", "+200 %", "−25 %",
                     "Inga insatser pågick under perioden.",
                     "Kommunen har inga registrerade medborgarlöften."):
        assert expected in flat, expected
    # Singular after 1: the kommun-level klotter report of 2026-07-15 is the only one without a point.
    assert "1 rapport saknar koordinater och ingår inte i kartan." in flat
    assert "1 rapporter" not in flat
    assert "kom 5 rapporter," in flat and "Andel av periodens 14 veckor" in flat  # ISO weeks 27–40


def test_top_changes_put_the_largest_change_first(session, quarter_reports) -> None:  # type: ignore[no-untyped-def]
    data = package_data(session=session, kommun_code="1880", period=PERIOD, today=TODAY)
    rows = top_changes(data)
    assert (rows.loc[0, "area_code"], rows.loc[0, "category_code"]) == ("1880A", "klotter")
    assert len(rows) == 3  # A klotter, B skadegörelse, kommun-level klotter


def test_charts_are_deterministic_pngs(session, quarter_reports) -> None:  # type: ignore[no-untyped-def]
    data = package_data(session=session, kommun_code="1880", period=PERIOD, today=TODAY)
    first = charts.hotspot_map_png(data.areas, data.hotspots)
    assert first.startswith(b"\x89PNG") and first == charts.hotspot_map_png(data.areas, data.hotspots)
    density = charts.density_map_png(data.areas, data.density)
    assert density == charts.density_map_png(data.areas, data.density)
    weekly = data.weekly[data.weekly["category_code"] == "klotter"]
    assert charts.trend_png(weekly, "Klotter") == charts.trend_png(weekly, "Klotter")


def test_swedish_number_formats() -> None:
    assert number(1234567) == "1 234 567"
    assert number(1.5, 1) == "1,5"
    assert number(12345.678, 2) == "12 345,68"
    assert number(-3) == "−3"
    assert number(2.5, 1) == "2,5"
    assert percent(-25.0) == "−25 %" and percent(200.0) == "+200 %"
    assert percent(float("nan")) == "–"


def test_a_long_ranking_is_cut_in_the_pdf_and_points_to_the_csv(session, quarter_reports, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from api.packages import pdf

    data = package_data(session=session, kommun_code="1880", period=PERIOD, today=TODAY)
    assert len(data.ranking) == 4  # the world's four areas
    full = pdf.render_html(data, kommun_name="Örebro")
    assert "rangordning.csv" not in full
    monkeypatch.setattr(pdf, "RANKING_ROWS", 2)
    cut = pdf.render_html(data, kommun_name="Örebro")
    section = cut.split("3. Områden rangordnade efter behov")[1].split("<h2>")[0]
    assert section.count("<tr><td class=\"num\">") == 2
    assert "de 2 områden som har störst behov av 4" in section and "rangordning.csv" in section


def test_density_caption_states_the_bandwidth_rule_and_value(session, quarter_reports) -> None:  # type: ignore[no-untyped-def]
    from analysis.density import scott_bandwidth
    from api.packages import pdf

    data = package_data(session=session, kommun_code="1880", period=PERIOD, today=TODAY)
    assert data.density is not None
    points = data.period_reports[data.period_reports["category_code"].isin(
        data.categories.loc[~data.categories["is_context"], "category_code"])]
    assert data.density.bandwidth == scott_bandwidth(points)
    assert 150 <= data.density.bandwidth <= 1000
    html = pdf.render_html(data, kommun_name="Örebro")
    caption = f"sökradie {round(data.density.bandwidth)} m, vald med Scotts regel"
    assert caption in html
