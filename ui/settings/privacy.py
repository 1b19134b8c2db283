"""隐私: the optional start-up password (services.lock_password) — set, change, remove."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services import lock_password
from services.errors import UserError
from ui.context import AppContext
from ui.i18n import tr
from ui.settings.form import Section, button_row, danger_button, section_header
from ui.widgets import FieldError


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMinimumWidth(220)
    return field


class PasswordDialog(QDialog):
    """Set, change (`removing` False) or remove (`removing` True) the start-up password. The current
    password is asked whenever one is set; a refusal is shown in the dialog, which stays open."""

    def __init__(self, root: Path, removing: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.root = root
        self.removing = removing
        locked = lock_password.is_locked(self.root)
        self.setWindowTitle(tr("取消启动密码") if removing else tr("修改启动密码") if locked else tr("设置启动密码"))
        self.current = _password_field()
        self.new = _password_field()
        self.repeated = _password_field()
        self.error = FieldError()
        form = QFormLayout()
        if locked:
            form.addRow(tr("当前密码"), self.current)
        if not removing:
            form.addRow(tr("新密码"), self.new)
            form.addRow(tr("再输入一次"), self.repeated)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def accept(self) -> None:
        try:
            if self.removing:
                lock_password.remove_password(self.root, self.current.text())
            else:
                lock_password.set_password(self.root, self.new.text(), self.repeated.text(),
                                           current=self.current.text() or None)
        except UserError as exc:
            self.error.show_message(exc.message)
            return
        super().accept()


class PrivacySection(Section):
    """The start-up password of this data folder (kept in it, see services.lock_password)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.root = ctx.store.data_dir.root
        self.status = QLabel()
        self.set_button = QPushButton()
        self.remove_button = danger_button(tr("取消启动密码…"))
        note = QLabel(tr("启动密码只挡住借用这台电脑的人：它不加密数据文件，命令行（python main.py …）也不受它限制。"
                         "忘记密码时，关闭客本后删除数据文件夹里的 start-lock.json 即可。"))
        note.setWordWrap(True)
        note.setObjectName("sectionHint")
        layout = QVBoxLayout(self)
        layout.addWidget(section_header(tr("隐私"), tr("启动密码：打开客本时先输入密码，才能看到客户。适合几个人共用的电脑，"
                                                     "只对这台电脑上的这个数据文件夹有效。")))
        layout.addWidget(self.status)
        layout.addLayout(button_row(self.set_button, self.remove_button))
        layout.addWidget(note)
        layout.addStretch(1)
        self.set_button.clicked.connect(self.change_password)
        self.remove_button.clicked.connect(self.remove_password)

    def load(self) -> None:
        locked = lock_password.is_locked(self.root)
        self.status.setText(tr("已设置启动密码：打开客本时要先输入它。") if locked else tr("没有设置启动密码。"))
        self.set_button.setText(tr("修改启动密码…") if locked else tr("设置启动密码…"))
        self.remove_button.setEnabled(locked)

    def change_password(self) -> None:
        self._open(PasswordDialog(self.root, parent=self))

    def remove_password(self) -> None:
        self._open(PasswordDialog(self.root, removing=True, parent=self))

    def _open(self, dialog: PasswordDialog) -> None:
        dialog.finished.connect(lambda _result: self.reload())
        dialog.open()
