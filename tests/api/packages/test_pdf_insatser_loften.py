"""The package PDF's insatser and medborgarlöften sections, with rows worked out by hand."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import insert
from sqlmodel import select

from api.areas.models import Area
from api.categories.models import Category
from api.insatser import service as insats_service
from api.insatser.effects import insats_evaluation
from api.packages.data import package_data
from api.packages.pdf import build_package_pdf, percent
from api.reports.models import Report
from tests.api.packages.conftest import PERIOD, TODAY
from tests.api.packages.test_pdf import needs_poppler


def _raw_text(tmp_path, content: bytes) -> str:  # type: ignore[no-untyped-def]
    """`pdftotext -raw`: content-stream order, so a table cell's wrapped lines stay together."""
    path = tmp_path / "paket.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _section(text: str, heading: str, next_heading: str) -> str:
    """The text between two section headings, whitespace collapsed (page footers included)."""
    start = text.index(heading)
    return " ".join(text[start:text.index(next_heading, start)].split())


@needs_poppler
def test_insats_and_lofte_rows_in_the_pdf(session, insats_and_lofte, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = package_data(session=session, kommun_code="1880", period=PERIOD, today=TODAY)
    text = _raw_text(tmp_path, build_package_pdf(data, kommun_name="Örebro"))
    insatser = _section(text, "8. Insatser och uppmätta effekter", "9. Medborgarlöften")
    # Started 2026-08-03; the package measures up to the day after the period (2026-10-01):
    # 60 days (8,6 weeks) after and the 60 days before (2026-06-04 – 2026-08-02), which hold one
    # klotter report in A (2026-07-06): far below 20.
    assert "Inga insatser pågick" not in insatser
    # The areas by name with the code in parentheses; "1 rapport", not "1 rapporter".
    assert ("Klottersanering Område A Klottersanering · Pågående 2026-08-03 – pågår Område A (1880A) – "
            "Underlaget räcker inte för att bedöma insatsens effekt: "
            "insatsområdena hade 1 rapport under 8,6 veckor före insatsen, minst 20 behövs.") in insatser
    assert "rapporter före" not in insatser
    assert "%" not in insatser  # no interval when the data is insufficient
    assert insatser.count("Underlaget räcker inte") == 1  # the verdict is marked, not repeated

    loften = _section(text, "9. Medborgarlöften", "10. Bilaga")
    # The indicator as of the period's end: klotter in A per quarter from the baseline 2025-Q3 (4)
    # through 2026-Q3: 4, 0, 0, 1, 3. The last two quarters average (1 + 3) / 2 = 2,0 against 4,0:
    # −50 %, above the target 1 but falling: on the way. Last återkoppling 2026-06-15 + 90 days =
    # 2026-09-13, before TODAY: late.
    assert ("Mindre klotter i Område A Klotter i Område A: i snitt 2,0 per kvartal de senaste 2 kvartal "
            "mot 4,0 i baslinjen (−50 %); målet är högst 1,0 per kvartal. Bedömning: på väg mot målet. "
            "2026-01-01 – 2026-12-31 2026-06-15 2026-09-13 försenad") in loften
    summary = _section(text, "1. Sammanfattning", "2. Rapporteringsgrad")
    assert "1 medborgarlöfte har försenad återkoppling." in summary


@pytest.fixture()
def halved_skadegorelse(session, world):  # type: ignore[no-untyped-def]
    """Skadegörelse in all four areas once a day 2026-01-01 – 2026-05-31; from 2026-06-01 (the
    insats start) A every other day, B–D still daily, through 2026-08-23."""
    areas = {a.code: a.id for a in session.exec(select(Area).where(Area.code.like("1880%")))}  # type: ignore[attr-defined]
    category = session.exec(select(Category.id).where(Category.kommun_code == "1880",
                                                      Category.code == "skadegorelse")).one()
    rows, day, start = [], date(2026, 1, 1), date(2026, 6, 1)
    while day <= date(2026, 8, 23):
        for code in ("1880A", "1880B", "1880C", "1880D"):
            if code != "1880A" or day < start or (day - start).days % 2 == 0:
                rows.append({"kommun_code": "1880", "category_id": category, "observed_date": day,
                             "area_id": areas[code], "source": "form", "review_status": "godkand",
                             "report_count": 1})
        day += timedelta(days=1)
    session.execute(insert(Report), rows)
    insats = insats_service.create_insats(
        session=session, kommun_code="1880",
        data=insats_service.InsatsData(title="Väktarrond i A", type="vaktarrondering", start_date=start,
                                       status="pagaende", area_codes=["1880A"],
                                       category_codes=["skadegorelse"]))
    session.commit()
    return insats


@needs_poppler
def test_a_measured_insats_shows_its_effect_and_interval(session, halved_skadegorelse, tmp_path) -> None:  # type: ignore[no-untyped-def]
    today = date(2026, 8, 23)
    data = package_data(session=session, kommun_code="1880", period=PERIOD, today=today)
    text = _raw_text(tmp_path, build_package_pdf(data, kommun_name="Örebro"))
    insatser = _section(text, "8. Insatser och uppmätta effekter", "9. Medborgarlöften")
    # 84 days each side: A 84 → 42 while B–D stay at 84: exactly −50 %.
    effect = insats_evaluation(session=session, kommun_code="1880", insats_id=halved_skadegorelse.id,
                               today=today).effect
    assert effect is not None and round(effect.effect_pct) == -50
    assert effect.ci_low_pct < -50 < effect.ci_high_pct
    assert ("Väktarrond i A Väktarrondering · Pågående 2026-06-01 – pågår Område A (1880A) "
            f"−50 % ({percent(effect.ci_low_pct)} till {percent(effect.ci_high_pct)}) Ingen säker skillnad") in insatser
    assert percent(effect.effect_pct) == "−50 %"
    # Beside the estimate, the weekly rates of both groups over both 12-week periods
    # (84 -> 42 and 252 -> 252 reports): 7,0 -> 3,5 and 21,0 -> 21,0 a week; 0.5 / 1.0 = −50 %.
    # (The PDF may break a line after "under/".)
    assert ("Rapporter per vecka: insatsområdena 7,0 före (12 veckor) och 3,5 under/efter "
            "(12 veckor); jämförelseområdena 21,0 före och 21,0 under/efter.") in insatser.replace("/ ", "/")
    assert "Underlaget räcker inte" not in insatser
    loften = _section(text, "9. Medborgarlöften", "10. Bilaga")
    assert "Kommunen har inga registrerade medborgarlöften." in loften
