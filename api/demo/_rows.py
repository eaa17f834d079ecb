"""Turn the planned draws of the SYNTHETIC demo into report rows, duplicates, nollrapporter."""

from __future__ import annotations

from datetime import time

import numpy as np
import pandas as pd
import shapely

from api.demo import _profiles as P
from api.demo._plan import AreaContext
from api.demo._points import sample_points


def describe(plan, ctx, cat_codes, org_i, day_i, area_i, cat_i, days, places, rng):
    """Turn (organisation, day, area, category) draws into report rows with their free text."""
    n = len(org_i)
    types = np.array([o["type"] for o in plan.orgs])[org_i]
    week_share = np.array([P.WEEK_PERIOD_SHARE[t] for t in types])
    weekly = rng.random(n) < week_share
    hour = np.zeros(n, dtype=np.int64)
    for kind in np.unique(types):
        rows = np.flatnonzero(types == kind)
        cdf = np.cumsum(P.HOUR_PROFILE[kind])
        hour[rows] = np.searchsorted(cdf / cdf[-1], rng.random(len(rows)), side="right")
    minute = rng.integers(0, 12, n) * 5
    date_ = days[day_i].to_numpy()
    monday = date_ - (days[day_i].day_of_week.to_numpy() * np.timedelta64(1, "D"))
    observed_date = np.where(weekly, monday, date_)

    no_point = np.where(weekly, rng.random(n) < 0.5, rng.random(n) < P.NO_POINT_SHARE)
    x, y = sample_points(ctx.geoms, area_i, rng)
    x[no_point], y[no_point] = np.nan, np.nan

    place_text = np.full(n, "", dtype=object)
    phrase = rng.integers(0, len(P.LOCATION_PHRASES), n)
    with_phrase = ~no_point & (rng.random(n) < 0.6)
    place_text[with_phrase] = np.array(P.LOCATION_PHRASES, dtype=object)[phrase[with_phrase]]
    place_names = _place_names(ctx, places)
    pick = rng.random(n)
    for i in np.flatnonzero(no_point):
        names = place_names[area_i[i]]
        place_text[i] = names[int(pick[i] * len(names))]

    description = np.empty(n, dtype=object)
    for c in np.unique(cat_i):
        rows = np.flatnonzero(cat_i == c)
        texts = P.DESCRIPTIONS.get(cat_codes[c], ("Observation utan närmare beskrivning.",))
        description[rows] = np.array(texts, dtype=object)[rng.integers(0, len(texts), len(rows))]

    source = np.empty(n, dtype=object)
    for kind in np.unique(types):
        rows = np.flatnonzero(types == kind)
        source[rows] = rng.choice(["form", "import", "api"], len(rows), p=P.SOURCE_MIX[kind])
    return pd.DataFrame({
        "_org": org_i, "_day": day_i, "_area": area_i, "category_index": cat_i,
        "observed_date": observed_date, "hour": np.where(weekly, -1, hour),
        "minute": np.where(weekly, -1, minute), "observed_period": np.where(weekly, "vecka", "dag"),
        "x": x, "y": y, "place_text": place_text, "description": description, "source": source,
    })


def _place_names(ctx: AreaContext, places: pd.DataFrame | None) -> list[list[str]]:
    """Per area: its own name plus the gazetteer places in it."""
    out = [[name] for name in ctx.names]
    if places is None:
        return out
    for col in ("name", "area_code"):
        if col not in places.columns:
            raise ValueError(f"platser saknar kolumnen '{col}'")
    index = {code: i for i, code in enumerate(ctx.codes)}
    for name, code in zip(places["name"], places["area_code"], strict=True):
        if code in index:
            out[index[code]].append(str(name))
    return out


def plant_duplicates(frame, plan, ctx, cat_codes, insats, surge_rows, week_of_day, rng):
    """Copy a few reports as if a second organisation reported the same event."""
    cols = ["row_a", "row_b", "organisation_id_a", "organisation_id_b", "category_code",
            "area_code", "distance_m", "minutes_apart"]
    blocked = {(s[0], s[2]) for s in surge_rows}
    if insats is not None:
        blocked |= {(code, insats[1].category_code) for code in insats[1].area_codes}
    eligible = (frame["observed_period"] == "dag") & frame["x"].notna() & (frame["hour"] < 23)
    candidates = rng.permutation(np.flatnonzero(eligible.to_numpy()))
    copies, pairs, used = [], [], set()
    for i in candidates:
        if len(pairs) >= P.N_DUPLICATES:
            break
        row = frame.iloc[i]
        area, cat = int(row["_area"]), int(row["category_index"])
        cat_code = cat_codes[cat]
        if (ctx.codes[area], cat_code) in blocked or area in used or cat_code in P.NOT_DUPLICATED:
            continue
        ops = [o for o in plan.operators(area, int(week_of_day[row["_day"]])) if o != row["_org"]]
        if not ops:
            continue
        other = int(rng.choice(ops))
        dup = row.copy()
        dup["_org"] = other
        dx, dy = rng.normal(0, 20, 2)
        if shapely.contains_xy(ctx.geoms[area], row["x"] + dx, row["y"] + dy):
            dup["x"], dup["y"] = row["x"] + dx, row["y"] + dy
        step = int(rng.integers(1, 10)) * 5
        total = int(row["hour"]) * 60 + int(row["minute"]) + step
        dup["hour"], dup["minute"] = min(total // 60, 23), total % 60
        dup["source"] = "form"
        texts = P.DESCRIPTIONS.get(cat_code, (row["description"],))
        dup["description"] = texts[int(rng.integers(0, len(texts)))]
        copies.append(dup)
        used.add(area)
        minutes = (int(dup["hour"]) * 60 + int(dup["minute"])) - (
            int(row["hour"]) * 60 + int(row["minute"]))
        pairs.append((i, len(frame) + len(copies) - 1, plan.orgs[row["_org"]]["id"],
                      plan.orgs[other]["id"], cat_code, ctx.codes[area],
                      float(np.hypot(dup["x"] - row["x"], dup["y"] - row["y"])), minutes))
    if copies:
        ints = dict.fromkeys(["_org", "_day", "_area", "category_index", "hour", "minute"], "int64")
        frame = pd.concat([frame, pd.DataFrame(copies).astype(ints)], ignore_index=True)
    return frame, pd.DataFrame(pairs, columns=cols)


def context_records(plan, ctx, cat_codes, week_lov, mondays, days, rng) -> pd.DataFrame:
    """Kontextfaktorer: a skollov record per lov week (kommun level), a few evenemang in the centre.

    The school reports skollov and the kommunal förvaltning evenemang (the first organisation when
    there is none of that type), so every row has an organisation as the stored reports require.
    """
    types = [o["type"] for o in plan.orgs]
    school = types.index("skola") if "skola" in types else 0
    host = types.index("kommunal_forvaltning") if "kommunal_forvaltning" in types else 0
    rows = []
    if "skollov" in cat_codes:
        cat = cat_codes.index("skollov")
        for w, name in enumerate(week_lov):
            if name is not None:
                text = f"{name.capitalize()}: skolorna är stängda, fler unga ute dag och kväll."
                rows.append((school, w * 7, -1, cat, mondays[w], -1, -1, "vecka", "", text))
    if "evenemang" in cat_codes:
        cat = cat_codes.index("evenemang")
        venues = np.flatnonzero(ctx.centre)
        if not len(venues):
            venues = np.argsort(-ctx.hot, kind="stable")[:1]
        n = max(1, round(len(days) / 365 * 8))
        texts = P.DESCRIPTIONS["evenemang"]
        for d in np.sort(rng.integers(0, len(days), n)):
            area = int(rng.choice(venues))
            rows.append((host, int(d), area, cat, days[d], 18, 0, "dag", ctx.names[area],
                         texts[int(rng.integers(0, len(texts)))]))
    frame = pd.DataFrame(rows, columns=["_org", "_day", "_area", "category_index",
                                        "observed_date", "hour", "minute", "observed_period",
                                        "place_text", "description"])
    return frame.assign(x=np.nan, y=np.nan, source="form")


def assemble(frame, context, kommun, cat_codes, cat_context, plan, ctx) -> pd.DataFrame:
    """Sort, number external ids and cast to the contract's columns and dtypes (keeps ``_uid``)."""
    both = pd.concat([frame, context], ignore_index=True)
    both["_uid"] = np.arange(len(both))
    both["observed_date"] = pd.to_datetime(both["observed_date"]).astype("datetime64[ns]")
    both = both.sort_values(
        ["observed_date", "hour", "minute", "_org", "_uid"], kind="mergesort"
    ).reset_index(drop=True)
    org_ids = np.array([o["id"] for o in plan.orgs])
    org = both["_org"].to_numpy()
    area = both["_area"].to_numpy()
    hour = both["hour"].to_numpy()
    minute = both["minute"].to_numpy()
    area_code = np.array([None] * len(both), dtype=object)
    known = area >= 0
    area_code[known] = np.array(ctx.codes, dtype=object)[area[known]]
    external = _external_ids(both["source"].to_numpy(), org, org_ids)
    out = pd.DataFrame({
        "kommun_code": kommun,
        "area_code": pd.Series(area_code, dtype=object),
        "category_code": np.array(cat_codes, dtype=object)[both["category_index"].to_numpy()],
        "observed_date": both["observed_date"],
        "observed_hour": pd.array(np.where(hour >= 0, hour, 0), dtype="Int64"),
        "source": both["source"].astype(str),
        "organisation_id": pd.array(org_ids[org], dtype="Int64"),
        "report_count": np.ones(len(both), dtype=np.int64),
        "x": both["x"].astype(float),
        "y": both["y"].astype(float),
        "is_context": np.array(cat_context, dtype=bool)[both["category_index"].to_numpy()],
        "observed_time": pd.Series(
            [time(int(h), int(m)) if h >= 0 else None for h, m in zip(hour, minute, strict=True)],
            dtype=object,
        ),
        "observed_period": both["observed_period"].astype(str),
        "place_text": pd.Series(both["place_text"].to_numpy(), dtype=object),
        "description": both["description"].astype(str),
        "external_id": pd.Series(external, dtype=object),
        "_uid": both["_uid"].to_numpy(),
    })
    out.loc[hour < 0, "observed_hour"] = pd.NA
    return out


def _external_ids(source, org, org_ids) -> np.ndarray:
    """``DEMO-<organisation>-<n>`` for import/api rows, numbered per organisation; else None."""
    out = np.array([None] * len(source), dtype=object)
    counters: dict[int, int] = {}
    for i in np.flatnonzero((source == "import") | (source == "api")):
        oid = int(org_ids[org[i]])
        counters[oid] = counters.get(oid, 0) + 1
        out[i] = f"DEMO-{oid}-{counters[oid]:05d}"
    return out


def nollrapporter(reports, plan, kommun, first, labels, mondays) -> pd.DataFrame:
    """A nollrapport for every week an organisation reported in but had nothing to report."""
    has = np.zeros_like(plan.active)
    index = {o["id"]: i for i, o in enumerate(plan.orgs)}
    rows = reports["organisation_id"].notna().to_numpy()
    org = np.array([index[int(v)] for v in reports.loc[rows, "organisation_id"]], dtype=np.int64)
    week = ((reports.loc[rows, "observed_date"] - first).dt.days // 7).to_numpy()
    has[org, week] = True
    o, w = np.nonzero(plan.active & ~has)
    return pd.DataFrame({
        "kommun_code": kommun,
        "organisation_id": np.array([plan.orgs[i]["id"] for i in o], dtype=np.int64),
        "iso_week": pd.Series([labels[i] for i in w], dtype=object),
        "week_start": mondays[w],
    }).sort_values(["iso_week", "organisation_id"], kind="mergesort").reset_index(drop=True)
