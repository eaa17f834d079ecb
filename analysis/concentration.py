"""Concentration of reports over areas: share in the top 10 % / 20 % of areas, Lorenz curve, Gini.

"The top 10 % of areas" is read off the Lorenz curve of areas ranked by count, so when 10 % of
the areas is not a whole number the share is interpolated linearly: with 25 areas, the top 10 %
(2.5 areas) is the two areas with most reports plus half of the third. Areas with no reports count:
pass the full set of areas, or the concentration is overstated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.wording import plural


@dataclass(frozen=True)
class Concentration:
    """Result of :func:`concentration`; shares are fractions in [0, 1] (NaN without reports)."""

    n_areas: int
    total: float
    top10_share: float
    top20_share: float
    gini: float
    lorenz: pd.DataFrame
    text: str


def concentration(
    counts: pd.Series, *, areas: Iterable[str] | None = None
) -> Concentration:
    """Share of reports in the 10 % and 20 % of areas with most reports, plus Lorenz curve and Gini.

    Parameters
    ----------
    counts : pandas.Series
        Report count (sum of ``report_count``) per area, indexed by ``area_code``.
    areas : iterable of str, optional
        Every area code of the area set. Areas missing from ``counts`` count 0; codes in
        ``counts`` but not in ``areas`` are an error. Default: the index of ``counts``.

    Returns
    -------
    Concentration
        ``top10_share``, ``top20_share``, ``gini`` (0 = even, towards 1 = all in one area),
        ``lorenz`` (columns ``area_share``, ``report_share``, from (0, 0) to (1, 1), areas in
        ascending order of count) and a Swedish sentence ``text``.

    Examples
    --------
    >>> c = concentration(pd.Series({"a": 10, "b": 5, "c": 3, "d": 2, "e": 0}))
    >>> c.top10_share, c.top20_share, round(c.gini, 2)
    (0.25, 0.5, 0.46)
    """
    values = _check_inputs(counts, areas)
    n = values.size
    total = float(values.sum())
    descending = np.sort(values)[::-1]
    ascending = descending[::-1]
    lorenz = pd.DataFrame(
        {
            "area_share": np.arange(n + 1) / n,
            "report_share": np.concatenate([[0.0], np.cumsum(ascending)])
            / (total if total > 0 else np.nan),
        }
    )
    if total > 0:
        top10 = share_in_top(values, 0.10)
        top20 = share_in_top(values, 0.20)
        ranks = np.arange(1, n + 1)
        gini = float(((2 * ranks - n - 1) * ascending).sum() / (n * total))
        text = (
            f"De 10 % av områdena som har flest rapporter står för {_pct(top10)} av "
            f"rapporterna; de 20 % som har flest står för {_pct(top20)} "
            f"({_number(total)} {'rapport' if total == 1 else 'rapporter'} i {plural(n, 'område', 'områden')})."
        )
    else:
        top10 = top20 = gini = float("nan")
        text = "Inga rapporter under perioden; koncentrationen går inte att beräkna."
    return Concentration(
        n_areas=n,
        total=total,
        top10_share=top10,
        top20_share=top20,
        gini=gini,
        lorenz=lorenz,
        text=text,
    )


def share_in_top(values: np.ndarray | pd.Series, fraction: float) -> float:
    """Share of the total held by the ``fraction`` of areas with the highest values.

    Interpolated linearly on the Lorenz curve when ``fraction * n`` is not whole.

    Examples
    --------
    >>> share_in_top(np.array([6, 3, 1, 0]), 0.5)
    0.9
    >>> share_in_top(np.array([6, 3, 1, 0]), 0.125)  # half of the top area
    0.3
    """
    if not 0 <= fraction <= 1:
        raise ValueError("andelen områden måste ligga mellan 0 och 1")
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    total = v.sum()
    if v.size == 0 or total <= 0:
        return float("nan")
    m = fraction * v.size
    k = int(np.floor(m + 1e-12))
    top = v[:k].sum()
    if k < v.size:
        top += (m - k) * v[k]
    return float(min(top / total, 1.0))


def _check_inputs(counts, areas) -> np.ndarray:
    if not isinstance(counts, pd.Series):
        raise ValueError("antal måste vara en Series per area_code")
    if counts.index.duplicated().any():
        raise ValueError(f"antal: area_code '{counts.index[counts.index.duplicated()][0]}' "
                         "förekommer flera gånger")
    if not pd.api.types.is_numeric_dtype(counts) or pd.api.types.is_bool_dtype(counts):
        raise ValueError(f"antal måste vara numeriska, inte {counts.dtype}")
    if areas is not None:
        universe = pd.Index(list(areas))
        unknown = counts.index.difference(universe)
        if len(unknown):
            raise ValueError(f"antal: area_code '{unknown[0]}' finns inte bland områdena")
        counts = counts.reindex(universe).fillna(0)
    if counts.isna().any() or (counts < 0).any():
        raise ValueError("antal har saknade eller negativa värden")
    if len(counts) == 0:
        raise ValueError("inga områden att beräkna koncentration för")
    return counts.to_numpy(dtype=float)


def _pct(share: float) -> str:
    return f"{round(share * 100)} %"


def _number(x: float) -> str:
    return f"{x:,.0f}".replace(",", "\u00a0") if float(x).is_integer() else (
        f"{x:,.1f}".replace(",", "\u00a0").replace(".", ",")
    )
