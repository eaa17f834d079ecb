"""Limits on what a request may carry: body size (while streaming), JSON depth, NUL characters.

Every route gets them, so no input can exhaust memory or reach the database in a form it refuses
(PostgreSQL refuses a NUL character in text; a deep JSON document exhausts Python's recursion).
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.errors import AppError

#: Deepest JSON nesting the API accepts; a submission needs 3 ({"observationer": [{...}]}).
MAX_JSON_DEPTH = 32

NUL = "\x00"


class BodyTooLarge(StarletteHTTPException):
    """The request body passed its limit (raised while it streams in; answered 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large_message(limit))


class JsonRejected(AppError):
    """A JSON body that is not JSON or nests deeper than the API allows."""

    status_code = 422

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _too_large_message(limit: int) -> str:
    size = f"{limit / (1024 * 1024):.1f}".replace(".", ",")
    return f"Förfrågan är för stor. Största tillåtna storlek är {size} MB."


class BodyLimitMiddleware:
    """Answer 413 for a body over its limit: on the declared Content-Length, or as soon as the
    streamed bytes pass the limit, so an oversize body is never buffered whole.

    Multipart bodies (file uploads) get ``max_upload_bytes``, every other body ``max_body_bytes``.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        content_type = headers.get(b"content-type", b"").lower()
        limit = self.max_upload_bytes if content_type.startswith(b"multipart/") else self.max_body_bytes
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            await _answer_413(scope, send, limit)
            return

        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await _answer_413(scope, send, limit)


async def _answer_413(scope: Scope, send: Send, limit: int) -> None:
    message = _too_large_message(limit)
    if scope.get("path", "").startswith("/api/"):
        body = json.dumps({"detail": message}, ensure_ascii=False).encode()  # as every other HTTP error
        content_type = b"application/json"
    else:
        body = (
            '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>För stor förfrågan'
            f"</title></head><body><main><h1>För stor förfrågan</h1><p>{message}</p></main></body></html>"
        ).encode()
        content_type = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", content_type), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})


def parse_json(body: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The parsed JSON body; JsonRejected (Swedish) when it is not JSON or nests deeper than max_depth.

    The C parser refuses nesting deeper than Python's recursion limit with RecursionError; what it
    parses is then walked without recursion, which costs one step per list or object.

    >>> parse_json(b'{"a": [1, {"b": 2}]}')
    {'a': [1, {'b': 2}]}
    >>> parse_json(b"[" * 40 + b"]" * 40)
    Traceback (most recent call last):
    ...
    api.core.limits.JsonRejected: Begäran är nästlad djupare än 32 nivåer.
    """
    too_deep = JsonRejected("json_too_deep", f"Begäran är nästlad djupare än {max_depth} nivåer.")
    try:
        data = json.loads(body or b"null")
    except RecursionError as err:
        raise too_deep from err
    except (ValueError, UnicodeDecodeError) as err:
        raise JsonRejected("json_invalid", "Begäran är inte giltig JSON.") from err
    if _depth_over(data, max_depth):
        raise too_deep
    return data


def _depth_over(data: Any, max_depth: int) -> bool:
    """True when lists and objects nest deeper than max_depth (a scalar has depth 0)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


async def url_text_is_clean(request: Request) -> None:
    """Every route: a NUL character in the path or a query parameter is refused naming the parameter."""
    # Async: it reads only the request, and a sync dependency costs every request a threadpool hop.
    for name, value in request.path_params.items():
        if isinstance(value, str) and NUL in value:
            raise AppError(f"Adressen innehåller ett otillåtet tecken (NUL) i {name}.", status_code=422)
    for name, value in request.query_params.multi_items():
        if NUL in name or NUL in value:
            shown = name.replace(NUL, "")
            raise AppError(f"Parametern \"{shown}\" innehåller ett otillåtet tecken (NUL).", status_code=422)


#: Swedish names of the form fields a user most often meets, for error messages.
FIELD_LABELS = {
    "email": "E-post", "password": "Lösenord", "name": "Namn", "namn": "Namn", "plats": "Plats",
    "beskrivning": "Beskrivning", "title": "Rubrik", "rubrik": "Rubrik", "motivering": "Motivering",
    "kommentar": "Kommentar", "text": "Text", "note": "Anteckning",
}


_REPEATED_FIELD = re.compile(r"^obs-(\d{1,3})-(\w+)$")  # the report form's observation fieldsets


def field_label(name: str) -> str:
    """The Swedish label of a form field or column, or its own name.

    >>> field_label("email"), field_label("obs-1-beskrivning"), field_label("typ")
    ('E-post', 'Beskrivning (observation 2)', 'typ')
    """
    repeated = _REPEATED_FIELD.match(name)
    if repeated:
        return f"{field_label(repeated.group(2))} (observation {int(repeated.group(1)) + 1})"
    return FIELD_LABELS.get(name, name)


def refuse_nul_in_form(form: Any) -> None:
    """Refuse a posted form (Starlette FormData) in which any text field or file name holds NUL."""
    for name, value in form.multi_items():
        text = value if isinstance(value, str) else getattr(value, "filename", None) or ""
        if NUL in text or NUL in name:
            shown = field_label(name.replace(NUL, ""))
            raise AppError(f"Fältet \"{shown}\" innehåller ett otillåtet tecken (NUL). Ta bort det och "
                           "försök igen.", status_code=422)
