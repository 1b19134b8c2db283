"""Errors a user can cause (told to them in one clear line) versus bugs (logged with a traceback)."""

from __future__ import annotations

from datetime import datetime


class UserError(Exception):
    """Something the user can fix: bad input, a locked store, a missing file. Exit code 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(UserError):
    """One or more fields are invalid; `fields` maps a field name to its message."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("；".join(fields.values()))
        self.fields = fields


class StoreLockedError(UserError):
    """Another KeBen already has this data folder open."""


class NotFoundError(UserError):
    """A record the user named no longer exists (or is in the trash)."""


class ConflictError(UserError):
    """The record was changed by someone else (团队模式: another KeBen on the same server) since it was
    opened; the caller offers to reload it or to overwrite. `changed_at` is when it was changed."""

    def __init__(self, message: str, changed_at: datetime | None = None) -> None:
        super().__init__(message)
        self.changed_at = changed_at
