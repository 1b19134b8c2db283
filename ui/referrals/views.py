"""The 转介绍 page's other tabs: 裂变活动 (campaigns and what each brought), 排行榜 (the KOCs) and
待发放奖励 (rewards still to give). Each loads off the GUI thread and reloads when shown after a change.

Signals (each tab):
    changed(list): something was saved here (the customers involved; empty = none in particular).
    tree_requested(int) / records_requested(int): open a tree / the records of one campaign.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from services import campaigns as cp
from services import referrals as rf
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.referrals import common
from ui.referrals.common import (
    PERIODS,
    Col,
    Loader,
    RowsModel,
    cny,
    day_text,
    make_view,
    percent,
    selected_rows,
    set_widths,
)
from ui.referrals.dialogs import CampaignDialog
from ui.settings.form import danger_button
from ui.widgets import EmptyState


def _run(parent: QWidget, ctx: AppContext, change: object) -> bool:
    assert callable(change)
    try:
        with ctx.session() as session:
            change(session)
    except Exception as exc:
        show_error(parent, exc)
        return False
    return True


# ---- 裂变活动 ------------------------------------------------------------------------------------------

class Tile(QFrame):
    """A number with its label (and a line under it)."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(130)
        self.value = QLabel("—")
        self.value.setStyleSheet("font-size: 22px; font-weight: bold;")
        self.caption = QLabel(label)
        self.caption.setObjectName("sectionHint")
        self.detail = QLabel()
        self.detail.setObjectName("sectionHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)


class CampaignsTab(QWidget):
    changed = Signal(list)
    records_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loader = Loader(ctx, self)
        self.model = RowsModel([
            Col(tr("活动"), lambda r: r[0].name),
            Col(tr("方式"), lambda r: tr(r[0].method)),
            Col(tr("开始"), lambda r: day_text(r[0].starts_on), sort=lambda r: r[0].starts_on),
            Col(tr("结束"), lambda r: day_text(r[0].ends_on), sort=lambda r: r[0].ends_on),
            Col(tr("新客户"), lambda r: str(r[1].new_customers), sort=lambda r: r[1].new_customers, align_right=True),
            Col(tr("已购买"), lambda r: str(r[1].buyers), sort=lambda r: r[1].buyers, align_right=True),
            Col(tr("带来消费"), lambda r: cny(r[1].revenue_cents), sort=lambda r: r[1].revenue_cents, align_right=True),
            Col(tr("成本"), lambda r: cny(r[1].cost_cents), sort=lambda r: r[1].cost_cents, align_right=True),
            Col(tr("获客成本"), lambda r: cny(r[1].cost_per_new_cents), sort=lambda r: r[1].cost_per_new_cents,
                align_right=True),
            Col(tr("待发奖励"), lambda r: _owed(r[1]), sort=lambda r: r[1].rewards_owed_cents),
        ], self)
        self.view = make_view(self.model, name="campaignTable")
        set_widths(self.view, (170, 56, 92, 92, 64, 64, 100, 90, 90))
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._show_stats())
        self.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.new_button = QPushButton(tr("新建活动"))
        self.new_button.clicked.connect(self.new_campaign)
        self.edit_button = QPushButton(tr("编辑"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.records_button = QPushButton(tr("查看这个活动的转介绍"))
        self.records_button.clicked.connect(self._records)
        self.delete_button = danger_button(tr("删除"))
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.records_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.goal = QLabel()
        self.goal.setWordWrap(True)
        self.goal.setTextFormat(Qt.TextFormat.PlainText)
        self.tiles = {key: Tile(label) for key, label in (
            ("new", tr("新客户")), ("buyers", tr("已购买")), ("revenue", tr("带来消费")),
            ("cost", tr("获客成本")), ("owed", tr("待发放奖励")), ("paid", tr("已发放奖励")))}
        grid = QGridLayout()
        grid.setSpacing(10)
        for index, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, index // 3, index % 3)
        panel = QWidget()
        panel.setObjectName("campaignStats")
        column = QVBoxLayout(panel)
        column.setContentsMargins(4, 8, 4, 4)
        column.addWidget(self.title)
        column.addWidget(self.goal)
        column.addLayout(grid)
        column.addStretch(1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(panel)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([220, 380])
        self.empty = EmptyState(
            tr("还没有裂变活动"),
            tr("把一次拉新活动记成“裂变活动”：方式（拼团、积分、口碑……）、起止日期、目标和花了多少钱。\n"
               "记录转介绍时选上活动，这里就会算出每个活动带来多少新客户、多少人下单、获客成本多少、还欠多少奖励。"))
        self.empty.add_button(tr("新建裂变活动")).clicked.connect(self.new_campaign)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.stack, 1)
        self._pending_select: int | None = None
        self._update_buttons()

    def save_state(self) -> None:
        self.ctx.ui_state.save_splitter("referrals.campaigns", self.splitter)
        self.ctx.ui_state.save_header("referrals.campaigns", self.view.horizontalHeader())

    def restore_state(self) -> None:
        self.ctx.ui_state.restore_splitter("referrals.campaigns", self.splitter)
        self.ctx.ui_state.restore_header("referrals.campaigns", self.view.horizontalHeader())

    def reload(self, select_id: int | None = None) -> None:
        current = self.current()
        self._pending_select = select_id if select_id is not None else (current[0].id if current else None)
        self.loader.load(lambda session: (cp.all_campaign_stats(session), cp.campaign_stats(session, None)), self._show)

    def _show(self, result: tuple[list[tuple[cp.Campaign, cp.CampaignStats]], cp.CampaignStats]) -> None:
        rows, self.overall = result
        self.model.set_rows(rows)
        self.stack.setCurrentWidget(self.splitter if rows else self.empty)
        index = next((i for i, r in enumerate(rows) if r[0].id == self._pending_select), 0 if rows else -1)
        if index >= 0:
            self.view.selectRow(index)
        self._show_stats()

    def current(self) -> tuple[cp.Campaign, cp.CampaignStats] | None:
        rows = selected_rows(self.view, self.model)
        return rows[0] if rows else None

    def _show_stats(self) -> None:
        current = self.current()
        self._update_buttons()
        if current is None:
            self.title.setText(tr("全部转介绍"))
            self.goal.setText(tr("选中一个活动，看它带来了什么。"))
            stats = getattr(self, "overall", cp.EMPTY_STATS)
        else:
            campaign, stats = current
            when = " ～ ".join(day_text(d) or tr("未定") for d in (campaign.starts_on, campaign.ends_on))
            self.title.setText(f"{campaign.name}（{tr(campaign.method)}）")
            self.goal.setText("\n".join(x for x in (tr("时间：{when}", when=when),
                                                     tr("目标：{goal}", goal=campaign.goal) if campaign.goal else "",
                                                     campaign.note) if x))
        self.tiles["new"].set(str(stats.new_customers), tr("通过转介绍加进来的"))
        self.tiles["buyers"].set(str(stats.buyers), tr("转化率 {p}", p=percent(stats.conversion)))
        self.tiles["revenue"].set(cny(stats.revenue_cents), tr("这些新客户累计消费"))
        self.tiles["cost"].set(cny(stats.cost_per_new_cents), tr("成本 {c} ÷ 新客户", c=cny(stats.cost_cents)))
        self.tiles["owed"].set(str(stats.rewards_owed), cny(stats.rewards_owed_cents))
        self.tiles["paid"].set(str(stats.rewards_paid), cny(stats.rewards_paid_cents))

    def _update_buttons(self) -> None:
        chosen = self.current() is not None
        for button in (self.edit_button, self.records_button, self.delete_button):
            button.setEnabled(chosen)

    def new_campaign(self) -> None:
        dialog = CampaignDialog(self.ctx, parent=self)
        if common.run_dialog(dialog) and dialog.saved_id is not None:
            self.ctx.status_message.emit(tr("已新建裂变活动：记录转介绍时可以选它"))
            self.reload(dialog.saved_id)
            self.changed.emit([])

    def edit_selected(self) -> None:
        current = self.current()
        if current is not None and common.run_dialog(CampaignDialog(self.ctx, current[0].id, parent=self)):
            self.reload(current[0].id)
            self.changed.emit([])

    def delete_selected(self) -> None:
        current = self.current()
        if current is None:
            return
        campaign, stats = current
        if not confirm(self, tr("删除裂变活动"), tr("把“{name}”移到回收站吗？\n\n它的 {n} 条转介绍记录都保留，只是暂时不显示活动名；"
                                                 "在回收站里可以恢复。", name=campaign.name, n=stats.new_customers),
                       tr("移到回收站")):
            return
        if _run(self, self.ctx, lambda s: cp.trash_campaigns(s, [campaign.id])):
            self.ctx.status_message.emit(tr("已移到回收站：{name}", name=campaign.name))
            self.reload()
            self.changed.emit([])

    def _records(self) -> None:
        current = self.current()
        if current is not None:
            self.records_requested.emit(current[0].id)


def _owed(stats: cp.CampaignStats) -> str:
    return f"{stats.rewards_owed}（{cny(stats.rewards_owed_cents)}）" if stats.rewards_owed else "0"


# ---- 排行榜 -------------------------------------------------------------------------------------------

class LeaderboardTab(QWidget):
    tree_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loader = Loader(ctx, self)
        self.period = QComboBox()
        self.period.setObjectName("leaderPeriod")
        for key, label in PERIODS:
            self.period.addItem(tr(label), key)
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        self.hint = QLabel(tr("按介绍来的新客户数排名，同数时看其中已购买的人数，再看他们带来的消费。双击看TA的转介绍树。"))
        self.hint.setObjectName("sectionHint")
        self.hint.setWordWrap(True)
        self.tree_button = QPushButton(tr("查看转介绍树"))
        self.tree_button.clicked.connect(self._tree)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("时间段")))
        top.addWidget(self.period)
        top.addWidget(self.tree_button)
        top.addWidget(self.hint, 1)
        self.model = RowsModel([
            Col(tr("名次"), lambda r: str(r.rank), sort=lambda r: r.rank, align_right=True),
            Col(tr("介绍人"), lambda r: r.name),
            Col(tr("介绍了"), lambda r: str(r.referred), sort=lambda r: r.referred, align_right=True),
            Col(tr("已购买"), lambda r: str(r.buyers), sort=lambda r: r.buyers, align_right=True),
            Col(tr("转化率"), lambda r: percent(r.conversion), sort=lambda r: r.conversion, align_right=True),
            Col(tr("带来消费"), lambda r: cny(r.revenue_cents), sort=lambda r: r.revenue_cents, align_right=True),
            Col(tr("本人消费"), lambda r: cny(r.own_spent_cents), sort=lambda r: r.own_spent_cents, align_right=True),
            Col(tr("忠诚类型"), lambda r: tr(r.loyalty_type or "未归类")),
            Col(tr("最近一次介绍"), lambda r: day_text(r.last_referred_on), sort=lambda r: r.last_referred_on),
        ], self)
        self.view = make_view(self.model, name="leaderTable")
        set_widths(self.view, (56, 180, 70, 70, 70, 110, 110, 80))
        self.view.doubleClicked.connect(lambda _i: self._tree())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.empty = EmptyState(tr("排行榜还是空的"), tr("记录转介绍后，这里按带来的新客户、成交人数和消费给介绍人排名——"
                                                   "排在前面的就是值得重点维护的 KOC。"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        self._update_buttons()

    def save_state(self) -> None:
        self.ctx.ui_state.save_header("referrals.leaderboard", self.view.horizontalHeader())
        self.ctx.ui_state.set_value("referrals/period", self.period.currentData())

    def restore_state(self) -> None:
        self.ctx.ui_state.restore_header("referrals.leaderboard", self.view.horizontalHeader())
        index = self.period.findData(self.ctx.ui_state.value("referrals/period", "all"))
        self.period.blockSignals(True)
        self.period.setCurrentIndex(max(0, index))
        self.period.blockSignals(False)

    def reload(self) -> None:
        start, end = common.period_range(str(self.period.currentData()))
        self.loader.load(lambda session: rf.leaderboard(session, start, end, limit=200), self._show)

    def _show(self, rows: list[rf.LeaderRow]) -> None:
        self.model.set_rows(rows)
        self.stack.setCurrentWidget(self.view if rows or self.period.currentData() != "all" else self.empty)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.tree_button.setEnabled(bool(selected_rows(self.view, self.model)))

    def _tree(self) -> None:
        rows = selected_rows(self.view, self.model)
        if rows:
            self.tree_requested.emit(rows[0].customer_id)


# ---- 待发放奖励 ------------------------------------------------------------------------------------------

class RewardsTab(QWidget):
    changed = Signal(list)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loader = Loader(ctx, self)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.paid_button = QPushButton(tr("标记已发放"))
        self.paid_button.setObjectName("rewardsPaid")
        self.paid_button.clicked.connect(self.mark_paid)
        self.all_button = QPushButton(tr("全选"))
        self.all_button.clicked.connect(lambda: self.view.selectAll())
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.all_button)
        top.addWidget(self.paid_button)
        self.model = RowsModel([
            Col(tr("介绍日期"), lambda r: day_text(r.referred_on), sort=lambda r: r.referred_on),
            Col(tr("介绍人"), lambda r: r.referrer_name),
            Col(tr("新客户"), lambda r: r.referee_name),
            Col(tr("方式"), lambda r: tr(r.method)),
            Col(tr("活动"), lambda r: r.campaign_name),
            Col(tr("奖励类型"), lambda r: tr(r.reward_kind) if r.reward_kind else ""),
            Col(tr("金额"), lambda r: cny(r.reward_value_cents) if r.reward_value_cents else "",
                sort=lambda r: r.reward_value_cents, align_right=True),
            Col(tr("奖励说明"), lambda r: r.reward),
        ], self)
        self.view = make_view(self.model, multi=True, name="rewardsTable")
        set_widths(self.view, (96, 150, 150, 64, 150, 80, 90))
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.empty = EmptyState(tr("奖励都发完了"), tr("记录转介绍时写了奖励、状态为“待发放”的，会列在这里，发了以后标记一下，"
                                                 "介绍人的心意不会被忘记。"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        self._update_buttons()

    def save_state(self) -> None:
        self.ctx.ui_state.save_header("referrals.rewards", self.view.horizontalHeader())

    def restore_state(self) -> None:
        self.ctx.ui_state.restore_header("referrals.rewards", self.view.horizontalHeader())

    def reload(self) -> None:
        self.loader.load(rf.rewards_owed, self._show)

    def _show(self, rows: list[rf.ReferralRow]) -> None:
        self.model.set_rows(rows)
        self.stack.setCurrentWidget(self.view if rows else self.empty)
        people = len({r.referrer_id for r in rows})
        self.summary.setText(tr("<b>{n}</b> 笔奖励待发放，欠 <b>{p}</b> 位介绍人，合计 <b>{total}</b>（未写金额的不计）",
                                n=len(rows), p=people, total=html.escape(cny(rf.owed_total(rows)))) if rows else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.paid_button.setEnabled(bool(selected_rows(self.view, self.model)))
        self.all_button.setEnabled(bool(self.model.rows))

    def mark_paid(self) -> None:
        rows = selected_rows(self.view, self.model)
        if rows and _run(self, self.ctx, lambda s: rf.set_reward_status(s, [r.id for r in rows], "已发放")):
            self.ctx.status_message.emit(tr("已标记 {n} 笔奖励为已发放", n=len(rows)))
            self.reload()
            self.changed.emit([])
