"""Sealed values: small data encrypted and authenticated with a key derived from the secret key.

Used for what must survive between two requests without a table (an OpenID login in progress, a login
waiting for its second factor) and for secrets kept at rest (TOTP secrets). Each use has its own
`purpose`, so a value sealed for one cannot be opened as another. Fernet (AES-128-CBC + HMAC-SHA256)
from `cryptography`; the time stamp it carries is checked against the injected clock, not the system's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken


def _fernet(secret_key: str, purpose: str) -> Fernet:
    derived = hmac.new(secret_key.encode(), f"lagesbild-seal:{purpose}".encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(secret_key: str, purpose: str, data: dict[str, Any], *, now: datetime) -> str:
    """`data` (JSON-able) encrypted for `purpose`, stamped with `now`."""
    payload = json.dumps(data, separators=(",", ":")).encode()
    return _fernet(secret_key, purpose).encrypt_at_time(payload, int(now.timestamp())).decode()


def unseal(
    secret_key: str, purpose: str, token: str | None, *, now: datetime, max_age_seconds: int
) -> dict[str, Any] | None:
    """The data sealed for `purpose`, or None when missing, tampered with, of another purpose or too old."""
    if not token:
        return None
    try:
        payload = _fernet(secret_key, purpose).decrypt_at_time(
            token.encode(), max_age_seconds, int(now.timestamp())
        )
        data = json.loads(payload)
    except (InvalidToken, ValueError, UnicodeError):
        return None
    return data if isinstance(data, dict) else None


def encrypt_text(secret_key: str, purpose: str, text: str) -> str:
    """A secret kept at rest (no expiry)."""
    return _fernet(secret_key, purpose).encrypt(text.encode()).decode()


def decrypt_text(secret_key: str, purpose: str, token: str) -> str:
    """The clear text of `encrypt_text`; raises ValueError when the key or the value does not fit."""
    try:
        return _fernet(secret_key, purpose).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("sealed value cannot be opened with this secret key") from exc
