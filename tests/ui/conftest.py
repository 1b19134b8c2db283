"""UI fixtures: a real store on a temp folder, the AppContext every page takes, the main window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.paths import DataDir
from services.preferences import Preferences
from services.store import Store, open_store


@pytest.fixture
def ui_store(tmp_path) -> Iterator[Store]:
    store = open_store(DataDir.at(tmp_path / "uidata"))
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
