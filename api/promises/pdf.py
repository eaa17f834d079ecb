"""The follow-up report of a medborgarlöfte as an A4 PDF (WeasyPrint), read from one `PromiseReport`.

Swedish throughout, for the police and the kommun's board. The indicator charts are static PNGs
drawn here with matplotlib; WeasyPrint gets a fetcher that serves nothing but inline `data:` URIs,
so rendering never touches the network or the file system.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on a server; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from jinja2 import Environment, FileSystemLoader, select_autoescape  # noqa: E402

from analysis.effects import INSUFFICIENT  # noqa: E402
from api.core.pdf import html_to_pdf  # noqa: E402
from api.packages.pdf import number  # noqa: E402
from api.promises.models import DIRECTIONS, INDICATOR_KINDS, PROMISE_STATUSES  # noqa: E402
from api.promises.report import IndicatorReport, PromiseReport  # noqa: E402
from api.promises.service import PERIODS  # noqa: E402
from api.resources import frontend_path  # noqa: E402

SOURCE = "Källa: Lägesbild; områden Källa: SCB"
LINE, MUTED, TARGET, SHADE = "#0b4f8a", "#4a5360", "#8a6d00", "#eef1f5"
_PNG_METADATA = {"Software": None}  # keeps the bytes free of the matplotlib version


def indicator_png(item: IndicatorReport, *, width_cm: float = 15.0) -> bytes:
    """The indicator's values per period, its baseline and target, the report period shaded."""
    rows = item.rows
    size = width_cm / 2.54
    figure, axes = plt.subplots(figsize=(size, size * 0.32), dpi=150)
    try:
        x = np.arange(len(rows))
        for i, row in enumerate(rows):
            if row.in_period:
                axes.axvspan(i - 0.5, i + 0.5, color=SHADE, zorder=0)
        axes.plot(x, [r.value for r in rows], color=LINE, linewidth=2.0, marker="o", markersize=3,
                  label="Värde", zorder=3)
        if item.baseline is not None:
            axes.axhline(item.baseline, color=MUTED, linewidth=0.9, linestyle="--", label="Baslinje")
        target = item.view.indicator.target_value
        if target is not None:
            axes.axhline(target, color=TARGET, linewidth=0.9, linestyle=":", label="Mål")
        axes.set_xticks(x)
        axes.set_xticklabels([r.label for r in rows], fontsize=6)
        axes.set_xlim(-0.5, len(rows) - 0.5)
        axes.tick_params(axis="y", labelsize=6)
        axes.set_ylim(bottom=0, top=max(1.0, axes.get_ylim()[1]))
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(fontsize=6, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata=_PNG_METADATA)
        return buffer.getvalue()
    finally:
        plt.close(figure)


def _uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _value(value: Any) -> str:
    """An indicator value: whole numbers without decimals, else one decimal (Swedish comma)."""
    if value is None:
        return "–"
    return number(value, 0 if float(value).is_integer() else 1)


def render_html(report: PromiseReport) -> str:
    """The print HTML of the report (what WeasyPrint turns into the PDF)."""
    env = Environment(loader=FileSystemLoader(str(frontend_path("templates"))),
                      autoescape=select_autoescape(["html"]))
    env.filters["value"] = _value
    charts = [_uri(indicator_png(item)) if len(item.rows) >= 2 else "" for item in report.indicators]
    return env.get_template("pdf/promise_report.html").render(
        r=report, p=report.promise, charts=charts, source=SOURCE, kinds=INDICATOR_KINDS,
        directions=DIRECTIONS, periods=PERIODS, statuses=PROMISE_STATUSES, insufficient=INSUFFICIENT)


def build_promise_report_pdf(report: PromiseReport) -> bytes:
    """The löfte's follow-up report as an A4 PDF in Swedish, with "Sida x av y"."""
    html = render_html(report)
    return html_to_pdf(html)
