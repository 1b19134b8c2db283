"""转介绍记录: every referral, filtered by text, method, campaign, reward status and period.

New (Ctrl+N), edit (double-click), move to the 回收站 (Delete, after asking), mark rewards given
for several rows at once, and open a referrer's tree. The list loads off the GUI thread.

Signals:
    changed(list): referrals were added, edited or deleted here (the customers involved).
    tree_requested(int): show this customer's referral tree.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from models.referral import REFERRAL_METHODS, REWARD_STATUSES
from services import campaigns as cp
from services import referrals as rf
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.referrals import common
from ui.referrals.common import (
    PERIODS,
    STATUS_COLORS,
    Col,
    Loader,
    RowsModel,
    day_text,
    make_view,
    selected_rows,
    set_widths,
)
from ui.referrals.dialogs import ReferralDialog
from ui.settings.form import danger_button
from ui.widgets import EmptyState

ANY = "__any__"


def referral_columns() -> list[Col]:
    return [
        Col(tr("日期"), lambda r: day_text(r.referred_on), sort=lambda r: r.referred_on),
        Col(tr("介绍人"), lambda r: r.referrer_name),
        Col(tr("新客户"), lambda r: r.referee_name),
        Col(tr("方式"), lambda r: tr(r.method)),
        Col(tr("活动"), lambda r: r.campaign_name),
        Col(tr("奖励"), lambda r: r.reward_text, sort=lambda r: r.reward_value_cents),
        Col(tr("状态"), lambda r: tr(r.reward_status), color=lambda r: STATUS_COLORS.get(r.reward_status)),
        Col(tr("备注"), lambda r: r.note.replace("\n", " ")),
    ]


class RecordsTab(QWidget):
    changed = Signal(list)
    tree_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loader = Loader(ctx, self)
        self.total = 0  # live referrals in the store (to tell "none yet" from "none match")
        self.search = QLineEdit()
        self.search.setObjectName("referralSearch")
        self.search.setPlaceholderText(tr("搜索介绍人、新客户（姓名、拼音、微信号、手机）、奖励或备注  Ctrl+F"))
        self.search.setClearButtonEnabled(True)
        self.method = QComboBox()
        self.method.addItem(tr("全部方式"), ANY)
        for method in REFERRAL_METHODS:
            self.method.addItem(tr(method), method)
        self.campaign = QComboBox()
        self.status = QComboBox()
        self.status.addItem(tr("全部奖励状态"), ANY)
        for status in REWARD_STATUSES:
            self.status.addItem(tr(status), status)
        self.period = QComboBox()
        for key, label in PERIODS:
            self.period.addItem(tr(label), key)
        self.refresh_campaigns()
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for combo in (self.method, self.campaign, self.status, self.period):
            filters.addWidget(combo, 1)

        self.new_button = QPushButton(tr("记录转介绍"))
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(lambda: self.new_referral())
        self.edit_button = QPushButton(tr("编辑"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.paid_button = QPushButton(tr("标记已发放"))
        self.paid_button.setToolTip(tr("选中的记录（可多选）奖励已经发给介绍人了"))
        self.paid_button.clicked.connect(self.mark_paid)
        self.tree_button = QPushButton(tr("介绍人的转介绍树"))
        self.tree_button.clicked.connect(self._tree_of_selected)
        self.delete_button = danger_button(tr("删除"))
        self.delete_button.setToolTip(tr("移到回收站（Delete）"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.count = QLabel()
        self.count.setObjectName("sectionHint")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.paid_button, self.tree_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.count)

        self.model = RowsModel(referral_columns(), self)
        self.view = make_view(self.model, multi=True, name="referralTable")
        set_widths(self.view, (96, 150, 150, 64, 150, 200, 70))
        self.view.doubleClicked.connect(lambda _index: self.edit_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.empty = EmptyState(
            tr("还没有转介绍记录"),
            tr("老客户介绍来的新朋友都记在这里：谁介绍了谁、用的哪种裂变方式（口碑、拼团、分销……）、"
               "奖励发了没有。\n记下来以后，就能看到谁是最会带人的 KOC、哪个活动最划算。\n\n"
               "也可以在客户详情里点“记录转介绍…”，或从 Excel 导入（介绍人列）。"))
        self.empty.add_button(tr("记录第一条转介绍")).clicked.connect(lambda: self.new_referral())
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.stack, 1)

        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.method, self.campaign, self.status, self.period):
            combo.currentIndexChanged.connect(self.reload)
        self._update_buttons()

    # ---- state -----------------------------------------------------------------------------------

    def save_state(self) -> None:
        self.ctx.ui_state.save_header("referrals.records", self.view.horizontalHeader())

    def restore_state(self) -> None:
        self.ctx.ui_state.restore_header("referrals.records", self.view.horizontalHeader())

    def refresh_campaigns(self) -> None:
        current = self.campaign.currentData()
        self.campaign.blockSignals(True)
        self.campaign.clear()
        self.campaign.addItem(tr("全部活动"), ANY)
        self.campaign.addItem(tr("不属于活动"), rf.NO_CAMPAIGN)
        with self.ctx.session() as session:
            for campaign in cp.list_campaigns(session):
                self.campaign.addItem(campaign.name, campaign.id)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(current)))
        self.campaign.blockSignals(False)

    def show_campaign(self, campaign_id: int) -> None:
        """Filter the list to one campaign (from the 裂变活动 tab)."""
        self.refresh_campaigns()
        self.search.clear()
        for combo in (self.method, self.status, self.period):
            combo.setCurrentIndex(0)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(campaign_id)))
        self.reload()

    # ---- loading -----------------------------------------------------------------------------------

    def _value(self, combo: QComboBox) -> object:
        value = combo.currentData()
        return None if value == ANY else value

    def reload(self) -> None:
        self._timer.stop()
        text, method, campaign = self.search.text(), self._value(self.method), self._value(self.campaign)
        status = self._value(self.status)
        start, end = common.period_range(str(self.period.currentData()))

        def query(session: Session) -> tuple[int, list[rf.ReferralRow]]:
            rows = rf.list_referrals(session, text, method, campaign, status, start, end)  # type: ignore[arg-type]
            return rf.referral_count(session), rows

        self.loader.load(query, self._show)

    def _show(self, result: tuple[int, list[rf.ReferralRow]]) -> None:
        self.total, rows = result
        keep = {r.id for r in selected_rows(self.view, self.model)}
        self.model.set_rows(rows)
        for index, row in enumerate(rows):
            if row.id in keep:
                self.view.selectRow(index)
        self.stack.setCurrentWidget(self.view if self.total else self.empty)
        owed = sum(1 for r in rows if r.reward_status == "待发放")
        self.count.setText(tr("共 {n} 条，{owed} 条奖励待发放", n=len(rows), owed=owed) if rows
                           else tr("没有符合筛选条件的记录") if self.total else "")
        self._update_buttons()

    def selected(self) -> list[rf.ReferralRow]:
        return selected_rows(self.view, self.model)

    def _update_buttons(self) -> None:
        rows = self.selected()
        self.edit_button.setEnabled(len(rows) == 1)
        self.tree_button.setEnabled(len(rows) == 1)
        self.delete_button.setEnabled(bool(rows))
        self.paid_button.setEnabled(any(r.reward_status == "待发放" for r in rows))

    # ---- actions -----------------------------------------------------------------------------------

    def new_referral(self, referrer_id: int | None = None, referee_id: int | None = None) -> None:
        dialog = ReferralDialog(self.ctx, referrer_id=referrer_id, referee_id=referee_id, parent=self)
        if common.run_dialog(dialog) and dialog.saved_id is not None:
            data = dialog.value()
            self.ctx.status_message.emit(tr("已记录转介绍"))
            self.changed.emit([x for x in (data.referrer_id, data.referee_id) if x is not None])

    def edit_selected(self) -> None:
        rows = self.selected()
        if len(rows) != 1:
            return
        row = rows[0]
        dialog = ReferralDialog(self.ctx, row.id, parent=self)
        if common.run_dialog(dialog):
            data = dialog.value()
            self.changed.emit(sorted({row.referrer_id, row.referee_id, data.referrer_id or 0} - {0}))

    def delete_selected(self) -> None:
        rows = self.selected()
        if not rows:
            return
        shown = "、".join(tr("{a}→{b}", a=r.referrer_name, b=r.referee_name) for r in rows[:3])
        more = tr(" 等 {n} 条", n=len(rows)) if len(rows) > 3 else ""
        if not confirm(self, tr("删除转介绍"), tr("把 {rows}{more} 移到回收站吗？\n\n新客户会暂时没有介绍人；在回收站里可以恢复。",
                                             rows=shown, more=more), tr("移到回收站")):
            return
        if self._run(lambda s: rf.trash_referrals(s, [r.id for r in rows])):
            self.ctx.status_message.emit(tr("已移到回收站：{n} 条转介绍", n=len(rows)))
            self.changed.emit(sorted({r.referrer_id for r in rows} | {r.referee_id for r in rows}))

    def mark_paid(self) -> None:
        rows = [r for r in self.selected() if r.reward_status == "待发放"]
        if rows and self._run(lambda s: rf.set_reward_status(s, [r.id for r in rows], "已发放")):
            self.ctx.status_message.emit(tr("已标记 {n} 笔奖励为已发放", n=len(rows)))
            self.changed.emit([])

    def _tree_of_selected(self) -> None:
        rows = self.selected()
        if len(rows) == 1:
            self.tree_requested.emit(rows[0].referrer_id)

    def _run(self, change: object) -> bool:
        assert callable(change)
        try:
            with self.ctx.session() as session:
                change(session)
        except Exception as exc:
            show_error(self, exc)
            return False
        return True
