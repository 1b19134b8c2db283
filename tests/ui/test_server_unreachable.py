"""团队模式 at start: the remembered server cannot be reached. The window says so (address without the
password, the reason) and offers 重试, 这次用本机的数据 and 退出 — an installed KeBen has no command line
to type `--database-url local` into."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from services.paths import DataDir
from services.preferences import Preferences

# Nothing listens on port 1 of this machine: refused at once.
UNREACHABLE = "postgresql+psycopg://keben:secret-pw@127.0.0.1:1/keben"


@pytest.fixture
def team_folder(tmp_path: Path) -> DataDir:
    data_dir = DataDir.at(tmp_path / "data").ensure()
    prefs = Preferences.load(data_dir.preferences)
    prefs.database_url = UNREACHABLE
    prefs.save(data_dir.preferences)
    return data_dir


def _start(monkeypatch: pytest.MonkeyPatch, data_dir: DataDir, buttons: list[str]) -> tuple[int, list[str], list[str]]:
    """run_app with each message box answered by the button of that text: (exit code, the boxes'
    texts, the databases the main window was opened on)."""
    import ui.app

    opened: list[str] = []
    told: list[str] = []
    monkeypatch.setattr(ui.app, "_run_with_store", lambda _app, _args, store: opened.append(store.db.url) or 0)
    pending = list(buttons)

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            QTimer.singleShot(20, answer)
            return
        told.append(box.text())
        wanted = pending.pop(0)
        next(b for b in box.buttons() if b.text() == wanted).click()
        if pending:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    args = argparse.Namespace(smoke=False, bench_start=None, command=None, database_url=None)
    return ui.app.run_app(args, data_dir), told, opened


def test_the_seller_can_retry_then_use_this_computers_own_data(qapp, monkeypatch, team_folder: DataDir) -> None:
    code, told, opened = _start(monkeypatch, team_folder, ["重试", "这次用本机的数据"])
    assert code == 0 and len(told) == 2  # asked again after the retry failed
    assert "127.0.0.1:1/keben" in told[0] and "secret-pw" not in told[0] and "重试" in told[0]
    assert opened == [f"sqlite:///{team_folder.database}"]
    assert Preferences.load(team_folder.preferences).database_url == UNREACHABLE  # still the team's server


def test_quitting_opens_nothing(qapp, monkeypatch, team_folder: DataDir) -> None:
    code, told, opened = _start(monkeypatch, team_folder, ["退出"])
    assert (code, len(told), opened) == (1, 1, [])
