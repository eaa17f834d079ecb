"""Security headers on every response: a strict CSP, no framing, no sniffing, no caching of data."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# One year; no includeSubDomains: the kommun's other hosts under the same domain are not ours to pin.
HSTS = "max-age=31536000"
STATIC_PREFIX = "/static/"
SERVER_ERROR_TEXT = "Ett fel uppstod i Lägesbild. Försök igen; om felet kvarstår, kontakta er administratör."


def tile_source(tile_url: str) -> str | None:
    """The CSP source for a Leaflet tile URL template: its origin, or None for a same-site path.

    A placeholder in the host (``https://{s}.tile.example.org/...``) becomes a wildcard label
    (``https://*.tile.example.org``); CSP allows one only as the leftmost label, so a placeholder
    anywhere else falls back to the scheme alone.

    >>> tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    'https://tile.openstreetmap.org'
    >>> tile_source("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png")
    'https://*.tile.example.org:8443'
    >>> tile_source("/static/tiles/{z}/{x}/{y}.png") is None
    True
    """
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return None
    host, _, port = parts.netloc.rpartition("@")[2].partition(":")
    labels = host.split(".")
    if any("{" in label for label in labels[1:]):
        return f"{parts.scheme}:"
    if "{" in labels[0]:
        labels[0] = "*"
    netloc = ".".join(labels) + (f":{port}" if port and "{" not in port else "")
    return f"{parts.scheme}://{netloc}"


def content_security_policy(tile_url: str, sign_in_url: str | None = None) -> str:
    """The policy for every page: scripts, styles and data from this site only; tiles from the tile server.

    ``data:`` images are allowed because Leaflet blanks tiles it removes with a data: GIF.
    ``sign_in_url`` is the OpenID provider's issuer: the logout form is answered with a redirect to the
    provider's end-session page, and browsers apply form-action to a form's redirects too.

    >>> "form-action 'self' https://login.example.se;" in content_security_policy(
    ...     "/t/{z}/{x}/{y}.png", "https://login.example.se/realms/kommun")
    True
    """
    img = ["'self'", "data:"]
    source = tile_source(tile_url)
    if source:
        img.append(source)
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": " ".join(img),
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": " ".join(["'self'", *_origin(sign_in_url)]),
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _origin(url: str | None) -> list[str]:
    parts = urlsplit(url or "")
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response (pure ASGI: streaming bodies pass untouched).

    ``Cache-Control: no-store`` goes on every response outside ``/static/`` that does not set its own
    (pages, JSON and exports hold report data); HSTS when the request came over HTTPS or the
    installation says it is served over HTTPS (``https``).
    """

    def __init__(self, app: ASGIApp, *, tile_url: str, https: bool, sign_in_url: str | None = None) -> None:
        self.app = app
        self.https = https
        self.fixed = {
            "Content-Security-Policy": content_security_policy(tile_url, sign_in_url),
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            # Cross-origin requests carry the origin only: OpenStreetMap's tile policy requires a Referer,
            # and paths (weeks, report ids) stay on the site.
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(STATIC_PREFIX)
        hsts = self.https or scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.fixed.items():
                    headers[name] = value
                if hsts:
                    headers["Strict-Transport-Security"] = HSTS
                if not static and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
                if "server" in headers:
                    del headers["server"]
            await send(message)

        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception:
            # Starlette answers an unhandled error outside every middleware we add, so its 500 would
            # lack the headers; answer it here (the error is raised on, to be logged, and nothing more
            # is sent since the response has started).
            if not started:
                await send_tracked({"type": "http.response.start", "status": 500,
                                    "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                await send_tracked({"type": "http.response.body", "body": SERVER_ERROR_TEXT.encode()})
            raise
