"""Benchmark: zero-filled weekly counts and weekly alerts.

Side by side in one run, on the same 1 M-row pandas reports frame (1 300 areas, 15 categories,
two years, 10 % without area):

* ``analysis.counts.weekly_counts`` (zero-filled long frame) and ``count_cube`` (arrays);
* DuckDB ``GROUP BY`` over the same pandas frame (not zero-filled, week via ``date_trunc``);
* plain pandas ``groupby`` (not zero-filled, same integer week as ours);
* polars ``group_by`` (frame converted beforehand, conversion not timed).

Then alerts for one week over 1 300 areas × 15 categories with two years of history: counting the
history from the reports plus ``weekly_alerts``, and ``weekly_alerts`` alone.

Run: ``.venv/bin/python -m tests.bench.run_all bench_counts_alerts``.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from analysis.alerts import weekly_alerts
from analysis.baselines import history_window
from analysis.counts import count_cube, weekly_counts
from analysis.weeks import iso_week_label

N_REPORTS = 1_000_000
N_AREAS = 1_300
N_CATS = 15
FIRST_DAY = pd.Timestamp("2024-11-25")  # Monday of 2024-W48
N_DAYS = 7 * 104
REPEATS = 5


def make_reports(seed: int = 0) -> tuple[pd.DataFrame, list[str], list[str]]:
    """A synthetic reports frame following docs/data-contract.md."""
    rng = np.random.default_rng(seed)
    areas = [f"1880A{i:04d}" for i in range(N_AREAS)]
    cats = [f"kat{j:02d}" for j in range(N_CATS)]
    area = np.array(areas, dtype=object)[rng.integers(0, N_AREAS, N_REPORTS)]
    area[rng.random(N_REPORTS) < 0.10] = None
    sources = np.array(["form", "api", "import", "police_feed", "police_summary"], dtype=object)
    df = pd.DataFrame(
        {
            "report_id": np.arange(1, N_REPORTS + 1, dtype=np.int64),
            "kommun_code": "1880",
            "area_code": area,
            "category_code": np.array(cats, dtype=object)[rng.integers(0, N_CATS, N_REPORTS)],
            "observed_date": FIRST_DAY
            + pd.to_timedelta(rng.integers(0, N_DAYS, N_REPORTS), unit="D"),
            "source": sources[rng.integers(0, 5, N_REPORTS)],
            "organisation_id": pd.array(rng.integers(1, 40, N_REPORTS), dtype="Int64"),
            "report_count": np.ones(N_REPORTS, dtype=np.int64),
            "is_context": False,
        }
    )
    # 1 % are police-summary rows counting 5 each; like real ones they sit at kommun level.
    summary = rng.random(N_REPORTS) < 0.01
    df.loc[summary, ["source", "report_count"]] = ["police_summary", 5]
    df.loc[summary, "area_code"] = None
    return df, areas, cats


def _time(fn, repeats: int = REPEATS) -> tuple[float, object]:
    result = fn()  # warm-up (imports, caches)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    import duckdb

    df, areas, cats = make_reports()
    first_week = iso_week_label(FIRST_DAY)
    last_week = iso_week_label(FIRST_DAY + pd.Timedelta(days=N_DAYS - 1))
    rows: list[tuple[str, float, str]] = []

    t, out = _time(lambda: weekly_counts(df, areas, cats, first_week, last_week))
    rows.append(("analysis.counts.weekly_counts (zero-filled long frame)", t, f"{len(out):,}"))
    total = int(out["count"].sum())
    t, cube = _time(lambda: count_cube(df, areas, cats, first_week, last_week))
    rows.append(("analysis.counts.count_cube (zero-filled arrays)", t,
                 f"{cube.values.size + cube.kommun_level.size:,}"))
    t, out_src = _time(lambda: weekly_counts(df, areas, cats, first_week, last_week,
                                             by="source"), repeats=3)
    rows.append(("weekly_counts by='source' (zero-filled)", t, f"{len(out_src):,}"))

    con = duckdb.connect()
    con.register("reports", df)
    query = (
        "SELECT area_code, category_code, date_trunc('week', observed_date) AS week, "
        "sum(report_count) AS n FROM reports GROUP BY ALL"
    )
    t, duck = _time(lambda: con.execute(query).df())
    rows.append(("DuckDB GROUP BY → pandas (not zero-filled)", t, f"{len(duck):,}"))
    t, duck_n = _time(lambda: con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0])
    rows.append(("DuckDB GROUP BY, result left in DuckDB (not zero-filled)", t, f"{duck_n:,}"))

    def pandas_groupby():
        days = df["observed_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        week = (days + 3) // 7
        return df.assign(week=week).groupby(
            ["area_code", "category_code", "week"], dropna=False, observed=True
        )["report_count"].sum()

    t, pg = _time(pandas_groupby)
    rows.append(("pandas groupby (not zero-filled)", t, f"{len(pg):,}"))

    try:
        import polars as pl

        # No pyarrow in the environment: build the polars frame from Python/numpy values.
        pdf = pl.DataFrame(
            {
                "area_code": pl.Series(
                    [None if pd.isna(a) else a for a in df["area_code"]], dtype=pl.String
                ),
                "category_code": pl.Series(df["category_code"].tolist(), dtype=pl.String),
                "observed_date": df["observed_date"].to_numpy(),
                "report_count": df["report_count"].to_numpy(),
            }
        )

        def polars_groupby():
            return pdf.group_by(
                "area_code", "category_code", pl.col("observed_date").dt.truncate("1w")
            ).agg(pl.col("report_count").sum())

        t, pol = _time(polars_groupby)
        rows.append(("polars group_by (not zero-filled)", t, f"{pol.height:,}"))
    except ImportError as exc:  # pragma: no cover
        print(f"(polars skipped: {exc})")

    assert int(duck["n"].sum()) == total == int(df["report_count"].sum())

    print(f"reports: {N_REPORTS:,} rows, {N_AREAS} areas, {N_CATS} categories, "
          f"{first_week}–{last_week}; median of {REPEATS} runs\n")
    print("| weekly counts | seconds | rows out |")
    print("| --- | ---: | ---: |")
    for name, secs, n in rows:
        print(f"| {name} | {secs:.3f} | {n} |")

    week = last_week
    first_hist, _ = history_window(week)

    def alerts_end_to_end():
        c = count_cube(df, areas, cats, first_hist, week)
        return weekly_alerts(c, week)

    t_e2e, alerts = _time(alerts_end_to_end)
    hist = count_cube(df, areas, cats, first_hist, week)
    t_only, _ = _time(lambda: weekly_alerts(hist, week))
    t_all, _ = _time(lambda: weekly_alerts(hist, week, all_cells=True))
    print(f"\nalerts for {week}: {N_AREAS} areas × {N_CATS} categories, history "
          f"{first_hist}–{week} ({len(hist.weeks)} weeks); median of {REPEATS} runs\n")
    print("| alerts | seconds | alerts |")
    print("| --- | ---: | ---: |")
    print(f"| count history from 1 M reports + weekly_alerts | {t_e2e:.3f} | {len(alerts)} |")
    print(f"| weekly_alerts on a ready cube | {t_only:.3f} | {len(alerts)} |")
    print(f"| weekly_alerts on a ready cube, all {N_AREAS * N_CATS:,} cells returned | "
          f"{t_all:.3f} | {len(alerts)} |")


if __name__ == "__main__":
    main()
