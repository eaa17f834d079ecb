"""Overdispersion for weekly counts: pooled conditional estimates and the beta-binomial tail.

Real weekly crime counts vary more than Poisson counts of the same mean (variance/mean 1.3–2.3 in
ordinary weeks, far more around riots). The model here is the negative binomial as a gamma–Poisson
mixture: each week of a cell has its own Poisson rate, drawn from a gamma distribution with mean
``μ`` (the cell's level) and shape ``k``, so ``Var = μ + θ·μ²`` with ``θ = 1/k``. ``θ = 0`` is
Poisson.

Conditional on a cell's total over ``n`` weeks, the weekly counts of such a cell follow a
Dirichlet-multinomial distribution with all parameters ``k`` whatever ``μ`` is. So ``θ`` can be
estimated from the history **without estimating any cell's level** (the conditional likelihood of
Robinson & Smyth 2008, edgeR's "qCML"), and, pooled over the hundreds of cells of a kommun, it is
estimated well even though each cell has only 12 weeks. With ``n_i(θ)`` counting cell-weeks with
more than ``i`` reports and ``m_i`` cells with more than ``i`` over the window, the log-likelihood
is, up to a constant, ``Σ_i n_i·log(1 + iθ) − Σ_i m_i·log(1 + iθ/n)``: computing it needs one
``bincount`` of the counts, not one term per cell.

Categories differ in how bursty they are, so ``θ`` is estimated per category and shrunk towards
the kommun's common value by normal–normal empirical Bayes (Efron & Morris 1975) with the
between-category variance estimated by DerSimonian & Laird's (1986) moment estimator: a category
with little data, or no real difference from the rest, gets the common value; a category that is
clearly burstier keeps its own.

:func:`betabinom_midp` is the matching test: under that model this week's count ``x`` out of the
``t`` reports of the window is beta-binomial.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.special import betaln, gammaln
from scipy.stats import binom

#: Largest dispersion considered (shape k = 0.02); beyond it the weekly counts say almost nothing.
THETA_MAX = 50.0
#: Below this a dispersion is treated as exactly Poisson (the beta-binomial is then a binomial).
_THETA_ZERO = 1e-9


@dataclass(frozen=True)
class Dispersion:
    """Dispersion estimates for groups of cells (e.g. categories).

    Attributes
    ----------
    theta : numpy.ndarray
        Shrunk dispersion per group, ``θ = 1/k`` (0 = Poisson): what the test uses.
    theta_raw : numpy.ndarray
        Each group's own conditional maximum-likelihood estimate.
    se_raw : numpy.ndarray
        Its standard error from the observed information (``inf`` when a group has no information).
    common : float
        The pooled estimate over all groups.
    tau : float
        Estimated between-group standard deviation of ``θ`` (0 means full pooling).
    """

    theta: np.ndarray
    theta_raw: np.ndarray
    se_raw: np.ndarray
    common: float
    tau: float


def pooled_dispersion(history, groups=None) -> Dispersion:
    """Negative-binomial dispersion from weekly histories, per group, shrunk towards the pool.

    Parameters
    ----------
    history : array_like of int, shape (cells, weeks)
        Non-negative weekly counts, one row per cell (area × category), at least two weeks.
    groups : array_like of int, shape (cells,), optional
        Group index ``0 … G-1`` of each cell (normally its category). Default: one group.

    Returns
    -------
    Dispersion
        ``theta`` per group (``θ = 1/k``; variance ``μ + θμ²``), raw estimates, standard errors,
        the common value and the between-group spread.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> mu = rng.uniform(0.1, 4, size=(2000, 1))
    >>> nb = rng.poisson(rng.gamma(2.0, mu / 2.0, size=(2000, 12)))  # k = 2, theta = 0.5
    >>> round(pooled_dispersion(nb).common, 1)
    0.5
    >>> pooled_dispersion(rng.poisson(mu, size=(2000, 12))).common < 0.05
    True
    """
    y = np.asarray(history)
    if y.ndim != 2 or y.shape[1] < 2:
        raise ValueError("historiken måste vara en tabell med celler × minst två veckor")
    if not np.issubdtype(y.dtype, np.integer):
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError("historiken måste bestå av heltal")
        y = y.astype(np.int64)
    if (y < 0).any():
        raise ValueError("historiken har negativa antal")
    g = np.zeros(y.shape[0], dtype=np.int64) if groups is None else np.asarray(groups, np.int64)
    if g.shape != (y.shape[0],) or (g.size and g.min() < 0):
        raise ValueError("groups måste ge ett gruppnummer (0, 1, …) per cell")
    n_groups = int(g.max()) + 1 if g.size else 1
    n_above, m_above = _counts_above(y, g, n_groups)
    n_weeks = y.shape[1]
    raw = np.array([_ml_theta(n_above[j], m_above[j], n_weeks) for j in range(n_groups)])
    info = np.array(
        [-_d2_loglik(raw[j], n_above[j], m_above[j], n_weeks) for j in range(n_groups)]
    )
    se = np.where(info > 0, 1.0 / np.sqrt(np.where(info > 0, info, 1.0)), np.inf)
    common = _ml_theta(n_above.sum(axis=0), m_above.sum(axis=0), n_weeks)
    theta, tau = shrink_normal(raw, se, common)
    theta = np.maximum(theta, 0.0)
    return Dispersion(theta=theta, theta_raw=raw, se_raw=se, common=common, tau=tau)


def betabinom_midp(x, t, a, b, *, mid: bool = True) -> np.ndarray:
    """One-sided mid-p ``P(X > x) + ½·P(X = x)`` for ``X ~ BetaBinomial(t, a, b)``, vectorised.

    With ``mid=False`` the exact p-value ``P(X ≥ x)``. The probability mass is summed by its
    ratio recurrence from ``x`` outwards, up the upper tail when ``x`` is at or above the mean and
    down the lower one otherwise, so it needs no special function beyond ``betaln``, keeps tail
    probabilities far below 1e-12 (``scipy.stats.betabinom.sf`` is ``1 - cdf``) and stays fast
    for tens of thousands of cells (scipy sums the support cell by cell: 0.5 s for 19 500 cells,
    here about 0.01 s).

    Examples
    --------
    >>> from scipy.stats import betabinom
    >>> x, t, a, b = 7, 24, 2.0, 24.0
    >>> exact = betabinom.sf(x, t, a, b) + 0.5 * betabinom.pmf(x, t, a, b)
    >>> bool(abs(betabinom_midp(x, t, a, b) - exact) < 1e-12)
    True
    """
    x, t, a, b = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (x, t, a, b))
    )
    x, t, a, b = (v.ravel().copy() for v in (x, t, a, b))
    out = np.empty(x.size)
    log_p = (
        gammaln(t + 1) - gammaln(x + 1) - gammaln(t - x + 1)
        + betaln(x + a, t - x + b) - betaln(a, b)
    )
    p_x = np.exp(log_p)
    upper = x >= t * a / (a + b)
    idx = np.flatnonzero(upper)
    w = 0.5 if mid else 1.0
    out[idx] = _tail_sum(x[idx], t[idx], a[idx], b[idx], p_x[idx], up=True) + w * p_x[idx]
    idx = np.flatnonzero(~upper)
    below = _tail_sum(x[idx], t[idx], a[idx], b[idx], p_x[idx], up=False)
    out[idx] = 1.0 - below - (1.0 - w) * p_x[idx]
    return np.clip(out, 0.0, 1.0)


def _tail_sum(x, t, a, b, p_x, *, up: bool) -> np.ndarray:
    """Σ pmf(k) over k > x (``up``) or k < x, by the pmf ratio recurrence from pmf(x)."""
    total = np.zeros(x.size)
    term = p_x.copy()
    k = x.copy()
    active = np.flatnonzero((k < t) if up else (k > 0))
    while active.size:
        ka, ta, aa, ba = k[active], t[active], a[active], b[active]
        if up:
            ratio = (ta - ka) * (ka + aa) / ((ka + 1) * (ta - ka - 1 + ba))
            k[active] = ka + 1
        else:
            ratio = ka * (ta - ka + ba) / ((ta - ka + 1) * (ka - 1 + aa))
            k[active] = ka - 1
        term[active] *= ratio
        total[active] += term[active]
        ka = k[active]
        more = (ka < ta) if up else (ka > 0)
        # Past the mode the terms only shrink: stop once they no longer move the sum.
        small = (ratio < 1) & (term[active] <= 1e-17 * (total[active] + p_x[active]))
        active = active[more & ~small]
    return total


def binomial_or_betabinom_midp(x, t, share, theta, n_weeks, *, mid: bool = True) -> np.ndarray:
    """Mid-p (``mid=False``: exact p) of ``x`` of ``t`` for the week's share ``share``, dispersion ``theta``.

    The beta-binomial has ``a = share·n/θ`` and ``b = (1 - share)·n/θ``, with ``n`` the weeks in
    the window (this week included): for independent negative-binomial weeks of equal mean and
    shape ``k = 1/θ`` this is exactly ``a = k``, ``b = (n - 1)·k``. ``θ = 0`` gives the binomial.

    Examples
    --------
    >>> from scipy.stats import binom
    >>> float(binomial_or_betabinom_midp(7, 24, 1 / 13, 0.0, 13)) == float(
    ...     binom.sf(7, 24, 1 / 13) + 0.5 * binom.pmf(7, 24, 1 / 13))
    True
    >>> bool(binomial_or_betabinom_midp(7, 24, 1 / 13, 0.5, 13) > binomial_or_betabinom_midp(
    ...     7, 24, 1 / 13, 0.0, 13))
    True
    """
    x, t, share, theta = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (x, t, share, theta))
    )
    out = np.empty(x.shape)
    poisson = theta < _THETA_ZERO
    w = 0.5 if mid else 1.0
    out[poisson] = binom.sf(x[poisson], t[poisson], share[poisson]) + w * binom.pmf(
        x[poisson], t[poisson], share[poisson]
    )
    od = ~poisson
    if od.any():
        precision = n_weeks / theta[od]
        out[od] = betabinom_midp(
            x[od], t[od], share[od] * precision, (1.0 - share[od]) * precision, mid=mid
        )
    return out


def _counts_above(y: np.ndarray, groups: np.ndarray, n_groups: int):
    """Per group: cell-weeks with more than i reports, and cells with more than i in total."""
    totals = y.sum(axis=1)
    width_y = int(y.max(initial=0)) + 1
    width_s = int(totals.max(initial=0)) + 1
    hist_y = np.bincount(
        (groups[:, None] * width_y + y).ravel(), minlength=n_groups * width_y
    ).reshape(n_groups, width_y)
    hist_s = np.bincount(groups * width_s + totals, minlength=n_groups * width_s).reshape(
        n_groups, width_s
    )
    # "more than i" for i = 0 .. width-2: reversed cumulative sums, dropping the count at 0.
    n_above = hist_y[:, ::-1].cumsum(axis=1)[:, ::-1][:, 1:]
    m_above = hist_s[:, ::-1].cumsum(axis=1)[:, ::-1][:, 1:]
    return n_above.astype(np.float64), m_above.astype(np.float64)


def _d_loglik(theta, n_above, m_above, n_weeks):
    i = np.arange(n_above.size)
    j = np.arange(m_above.size) / n_weeks
    return float((n_above * i / (1 + i * theta)).sum() - (m_above * j / (1 + j * theta)).sum())


def _d2_loglik(theta, n_above, m_above, n_weeks):
    i = np.arange(n_above.size)
    j = np.arange(m_above.size) / n_weeks
    return float(
        -(n_above * i**2 / (1 + i * theta) ** 2).sum() + (m_above * j**2 / (1 + j * theta) ** 2).sum()
    )


def _ml_theta(n_above, m_above, n_weeks) -> float:
    """Conditional ML of θ on [0, THETA_MAX]; 0 when the data are no more variable than Poisson."""
    if _d_loglik(0.0, n_above, m_above, n_weeks) <= 0:
        return 0.0
    if _d_loglik(THETA_MAX, n_above, m_above, n_weeks) >= 0:
        return THETA_MAX
    return float(brentq(_d_loglik, 0.0, THETA_MAX, args=(n_above, m_above, n_weeks), xtol=1e-8))


def shrink_normal(estimate, se, common: float) -> tuple[np.ndarray, float]:
    """Normal–normal empirical Bayes: pull each estimate towards ``common`` by its precision.

    The between-group variance ``τ²`` is DerSimonian & Laird's (1986) moment estimator; each
    estimate moves to ``common + τ²/(τ² + se²)·(estimate - common)``. Estimates with an infinite
    standard error get ``common``. Returns the shrunk estimates and ``τ``.

    Examples
    --------
    >>> import numpy as np
    >>> est, tau = shrink_normal(np.array([0.1, 0.3, 0.2]), np.array([0.1, 0.1, 0.1]), 0.2)
    >>> est.round(3).tolist(), tau  # no more spread than the noise: full pooling
    ([0.2, 0.2, 0.2], 0.0)
    >>> est, tau = shrink_normal(np.array([0.0, 1.0, 0.5]), np.array([0.1, 0.1, 0.1]), 0.5)
    >>> est.round(2).tolist(), round(tau, 2)
    ([0.02, 0.98, 0.5], 0.49)
    """
    raw = np.asarray(estimate, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    finite = np.isfinite(se) & (se > 0) & np.isfinite(raw)
    if finite.sum() < 2:
        return np.where(finite & (raw.size == 1), raw, common).astype(np.float64), 0.0
    w = 1.0 / se[finite] ** 2
    q = float((w * (raw[finite] - common) ** 2).sum())
    denom = float(w.sum() - (w**2).sum() / w.sum())
    tau2 = max(0.0, (q - (finite.sum() - 1)) / denom) if denom > 0 else 0.0
    weight = np.zeros(raw.size)
    if tau2 > 0:
        weight[finite] = tau2 / (tau2 + se[finite] ** 2)
    return common + weight * (np.where(finite, raw, common) - common), float(np.sqrt(tau2))
