"""新建群 / 编辑群: the group's fields, its texts and auto-replies; errors shown under their field."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.groups import GROUP_KINDS
from services.errors import ValidationError
from services.groups import STATUS_LABELS, GroupInput, get_group, save_group
from ui.context import AppContext
from ui.customers.profile_form import with_error
from ui.errors import show_error
from ui.groups.common import date_edit, fill_account_combo, qdate
from ui.i18n import tr
from ui.widgets import FieldError

TEXT_FIELDS = (("positioning", "定位", "这个群是做什么的、给谁的，如：老客复购、新品尝鲜"),
               ("rules", "群规", "不发广告、不拉人、友好交流……违反了怎么处理"),
               ("welcome", "欢迎语", "新人进群时发的话：进群能得到什么、可以做什么"),
               ("announcement", "群公告", "最新活动、规章，所有人都能看到"))


class GroupDialog(QDialog):
    """Create a group (group_id None) or edit one; `saved_id` holds the id after saving."""

    def __init__(self, ctx: AppContext, group_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.group_id = group_id
        self.saved_id: int | None = None
        self.setWindowTitle(tr("新建群") if group_id is None else tr("编辑群"))
        self.setMinimumSize(620, 560)
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("和微信里的群名一致，如：茶香福利1群"))
        self.kind = QComboBox()
        for kind in GROUP_KINDS:
            self.kind.addItem(tr(kind), kind)
        self.kind.setCurrentIndex(GROUP_KINDS.index("福利群"))
        self.account = QComboBox()
        fill_account_combo(ctx, self.account, everyone=tr("（不指定）"))
        self.created_on = date_edit()
        self.status = QComboBox()
        for key, label in STATUS_LABELS.items():
            self.status.addItem(tr(label), key)
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout()
        for key, label, widget in (("name", tr("群名称"), self.name), ("kind", tr("类型"), self.kind),
                                   ("account_id", tr("我的微信号"), self.account),
                                   ("created_on", tr("建群日期"), self.created_on), ("status", tr("状态"), self.status)):
            container, self.errors[key] = with_error(widget)
            form.addRow(label, container)
        self.texts: dict[str, QPlainTextEdit] = {}
        tabs = QTabWidget()
        for key, label, hint in TEXT_FIELDS:
            edit = QPlainTextEdit()
            edit.setPlaceholderText(tr(hint))
            self.texts[key] = edit
            tabs.addTab(edit, tr(label))
        tabs.addTab(self._replies_tab(), tr("自动回复"))
        self.error = FieldError()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("群里要发的文字（都可以一键复制）")))
        layout.addWidget(tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if group_id is not None:
            self._load(group_id)
        self.name.setFocus()

    def _replies_tab(self) -> QWidget:
        self.replies = QTableWidget(0, 2)
        self.replies.setHorizontalHeaderLabels([tr("常见问题"), tr("回答")])
        self.replies.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.replies.verticalHeader().hide()
        add = QPushButton(tr("添加一条"))
        add.clicked.connect(lambda: self._add_reply("", ""))
        remove = QPushButton(tr("删除选中"))
        remove.clicked.connect(lambda: self.replies.removeRow(self.replies.currentRow()))
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("群里常被问到的问题，准备好回答，复制即用")))
        row.addStretch(1)
        row.addWidget(add)
        row.addWidget(remove)
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.addLayout(row)
        box.addWidget(self.replies)
        return tab

    def _add_reply(self, question: str, answer: str) -> None:
        row = self.replies.rowCount()
        self.replies.insertRow(row)
        self.replies.setItem(row, 0, QTableWidgetItem(question))
        self.replies.setItem(row, 1, QTableWidgetItem(answer))
        if not question:
            self.replies.setCurrentCell(row, 0)
            self.replies.editItem(self.replies.item(row, 0))

    def _load(self, group_id: int) -> None:
        with self.ctx.session() as session:
            data = GroupInput.of(get_group(session, group_id))
        self.name.setText(data.name)
        self.kind.setCurrentIndex(max(self.kind.findData(data.kind), 0))
        self.account.setCurrentIndex(max(self.account.findData(data.account_id), 0))
        if data.created_on:
            self.created_on.setDate(data.created_on)
        self.status.setCurrentIndex(max(self.status.findData(data.status), 0))
        for key, edit in self.texts.items():
            edit.setPlainText(getattr(data, key))
        for question, answer in data.auto_replies:
            self._add_reply(question, answer)

    def value(self) -> GroupInput:
        replies = []
        for row in range(self.replies.rowCount()):
            cells = [self.replies.item(row, c) for c in (0, 1)]
            replies.append(tuple(cell.text() if cell is not None else "" for cell in cells))
        created: date = qdate(self.created_on)
        return GroupInput(self.name.text(), self.account.currentData(), self.kind.currentData(), created,
                          self.status.currentData(), *(self.texts[k].toPlainText() for k, _l, _h in TEXT_FIELDS),
                          auto_replies=[(q, a) for q, a in replies])

    def save(self) -> None:
        for error in (*self.errors.values(), self.error):
            error.show_message("")
        try:
            with self.ctx.session() as session:
                self.saved_id = save_group(session, self.value(), self.group_id)
        except ValidationError as exc:
            for key, message in exc.fields.items():
                (self.errors.get(key) or self.error).show_message(message)
            if "name" in exc.fields:
                self.name.setFocus()
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()


def edit_hint() -> QLabel:
    label = QLabel(tr("（未填写，点“编辑”补上）"))
    label.setStyleSheet("color: #999;")
    label.setAlignment(Qt.AlignmentFlag.AlignLeft)
    return label
