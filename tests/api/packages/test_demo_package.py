"""The 2026-Q3 kvartalsanalys package of the demo kommun, end to end (issue 6, "Done when").

The demo's numbers are synthetic and its generator changes, so nothing here hard-codes a demo total:
the PDF, the CSVs, the GeoPackage and GET /api/v1/counts must agree with each other, and the
invariants (sums, ranks 1..n, counts >= 0) must hold.
"""

from __future__ import annotations

import io
import math
import re
import subprocess
import zipfile
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from sqlmodel import select

from analysis.effects import INSUFFICIENT
from analysis.weeks import week_end, week_start
from api.core.clock import Clock
from api.core.pdf import number, percent
from api.demo._profiles import DEMO_POPULATION_SOURCE, HOT_AREA_NAMES
from api.demo.loader import DEMO_PASSWORDS, load_demo
from api.insatser.effects import insats_evaluation
from api.insatser.models import Insats
from api.packages import service
from api.packages.data import PATTERN_ORDER
from api.promises.models import Medborgarlofte
from api.reports.query import categories_frame
from tests.api.packages.test_pdf import HEADINGS, needs_poppler
from tests.conftest import login

DEMO_TODAY = date(2026, 11, 18)
PERIOD = "2026-Q3"
PERIODS = {"antal": ("2026-07-01", "2026-09-30"), "antal_foregaende": ("2026-04-01", "2026-06-30"),
           "antal_fjolar": ("2025-07-01", "2025-09-30")}
NEW_PAGE_SECTIONS = ("5. Förhöjda områden", "6. Trender", "10. Bilaga")  # page-break-before in the template

pytestmark = [pytest.mark.slow, needs_poppler]


@pytest.fixture(scope="module")
def clock() -> Clock:
    """These tests read the demo as of DEMO_TODAY: the app's clock (and the rows' timestamps) too."""
    return Clock.fixed(DEMO_TODAY)


@pytest.fixture()
def demo_package(database, session, test_settings, tmp_path):  # type: ignore[no-untyped-def]
    """The demo loaded into the test database and its 2026-Q3 package generated, as of DEMO_TODAY."""
    load_demo(session=session, today=DEMO_TODAY, progress=lambda _: None)
    session.commit()
    # The package evaluates insatser and återkoppling as of "today": the demo's day.
    settings = test_settings.model_copy(update={"data_dir": tmp_path})
    package = service.generate_package(database=database, settings=settings, kommun_code="1880",
                                       period=PERIOD, today=DEMO_TODAY, created_by="sakerhet@orebro.example")
    assert package.status == "done", package.message
    return zipfile.ZipFile(settings.data_dir / package.artefact_path)


def _csv(archive: zipfile.ZipFile, name: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(archive.read(name)), sep=";", decimal=",", encoding="utf-8-sig",
                       keep_default_na=False, na_values=[""], dtype={"omradeskod": object})


def _pdf(archive: zipfile.ZipFile, tmp_path) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    """The PDF's pages as `pdftotext -layout` text, and the page count from `pdfinfo`."""
    path = tmp_path / "package.pdf"
    path.write_bytes(archive.read("Lagesbild_Orebro_2026-Q3_v1.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))  # type: ignore[union-attr]
    return text.split("\f")[:pages], pages


def _int(text: str) -> int:
    """A number as the PDF writes it ("1 192", "−3")."""
    return int(text.replace(" ", "").replace("\u2212", "-"))


def _float(text: str) -> float:
    return float(text.replace(" ", "").replace("\u2212", "-").replace(",", "."))


def _section(text: str, heading: str, next_heading: str) -> str:
    start = text.index(heading)
    return text[start:text.index(next_heading, start)]


def _unique_prefix_match(prefix: str, names: list[str]) -> str | None:
    """The one name that starts with the (possibly wrapped) cell text, else None."""
    found = [n for n in names if n.startswith(prefix.strip())]
    return found[0] if len(found) == 1 else None


def _counts(client, first: str, last: str, group_by: str) -> dict:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/counts", params={"from": first, "to": last, "group_by": group_by})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == sum(r["count"] for r in body["rows"])
    assert all(r["count"] > 0 for r in body["rows"])  # zero rows are left out
    return body


def test_demo_package_agrees_across_pdf_csv_geopackage_counts_api_and_app_page(  # type: ignore[no-untyped-def]
    demo_package, client, session, tmp_path
):
    archive = demo_package
    assert archive.namelist() == ["Lagesbild_Orebro_2026-Q3_v1.pdf", *service.FILES[1:]]
    comparison = _csv(archive, "jamforelse_omrade_kategori.csv")
    ranking = _csv(archive, "rangordning.csv")
    weekly = _csv(archive, "veckoserier.csv")
    gpkg = tmp_path / "omraden.gpkg"
    gpkg.write_bytes(archive.read("omraden.gpkg"))
    areas = gpd.read_file(gpkg, layer="omraden")
    category_names = dict(zip(comparison.kategorikod, comparison.kategori, strict=False))

    # --- invariants of the CSVs -----------------------------------------------------------------
    for column in ("antal", "antal_foregaende", "antal_fjolar"):
        assert (comparison[column] >= 0).all()
    assert ((comparison.antal - comparison.antal_foregaende) == comparison.forandring_foregaende).all()
    assert sorted(ranking.rang) == list(range(1, len(ranking) + 1))
    assert ranking.poang.is_monotonic_decreasing
    assert (weekly.antal >= 0).all() and (weekly.antal_fjolar >= 0).all()
    total = int(comparison.antal.sum())
    assert total > 0

    # --- the CSV against GET /api/v1/counts (same period, same rules) ---------------------------
    email, password = DEMO_PASSWORDS["analytiker"]
    login(client, email, password)
    for column, (first, last) in PERIODS.items():
        api = _counts(client, first, last, "area_category")
        from_api = {(r["area_code"], r["category_code"]): r["count"] for r in api["rows"]}
        nonzero = comparison[comparison[column] > 0]
        from_csv = {(None if pd.isna(a) else a, k): int(n)
                    for a, k, n in zip(nonzero.omradeskod, nonzero.kategorikod, nonzero[column], strict=True)}
        assert from_api == from_csv, column
        assert api["total"] == int(comparison[column].sum())
    # The weekly series: the period's ISO weeks, each counting only the days inside the period.
    assert int(weekly.antal.sum()) == total and int(weekly.antal_fjolar.sum()) == int(comparison.antal_fjolar.sum())
    weeks = sorted(weekly.vecka.unique())
    assert week_start(weeks[0]) <= date(2026, 7, 1) and week_end(weeks[-1]) >= date(2026, 9, 30)
    api = _counts(client, *PERIODS["antal"], "week_category")
    nonzero = weekly[weekly.antal > 0]
    assert {(r["iso_week"], r["category_code"]): r["count"] for r in api["rows"]} == {
        (w, k): int(n) for w, k, n in zip(nonzero.vecka, nonzero.kategorikod, nonzero.antal, strict=True)}
    by_area = _counts(client, *PERIODS["antal"], "area")
    kommun_level = sum(r["count"] for r in by_area["rows"] if r["area_code"] is None)

    # --- the GeoPackage: every demo area, aggregates that sum to the CSV ------------------------
    area_list = client.get("/api/v1/areas").json()
    assert areas.crs.to_epsg() == 3006
    assert len(areas) == len(area_list) == 36  # the 36 RegSO of Örebro kommun (Källa: SCB)
    assert sorted(areas.omradeskod) == sorted(a["kod"] for a in area_list)
    in_areas = comparison[comparison.omradeskod.notna()]
    codes = list(dict.fromkeys(comparison.kategorikod))
    columns = [service.category_column(code) for code in codes]
    for code, column in zip(codes, columns, strict=True):
        assert (areas[column] >= 0).all()
        assert int(areas[column].sum()) == int(in_areas.loc[in_areas.kategorikod == code, "antal"].sum()), code
    assert (areas[columns].sum(axis=1) == areas.totalt).all()
    assert int(areas.totalt.sum()) + kommun_level == total
    api_by_area = {r["area_code"]: r["count"] for r in by_area["rows"] if r["area_code"]}
    assert {a: int(n) for a, n in zip(areas.omradeskod, areas.totalt, strict=True) if n} == api_by_area
    rank = dict(zip(ranking.omradeskod, ranking.rang, strict=True))
    assert all(rank[a] == r for a, r in zip(areas.omradeskod, areas.behovsrang, strict=True))

    # --- hotspots: one row per area, counts as in the GeoPackage -------------------------------
    hotspots = _csv(archive, service.HOTSPOT_CSV)
    assert dict(zip(hotspots.omradeskod, hotspots.antal, strict=True)) == dict(
        zip(areas.omradeskod, areas.totalt, strict=True))
    assert set(hotspots.forhojt) <= {"Inte förhöjt", "Förhöjt (90 %)", "Förhöjt (95 %)", "Förhöjt (99 %)"}
    assert set(hotspots.monster_12_man) <= {"inget mönster", *PATTERN_ORDER}
    assert ((hotspots.forhojda_manader >= 0) & (hotspots.forhojda_manader <= 12)).all()
    _check_planted_hot_areas_marked(hotspots)

    # --- the PDF: pages, Swedish text, and its numbers against the CSVs -------------------------
    pages, page_count = _pdf(archive, tmp_path)
    text = "\f".join(pages)
    _check_pages(pages, page_count)
    flat = " ".join(text.split())
    for heading in HEADINGS:
        assert heading in flat, heading
    assert "Kvartalsanalys Örebro – 2026-Q3" in flat and "Källa: SCB" in flat
    for word in ("Områden rangordnade", "Förändringar", "Medborgarlöften", "Täthetskarta", "Källor",
                 "händelsedatum", "Underlag för analysmöte Örebro"):
        assert word in flat, word
    assert "Ã" not in text and "\ufffd" not in text  # no mojibake of å, ä, ö

    summary = _section(text, "1. Sammanfattning", "2. Rapporteringsgrad")
    figures = re.search(r"Rapporter 2026-Q3: ([\d ]+?)\s{2,}2026-Q2: ([\d ]+?)\s{2,}2025-Q3: ([\d ]+?)\n", summary)
    assert figures, summary
    assert [_int(g) for g in figures.groups()] == [
        total, int(comparison.antal_foregaende.sum()), int(comparison.antal_fjolar.sum())]
    assert f"{kommun_level} av rapporterna saknar område" in " ".join(summary.split())

    _check_category_table(_section(text, "Per kategori, hela kommunen", "Största förändringarna"),
                          comparison, category_names)
    _check_ranking(_section(text, "3. Områden rangordnade", "4. Förändringar"), ranking, comparison, session)
    _check_top_changes(_section(text, "Största förändringarna", "5. Förhöjda områden"), comparison)
    _check_insatser_and_loften(text, session)
    # The PDF's hotspot section agrees with hotspots_omrade.csv: the marked areas, or none.
    marked = hotspots[(hotspots.forhojt != "Inte förhöjt") | (hotspots.i_kluster == "ja")]
    section5 = " ".join(_section(text, "5. Förhöjda områden", "6. Trender").split())
    if marked.empty:
        assert "Inget område är förhöjt och inget kluster hittades under perioden." in section5
    else:
        # Long names wrap inside the table's narrow first column: compare word by word.
        words = set(re.split(r"[\s-]+", section5))
        for name in marked.omradesnamn:
            assert set(re.split(r"[\s-]+", str(name))) <= words, name

    # --- the app's own page for the package shows the same numbers -------------------------------
    from api.packages.models import AnalysisPackage

    row = session.exec(select(AnalysisPackage).where(AnalysisPackage.period == PERIOD)).one()
    # The page reads the stored ZIP: point the app at the data directory the package was written to.
    client.app.state.settings = client.app.state.settings.model_copy(update={"data_dir": tmp_path})
    page = client.get(f"/kvartal/{row.id}")
    assert page.status_code == 200
    shown = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
    assert f"{total} händelser under 2026-Q3" in shown
    assert f"{int(comparison.antal_foregaende.sum())} under 2026-Q2 (föregående period)" in shown
    assert f"{int(comparison.antal_fjolar.sum())} under 2025-Q3 (samma period i fjol)" in shown
    first = ranking.iloc[0]
    assert f"1 {first.omradesnamn} {first.poang:.1f}".replace(".", ",") in shown
    assert "Förhöjda områden och kluster" in shown and "Framväxande hotspots (senaste 12 månaderna)" in shown
    # the invented population says so wherever it is used: page caption, PDF note
    assert f"prövade per 1 000 invånare ({DEMO_POPULATION_SOURCE})" in shown
    assert f"(befolkning {DEMO_TODAY.year - 1}, {DEMO_POPULATION_SOURCE})" in flat
    if marked.empty:
        assert "Inget område är förhöjt och inget kluster hittades under perioden." in shown


def _check_planted_hot_areas_marked(hotspots: pd.DataFrame) -> None:
    """The demo's invented population is the denominator, and the planted hot areas are marked.

    The demo plans a hotness per inhabitant (``HOT_AREA_NAMES``: 1.9-3.0; other areas lognormal
    around 1, σ ``ORDINARY_HOT_SIGMA``) and draws reports in proportion to population × hotness.
    Per 1 000 invånare the majority of the planted areas must be förhöjt. The bounds on the
    areas the plan made ordinary (every other area) follow the layers' error rates:

    * förhöjt (area layer, Benjamini-Hochberg at 5 %): with at most 10 förhöjt areas fewer than
      0.5 false ones are expected, so one is allowed, two are not;
    * kluster: the map-wise level is 5 %, so every significant window must hold a planted area; in
      such a window an ordinary member is coloured when its own count is above normal (one-sided
      p < 0.25, ``analysis.hotspot_layers._OWN_EXCESS_P``), i.e. with probability up to 1/4 each:
      at most the mean plus two standard deviations of Binomial(ordinary members, 1/4).
    """
    assert (hotspots.befolkningskalla == DEMO_POPULATION_SOURCE).all()
    assert (hotspots.invanare > 0).all()
    assert hotspots.per_1000_invanare.tolist() == pytest.approx(  # the CSV has two decimals
        (hotspots.antal / hotspots.invanare * 1000).tolist(), abs=0.005)
    planted = hotspots.omradesnamn.str.lower().map(
        lambda name: any(part in name for part, _ in HOT_AREA_NAMES))
    assert planted.sum() >= 3, "the planted hot areas are among Örebro's RegSO by name"
    forhojt = hotspots.forhojt != "Inte förhöjt"
    assert 2 * int((forhojt & planted).sum()) > int(planted.sum()), hotspots[planted]
    assert int(forhojt.sum()) <= 10 and int((forhojt & ~planted).sum()) <= 1, hotspots[forhojt]
    for cluster_id, window in hotspots[hotspots.kluster_id > 0].groupby("kluster_id"):
        assert window.omradeskod.isin(hotspots.omradeskod[planted]).any(), f"false cluster {cluster_id}"
        ordinary = window[~window.omradeskod.isin(hotspots.omradeskod[planted])]
        members = len(ordinary)
        allowed = members / 4 + 2 * math.sqrt(members * 3 / 16)
        assert int((ordinary.i_kluster == "ja").sum()) <= allowed, ordinary


def _check_pages(pages: list[str], page_count: int) -> None:
    """Page numbers "Sida i av n", sections in order, and the forced page breaks."""
    for number_, page in enumerate(pages, start=1):
        assert f"Sida {number_} av {page_count}" in page
    first_page = {heading: next(i for i, page in enumerate(pages) if heading in " ".join(page.split()))
                  for heading in HEADINGS}
    assert list(first_page.values()) == sorted(first_page.values())  # sections in agenda order
    assert first_page[HEADINGS[0]] == 0
    for heading in NEW_PAGE_SECTIONS:
        page = pages[next(i for h, i in first_page.items() if h.startswith(heading))]
        assert page.strip().startswith(heading), heading  # starts its own page
    # Four forced starts (title, maps, trends, bilaga) give at least four pages; the two maps with the
    # hotspot legend texts and the emerging-hotspot section take two pages; the definitions (with
    # the alert help text) take the last one or two.
    by_prefix = {h.split(" ", 1)[0]: i for h, i in first_page.items()}
    assert page_count >= 4
    assert by_prefix["6."] - by_prefix["5."] == 2
    assert page_count - 2 <= by_prefix["10."] <= page_count - 1


def _check_category_table(table: str, comparison: pd.DataFrame, names: dict[str, str]) -> None:
    """Each category row (now, previous, last year) and the Totalt row equal the CSV sums."""
    sums = comparison.groupby("kategori")[["antal", "antal_foregaende", "antal_fjolar"]].sum()
    seen = set()
    for line in table.splitlines():
        cells = [c for c in re.split(r"\s{2,}", line.strip()) if c]
        if len(cells) == 4 and cells[0] == "Totalt":
            assert [_int(c) for c in cells[1:]] == [int(v) for v in sums.sum()]
            seen.add("Totalt")
        if len(cells) != 6:
            continue
        name = _unique_prefix_match(cells[0], list(names.values()))
        if name is None:
            continue
        assert [_int(cells[1]), _int(cells[2]), _int(cells[4])] == [int(v) for v in sums.loc[name]], name
        seen.add(name)
    assert "Totalt" in seen and len(seen) == len(names) + 1, sorted(set(names.values()) - seen)


def _check_ranking(table: str, ranking: pd.DataFrame, comparison: pd.DataFrame, session) -> None:  # type: ignore[no-untyped-def]
    """Rank, score and weighted count per area as printed equal the CSV (and severity × counts)."""
    severity = dict(zip(*[categories_frame(session=session, kommun_code="1880")[c]
                          for c in ("category_code", "severity")], strict=True))
    weighted = (comparison.assign(w=comparison.antal * comparison.kategorikod.map(severity))
                .groupby("omradeskod")["w"].sum())
    by_rank = ranking.set_index("rang")
    pattern = re.compile(r"^\s*(\d+) .*?\s{2,}(−?[\d ]*\d,\d) (\d+)\. (.+?): viktat antal (−?[\d ]*\d,\d)")
    parsed = []
    for line in table.splitlines():
        match = pattern.match(line)
        if not match:
            continue
        rank, score, rank_again, name, level = match.groups()
        row = by_rank.loc[int(rank)]
        assert int(rank_again) == int(rank) and name == row.omradesnamn
        assert score == number(row.poang, 1) and _float(level) == pytest.approx(row.viktat_antal, abs=0.05)
        assert math.isclose(weighted[row.omradeskod], row.viktat_antal, abs_tol=1e-6), name
        parsed.append(int(rank))
    assert len(parsed) >= min(10, len(ranking)) and parsed == sorted(parsed) and parsed[0] == 1


def _check_top_changes(table: str, comparison: pd.DataFrame) -> None:
    """Rows of the largest changes (area, category, now, change) equal the CSV's area × category row."""
    areas = [a for a in comparison.omradesnamn.unique()]
    categories = list(comparison.kategori.unique())
    checked = 0
    for line in table.splitlines():
        cells = [c for c in re.split(r"\s{2,}", line.strip()) if c]
        if len(cells) != 5:
            continue
        area, category = _unique_prefix_match(cells[0], areas), _unique_prefix_match(cells[1], categories)
        if area is None or category is None:
            continue
        row = comparison[(comparison.omradesnamn == area) & (comparison.kategori == category)].iloc[0]
        change = re.match(r"([+−]?\d+) ", cells[3] + " ")
        assert _int(cells[2]) == row.antal and change and _int(change.group(1)) == row.forandring_foregaende
        checked += 1
    assert checked >= 5


def _check_insatser_and_loften(text: str, session) -> None:  # type: ignore[no-untyped-def]
    """The demo's insats with its interval (or "underlaget räcker inte") and its two löften."""
    insatser = " ".join(_section(text, "8. Insatser och uppmätta effekter", "9. Medborgarlöften").split())
    words = set(insatser.replace("(", " ").split())
    # The insatser of the period (the demo's history decides a later one, after 2026-Q3).
    demo_insatser = session.exec(select(Insats).where(
        Insats.kommun_code == "1880", Insats.start_date <= date(2026, 9, 30))).all()
    assert demo_insatser, "the demo registers its planted insats"
    for insats in demo_insatser:
        assert set(insats.title.split()) <= words, insats.title
        assert {"Vivalla", "Lundby"} <= words  # the areas by name (code in parentheses), not only codes
        assert insats.start_date.isoformat() in insatser
        # The package measures effects up to the day after the period (2026-09-30).
        result = insats_evaluation(session=session, kommun_code="1880", insats_id=insats.id,
                                   today=min(DEMO_TODAY, date(2026, 10, 1)))
        effect = result.effect
        if effect is not None and effect.verdict != INSUFFICIENT:
            assert percent(effect.effect_pct) in insatser
            assert f"({percent(effect.ci_low_pct)} till {percent(effect.ci_high_pct)})" in insatser
        else:
            assert "Underlaget räcker inte" in insatser
    loften = " ".join(_section(text, "9. Medborgarlöften", "10. Bilaga").split())
    promises = session.exec(select(Medborgarlofte).where(Medborgarlofte.kommun_code == "1880")).all()
    # The demo has two löften (api/demo/_promises.py): section 9 lists them by title.
    assert sorted(p.title for p in promises) == ["Lugnare kvällar i Varberga", "Tryggare Vivalla centrum"]
    for promise in promises:
        assert promise.title in loften, promise.title
    assert "Kommunen har inga registrerade medborgarlöften." not in loften
    # On DEMO_TODAY Vivalla's återkoppling is overdue (last 2026-07-21, due 2026-10-19), Varberga's not.
    assert loften.count("försenad") == 1 and "2026-07-21" in loften and "2026-10-19" in loften
    assert "1 medborgarlöfte har försenad återkoppling." in " ".join(text.split())
