"""UI state (window geometry, splitters, column widths) kept apart from preferences, in the data folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QSplitter, QWidget


class UiState:
    def __init__(self, path: Path) -> None:
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    def save_geometry(self, key: str, widget: QWidget) -> None:
        self._settings.setValue(f"{key}/geometry", widget.saveGeometry())

    def restore_geometry(self, key: str, widget: QWidget) -> bool:
        value = self._settings.value(f"{key}/geometry")
        return isinstance(value, QByteArray) and widget.restoreGeometry(value)

    def save_splitter(self, key: str, splitter: QSplitter) -> None:
        self._settings.setValue(f"{key}/splitter", splitter.saveState())

    def restore_splitter(self, key: str, splitter: QSplitter) -> None:
        value = self._settings.value(f"{key}/splitter")
        if isinstance(value, QByteArray):
            splitter.restoreState(value)

    def save_header(self, key: str, header: QHeaderView) -> None:
        self._settings.setValue(f"{key}/header", header.saveState())

    def restore_header(self, key: str, header: QHeaderView) -> None:
        value = self._settings.value(f"{key}/header")
        if isinstance(value, QByteArray):
            header.restoreState(value)

    def value(self, key: str, default: object = None) -> object:
        return self._settings.value(key, default)

    def set_value(self, key: str, value: object) -> None:
        self._settings.setValue(key, value)

    def sync(self) -> None:
        self._settings.sync()
