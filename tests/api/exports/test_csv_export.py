"""The police CSV: Excel format, masking, formula neutralising, audit, and the map's numbers."""

from __future__ import annotations

import io
import json
from datetime import date, time

import pandas as pd
import pytest
from sqlmodel import select

from api.areas.models import Area
from api.audit.models import AuditEvent
from api.categories.models import Category
from api.exports import csv_export
from api.reports.models import Report
from api.reports.query import ReportQuery, reports_frame
from api.statistics import service as statistics
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

MONDAY = date(2026, 11, 16)  # 2026-W47


def _category(session, code, kommun="1880"):
    return session.exec(select(Category).where(Category.kommun_code == kommun, Category.code == code)).one()


def _area_id(session, code):
    return session.exec(select(Area.id).where(Area.code == code)).first()


def _add(session, world, category, day, *, area=None, kommun="1880", **fields):
    values = {"report_count": 1, "source": "form", "review_status": "godkand",
              "organisation_id": world.organisations[kommun][0].id, **fields}
    report = Report(kommun_code=kommun, category_id=_category(session, category, kommun).id,
                    observed_date=day, area_id=_area_id(session, area) if area else None, **values)
    session.add(report)
    session.flush()
    return report


@pytest.fixture()
def reports(session, world):
    made = {
        "a": _add(session, world, "klotter", MONDAY, area="1880A", x=510500.0, y=6570500.5,
                  observed_time=time(21, 5), place_text="Torget", description="Tagg på väggen"),
        "b": _add(session, world, "skadegorelse", date(2026, 11, 18), area="1880B", report_count=3,
                  source="police_summary", x=511250.25, y=6570750.0),
        "kommun": _add(session, world, "klotter", date(2026, 11, 20)),
        "evil": _add(session, world, "klotter", date(2026, 11, 21), area="1880D",
                     description='=HYPERLINK("http://x.example","klicka")', place_text="+46 70"),
        "avvisad": _add(session, world, "klotter", MONDAY, area="1880A", review_status="avvisad"),
        "other_kommun": _add(session, world, "klotter", MONDAY, kommun="1489", area="1489A"),
        "next_week": _add(session, world, "klotter", date(2026, 11, 23), area="1880A"),
    }
    made["merged"] = _add(session, world, "klotter", MONDAY, area="1880C", duplicate_of_id=made["a"].id)
    session.commit()
    return made


def _form(client, **fields):
    page = client.get("/export/csv")
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(page.text), "fran": "2026-W47", "till": "2026-W47",
            "typ": "rapporter", "syfte": "Veckoanalys lokalpolisområdet", **fields}
    return client.post("/export/csv", data=data)


def _read(body: bytes) -> pd.DataFrame:
    frame = pd.read_csv(io.BytesIO(body), sep=";", decimal=",", encoding="utf-8-sig",
                        dtype={"omradeskod": str, "kommunkod": str, "tid": str})
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    frame[text_columns] = frame[text_columns].fillna("")
    return frame


def test_report_csv_round_trips_through_pandas_with_the_database_values(client, world, reports):
    login(client, world.user("polis").email, PASSWORD)
    response = _form(client, fritext="ja")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body
    frame = _read(body)
    # Week 47 in 1880, without the rejected, the merged duplicate, the other kommun and next week.
    assert frame.rapport_id.tolist() == sorted(r.id for k, r in reports.items() if k in ("a", "b", "kommun", "evil"))
    row = frame.set_index("rapport_id").loc[reports["a"].id]
    assert (row.datum, row.tid, row.vecka, row.kommunkod) == ("2026-11-16", "21:05", "2026-W47", "1880")
    assert (row.omradeskod, row.omradesnamn, row.kategorikod, row.kalla) == ("1880A", "Område A", "klotter", "form")
    assert (row.x_sweref99tm, row.y_sweref99tm) == (510500.0, 6570500.5)
    assert (row.platsbeskrivning, row.beskrivning, row.antal) == ("Torget", "Tagg på väggen", 1)
    assert row.organisation == "Skola Örebro" and row.kontextfaktor == "nej"
    b = frame.set_index("rapport_id").loc[reports["b"].id]
    # Coordinates are written to the decimetre (511250.25 rounds half-even to 511250.2).
    assert (b.antal, b.kalla, b.x_sweref99tm, b.y_sweref99tm) == (3, "police_summary", 511250.2, 6570750.0)
    kommun_row = frame.set_index("rapport_id").loc[reports["kommun"].id]
    assert (kommun_row.omradeskod, kommun_row.omradesnamn) == ("", "")
    assert pd.isna(kommun_row.x_sweref99tm) and pd.isna(kommun_row.y_sweref99tm)
    # The raw text: decimal comma, semicolons.
    assert ";510500,0;6570500,5;" in body.decode("utf-8-sig")


def test_free_text_is_left_out_by_default_and_formulas_are_neutralised(client, world, reports):
    login(client, world.user("analytiker").email, PASSWORD)
    masked = _form(client)
    assert masked.status_code == 200
    text = masked.content.decode("utf-8-sig")
    assert "beskrivning" not in text.splitlines()[0] and "Tagg på väggen" not in text and "HYPERLINK" not in text
    frame = _read(_form(client, fritext="ja").content).set_index("rapport_id")
    evil = frame.loc[reports["evil"].id]
    assert evil.beskrivning == '\'=HYPERLINK("http://x.example","klicka")'
    assert evil.platsbeskrivning == "'+46 70"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_prefixes_formula_starts(value):
    assert csv_export.neutralise(value) == "'" + value
    assert csv_export.neutralise("Torget =1") == "Torget =1"


def test_purpose_is_required_and_typed_values_are_kept(client, world, session, reports):
    login(client, world.user("polis").email, PASSWORD)
    response = _form(client, syfte="  ", fran="2026-W47", till="2026-13-01", kategorier=["klotter"])
    assert response.status_code == 422
    assert "Ange syftet med uttaget" in response.text
    assert "”2026-13-01” är inte ett datum" in response.text
    assert 'value="2026-13-01"' in response.text and 'value="klotter" checked' in response.text
    assert 'aria-describedby="syfte-hint syfte-error"' in response.text
    exports = session.exec(select(AuditEvent).where(AuditEvent.action == "report.export")).all()
    assert exports == []


def test_every_export_is_audited_with_filter_and_purpose(client, world, session, reports):
    login(client, world.user("polis").email, PASSWORD)
    response = _form(client, omraden=["1880A", "1880B"], kallor=["form"])
    assert response.status_code == 200
    assert _read(response.content).rapport_id.tolist() == [reports["a"].id]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "report.export")).one()
    assert event.actor == world.user("polis").email and event.kommun_code == "1880"
    assert event.purpose == "Veckoanalys lokalpolisområdet"
    logged = json.loads(event.filter)
    assert (logged["first_date"], logged["last_date"]) == ("2026-11-16", "2026-11-22")
    assert logged["area_codes"] == ["1880A", "1880B"] and logged["sources"] == ["form"]
    assert logged["fritext"] is False and logged["typ"] == "rapporter"


def test_unknown_area_from_another_kommun_is_refused(client, world, reports):
    login(client, world.user("polis").email, PASSWORD)
    response = _form(client, omraden=["1489A"])
    assert response.status_code == 422 and "Okänt område: 1489A" in response.text


def test_aggregate_csv_equals_the_map_numbers_for_the_same_filter(client, world, session, reports):
    # A second klotter in A and a kontextfaktor (not counted on the map) make the sums non-trivial.
    _add(session, world, "klotter", date(2026, 11, 19), area="1880A", report_count=2)
    context = session.exec(select(Category).where(Category.kommun_code == "1880", Category.is_context == True)).first()  # noqa: E712
    _add(session, world, context.code, MONDAY, area="1880B")
    session.commit()
    login(client, world.user("analytiker").email, PASSWORD)
    for filters in ({}, {"kallor": ["form"]}, {"kategorier": ["klotter"]}):
        response = _form(client, typ="antal", **filters)
        assert response.status_code == 200
        frame = _read(response.content)
        assert set(frame.vecka) == {"2026-W47"}
        query = ReportQuery.for_weeks(
            "1880", MONDAY, sources=tuple(filters.get("kallor", ())),
            category_codes=tuple(filters.get("kategorier", ())),
        )
        overview = statistics.week_overview(session=session, query=query, week="2026-W47")
        per_area = frame[frame.omradeskod != ""].groupby("omradeskod").antal.sum().to_dict()
        expected = {r.area_code: int(r.count) for r in overview.area_counts.itertuples() if r.count}
        assert per_area == expected
        assert int(frame[frame.omradeskod == ""].antal.sum()) == overview.kommun_level_count
    # By hand for the unfiltered file: A klotter 1+2, B skadegörelse 3, D klotter 1, kommun klotter 1.
    frame = _read(_form(client, typ="antal").content)
    cells = {(r.omradeskod, r.kategorikod): r.antal for r in frame.itertuples()}
    assert cells == {("1880A", "klotter"): 3, ("1880D", "klotter"): 1, ("", "klotter"): 1,
                     ("1880B", "skadegorelse"): 3}


@pytest.mark.parametrize(
    "filters",
    [{}, {"area_codes": ("1880A",)}, {"sources": ("police_summary",)}, {"category_codes": ("klotter",)},
     {"review_statuses": ("avvisad",)}, {"include_merged_duplicates": True}],
)
def test_streamed_rows_are_exactly_the_query_objects_reports(session, world, reports, database, filters):
    query = ReportQuery("1880", date(2026, 11, 1), date(2026, 11, 30), **filters)
    body = b"".join(csv_export.report_csv_chunks(open_session=database.session, query=query, page_size=2))
    streamed = _read(body) if body.count(b"\r\n") > 1 else pd.DataFrame({"rapport_id": [], "datum": []})
    expected = reports_frame(session=session, query=query)
    assert sorted(streamed.rapport_id) == sorted(expected.report_id)
    # In date order, ties by id: the order the keyset pages (and the server-side cursor) follow.
    keys = list(zip(streamed.datum, streamed.rapport_id, strict=True))
    assert keys == sorted(keys)


def test_export_page_links_the_published_weeks_files(client, world, session, week_reports):
    from tests.api.exports.conftest import publish_week

    login(client, world.user("polis").email, PASSWORD)
    assert "Ingen lägesbild är publicerad ännu." in client.get("/export/csv").text
    publish_week(session, world)
    page = client.get("/export/csv").text
    assert 'href="/export/2026-W47/pdf?version=1"' in page
    assert 'href="/export/2026-W47/omraden.gpkg?version=1"' in page
    assert 'href="/export/2026-W47/lagesbild.html?version=1"' in page


def test_codes_have_their_swedish_labels_beside_them_and_old_columns_keep_their_place(client, world, reports):
    """Issue 14 item 8: the police read labels, not only codes; their spreadsheets read columns by position."""
    login(client, world.user("polis").email, PASSWORD)
    body = _form(client, fritext="ja").content
    header = body.decode("utf-8-sig").split("\r\n", 1)[0].split(";")
    assert header[:17] == ["rapport_id", "datum", "tid", "vecka", "kommunkod", "omradeskod", "omradesnamn",
                           "kategorikod", "kategori", "kontextfaktor", "kalla", "organisation", "antal",
                           "x_sweref99tm", "y_sweref99tm", "granskning", "platsbeskrivning"]
    assert header[17:] == ["beskrivning", "kalla_namn"]
    frame = _read(body).set_index("rapport_id")
    a, b = frame.loc[reports["a"].id], frame.loc[reports["b"].id]
    assert (a.kategorikod, a.kategori, a.kalla, a.kalla_namn) == ("klotter", "Klotter", "form", "Formulär")
    assert (b.kalla, b.kalla_namn) == ("police_summary", "Polisens veckosammanställning")
    without_text = _form(client).content.decode("utf-8-sig").split("\r\n", 1)[0].split(";")
    assert without_text[-2:] == ["granskning", "kalla_namn"]
