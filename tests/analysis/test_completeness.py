import pandas as pd
import pytest

from analysis.completeness import (
    completeness_sentence,
    reporting_completeness,
    silent_sentences,
)


def _reports(rows):
    df = pd.DataFrame(rows, columns=["organisation_id", "observed_date", "report_count"])
    df["kommun_code"] = "1880"
    df["area_code"] = "A"
    df["category_code"] = "klotter"
    df["observed_date"] = pd.to_datetime(df["observed_date"])
    df["organisation_id"] = df["organisation_id"].astype("Int64")
    return df


REPORTS = _reports(
    [
        (1, "2026-11-16", 1),  # org 1, W47
        (1, "2026-11-22", 2),  # org 1, W47 (Sunday)
        (2, "2026-11-24", 1),  # org 2, W48
        (None, "2026-11-17", 5),  # police feed: no organisation
        (9, "2026-11-17", 1),  # not expected to report: ignored
    ]
)
NOLL = pd.DataFrame(
    {"organisation_id": [2, 3, 2], "iso_week": ["2026-W47", "2026-W48", "2026-W48"]}
)


def test_status_worked_out_by_hand():
    out = reporting_completeness(REPORTS, NOLL, [1, 2, 3], "2026-W47", "2026-W48")
    got = {(o, w): (s, n) for o, w, s, n in out.itertuples(index=False)}
    assert got == {
        (1, "2026-W47"): ("reported", 3),
        (1, "2026-W48"): ("silent", 0),
        (2, "2026-W47"): ("nollrapport", 0),
        (2, "2026-W48"): ("reported", 1),  # a report wins over the nollrapport
        (3, "2026-W47"): ("silent", 0),
        (3, "2026-W48"): ("nollrapport", 0),
    }


def test_one_row_per_expected_organisation_and_week():
    out = reporting_completeness(REPORTS, NOLL, [3, 1], "2026-W46", "2026-W49")
    assert len(out) == 2 * 4
    assert out["organisation_id"].tolist()[:4] == [3, 3, 3, 3]
    assert set(out["status"]) <= {"reported", "nollrapport", "silent"}


def test_organisations_frame_and_bad_labels():
    orgs = pd.DataFrame({"organisation_id": [1], "name": ["Bostadsbolaget"]})
    out = reporting_completeness(REPORTS, NOLL.iloc[:0], orgs, "2026-W47", "2026-W47")
    assert out["status"].tolist() == ["reported"]
    bad = pd.DataFrame({"organisation_id": [1], "iso_week": ["vecka 47"]})
    with pytest.raises(ValueError, match="ogiltig vecka"):
        reporting_completeness(REPORTS, bad, [1], "2026-W47", "2026-W47")
    with pytest.raises(ValueError, match="nollrapporter saknar kolumnen 'iso_week'"):
        reporting_completeness(REPORTS, NOLL[["organisation_id"]], [1], "2026-W47", "2026-W47")
    with pytest.raises(ValueError, match="saknar kolumnen 'organisation_id'"):
        reporting_completeness(
            REPORTS.drop(columns="organisation_id"), NOLL, [1], "2026-W47", "2026-W47"
        )


def test_sentences_are_swedish():
    assert (
        completeness_sentence("Bostadsbolaget", "silent", "2026-W47")
        == "Bostadsbolaget har inte rapporterat v. 47"
    )
    assert completeness_sentence("Skolan", "nollrapport", "2026-W48") == (
        "Skolan har lämnat nollrapport v. 48"
    )
    with pytest.raises(ValueError, match="okänd status"):
        completeness_sentence("Skolan", "late", "2026-W48")
    out = reporting_completeness(REPORTS, NOLL, [1, 2, 3], "2026-W47", "2026-W48")
    assert silent_sentences(out, {1: "Bostadsbolaget"}, "2026-W48") == [
        "Bostadsbolaget har inte rapporterat v. 48"
    ]
    assert silent_sentences(out, {}, "2026-W47") == ["Organisation 3 har inte rapporterat v. 47"]
