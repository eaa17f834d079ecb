"""Tests for analysis.dispersion: the beta-binomial tail and the pooled dispersion estimate."""

import numpy as np
import pytest
from scipy.special import gammaln
from scipy.stats import betabinom, binom

from analysis.dispersion import (
    _counts_above,
    _d_loglik,
    betabinom_midp,
    binomial_or_betabinom_midp,
    pooled_dispersion,
    shrink_normal,
)


@pytest.mark.parametrize("mid", [True, False])
def test_betabinomial_tail_matches_scipy_everywhere(mid):
    rng = np.random.default_rng(0)
    t = rng.integers(0, 200, 500)
    x = np.minimum(rng.integers(0, 40, 500), t)
    a = rng.uniform(0.05, 30, 500)
    b = a * rng.uniform(2, 20, 500)
    w = 0.5 if mid else 1.0
    # The reference sums the probability mass above x directly (scipy's sf is 1 - cdf, which
    # loses everything below about 1e-12).
    exact = np.array([
        betabinom.pmf(np.arange(xi + 1, ti + 1), ti, ai, bi).sum() + w * betabinom.pmf(xi, ti, ai, bi)
        for xi, ti, ai, bi in zip(x, t, a, b, strict=True)
    ])
    got = betabinom_midp(x, t, a, b, mid=mid)
    assert np.allclose(got, exact, rtol=1e-8, atol=1e-15)


def test_beta_binomial_by_hand():
    # t = 2, a = b = 1: uniform on {0, 1, 2}; P(X > 1) + P(X = 1)/2 = 1/3 + 1/6
    assert betabinom_midp(1, 2, 1.0, 1.0) == pytest.approx(0.5)
    assert betabinom_midp(2, 2, 1.0, 1.0, mid=False) == pytest.approx(1 / 3)
    assert betabinom_midp(0, 0, 1.0, 1.0) == pytest.approx(0.5)  # nothing at all


def test_zero_dispersion_is_the_binomial_and_dispersion_widens_the_tail():
    x, t = np.array([0, 3, 7, 12]), np.array([10, 20, 24, 40])
    p0 = binomial_or_betabinom_midp(x, t, 1 / 13, 0.0, 13, mid=False)
    assert np.allclose(p0, binom.sf(x - 1, t, 1 / 13))
    # A tiny dispersion is numerically the binomial; a real one gives a heavier upper tail.
    p_tiny = binomial_or_betabinom_midp(x, t, 1 / 13, 1e-7, 13, mid=False)
    assert np.allclose(p_tiny, p0, rtol=1e-5)
    p_half = binomial_or_betabinom_midp(x, t, 1 / 13, 0.5, 13, mid=False)
    assert (p_half[1:] > p0[1:]).all()
    # For iid NB(k) weeks the beta-binomial has a = k, b = 12k.
    assert binomial_or_betabinom_midp(7, 24, 1 / 13, 0.5, 13, mid=False) == pytest.approx(
        float(betabinom.sf(6, 24, 2.0, 24.0)))


def _dirmult_loglik(history, k):
    """The Dirichlet-multinomial log-likelihood (all parameters k), summed over cells."""
    n = history.shape[1]
    s = history.sum(axis=1)
    return float((gammaln(n * k) - gammaln(s + n * k)
                  + (gammaln(history + k) - gammaln(k)).sum(axis=1)).sum())


def test_score_is_the_derivative_of_the_dirichlet_multinomial_likelihood():
    rng = np.random.default_rng(1)
    history = rng.poisson(rng.gamma(2.0, 1.0, (50, 12)))
    n_above, m_above = _counts_above(history, np.zeros(50, dtype=np.int64), 1)
    for theta in (0.1, 0.5, 2.0):
        h = 1e-5
        # d/dθ of the likelihood in k = 1/θ, by central differences
        numeric = (_dirmult_loglik(history, 1 / (theta + h))
                   - _dirmult_loglik(history, 1 / (theta - h))) / (2 * h)
        assert _d_loglik(theta, n_above[0], m_above[0], 12) == pytest.approx(numeric, rel=1e-5)


@pytest.mark.parametrize("k", [2.0, 5.0])
def test_pooled_estimate_recovers_the_shape(k):
    rng = np.random.default_rng(int(k))
    mu = rng.uniform(0.1, 4, (432, 1))
    history = rng.poisson(rng.gamma(k, mu / k, (432, 12)))
    est = pooled_dispersion(history, np.tile(np.arange(12), 36))
    # 432 cells × 12 weeks: the standard error is about 0.03 at θ = 0.5 (tests/bench figures)
    assert est.common == pytest.approx(1 / k, abs=0.1)
    assert est.theta.shape == (12,)
    assert (est.theta >= 0).all()


def test_poisson_history_gives_almost_no_dispersion_and_steady_history_none():
    rng = np.random.default_rng(2)
    mu = rng.uniform(0.1, 4, (432, 1))
    assert pooled_dispersion(rng.poisson(mu, (432, 12))).common < 0.05
    steady = np.tile([1, 2], (10, 6))  # less variable than Poisson
    assert pooled_dispersion(steady).common == 0.0
    assert pooled_dispersion(np.zeros((3, 12), dtype=int)).common == 0.0


def test_a_bursty_category_keeps_its_own_dispersion_and_quiet_ones_pool():
    rng = np.random.default_rng(3)
    mu = rng.uniform(0.5, 4, (600, 1))
    groups = np.repeat([0, 1, 2], 200)
    k = np.where(groups == 0, 0.5, 20.0)[:, None]  # category 0 very bursty (θ = 2)
    history = rng.poisson(rng.gamma(k, mu / k, (600, 12)))
    est = pooled_dispersion(history, groups)
    assert est.tau > 0
    assert est.theta[0] > 1.0
    assert est.theta[1] < 0.5 and est.theta[2] < 0.5


def test_shrinkage_invariants():
    same, tau = shrink_normal(np.array([0.4, 0.5, 0.6]), np.array([0.5, 0.5, 0.5]), 0.5)
    assert tau == 0.0 and np.allclose(same, 0.5)
    apart, tau = shrink_normal(np.array([0.0, 5.0]), np.array([0.01, 0.01]), 2.5)
    assert np.allclose(apart, [0.0, 5.0], atol=1e-3)
    lone, _ = shrink_normal(np.array([0.3, 0.9]), np.array([0.1, np.inf]), 0.4)
    assert lone[1] == 0.4  # no information: the common value


@pytest.mark.parametrize(
    ("history", "groups", "message"),
    [
        (np.ones(12), None, "celler × minst två veckor"),
        (np.ones((3, 1)), None, "celler × minst två veckor"),
        (-np.ones((3, 12)), None, "negativa"),
        (np.full((3, 12), 0.5), None, "heltal"),
        (np.ones((3, 12), dtype=int), [0, 1], "gruppnummer"),
    ],
)
def test_bad_history_is_refused(history, groups, message):
    with pytest.raises(ValueError, match=message):
        pooled_dispersion(history, groups)
