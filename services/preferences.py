"""User preferences, declared once with type, default and title (UI state lives apart, in ui/)."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger("keben")

THEMES = {"light": "浅色", "dark": "深色"}
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}


@dataclass
class Preferences:
    theme: str = "light"
    language: str = "zh_CN"
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
        return prefs

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(path)
