"""User preferences, declared once with type, default and title (UI state lives apart, in ui/)."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger("keben")

THEMES = {"light": "浅色", "dark": "深色"}
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}


@dataclass
class Preferences:
    theme: str = "light"
    language: str = "zh_CN"
    database_url: str = ""  # 团队模式: the PostgreSQL server this data folder works on ("" = its own file)
    version: int = 1  # bump with an upgrade step in `load` when a preference changes meaning

    @classmethod
    def load(cls, path: Path) -> Preferences:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("preferences unreadable, using defaults: %s", exc)
            return cls()
        if not isinstance(data, dict):
            log.warning("preferences file is not an object, using defaults")
            return cls()
        prefs = cls()
        theme, language = data.get("theme"), data.get("language")
        if isinstance(theme, str) and theme in THEMES:
            prefs.theme = theme
        if isinstance(language, str) and language in LANGUAGES:
            prefs.language = language
        database_url = data.get("database_url")
        if isinstance(database_url, str):
            prefs.database_url = database_url.strip()
        return prefs

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        # 0600 from the start: a remembered server address may carry its password.
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
            out.write(json.dumps(asdict(self), ensure_ascii=False, indent=2))
        tmp.replace(path)
