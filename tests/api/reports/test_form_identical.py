"""Two identical observations in one weekly form are stored once, as a file import stores them."""

from __future__ import annotations

import pytest
from sqlmodel import select

from api.reports.form_service import week_of
from api.reports.models import Report
from tests.api.reports import test_form_pages as form

pytestmark = pytest.mark.dates

reporter = form.reporter  # the school's inrapportör in Örebro, logged in


def test_identical_observations_are_stored_once_and_the_receipt_says_so(client, reporter, session, test_today):
    today = test_today.isoformat()
    same = {"kategori": "klotter", "nar": "dag", "datum": today, "tid": "21:30", "plats": "Vid torget",
            "beskrivning": "Taggar på gaveln"}
    data = {
        "vecka": week_of(test_today).label, "inskick": form.TOKEN, "atgard": "skicka",
        **form._obs(0, **same),
        # The same again, written with other case and spacing (the content hash folds both).
        **form._obs(1, **{**same, "beskrivning": "taggar  på Gaveln"}),
        **form._obs(2, **{**same, "tid": "22:30"}),  # another time: another observation
    }
    response = form._post(client, data)
    assert response.status_code == 303, response.text[:2000]
    assert response.headers["location"] == f"/rapportera/kvitto?inskick={form.TOKEN}&lika=1"
    reports = form._reports(session, reporter.organisations["1880"][0].id)
    assert [(r.external_id, r.observed_time.strftime("%H:%M")) for r in reports] == [
        (f"{form.TOKEN}-1", "21:30"), (f"{form.TOKEN}-3", "22:30")]
    receipt = client.get(response.headers["location"])
    assert receipt.status_code == 200
    assert "2 observationer har sparats" in receipt.text
    assert "1 observation var likadan som en annan i samma rapport och sparades bara en gång." in receipt.text

    # The same post again (a retry): nothing more is stored.
    again = form._post(client, data)
    assert again.status_code == 303
    assert len(session.exec(select(Report).where(Report.source == "form")).all()) == 2
