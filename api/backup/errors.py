"""The one error backup and restore raise: a Swedish message for the operator."""

from __future__ import annotations

from api.core.errors import AppError


class BackupError(AppError):
    """Backup or restore could not be done; the message says why and what to do."""
