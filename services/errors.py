"""Errors a user can cause (told to them in one clear line) versus bugs (logged with a traceback)."""

from __future__ import annotations


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
