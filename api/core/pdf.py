"""HTML to PDF with WeasyPrint, offline: the only URLs a document may use are inline data: URIs."""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document to PDF bytes; any http, https or file URL in it is refused, never fetched."""
    from weasyprint import HTML  # imported here: heavy, and only PDF downloads and packages need it
    from weasyprint.urls import URLFetcher

    # No network at run time, and no reading local files through a URL someone put into a text field.
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()  # type: ignore[no-any-return]
