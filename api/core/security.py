"""Passwords (argon2 via pwdlib), random tokens stored as hashes, and CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_password_hash = PasswordHash((Argon2Hasher(),))

def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Whether the password matches; never raises for a malformed hash."""
    try:
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
