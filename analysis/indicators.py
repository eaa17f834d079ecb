"""Indicators for medborgarlöften: a category set in an area set, per period, against a goal.

A medborgarlöfte ("we will reduce skadegörelse around the centre") is followed up with an
indicator: the summed ``report_count`` of some categories in some areas per week, month, quarter or
tertial, compared with a baseline and, optionally, a target, in a direction (``"lower"`` or
``"higher"`` is success).

The assessment (Swedish) uses the mean of the last ``recent_periods`` periods (default 2):

* **uppnått**: a target is given and the recent mean meets it (≤ target for ``"lower"``,
  ≥ for ``"higher"``);
* **på väg mot målet**: otherwise, the recent mean is better than the baseline by at least
  ``min_change`` (default 10 %) of the baseline (by at least 1 when the baseline is 0);
* **inte på väg**: otherwise.

The baseline is a number per period, or the mean over ``baseline_periods``, or, when neither is
given, the first period of the series. With an area set, reports without an area (kommun level)
cannot belong to it and are not counted; without one (``areas=None``) the whole kommun counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis._validate import require_reports
from analysis.alerts import format_decimal
from analysis.counts import _area_list, bucket_counts
from analysis.periods import date_period_ordinals, parse_period, period_range
from analysis.weeks import dates_to_ordinals, week_ordinal, week_range

_KINDS = {"week": "W", "month": "M", "quarter": "Q", "tertial": "T"}
_PLURAL = {"week": "veckor", "month": "månader", "quarter": "kvartal", "tertial": "tertial"}
_SINGULAR = {"week": "vecka", "month": "månad", "quarter": "kvartal", "tertial": "tertial"}
_THE_LAST = {"week": "den senaste veckan", "month": "den senaste månaden", "quarter": "det senaste kvartalet",
             "tertial": "det senaste tertialet"}
_WITH_ARTICLE = {"month": "en månad", "quarter": "ett kvartal", "tertial": "ett tertial"}
ASSESSMENTS: tuple[str, ...] = ("uppnått", "på väg mot målet", "inte på väg")


@dataclass(frozen=True)
class IndicatorResult:
    """An indicator series and its assessment."""

    series: pd.DataFrame
    baseline: float
    target: float | None
    direction: str
    recent: float
    assessment: str
    sentence: str


def indicator_series(
    reports: pd.DataFrame,
    areas,
    categories,
    first: str,
    last: str,
    *,
    period: str = "quarter",
) -> pd.DataFrame:
    """Counts of a category set in an area set per period, zero-filled.

    Parameters
    ----------
    reports : pandas.DataFrame
        The reports frame.
    areas : sequence of str or None
        The area set; ``None`` means the whole kommun (kommun-level reports included).
    categories : sequence of str
        The category set (counted as given, whether active or not).
    first, last : str
        First and last period: ``"2026-W01"`` for weeks, ``"2026-01"`` months, ``"2026-Q1"``
        quarters, ``"2026-T1"`` tertials.
    period : {"week", "month", "quarter", "tertial"}

    Returns
    -------
    pandas.DataFrame
        ``period`` (label) and ``count`` (int64).

    Examples
    --------
    >>> import pandas as pd
    >>> reports = pd.DataFrame({"kommun_code": "1880", "area_code": ["A", "B", None],
    ...     "category_code": "klotter", "report_count": [2, 1, 5],
    ...     "observed_date": pd.to_datetime(["2026-02-01", "2026-05-01", "2026-02-02"])})
    >>> indicator_series(reports, ["A", "B"], ["klotter"], "2026-Q1", "2026-Q2")["count"].tolist()
    [2, 1]
    """
    if period not in _KINDS:
        raise ValueError(f"okänd periodlängd '{period}': välj week, month, quarter eller tertial")
    require_reports(reports)
    cat_list = list(dict.fromkeys(categories)) if not isinstance(categories, str) else [categories]
    if not cat_list:
        raise ValueError("indikatorn behöver minst en kategori")
    if period == "week":
        labels = week_range(first, last)
        bucket = dates_to_ordinals(reports["observed_date"].to_numpy()) - week_ordinal(labels[0])
    else:
        kind = _KINDS[period]
        for lab in (first, last):
            if parse_period(lab).kind != kind:
                raise ValueError(f"perioden {lab} är inte {_WITH_ARTICLE[period]}")
        labels = period_range(first, last)
        bucket = date_period_ordinals(reports["observed_date"].to_numpy(), kind) - parse_period(
            labels[0]
        ).ordinal
    area_list = None if areas is None else _area_list(areas)
    flat, shape, _ = bucket_counts(
        reports, area_list, cat_list, bucket, len(labels), None, "drop"
    )
    cube = flat.reshape(shape[:3])
    totals = cube.sum(axis=(0, 1)) if area_list is None else cube[:-1].sum(axis=(0, 1))
    return pd.DataFrame({"period": labels, "count": totals.astype(np.int64)})


def assess_indicator(
    series: pd.DataFrame,
    *,
    baseline: float | None = None,
    baseline_periods: tuple[str, str] | None = None,
    target: float | None = None,
    direction: str = "lower",
    recent_periods: int = 2,
    min_change: float = 0.10,
    name: str = "Indikatorn",
    period: str = "quarter",
) -> IndicatorResult:
    """Assess an indicator series against its baseline and target (rule in the module docstring).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"period": ["2026-Q1", "2026-Q2", "2026-Q3"], "count": [10, 7, 6]})
    >>> r = assess_indicator(s, target=5, direction="lower", name="Skadegörelse i Centrum")
    >>> r.assessment
    'på väg mot målet'
    >>> r.sentence
    'Skadegörelse i Centrum: i snitt 6,5 per kvartal de senaste 2 kvartal mot 10,0 vid start (−35 %); målet är högst 5,0 per kvartal. Bedömning: på väg mot målet.'
    """  # noqa: E501
    if direction not in ("lower", "higher"):
        raise ValueError("direction måste vara 'lower' eller 'higher'")
    if period not in _KINDS:
        raise ValueError(f"okänd periodlängd '{period}': välj week, month, quarter eller tertial")
    if not {"period", "count"} <= set(series.columns) or series.empty:
        raise ValueError(
            "indikatorserien måste ha kolumnerna 'period' och 'count' och minst en rad"
        )
    if recent_periods < 1:
        raise ValueError("recent_periods måste vara minst 1")
    counts = series["count"].to_numpy(dtype=np.float64)
    if baseline is None and baseline_periods is not None:
        labels = series["period"].tolist()
        try:
            i, j = labels.index(baseline_periods[0]), labels.index(baseline_periods[1])
        except ValueError:
            raise ValueError("baslinjens perioder finns inte i serien") from None
        baseline = float(counts[i : j + 1].mean())
        base_text = "i baslinjen"
    elif baseline is None:
        baseline = float(counts[0])
        base_text = "vid start"
    else:
        baseline = float(baseline)
        base_text = "i baslinjen"
    recent = float(counts[-recent_periods:].mean())
    sign = -1.0 if direction == "lower" else 1.0
    needed = min_change * baseline if baseline > 0 else 1.0
    if target is not None and sign * (recent - float(target)) >= 0:
        assessment = "uppnått"
    elif sign * (recent - baseline) >= needed:
        assessment = "på väg mot målet"
    else:
        assessment = "inte på väg"

    n_recent = min(recent_periods, len(counts))
    unit = _SINGULAR[period]
    if baseline > 0:
        pct = (recent - baseline) / baseline * 100
        change = f" ({'+' if pct > 0 else ''}{format_decimal(pct, 0)} %)"
    else:
        change = ""
    if n_recent > 1:
        recent_text = f"i snitt {format_decimal(recent)} per {unit} de senaste {n_recent} {_PLURAL[period]}"
    else:  # one period: no average to speak of ("de senaste 1 kvartal" is not Swedish)
        recent_text = f"{format_decimal(recent)} {_THE_LAST[period]}"
    sentence = f"{name}: {recent_text} mot {format_decimal(baseline)} {base_text}{change}"
    if target is not None:
        bound = "högst" if direction == "lower" else "minst"
        sentence += f"; målet är {bound} {format_decimal(float(target))} per {unit}"
    sentence += f". Bedömning: {assessment}."
    return IndicatorResult(
        series=series.reset_index(drop=True),
        baseline=baseline,
        target=None if target is None else float(target),
        direction=direction,
        recent=recent,
        assessment=assessment,
        sentence=sentence,
    )


def medborgarlofte_indicator(
    reports: pd.DataFrame,
    areas,
    categories,
    first: str,
    last: str,
    *,
    period: str = "quarter",
    baseline: float | None = None,
    baseline_periods: tuple[str, str] | None = None,
    target: float | None = None,
    direction: str = "lower",
    recent_periods: int = 2,
    min_change: float = 0.10,
    name: str = "Indikatorn",
) -> IndicatorResult:
    """Series and assessment in one call: :func:`indicator_series` then :func:`assess_indicator`.

    Examples
    --------
    >>> import pandas as pd
    >>> reports = pd.DataFrame({"kommun_code": "1880", "area_code": "A",
    ...     "category_code": "skadegorelse", "report_count": [8, 3],
    ...     "observed_date": pd.to_datetime(["2026-02-01", "2026-05-01"])})
    >>> r = medborgarlofte_indicator(reports, ["A"], ["skadegorelse"], "2026-Q1", "2026-Q2",
    ...                              target=4, recent_periods=1)
    >>> r.series["count"].tolist(), r.assessment
    ([8, 3], 'uppnått')
    """
    series = indicator_series(reports, areas, categories, first, last, period=period)
    return assess_indicator(
        series,
        baseline=baseline,
        baseline_periods=baseline_periods,
        target=target,
        direction=direction,
        recent_periods=recent_periods,
        min_change=min_change,
        name=name,
        period=period,
    )
