"""tr(): every user-facing string goes through Qt's translation system (Chinese is the source)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def tr(text: str, **values: object) -> str:
    translated = QCoreApplication.translate("KeBen", text)
    return translated.format(**values) if values else translated
