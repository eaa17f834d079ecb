"""PDF documents: HTML to PDF with WeasyPrint, offline, and numbers written the Swedish way.

The only URLs a document may use are inline data: URIs. The number helpers are the Jinja filters
of every PDF (the kvartalsanalys package, the medborgarlöfte report).
"""

from __future__ import annotations

import math
from typing import Any


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document to PDF bytes; any http, https or file URL in it is refused, never fetched."""
    from weasyprint import HTML  # imported here: heavy, and only PDF downloads and packages need it
    from weasyprint.urls import URLFetcher

    # No network at run time, and no reading local files through a URL someone put into a text field.
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()  # type: ignore[no-any-return]


def number(value: Any, decimals: int = 0) -> str:
    """A number in Swedish style: space as thousands separator, comma as decimal mark."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):,.{decimals}f}".replace(",", " ").replace(".", ",")
    return text.replace("-", "−")


def percent(value: Any, decimals: int = 0) -> str:
    """A change in percent, signed (e.g. "+25 %"); "–" when the base was 0."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{signed(value, decimals)} %"


def signed(value: Any, decimals: int = 0) -> str:
    """A signed number ("+2", "−1", "0")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = number(abs(float(value)), decimals)
    return f"+{text}" if float(value) > 0 else (f"−{text}" if float(value) < 0 else text)
