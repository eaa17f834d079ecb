"""Medborgarlöften follow-up: completion, the återkoppling rule, report and manual indicators."""

from __future__ import annotations

from datetime import date

from api.promises import follow_up, service
from api.users.principal import Principal
from tests.api.promises.conftest import add_report

TODAY = date(2026, 11, 21)
PROMISE = {"titel": "Tryggare centrum", "lofte": "Vi minskar skadegörelsen i centrum.",
           "parter": "Örebro kommun och polisen", "startdatum": "2026-01-01",
           "slutdatum": "2027-12-31", "status": "aktivt", "intervall": "90"}


def _promise(session, kommun="1880"):  # type: ignore[no-untyped-def]
    data, errors = service.validate_promise(PROMISE, [f"{kommun}A"], allowed_areas={f"{kommun}A"})
    assert errors == {}
    return service.create_promise(session=session, kommun_code=kommun, data=data,  # type: ignore[arg-type]
                                  created_by_id=None)


def _analyst(kommun="1880") -> Principal:  # type: ignore[no-untyped-def]
    return Principal(role="analytiker", kommun_code=kommun, kommun_codes=[kommun], actor="test")


def test_overdue_rule_by_hand():
    # 2026-07-01 + 90 days = 2026-09-29 (30 days left of July, 31 of August, 29 of September).
    status = follow_up.aterkoppling_status(last_date=date(2026, 7, 1), start_date=date(2026, 1, 1),
                                         interval_days=90, today=TODAY)
    assert (status.due_date, status.overdue) == (date(2026, 9, 29), True)
    on_time = follow_up.aterkoppling_status(last_date=date(2026, 7, 1), start_date=date(2026, 1, 1),
                                          interval_days=90, today=date(2026, 9, 29))
    assert on_time.overdue is False
    # Without any återkoppling the clock starts at the löfte's start date.
    first = follow_up.aterkoppling_status(last_date=None, start_date=date(2026, 10, 1),
                                        interval_days=90, today=TODAY)
    assert (first.due_date, first.overdue) == (date(2026, 12, 30), False)


def test_activity_completion_and_aterkoppling_on_the_follow_up(session, world):  # type: ignore[no-untyped-def]
    promise = _promise(session)
    atagande, errors = service.add_atagande(session=session, promise=promise, values={
        "atagande_titel": "Trygghetsvandringar", "atagande_mal": "10",
        "atagande_enhet": "trygghetsvandringar"})
    assert errors == {}
    for day, count in (("2026-03-10", "4"), ("2026-09-01", "2")):
        _, errors = service.log_activity(session=session, promise=promise, user_id=None, values={
            "logg_atagande": str(atagande.id), "logg_datum": day, "logg_antal": count})
        assert errors == {}
    for day in ("2026-04-02", "2026-07-01"):
        service.add_aterkoppling(session=session, promise=promise, user_id=None, values={
            "ater_datum": day, "ater_kanal": "Medborgardialog", "ater_vad": "Läget i centrum"})
    view = follow_up.follow_up_view(session=session, principal=_analyst(), promise=promise, today=TODAY)
    (completion,) = view.completions
    assert (completion.done, completion.percent) == (6, 60)
    assert completion.text == "6 av 10 trygghetsvandringar, 60 %"
    assert view.aterkoppling == follow_up.AterkopplingStatus(date(2026, 7, 1), date(2026, 9, 29), True)


def test_validation_errors_are_swedish(session, world):  # type: ignore[no-untyped-def]
    promise = _promise(session)
    _, errors = service.add_atagande(session=session, promise=promise, values={
        "atagande_titel": " ", "atagande_mal": "0", "atagande_enhet": "st"})
    assert errors == {"atagande_titel": "Skriv vad som ska göras.",
                      "atagande_mal": "Målet måste vara större än 0."}
    _, errors = service.log_activity(session=session, promise=promise, user_id=None, values={
        "logg_atagande": "999", "logg_datum": "21/11", "logg_antal": "två"})
    assert errors == {"logg_atagande": "Välj ett åtagande i listan.",
                      "logg_datum": "Datum måste vara ett datum som ÅÅÅÅ-MM-DD.",
                      "logg_antal": "Antal måste vara ett heltal."}
    _, errors = service.add_atagande(session=session, promise=promise, values={
        "atagande_titel": "x", "atagande_mal": "99999999999", "atagande_enhet": "st"})
    assert errors == {"atagande_mal": "Målet måste vara ett heltal."}
    _, errors = service.add_aterkoppling(session=session, promise=promise, user_id=None, values={
        "ater_datum": "2026-02-30", "ater_kanal": "", "ater_vad": "x"})
    assert errors == {"ater_datum": "Datum måste vara ett datum som ÅÅÅÅ-MM-DD.",
                      "ater_kanal": "Skriv kanalen, till exempel medborgardialog."}


def test_report_indicator_counts_per_quarter_lower_with_target(session, world):  # type: ignore[no-untyped-def]
    promise = _promise(session)
    # Counted (klotter or skadegörelse in area A or B, godkänd or ny):
    add_report(session, world, "klotter", date(2026, 2, 10), area="1880A", report_count=3)
    add_report(session, world, "skadegorelse", date(2026, 3, 5), area="1880B", report_count=2,
               review_status="ny")
    add_report(session, world, "klotter", date(2026, 5, 1), area="1880A", report_count=2)
    add_report(session, world, "klotter", date(2026, 8, 15), area="1880B")
    add_report(session, world, "skadegorelse", date(2026, 9, 30), area="1880A")
    # Not counted: another area, kommun level, another category, rejected, the open quarter,
    # another kommun.
    add_report(session, world, "klotter", date(2026, 2, 11), area="1880C", report_count=4)
    add_report(session, world, "klotter", date(2026, 2, 12), report_count=1)
    add_report(session, world, "otrygg_plats", date(2026, 5, 2), area="1880A", report_count=7)
    add_report(session, world, "klotter", date(2026, 5, 3), area="1880A", report_count=10,
               review_status="avvisad")
    add_report(session, world, "klotter", date(2026, 11, 2), area="1880A", report_count=9)
    add_report(session, world, "klotter", date(2026, 5, 4), area="1489A", kommun="1489",
               report_count=5)
    indicator, errors = service.add_indicator(
        session=session, promise=promise, values={
            "ind_typ": "rapporter", "ind_namn": "Skadegörelse och klotter", "ind_period": "quarter",
            "ind_riktning": "lower", "ind_mal": "1,5", "ind_bas_start": "2026-01-01",
            "ind_bas_slut": "2026-03-31"},
        category_codes=["skadegorelse", "klotter"], area_codes=["1880B", "1880A"],
        allowed_categories={"klotter", "skadegorelse"}, allowed_areas={"1880A", "1880B"})
    assert errors == {}
    view = follow_up.follow_up_view(session=session, principal=_analyst(), promise=promise, today=TODAY)
    (iv,) = view.indicators
    # Q1: 3 + 2 = 5; Q2: 2; Q3: 1 + 1 = 2. Q4 is still running on 2026-11-21, so it is left out.
    assert iv.rows == [("2026-Q1", 5.0), ("2026-Q2", 2.0), ("2026-Q3", 2.0)]
    # Baseline = Q1 = 5; recent = mean(Q2, Q3) = 2 > target 1,5, but 3 below the baseline.
    assert (iv.result.baseline, iv.result.recent, iv.result.assessment) == (
        5.0, 2.0, "på väg mot målet")
    assert "mot 5,0 i baslinjen (−60 %); målet är högst 1,5 per kvartal" in iv.result.sentence
    assert view.report_filters == [{"indikator": indicator.id,
                                    "kategorier": "klotter,skadegorelse",
                                    "omraden": "1880A,1880B", "perioder": ["2026-Q1", "2026-Q3"]}]


def test_report_indicator_claims_nothing_before_a_period_after_the_baseline_has_ended(  # type: ignore[no-untyped-def]
    session, world
):
    promise = _promise(session)
    add_report(session, world, "klotter", date(2026, 8, 10), area="1880A", report_count=3)
    add_report(session, world, "klotter", date(2026, 10, 5), area="1880A", report_count=9)  # Q4: still running
    service.add_indicator(
        session=session, promise=promise, values={
            "ind_typ": "rapporter", "ind_namn": "Klotter", "ind_period": "quarter", "ind_riktning": "lower",
            "ind_mal": "1", "ind_bas_start": "2026-07-01", "ind_bas_slut": "2026-09-30"},
        category_codes=["klotter"], area_codes=["1880A"],
        allowed_categories={"klotter"}, allowed_areas={"1880A"})
    (iv,) = follow_up.follow_up_view(session=session, principal=_analyst(), promise=promise, today=TODAY).indicators
    # The baseline (Q3 = 3) is the only complete period on 2026-11-21: no verdict, the baseline shown.
    assert iv.result is None and iv.rows == [("2026-Q3", 3.0)]
    assert iv.message == "Ingen period efter baslinjen är avslutad ännu – underlaget räcker inte."


def test_manual_indicator_values_in_period_order(session, world):  # type: ignore[no-untyped-def]
    promise = _promise(session)
    indicator, errors = service.add_indicator(
        session=session, promise=promise, values={
            "ind_typ": "manuell", "ind_namn": "Andel som känner sig trygga", "ind_period": "tertial",
            "ind_riktning": "higher", "ind_mal": "70", "ind_bas_varde": "60", "ind_enhet": "%"},
        category_codes=[], area_codes=[], allowed_categories=set(), allowed_areas=set())
    assert errors == {}

    def enter(label: str, value: str) -> dict[str, str]:
        _, errs = service.add_indicator_value(session=session, promise=promise, user_id=None,
                                              values={"varde_indikator": str(indicator.id),
                                                      "varde_period": label, "varde_varde": value})
        return errs

    assert enter("2026-T2", "50") == {}
    assert enter("2026-t1", "62") == {}
    assert enter("2026-T2", "68") == {}  # replaces the first value for T2
    assert enter("2026-Q3", "1") == {"varde_period": "Skriv perioden som 2026-T2 (tertial)."}
    view = follow_up.manual_indicator(session=session, indicator=indicator)
    assert view.rows == [("2026-T1", 62.0), ("2026-T2", 68.0)]
    # Recent mean 65: below the target 70 and only 5 above the baseline 60 (needs 6).
    assert view.result.assessment == "inte på väg"
    assert enter("2026-T3", "72") == {}
    view = follow_up.manual_indicator(session=session, indicator=indicator)
    assert (view.result.recent, view.result.assessment) == (70.0, "uppnått")


def test_sparkline_points_span_the_box():
    assert follow_up.sparkline([("2026-Q1", 5.0)]) == ""
    assert follow_up.sparkline([("a", 0.0), ("b", 10.0), ("c", 5.0)]) == (
        "2.0,38.0 80.0,2.0 158.0,20.0")
