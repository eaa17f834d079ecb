"""PDFs are rendered offline: a URL in the HTML is never fetched (a real local server counts requests)."""

from __future__ import annotations

import http.server
import threading

import pytest

from api.core.pdf import html_to_pdf


@pytest.fixture()
def counting_server():  # type: ignore[no-untyped-def]
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *_args) -> None:  # type: ignore[no-untyped-def]
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def _document(base: str) -> str:
    return (f'<html><head><link rel="stylesheet" href="{base}/style.css"></head>'
            f'<body><img src="{base}/bild.png"><img src="file:///etc/hostname"><p>Lägesbild</p></body></html>')


def test_html_to_pdf_fetches_nothing(counting_server) -> None:  # type: ignore[no-untyped-def]
    base, requests = counting_server
    content = html_to_pdf(_document(base))
    assert content.startswith(b"%PDF")
    assert requests == []


def test_the_server_would_see_weasyprints_default_fetcher(counting_server) -> None:  # type: ignore[no-untyped-def]
    # The check above is only meaningful if an unguarded render really reaches the server.
    from weasyprint import HTML

    base, requests = counting_server
    HTML(string=_document(base), base_url=None).write_pdf()
    assert sorted(requests) == ["/bild.png", "/style.css"]
