"""Showing errors: a user's mistake gets its clear message; a bug gets an apology and the log path."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from services.errors import UserError
from ui.i18n import tr

log = logging.getLogger("keben")
_log_path = ""


def set_log_path(path: str) -> None:
    global _log_path
    _log_path = path


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    """Never a traceback in a dialog."""
    if not isinstance(exc, UserError):
        exc = _known_environment_error(exc) or exc
    if isinstance(exc, UserError):
        QMessageBox.warning(parent, title or tr("无法完成"), exc.message)
        return
    log.error("unexpected error", exc_info=exc)
    QMessageBox.critical(
        parent, tr("出错了"),
        tr("抱歉，客本遇到了一个意外错误，这次操作没有完成。\n\n详细信息已记录在：\n{path}", path=_log_path),
    )


def confirm(parent: QWidget | None, title: str, text: str, ok: str | None = None) -> bool:
    """Ask before anything destructive; the safe answer is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(ok or tr("确定"), QMessageBox.ButtonRole.DestructiveRole)
    no = box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


def choose(parent: QWidget | None, title: str, text: str, choices: list[tuple[str, QMessageBox.ButtonRole]],
           cancel: str) -> int | None:
    """A warning with a few ways on (the first is the default) and `cancel`: the index of the choice
    taken, None for cancel (or Esc)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    buttons = [box.addButton(label, role) for label, role in choices]
    box.addButton(cancel, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(buttons[0])
    box.exec()
    clicked = box.clickedButton()
    return next((i for i, button in enumerate(buttons) if button is clicked), None)


def _known_environment_error(exc: BaseException) -> UserError | None:
    """A full disk or a read-only database file is the user's environment, not a bug."""
    from sqlalchemy.exc import DatabaseError

    if isinstance(exc, DatabaseError):
        from services.store import explain_database_error, is_damage

        if is_damage(exc.orig):
            return UserError(tr("数据库文件已损坏，这次操作没有完成。请到“设置 → 数据与备份”从最新的备份恢复。"))
        return explain_database_error(exc, None)
    return None
