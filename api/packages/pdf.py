"""The kvartalsanalys package as an A4 PDF (WeasyPrint), read from one `PackageData`.

Swedish throughout; the charts are static PNGs from `api.packages.charts`, so the PDF needs no
network. Sections follow the analysis meeting's agenda (sammanfattning first, bilaga last).
"""

from __future__ import annotations

import base64
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from analysis.alerts import ALERT_HELP_TEXT_SV
from analysis.effects import INSUFFICIENT
from analysis.emerging import PATTERNS_SV
from analysis.wording import plural
from api.core.pdf import html_to_pdf, number, percent, signed
from api.packages import charts
from api.packages.data import (
    DENSITY_CELL_M,
    EMERGING_MONTHS,
    PATTERN_ORDER,
    PackageData,
)
from api.packages.selection import PackageFilter, describe
from api.resources import frontend_path

TOP_CHANGES = 15
# The PDF is read at the meeting: the areas most in need. A large kommun has 1 000+ areas, whose full list
# made a 60-page PDF (and 90 % of WeasyPrint's time); the whole ranking is rangordning.csv in the ZIP.
RANKING_ROWS = 50
KIND_NAMES = {"Q": "kvartal", "T": "tertial", "M": "månad"}


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(frontend_path("templates"))),
                      autoescape=select_autoescape(["html"]))
    env.filters["num"] = number
    env.filters["pct"] = percent
    env.filters["signed"] = signed
    env.filters["plural"] = plural  # {{ n|plural("rapport", "rapporter") }}: "1 rapport", "2 rapporter"
    return env


def _uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    if frame is None or frame.empty:
        return []
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def top_changes(data: PackageData, limit: int = TOP_CHANGES) -> pd.DataFrame:
    """The area × category rows with the largest changes against the previous period or last year."""
    frame = data.comparison
    rows = frame[(frame["current"] > 0) | (frame["previous"] > 0) | (frame["last_year"] > 0)].copy()
    rows["size"] = rows[["change_previous", "change_last_year"]].abs().max(axis=1)
    rows["category_code"] = rows["category_code"].astype(object)
    rows["area_code"] = rows["area_code"].astype(object)
    rows = rows.sort_values(["size", "current"], ascending=[False, False], kind="stable")
    return rows.head(limit).reset_index(drop=True)


def _summary(data: PackageData) -> list[str]:
    lines = [
        f"Under {data.period} ({data.first_date} – {data.last_date}) kom "
        f"{plural(data.total, 'rapport', 'rapporter')}, "
        f"mot {data.total_previous} under {data.previous_period} och {data.total_last_year} under "
        f"{data.last_year_period}.",
        f"{data.kommun_level_count} av rapporterna saknar område och redovisas på kommunnivå.",
    ]
    if len(data.ranking) and data.ranking["level"].iloc[0] > 0:
        top = data.ranking.iloc[0]
        lines.append(f"Störst behov: {top['area_name']} ({top['explanation'].split(': ', 1)[-1]}).")
    if data.hotspots is not None:
        names = dict(zip(data.areas["area_code"], data.areas["area_name"], strict=True))
        h = data.hotspots
        excess = [str(names[c]) for c in h.index[h["excess_class"] == "hot"]]
        marked = [str(names[c]) for c in h.index[h["in_cluster"].astype(bool)]]
        lines.append("Förhöjda områden: " + (", ".join(excess) if excess else "inga") + ". "
                     + "I kluster: " + (", ".join(marked) if marked else "inga") + ".")
    emerging = emerging_rows(data)
    if emerging:
        by_pattern: dict[str, list[str]] = {}
        for row in emerging:
            by_pattern.setdefault(row["pattern"], []).append(row["area_name"])
        lines.append(f"Framväxande hotspots (senaste {EMERGING_MONTHS} månaderna): " + "; ".join(
            f"{pattern} {', '.join(areas)}" for pattern, areas in by_pattern.items()) + ".")
    lines.append(data.concentration.text)
    silent = data.completeness[data.completeness["share_silent"] > 0.5]
    if len(silent):
        lines.append("Saknar rapport mer än halva perioden: "
                     + ", ".join(silent["organisation_name"]) + ".")
    overdue = data.promises[data.promises["overdue"].astype(bool)] if len(data.promises) else []
    if len(overdue):
        lines.append(f"{plural(len(overdue), 'medborgarlöfte', 'medborgarlöften')} har försenad återkoppling.")
    return lines


def hotspot_rows(data: PackageData) -> list[dict[str, Any]]:
    """The areas marked by either hotspot layer, most excess first (for the PDF's table)."""
    if data.hotspots is None:
        return []
    names = dict(zip(data.areas["area_code"], data.areas["area_name"], strict=True))
    h = data.hotspots[data.hotspots["hotspot_class"] == "hot"]
    h = h.sort_values(["p_excess", "count"], ascending=[True, False], kind="stable")
    return [{"area_name": names[code], "count": int(row["count"]), "expected": float(row["expected"]),
             "ratio": float(row["ratio"]), "excess_label": row["excess_label"],
             "rate": float(row["rate_per_1000"]) if pd.notna(row["rate_per_1000"]) else None,
             "cluster_label": row["cluster_label"] or "–"} for code, row in h.iterrows()]


def emerging_rows(data: PackageData) -> list[dict[str, Any]]:
    """Areas with an emerging-hotspot pattern (not "inget mönster"), the most urgent first."""
    if data.emerging is None:
        return []
    names = dict(zip(data.areas["area_code"], data.areas["area_name"], strict=True))
    e = data.emerging[data.emerging["pattern"].isin(PATTERN_ORDER)].copy()
    e["order"] = e["pattern"].map(PATTERN_ORDER.index)
    e = e.sort_values(["order", "z_last"], ascending=[True, False], kind="stable")
    return [{"area_name": names[code], "pattern": row["pattern"], "n_hot": int(row["n_hot"]),
             "trend_tau": float(row["trend_tau"]), "trend_p": float(row["trend_p"])}
            for code, row in e.iterrows()]


def _trends(data: PackageData) -> tuple[list[dict[str, Any]], list[str]]:
    """Charts for the categories with reports (this period or last year); names of the rest."""
    names = dict(zip(data.categories["category_code"], data.categories["category_name"],
                     strict=True))
    out, quiet = [], []
    for code, weekly in data.weekly.groupby("category_code", sort=False):
        name = str(names.get(code, code))
        total, last = int(weekly["count"].sum()), int(weekly["count_last_year"].sum())
        if total == 0 and last == 0:
            quiet.append(name)
            continue
        out.append({"name": name, "total": total, "last_year": last,
                    "png": _uri(charts.trend_png(weekly, name, width_cm=8.5))})
    return out, quiet


def _insatser(data: PackageData) -> list[dict[str, Any]]:
    rows = _records(data.insatser)
    names = dict(zip(data.areas["area_code"], data.areas["area_name"], strict=True))
    for row in rows:
        # Readers know the areas by name; the code (as in the CSVs) follows in parentheses.
        codes = [c for c in (row["area_codes"] or "").split(", ") if c]
        row["areas"] = ", ".join(f"{names[c]} ({c})" if c in names else c for c in codes)
        row["insufficient"] = (row["verdict"] == INSUFFICIENT)
        row["has_interval"] = row["effect"] is not None and not row["insufficient"]
    return rows


def render_html(data: PackageData, *, kommun_name: str) -> str:
    """The print HTML of the package (what WeasyPrint turns into the PDF)."""
    kind = KIND_NAMES.get(data.period.split("-")[1][0], "period")
    trends, quiet = _trends(data)
    return _env().get_template("pdf/package.html").render(
        d=data,
        kommun_name=kommun_name,
        kind=kind,
        alert_help=ALERT_HELP_TEXT_SV,
        summary=_summary(data),
        urval=urval_text(data),
        completeness=_records(data.completeness),
        ranking=_records(data.ranking.head(RANKING_ROWS)),
        ranking_total=len(data.ranking),
        category_totals=_records(data.category_totals),
        police_offences=_records(data.police_offences),
        changes=_records(top_changes(data)),
        top_changes_limit=TOP_CHANGES,
        hotspot_png=_uri(charts.hotspot_map_png(
            data.areas, data.hotspots, population_source=data.population_source)),
        density_png=_uri(charts.density_map_png(data.areas, data.density)),
        hotspot_rows=hotspot_rows(data),
        hotspot_legend=(data.hotspots.attrs["legend"] if data.hotspots is not None else {}),
        emerging=emerging_rows(data),
        emerging_months=EMERGING_MONTHS,
        patterns=PATTERNS_SV,
        trends=trends,
        quiet_categories=quiet,
        insatser=_insatser(data),
        promises=_records(data.promises),
        bandwidth=(int(round(data.density.bandwidth)) if data.density is not None else None),
        cell=int(DENSITY_CELL_M),
        insufficient=INSUFFICIENT,
    )


def build_package_pdf(data: PackageData, *, kommun_name: str) -> bytes:
    """The package's A4 PDF in Swedish, with page numbers "Sida x av y"."""

    html = render_html(data, kommun_name=kommun_name)
    return html_to_pdf(html)


def urval_text(data: PackageData) -> str:
    """The package's urval in Swedish ("" for the whole kommun and every category)."""
    chosen = PackageFilter(tuple(data.query_filter.get("area_codes", ())),
                           tuple(data.query_filter.get("category_codes", ())))
    return describe(chosen, area_names=dict(zip(data.areas["area_code"], data.areas["area_name"], strict=True)),
                    category_names=dict(zip(data.categories["category_code"], data.categories["category_name"],
                                            strict=True)))
