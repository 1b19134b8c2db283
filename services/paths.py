"""Where KeBen keeps things: one data folder (platformdirs), overridable with --data-dir."""

from __future__ import annotations

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
        self.root.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        return self
