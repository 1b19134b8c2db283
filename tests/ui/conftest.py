"""UI fixtures: a real store on a temp folder, the AppContext every page takes, the main window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.paths import DataDir
from services.preferences import Preferences
from services.store import Store


@pytest.fixture
def ui_store(tmp_path, _migrated_database) -> Iterator[Store]:
    from tests.conftest import fresh_store

    store = fresh_store(DataDir.at(tmp_path / "uidata"), _migrated_database)
    yield store
    store.close()


@pytest.fixture
def ctx(qapp, ui_store):
    from ui.context import AppContext
    from ui.state import UiState

    return AppContext(ui_store, Preferences(), UiState(ui_store.data_dir.ui_state))


@pytest.fixture
def main_window(qtbot, ctx):
    from ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def ime_type(qtbot, widget, text: str) -> None:
    """Type as a person would: ASCII key by key, Chinese committed by the input method.

    (QTest.keyClicks aborts on characters outside Latin-1; a real Chinese IME sends
    QInputMethodEvent commit strings, which is what this does.)
    """
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QInputMethodEvent

    widget.setFocus()
    for char in text:
        if ord(char) < 128:
            qtbot.keyClicks(widget, char)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QCoreApplication.sendEvent(widget, event)


@pytest.fixture
def type_text(qtbot):
    """type_text(widget, "张丽 zl") — see ime_type."""
    return lambda widget, text: ime_type(qtbot, widget, text)
