"""Passwords (argon2 via pwdlib), random tokens stored as hashes, and CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_password_hash = PasswordHash((Argon2Hasher(),))
# Argon2 is slow and memory-hard on purpose (64 MiB and four lanes per hash). Twenty people logging in
# at once would run twenty hashes side by side: 1.3 GB, and every other request starved of CPU. At most
# one hash per core runs at a time; the others wait their turn in their own threadpool worker.
_hashing = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))

def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    with _hashing:
        return _password_hash.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Whether the password matches; never raises for a malformed hash."""
    try:
        with _hashing:
            return _password_hash.verify(password, password_hash)
    except Exception:
        return False


def new_token() -> str:
    """A random URL-safe token for a session cookie or an API token."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database stores instead of a token: its SHA-256 hex digest."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret_key: str, binding: str) -> str:
    """A CSRF token bound to a session (or an anonymous pre-login cookie)."""
    return hmac.new(secret_key.encode(), f"csrf:{binding}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret_key: str, binding: str, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(csrf_token(secret_key, binding), submitted or "")
