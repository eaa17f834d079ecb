"""Generated Swedish sentences for section 1, *Vad har hänt*, from the week's count cube."""

from __future__ import annotations

import numpy as np

from analysis.alerts import format_decimal
from analysis.counts import CountCube

TREND_WEEKS = 12
TOP_AREAS = 3
TOP_CHANGES = 3
NEW_HOTSPOT_MIN = 3


def week_number(week: str) -> int:
    """47 for "2026-W47"."""
    return int(week.split("-W")[1])


def summary_sentences(
    cube: CountCube,
    week: str,
    *,
    area_names: dict[str, str],
    category_names: dict[str, str],
    alert_sentences: list[str],
) -> list[str]:
    """Totals and change against the 12-week mean, biggest changes, top areas, alerts, new spots."""
    number = week_number(week)
    totals = cube.kommun_total().sum(axis=0)  # per week, all counted categories
    this_week = int(totals[-1])
    history = totals[-TREND_WEEKS - 1 : -1]
    mean = float(history.mean()) if len(history) else 0.0
    kommun_level = int(cube.kommun_level[:, -1].sum())
    sentences = [_total_sentence(number, this_week, mean, kommun_level)]
    sentences += _category_changes(cube, category_names)
    top = _top_areas(cube, area_names)
    if top:
        sentences.append(top)
    sentences += _new_hotspots(cube, area_names)
    sentences += [f"Larm: {sentence}." for sentence in alert_sentences]
    return sentences


def _total_sentence(number: int, count: int, mean: float, kommun_level: int) -> str:
    text = f"Vecka {number} kom {count} {'rapport' if count == 1 else 'rapporter'} in"
    if kommun_level:
        text += f", varav {kommun_level} utan område (kommunnivå)"
    text += "."
    if mean > 0:
        change = (count - mean) / mean * 100
        if abs(change) < 5:
            text += f" Det är ungefär som snittet de senaste {TREND_WEEKS} veckorna ({format_decimal(mean)})."
        else:
            word = "fler" if change > 0 else "färre"
            text += (
                f" Det är {abs(round(change))} % {word} än snittet de senaste {TREND_WEEKS} veckorna"
                f" ({format_decimal(mean)})."
            )
    elif count:
        text += f" De föregående {TREND_WEEKS} veckorna kom inga rapporter in."
    return text


def _category_changes(cube: CountCube, category_names: dict[str, str]) -> list[str]:
    per_category = cube.kommun_total()  # categories × weeks
    if per_category.shape[1] < 2:
        return []
    now = per_category[:, -1].astype(float)
    mean = per_category[:, -TREND_WEEKS - 1 : -1].mean(axis=1)
    change = now - mean
    order = np.argsort(-change, kind="stable")
    up = [
        f"{category_names.get(cube.categories[i], cube.categories[i])} {int(now[i])}"
        f" (snitt {format_decimal(mean[i])})"
        for i in order[:TOP_CHANGES]
        if change[i] >= 1
    ]
    down = [
        f"{category_names.get(cube.categories[i], cube.categories[i])} {int(now[i])}"
        f" (snitt {format_decimal(mean[i])})"
        for i in order[::-1][:TOP_CHANGES]
        if change[i] <= -1
    ]
    sentences = []
    if up:
        sentences.append("Störst ökning: " + ", ".join(up) + ".")
    if down:
        sentences.append("Störst minskning: " + ", ".join(down) + ".")
    return sentences


def _top_areas(cube: CountCube, area_names: dict[str, str]) -> str:
    counts = cube.values[:, :, -1].sum(axis=1) if len(cube.areas) else np.array([])
    order = [i for i in np.argsort(-counts, kind="stable")[:TOP_AREAS] if counts[i] > 0]
    if not order:
        return ""
    parts = [f"{area_names.get(cube.areas[i], cube.areas[i])} ({int(counts[i])})" for i in order]
    return "Flest rapporter: " + ", ".join(parts) + "."


def _new_hotspots(cube: CountCube, area_names: dict[str, str]) -> list[str]:
    if not len(cube.areas) or cube.values.shape[2] < 2:
        return []
    per_week = cube.values.sum(axis=1)
    now = per_week[:, -1]
    before = per_week[:, -TREND_WEEKS - 1 : -1].sum(axis=1)
    new = [i for i in np.argsort(-now, kind="stable") if now[i] >= NEW_HOTSPOT_MIN and before[i] == 0]
    return [
        f"Nytt för veckan: {area_names.get(cube.areas[i], cube.areas[i])} fick {int(now[i])} rapporter"
        f" mot inga de senaste {TREND_WEEKS} veckorna."
        for i in new[:TOP_AREAS]
    ]
