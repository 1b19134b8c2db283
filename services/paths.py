"""Where KeBen keeps things: one data folder (platformdirs), overridable with --data-dir."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "KeBen"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class DataDir:
    root: Path

    @classmethod
    def at(cls, path: str | Path | None) -> DataDir:
        return cls(Path(path).expanduser().resolve() if path else default_data_dir())

    @property
    def database(self) -> Path:
        return self.root / "keben.db"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def log_file(self) -> Path:
        return self.logs / "keben.log"

    @property
    def lock_file(self) -> Path:
        return self.root / "keben.lock"

    @property
    def backups(self) -> Path:
        """Automatic and manual backups of the database (services/backup.py)."""
        return self.root / "backups"

    @property
    def media(self) -> Path:
        """Images of posts and materials, copied in so they survive the original being moved."""
        return self.root / "media"

    @property
    def preferences(self) -> Path:
        return self.root / "preferences.json"

    @property
    def ui_state(self) -> Path:
        return self.root / "ui-state.ini"

    def ensure(self) -> DataDir:
        """Create the folder; on POSIX it and what KeBen keeps in it are readable only by the user."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.logs.mkdir(mode=0o700, exist_ok=True)
        make_private(self.root, folder=True)
        make_private(self.logs, folder=True)
        return self

    def make_files_private(self) -> None:
        """0600 for the database (and its -wal/-shm), preferences, logs and backups; 0700 for folders."""
        for folder in (self.root, self.logs, self.backups, self.media):
            if folder.is_dir():
                make_private(folder, folder=True)
        for folder in (self.root, self.logs, self.backups):
            with contextlib.suppress(OSError):
                for entry in os.scandir(folder):
                    if entry.is_file(follow_symlinks=False):
                        make_private(Path(entry.path))


def make_private(path: Path, *, folder: bool = False) -> None:
    """chmod 0700 (folder) or 0600 (file) on POSIX; a no-op on Windows, where the user's profile
    folder is already private. Failing to tighten is not worth stopping for."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        mode = 0o700 if folder else 0o600
        if (path.stat().st_mode & 0o777) != mode:
            path.chmod(mode)
