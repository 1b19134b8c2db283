"""社群打卡…: pick a group and a day, tick the members who checked in; each earns the check-in points
once per group and day (services.checkins). Members already checked in that day are shown ticked and
greyed; the ledger shows the entries as "社群打卡 · <group>".

Signals:
    recorded(list): the customers who earned points (their ids).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services import checkins, settings_store
from services import points as pts
from services.errors import UserError
from services.groups import list_groups
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr


class CheckinDialog(QDialog):
    recorded = Signal(list)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, group_id: int | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.members: list[checkins.CheckinMember] = []
        self.setWindowTitle(tr("社群打卡"))
        self.setMinimumSize(440, 520)
        with ctx.session() as session:
            groups = list_groups(session, status="active")
            self.points = settings_store.get(session, pts.CHECKIN_POINTS)
        self.group = QComboBox()
        self.group.setObjectName("checkinGroup")
        for g in groups:
            self.group.addItem(tr("{name}（{n} 人）", name=g.name, n=g.members), g.id)
        if group_id is not None and self.group.findData(group_id) >= 0:
            self.group.setCurrentIndex(self.group.findData(group_id))
        self.day = QDateEdit(QDate(date.today()))
        self.day.setObjectName("checkinDay")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(QDate(date.today()))
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("如 早打卡（可不填）"))
        self.list = QListWidget()
        self.list.setObjectName("checkinMembers")
        self.summary = QLabel()
        self.summary.setObjectName("checkinSummary")
        self.summary.setWordWrap(True)
        all_button = QPushButton(tr("全选"))
        all_button.clicked.connect(lambda: self.set_all(True))
        none_button = QPushButton(tr("全不选"))
        none_button.clicked.connect(lambda: self.set_all(False))
        form = QFormLayout()
        form.addRow(tr("群"), self.group)
        form.addRow(tr("日期"), self.day)
        form.addRow(tr("备注"), self.note)
        pick = QHBoxLayout()
        pick.addWidget(QLabel(tr("勾选打卡的群成员：")), 1)
        pick.addWidget(all_button)
        pick.addWidget(none_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(tr("记打卡"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not groups:
            layout.addWidget(QLabel(tr("还没有运营中的群：先到“社群”页建群、添加群成员。")))
        layout.addLayout(form)
        layout.addLayout(pick)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.group.currentIndexChanged.connect(lambda _i: self.load())
        self.day.dateChanged.connect(lambda _d: self.load())
        self.list.itemChanged.connect(lambda _item: self._update_summary())
        self.load()

    def load(self) -> None:
        """The chosen group's members on the chosen day, those already checked in ticked and greyed."""
        self.list.blockSignals(True)
        self.list.clear()
        self.members = []
        group_id = self.group.currentData()
        if group_id is not None:
            try:
                with self.ctx.session() as session:
                    self.members = checkins.checkin_members(session, group_id, self.day.date().toPython())  # type: ignore[arg-type]
            except UserError as exc:
                show_error(self, exc)
        for member in self.members:
            item = QListWidgetItem(member.name)
            item.setData(Qt.ItemDataRole.UserRole, member.customer_id)
            if member.checked_in:
                item.setText(tr("{name}（已打卡）", name=member.name))
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable)  # shown, not changeable
                item.setCheckState(Qt.CheckState.Checked)
            else:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._update_summary()

    def set_all(self, checked: bool) -> None:
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.flags() & Qt.ItemFlag.ItemIsEnabled:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self._update_summary()

    def chosen(self) -> list[int]:
        """The ticked members not checked in yet."""
        return [int(item.data(Qt.ItemDataRole.UserRole)) for item in map(self.list.item, range(self.list.count()))
                if item.flags() & Qt.ItemFlag.ItemIsEnabled and item.checkState() == Qt.CheckState.Checked]

    def _update_summary(self) -> None:
        n = len(self.chosen())
        done = sum(1 for m in self.members if m.checked_in)
        if not self.members:
            text = tr("这个群在这一天还没有群成员。") if self.group.count() else ""
        elif self.points <= 0:
            text = tr("社群打卡积分现在是 0 分：先在“积分规则…”里设置打卡一次得多少分。")
        else:
            text = tr("每人 +{p} 分，每个群每天只记一次。已勾选 {n} 位", p=self.points, n=n)
            if done:
                text += tr("；{d} 位这天已打卡", d=done)
        self.summary.setText(text)
        self.save_button.setEnabled(n > 0 and self.points > 0)

    def save(self) -> None:
        chosen = self.chosen()
        try:
            with self.ctx.session() as session:
                result = checkins.record_checkins(session, self.group.currentData(), chosen,
                                                  self.day.date().toPython(), self.note.text())  # type: ignore[arg-type]
        except Exception as exc:  # a UserError (non-member, a day ahead, 0 points) is told in one line
            show_error(self, exc)
            return
        self.ctx.status_message.emit(tr("已为 {n} 位群成员记打卡，每人 +{p} 分", n=result.added, p=result.points))
        self.recorded.emit(chosen)
        self.accept()
