"""The start-up password dialog: asked before any customer is shown (services.lock_password).

Three wrong passwords close the app, and so does 退出; nothing of the book has been shown by then
(run_app asks before it builds the main window).
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from services import lock_password
from services.errors import UserError
from services.paths import DataDir
from ui.i18n import tr
from ui.widgets import FieldError

log = logging.getLogger("keben")


class UnlockDialog(QDialog):
    """Asks for the start-up password; accepted only with the right one.

    After `lock_password.ATTEMPTS` wrong ones it closes rejected with `exhausted` set.
    """

    def __init__(self, data_dir: DataDir, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.failures = 0
        self.exhausted = False
        self.setWindowTitle(tr("客本已上锁"))
        self.setMinimumWidth(380)
        intro = QLabel(tr("这台电脑上的客本设置了启动密码。请输入密码："))
        intro.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("启动密码"))
        self.error = FieldError()
        self.buttons = QDialogButtonBox()
        self.open_button = self.buttons.addButton(tr("打开"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = self.buttons.addButton(tr("退出"), QDialogButtonBox.ButtonRole.RejectRole)
        self.open_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.password.setFocus()

    def accept(self) -> None:
        try:
            right = lock_password.verify(self.data_dir.root, self.password.text())
        except UserError as exc:  # a damaged lock file: say what to do, stay locked
            self.error.show_message(exc.message)
            return
        if right:
            super().accept()
            return
        self.failures += 1
        self.password.clear()
        left = lock_password.ATTEMPTS - self.failures
        if left <= 0:
            log.warning("start-up password: %d wrong attempts, closing", self.failures)
            self.exhausted = True
            self.reject()
            return
        self.error.show_message(tr("密码不对，还可以再试 {n} 次。", n=left))


def unlock_at_start(data_dir: DataDir) -> int | None:
    """None when the book may be shown (no password set, or the right one given); else the exit
    code: 0 when the seller chose 退出, 2 after too many wrong passwords."""
    if not lock_password.is_locked(data_dir.root):
        return None
    app = QApplication.instance()
    if isinstance(app, QApplication):  # in the seller's theme (dark or light) from the first window on
        from services.preferences import Preferences
        from ui.theme import apply_theme

        apply_theme(app, Preferences.load(data_dir.preferences).theme)
    dialog = UnlockDialog(data_dir)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return None
    return 2 if dialog.exhausted else 0
