"""`lagesbild police import | summary` against a fresh database of their own."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from api.reports.models import Report
from tests.api.police.conftest import FEED_FIXTURE, run

pytestmark = pytest.mark.dates




def test_police_import_prints_counts_and_is_idempotent(cli_engine):
    assert run("kommun", "add", "1880", "Örebro").exit_code == 0
    first = run("police", "import", str(FEED_FIXTURE))
    assert first.exit_code == 0, first.output
    # No areas loaded: every event but the three summaries is kept at kommun level.
    assert "created=17 skipped=0 unplaced=14" in first.output
    second = run("police", "import", str(FEED_FIXTURE), "--kommun", "1880")
    assert second.exit_code == 0, second.output
    assert "created=0 skipped=17 unplaced=0" in second.output
    with Session(cli_engine) as session:
        assert session.exec(select(func.count()).select_from(Report)).one() == 17
    missing = run("police", "import", "/nonexistent/feed.json")
    assert missing.exit_code == 1 and "finns inte" in missing.output


def test_police_summary_command(cli_engine, tmp_path):
    assert run("kommun", "add", "1880", "Örebro").exit_code == 0
    good = tmp_path / "v47.csv"
    good.write_text("vecka;område;kategori;antal\n2026-W47;;ran;2\n2026-W47;kommun;misshandel;1\n",
                    encoding="utf-8")
    result = run("police", "summary", str(good))
    assert result.exit_code == 0, result.output
    assert "2 nya rader, 0 fanns redan" in result.output
    assert "0 nya rader, 2 fanns redan" in run("police", "summary", str(good)).output
    bad = tmp_path / "bad.csv"
    bad.write_text("vecka;område;kategori;antal\n2026-W99;;ran;2\n", encoding="utf-8")
    refused = run("police", "summary", str(bad), "--kommun", "1880")
    assert refused.exit_code == 1
    assert "Rad 2: vecka ska skrivas som 2026-W47" in refused.output
    with Session(cli_engine) as session:
        total = session.exec(select(func.sum(Report.report_count))).one()
    assert total == 3
