"""Reporting completeness: per organisation and week, reported, nollrapport or silent?

EST depends on silence and "nothing happened" being told apart. An organisation expected to report
is, for each ISO week:

* ``reported``: it has at least one report observed that week (any category, kontextfaktorer too);
* ``nollrapport``: no report, but a nollrapport for that week;
* ``silent``: neither.

A report wins over a nollrapport for the same week (someone who sent a nollrapport and later
reported did report). Organisations not in the expected list are ignored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis._validate import require_columns, require_reports
from analysis.weeks import (
    dates_to_ordinals,
    labels_to_ordinals,
    ordinals_to_labels,
    parse_iso_week,
    week_ordinal,
)

STATUSES: tuple[str, ...] = ("reported", "nollrapport", "silent")


def reporting_completeness(
    reports: pd.DataFrame,
    nollrapporter: pd.DataFrame,
    organisations,
    first_week: str,
    last_week: str,
) -> pd.DataFrame:
    """Status per expected organisation × ISO week.

    Parameters
    ----------
    reports : pandas.DataFrame
        The reports frame (``organisation_id``, ``observed_date``, ``report_count`` are used).
    nollrapporter : pandas.DataFrame
        Columns ``organisation_id`` and ``iso_week`` (label, e.g. ``"2026-W47"``).
    organisations : sequence of int or DataFrame with ``organisation_id``
        The organisations expected to report.
    first_week, last_week : str
        Inclusive week range.

    Returns
    -------
    pandas.DataFrame
        One row per organisation × week (organisation order as given, then week): columns
        ``organisation_id`` (Int64), ``iso_week`` (str), ``status`` (one of :data:`STATUSES`) and
        ``report_count`` (int64, the week's summed ``report_count`` from that organisation).

    Examples
    --------
    >>> import pandas as pd
    >>> reports = pd.DataFrame({"kommun_code": ["1880"], "area_code": ["A"],
    ...     "category_code": ["klotter"], "observed_date": pd.to_datetime(["2026-11-17"]),
    ...     "report_count": [2], "organisation_id": pd.array([1], dtype="Int64")})
    >>> noll = pd.DataFrame({"organisation_id": [2], "iso_week": ["2026-W47"]})
    >>> out = reporting_completeness(reports, noll, [1, 2, 3], "2026-W47", "2026-W47")
    >>> out["status"].tolist()
    ['reported', 'nollrapport', 'silent']
    """
    require_reports(reports, ["organisation_id"])
    require_columns(nollrapporter, ["organisation_id", "iso_week"], "nollrapporter")
    if isinstance(organisations, pd.DataFrame):
        require_columns(organisations, ["organisation_id"], "organisationer")
        org_list = organisations["organisation_id"].tolist()
    else:
        org_list = list(organisations)
    if any(pd.isna(o) for o in org_list):
        raise ValueError("organisationer: kolumnen 'organisation_id' har saknade värden")
    org_list = [int(o) for o in org_list]
    if len(set(org_list)) != len(org_list):
        raise ValueError("organisationer: kolumnen 'organisation_id' har dubbletter")
    first, last = week_ordinal(first_week), week_ordinal(last_week)
    if first > last:
        raise ValueError(f"veckointervallet är tomt: {first_week} ligger efter {last_week}")
    n_org, n_week = len(org_list), last - first + 1
    org_index = pd.Index(org_list, dtype=np.int64)

    counts = np.zeros(n_org * n_week, dtype=np.int64)
    ids = pd.array(reports["organisation_id"], dtype="Int64")
    org_idx = org_index.get_indexer(ids.to_numpy(dtype=np.int64, na_value=-(2**62)))
    week_idx = dates_to_ordinals(reports["observed_date"].to_numpy()) - first
    keep = (org_idx >= 0) & (week_idx >= 0) & (week_idx < n_week)
    if keep.any():
        flat = org_idx[keep] * n_week + week_idx[keep]
        weights = reports["report_count"].to_numpy(dtype=np.float64)[keep]
        counts = np.rint(np.bincount(flat, weights=weights, minlength=n_org * n_week))
        counts = counts.astype(np.int64)

    noll = np.zeros(n_org * n_week, dtype=bool)
    if len(nollrapporter):
        labels = nollrapporter["iso_week"].astype(str).tolist()
        for lab in set(labels):
            parse_iso_week(lab)  # Swedish error for a bad label
        n_ids = pd.array(nollrapporter["organisation_id"], dtype="Int64")
        n_org_idx = org_index.get_indexer(n_ids.to_numpy(dtype=np.int64, na_value=-(2**62)))
        n_week_idx = labels_to_ordinals(labels) - first
        ok = (n_org_idx >= 0) & (n_week_idx >= 0) & (n_week_idx < n_week)
        noll[n_org_idx[ok] * n_week + n_week_idx[ok]] = True

    status = np.where(counts > 0, "reported", np.where(noll, "nollrapport", "silent"))
    week_labels = ordinals_to_labels(np.arange(first, last + 1))
    return pd.DataFrame(
        {
            "organisation_id": pd.array(np.repeat(org_list, n_week), dtype="Int64"),
            "iso_week": np.tile(week_labels, n_org).astype(str),
            "status": status.astype(object),
            "report_count": counts,
        }
    )


def completeness_sentence(organisation_name: str, status: str, iso_week: str) -> str:
    """A plain Swedish sentence for one organisation's week.

    Examples
    --------
    >>> completeness_sentence("Bostadsbolaget", "silent", "2026-W47")
    'Bostadsbolaget har inte rapporterat v. 47'
    >>> completeness_sentence("Fältgruppen", "nollrapport", "2026-W07")
    'Fältgruppen har lämnat nollrapport v. 7'
    >>> completeness_sentence("Skolan", "reported", "2026-W47")
    'Skolan har rapporterat v. 47'
    """
    week = parse_iso_week(iso_week).week
    if status == "silent":
        return f"{organisation_name} har inte rapporterat v. {week}"
    if status == "nollrapport":
        return f"{organisation_name} har lämnat nollrapport v. {week}"
    if status == "reported":
        return f"{organisation_name} har rapporterat v. {week}"
    raise ValueError(f"okänd status '{status}': välj reported, nollrapport eller silent")


def silent_sentences(completeness: pd.DataFrame, names: dict, iso_week: str) -> list[str]:
    """Swedish sentences for every organisation silent in ``iso_week``, in table order.

    Parameters
    ----------
    completeness : pandas.DataFrame
        Output of :func:`reporting_completeness`.
    names : dict
        ``organisation_id -> name``; an unknown id is shown as "Organisation <id>".
    iso_week : str
        The week.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"organisation_id": [1, 2], "iso_week": ["2026-W47"] * 2,
    ...                       "status": ["silent", "reported"], "report_count": [0, 3]})
    >>> silent_sentences(table, {1: "Bostadsbolaget"}, "2026-W47")
    ['Bostadsbolaget har inte rapporterat v. 47']
    """
    require_columns(completeness, ["organisation_id", "iso_week", "status"], "rapporteringsgrad")
    label = parse_iso_week(iso_week).label
    rows = completeness[(completeness["iso_week"] == label) & (completeness["status"] == "silent")]
    return [
        completeness_sentence(names.get(int(o), f"Organisation {int(o)}"), "silent", label)
        for o in rows["organisation_id"]
    ]
