"""The start-up password as a seller meets it: 设置 → 隐私 sets it; the next start asks for it before the
main window, refuses a wrong one (three tries), and 退出 quits without showing a customer."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from services import lock_password
from services.paths import DataDir

RIGHT = "茶香2024"


@pytest.fixture
def locked(tmp_path: Path) -> DataDir:
    data_dir = DataDir.at(tmp_path / "locked")
    data_dir.root.mkdir(parents=True)
    lock_password.set_password(data_dir.root, RIGHT, RIGHT)
    return data_dir


def _answer(qtbot, dialog, password: str) -> None:
    dialog.password.clear()
    if password.isascii():
        qtbot.keyClicks(dialog.password, password)
    else:  # (QTest cannot type Chinese: an input method commits it)
        dialog.password.setText(password)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)


def test_the_dialog_refuses_a_wrong_password_and_opens_with_the_right_one(qtbot, locked: DataDir) -> None:
    from ui.unlock import UnlockDialog

    dialog = UnlockDialog(locked)
    qtbot.addWidget(dialog)
    dialog.show()
    _answer(qtbot, dialog, "wrong")
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.isVisible() and dialog.error.text() == "密码不对，还可以再试 2 次。"
    assert dialog.password.text() == ""
    _answer(qtbot, dialog, RIGHT)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted


def test_three_wrong_passwords_close_the_dialog(qtbot, locked: DataDir) -> None:
    from ui.unlock import UnlockDialog

    dialog = UnlockDialog(locked)
    qtbot.addWidget(dialog)
    dialog.show()
    _answer(qtbot, dialog, "wrong1")
    _answer(qtbot, dialog, "wrong2")
    assert dialog.error.text() == "密码不对，还可以再试 1 次。"
    _answer(qtbot, dialog, "wrong3")
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected and dialog.exhausted


# ---- at start: run_app -------------------------------------------------------------------------------------

def _start(monkeypatch: pytest.MonkeyPatch, data_dir: DataDir, steps: list[Callable[[QDialog], str]]) -> tuple[int, list[str]]:
    """run_app on `data_dir` with each step acting on the unlock dialog as it comes up (by a timer, as
    the dialog runs modally), and the main window replaced by a recorder: (exit code, what happened)."""
    import ui.app

    happened: list[str] = []

    def main_window(_app: object, _args: object, store: object) -> int:
        happened.append("main window")
        return 0

    monkeypatch.setattr(ui.app, "_run_with_store", main_window)
    pending = list(steps)

    def act() -> None:
        if not pending:
            return
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog) or not dialog.isVisible():
            QTimer.singleShot(20, act)
            return
        happened.append(pending.pop(0)(dialog))
        if pending:
            QTimer.singleShot(20, act)

    QTimer.singleShot(0, act)
    args = argparse.Namespace(smoke=False, bench_start=None, command=None, database_url=None)
    return ui.app.run_app(args, data_dir), happened


def _typing(password: str) -> Callable[[QDialog], str]:
    def step(dialog: QDialog) -> str:
        dialog.password.setText(password)  # type: ignore[attr-defined]
        dialog.open_button.click()  # type: ignore[attr-defined]
        return f"typed {password}"
    return step


def _quitting(dialog: QDialog) -> str:
    dialog.quit_button.click()  # type: ignore[attr-defined]
    return "退出"


def test_the_main_window_comes_only_after_the_right_password(qapp, monkeypatch, locked: DataDir) -> None:
    code, happened = _start(monkeypatch, locked, [_typing("wrong"), _typing(RIGHT)])
    assert code == 0
    assert happened == ["typed wrong", f"typed {RIGHT}", "main window"]


def test_quitting_at_the_password_shows_nothing(qapp, monkeypatch, locked: DataDir) -> None:
    code, happened = _start(monkeypatch, locked, [_typing("wrong"), _quitting])
    assert (code, happened) == (0, ["typed wrong", "退出"])
    assert not locked.database.exists()  # the store was not even opened


def test_three_wrong_passwords_quit(qapp, monkeypatch, locked: DataDir) -> None:
    code, happened = _start(monkeypatch, locked, [_typing("a1"), _typing("b2"), _typing("c3")])
    assert (code, happened) == (2, ["typed a1", "typed b2", "typed c3"])
    assert not locked.database.exists()


def test_without_a_password_the_main_window_comes_at_once(qapp, monkeypatch, tmp_path: Path) -> None:
    code, happened = _start(monkeypatch, DataDir.at(tmp_path / "open"), [])
    assert (code, happened) == (0, ["main window"])


# ---- 设置 → 隐私 ----------------------------------------------------------------------------------------------

def _dialog_of(qtbot, button):
    from ui.settings.privacy import PasswordDialog

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, PasswordDialog) and w.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def _ok(qtbot, dialog) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_the_privacy_section_sets_changes_and_removes_the_password(qtbot, ctx) -> None:
    from ui.settings.page import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    section = page.show_section("privacy")
    root = ctx.store.data_dir.root
    assert "没有设置启动密码" in section.status.text() and not section.remove_button.isEnabled()

    dialog = _dialog_of(qtbot, section.set_button)
    assert not dialog.current.isVisible()  # nothing to confirm yet
    dialog.new.setText("abcd")
    dialog.repeated.setText("abce")
    _ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.error.text() == "两次输入的新密码不一样"
    assert not lock_password.is_locked(root)
    dialog.repeated.setText("abcd")
    _ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert "已设置启动密码" in section.status.text() and section.set_button.text() == "修改启动密码…"

    dialog = _dialog_of(qtbot, section.set_button)
    assert dialog.current.isVisible()
    dialog.current.setText("wrong")
    dialog.new.setText("efgh")
    dialog.repeated.setText("efgh")
    _ok(qtbot, dialog)
    assert dialog.error.text() == "当前的启动密码不对"
    dialog.current.setText("abcd")
    _ok(qtbot, dialog)
    assert lock_password.verify(root, "efgh") and not lock_password.verify(root, "abcd")

    dialog = _dialog_of(qtbot, section.remove_button)
    assert not dialog.new.isVisible()
    dialog.current.setText("efgh")
    _ok(qtbot, dialog)
    assert not lock_password.is_locked(root)
    assert "没有设置启动密码" in section.status.text() and not section.remove_button.isEnabled()
