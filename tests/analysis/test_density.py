"""Tests for analysis.density: mass conservation, analytic peak, geometry of the grid."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.density import (
    BANDWIDTH_RANGE_M,
    DensitySurface,
    density_cells,
    kernel_density,
    scott_bandwidth,
)

X0, Y0 = 500_000.0, 6_400_000.0


def _pts(xy, counts=None) -> pd.DataFrame:
    xy = np.asarray(xy, dtype=float)
    df = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]})
    df["report_count"] = counts if counts is not None else 1
    return df


def _integral(s: DensitySurface) -> float:
    return float(s.density.sum() * s.cell_area_km2)


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
def test_surface_integrates_to_the_summed_report_count(kernel):
    rng = np.random.default_rng(3)
    xy = np.column_stack([X0 + rng.uniform(0, 2000, 300), Y0 + rng.uniform(0, 1500, 300)])
    counts = rng.integers(1, 4, 300)
    s = kernel_density(_pts(xy, counts), bandwidth=150, cell_size=20, kernel=kernel)
    assert _integral(s) == pytest.approx(counts.sum(), rel=1e-9)
    assert s.total == counts.sum()
    assert (s.density >= 0).all()


def test_weight_none_counts_rows():
    df = _pts([[X0, Y0], [X0 + 50, Y0]], counts=[5, 5])
    s = kernel_density(df, bandwidth=100, cell_size=10, weight=None)
    assert _integral(s) == pytest.approx(2.0)


def test_peak_of_a_single_point_matches_the_quartic_formula():
    # One report at a cell centre: the peak is K(0) = 3 / (pi h^2) per m², times 1e6 per km².
    h, cell = 200.0, 10.0
    df = _pts([[X0 + 5.0, Y0 + 5.0]])  # grid snaps to 10 m, so (X0+5, Y0+5) is a cell centre
    s = kernel_density(df, bandwidth=h, cell_size=cell)
    expected = 3.0 / (math.pi * h * h) * 1e6  # = 23.87 reports per km²
    assert s.density.max() == pytest.approx(expected, rel=0.01)
    # the peak cell is the one holding the point, found through the affine transform
    row, col = np.unravel_index(np.argmax(s.density), s.density.shape)
    a, _, c, _, e, f = s.transform
    assert c + col * a <= X0 + 5.0 < c + (col + 1) * a
    assert f + (row + 1) * e <= Y0 + 5.0 < f + row * e
    # symmetric about the point, zero beyond the bandwidth
    np.testing.assert_allclose(s.density, s.density[::-1, ::-1], atol=1e-9)
    far = np.hypot(*np.meshgrid(np.arange(s.density.shape[1]) - col,
                                np.arange(s.density.shape[0]) - row)) * cell > h + cell
    assert np.abs(s.density[far]).max() < 1e-9


def test_gaussian_peak_matches_the_normal_formula():
    h, cell = 100.0, 5.0
    s = kernel_density(_pts([[X0 + 2.5, Y0 + 2.5]]), bandwidth=h, cell_size=cell,
                       kernel="gaussian")
    assert s.density.max() == pytest.approx(1 / (2 * math.pi * h * h) * 1e6, rel=0.01)


def test_density_is_additive_over_point_sets_on_a_fixed_grid():
    bounds = (X0 - 1000, Y0 - 1000, X0 + 1000, Y0 + 1000)
    a = _pts([[X0, Y0], [X0 + 120, Y0 - 40]])
    b = _pts([[X0 - 300, Y0 + 200]], counts=[2])
    sa, sb = (kernel_density(d, bandwidth=150, cell_size=25, bounds=bounds) for d in (a, b))
    sab = kernel_density(pd.concat([a, b]), bandwidth=150, cell_size=25, bounds=bounds)
    np.testing.assert_allclose(sab.density, sa.density + sb.density, atol=1e-9)
    assert sab.density.shape == (80, 80)
    assert sab.bounds == bounds


def test_explicit_bounds_lose_the_mass_outside():
    df = _pts([[X0, Y0], [X0 + 10_000, Y0]])  # the second point lies far outside the grid
    s = kernel_density(df, bandwidth=100, cell_size=10, bounds=(X0 - 500, Y0 - 500, X0 + 500,
                                                               Y0 + 500))
    assert _integral(s) == pytest.approx(1.0)


def test_rows_without_coordinates_are_left_out_and_counted():
    df = _pts([[X0, Y0], [np.nan, np.nan], [X0 + 10, np.nan]])
    s = kernel_density(df, bandwidth=100, cell_size=10)
    assert s.n_points == 1
    assert s.n_without_point == 2
    assert _integral(s) == pytest.approx(1.0)


def test_density_cells_are_squares_carrying_the_surface():
    s = kernel_density(_pts([[X0, Y0], [X0 + 60, Y0 + 30]]), bandwidth=50, cell_size=10)
    cells = density_cells(s)
    assert cells.crs.to_epsg() == 3006
    assert len(cells) == int((s.density > 0).sum())
    assert np.allclose(cells.geometry.area, 100.0)
    assert (cells["density"] * s.cell_area_km2).sum() == pytest.approx(2.0)
    # every cell polygon lies inside the grid bounds
    xmin, ymin, xmax, ymax = s.bounds
    b = cells.total_bounds
    assert b[0] >= xmin and b[1] >= ymin and b[2] <= xmax and b[3] <= ymax
    assert len(density_cells(s, min_density=s.density.max())) == 0


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(st.floats(0, 3000), st.floats(0, 3000), st.integers(1, 5)),
        min_size=1, max_size=30,
    ),
    st.sampled_from([30.0, 80.0, 250.0]),
    st.sampled_from([10.0, 25.0, 60.0]),
)
def test_mass_is_conserved_for_any_points(points, bandwidth, cell):
    df = pd.DataFrame(points, columns=["x", "y", "report_count"])
    df["x"] += X0
    df["y"] += Y0
    s = kernel_density(df, bandwidth=bandwidth, cell_size=cell)
    assert _integral(s) == pytest.approx(df["report_count"].sum(), rel=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reports": pd.DataFrame({"x": [1.0]})}, "'y'"),
        ({"reports": pd.DataFrame({"x": ["a"], "y": [1.0]})}, "'x'"),
        ({"kernel": "epanechnikov"}, "kärna"),
        ({"bandwidth": 0}, "bandwidth"),
        ({"cell_size": -5}, "cell_size"),
        ({"bounds": (10, 0, 0, 10)}, "bounds"),
        ({"cell_size": 0.01}, "för stort"),
        ({"reports": pd.DataFrame({"x": [1.0], "y": [2.0]})}, "report_count"),
    ],
)
def test_bad_input_names_the_problem(kwargs, message):
    args = {"reports": _pts([[X0, Y0]]), "bandwidth": 100.0, "cell_size": 10.0, **kwargs}
    with pytest.raises(ValueError, match=message):
        kernel_density(**args)


def test_scott_bandwidth_by_hand() -> None:
    # 16 points on each corner of a 1 km square: per axis sd = sqrt(64/63 * 500²) = 503.97 m,
    # IQR/1.349 = 741.3 m, so sigma = 503.97; n^(-1/6) = 64^(-1/6) = 1/2.
    corners = [[X0, Y0], [X0 + 1000, Y0], [X0, Y0 + 1000], [X0 + 1000, Y0 + 1000]] * 16
    df = _pts(corners)
    sd = np.sqrt(64 / 63 * 500.0**2)
    assert scott_bandwidth(df, kernel="gaussian", clip=(1, 1e6)) == pytest.approx(sd / 2, abs=0.05)
    assert scott_bandwidth(df, clip=(1, 1e6)) == pytest.approx(sd / 2 * np.sqrt(8), abs=0.05)
    # rows without a point are left out of n and of the spread
    with_missing = pd.concat([df, pd.DataFrame({"x": [np.nan], "y": [np.nan], "report_count": [1]})])
    assert scott_bandwidth(with_missing, clip=(1, 1e6)) == scott_bandwidth(df, clip=(1, 1e6))


def test_scott_bandwidth_shrinks_with_n_and_is_clipped() -> None:
    rng = np.random.default_rng(7)
    small = _pts(np.column_stack([X0 + rng.normal(0, 400, 50), Y0 + rng.normal(0, 400, 50)]))
    repeated = pd.concat([small] * 100)  # same spread (up to ddof), 100 times the points
    h_small, h_repeated = (scott_bandwidth(d, clip=(1, 1e6)) for d in (small, repeated))
    assert h_small / h_repeated == pytest.approx(100 ** (1 / 6), rel=0.03)  # ddof, quantile interpolation
    large = _pts(np.column_stack([X0 + rng.normal(0, 400, 5000), Y0 + rng.normal(0, 400, 5000)]))
    # 400 m · 5000^(-1/6) · √8 = 274 m, inside the default range, so not clipped
    assert scott_bandwidth(large) == pytest.approx(400 * 5000 ** (-1 / 6) * np.sqrt(8), rel=0.05)
    spread = _pts(np.column_stack([X0 + rng.normal(0, 20_000, 30), Y0 + rng.normal(0, 20_000, 30)]))
    assert scott_bandwidth(spread) == BANDWIDTH_RANGE_M[1]
    one_spot = _pts([[X0, Y0]] * 10)
    assert scott_bandwidth(one_spot) == BANDWIDTH_RANGE_M[0]
    assert scott_bandwidth(_pts([[X0, Y0]])) == BANDWIDTH_RANGE_M[1]
