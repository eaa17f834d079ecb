"""The Körningar page lists recent job_run rows of the kommun and installation-wide ones."""

from __future__ import annotations

from datetime import UTC, datetime

from api.jobs.models import JobRun
from tests.conftest import login
from tests.factories import PASSWORD


def test_runs_page_lists_runs_in_local_time_scoped_to_the_kommun(client, session, world):
    at = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    session.add(JobRun(job="police_feed", period="2026-11-21T13:00", status="succeeded",
                       started_at=at, finished_at=at, message="17 nya händelser"))
    session.add(JobRun(job="draft", kommun_code="1880", period="2026-W47", status="failed",
                       started_at=at, message="Örebros körning"))
    session.add(JobRun(job="draft", kommun_code="1489", period="2026-W47", status="skipped",
                       started_at=at, message="Alingsås körning"))
    session.commit()
    login(client, world.user("admin").email, PASSWORD)
    page = client.get("/korningar")
    assert page.status_code == 200
    text = page.text
    assert "Polisens händelser (polisen.se)" in text and "2026-11-21T13:00" in text
    assert "2026-11-21 13:00:00" in text  # Europe/Stockholm
    assert "klar" in text and "misslyckades" in text and "17 nya händelser" in text
    assert "Örebros körning" in text
    assert "Alingsås körning" not in text
    assert "Schemaläggaren körs inte i den här processen" in text
