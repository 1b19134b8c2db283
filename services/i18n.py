"""Messages that services hand to the user.

Chinese is the source language. `t()` marks a message as user-facing, fills `{placeholders}`,
and returns the English text instead when the UI language is English (the ui sets it at start).
"""

from __future__ import annotations

_language = "zh_CN"
_english: dict[str, str] = {}


def set_language(language: str, english: dict[str, str] | None = None) -> None:
    global _language
    _language = language
    if english is not None:
        _english.update(english)


def t(message: str, **values: object) -> str:
    if _language.startswith("en"):
        message = _english.get(message, message)
    return message.format(**values) if values else message
