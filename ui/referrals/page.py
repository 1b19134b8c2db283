"""转介绍: who brought whom — the records, the campaigns, the KOC leaderboard and the rewards still owed.

Ctrl+N logs a referral (a new campaign on the 裂变活动 tab), Ctrl+F goes to the search box, Delete
moves the selected referrals to the 回收站 after asking. Tabs reload when shown after a change made
elsewhere (a referral logged from a customer's detail, an import, the 回收站).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.i18n import tr
from ui.referrals.records import RecordsTab
from ui.referrals.tree import ReferralTreeDialog
from ui.referrals.views import CampaignsTab, LeaderboardTab, RewardsTab

TABS = ("records", "campaigns", "leaderboard", "rewards")


class ReferralsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.records = RecordsTab(ctx)
        self.campaigns = CampaignsTab(ctx)
        self.leaderboard = LeaderboardTab(ctx)
        self.rewards = RewardsTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("referralTabs")
        for widget, label in ((self.records, tr("转介绍记录")), (self.campaigns, tr("裂变活动")),
                              (self.leaderboard, tr("排行榜")), (self.rewards, tr("待发放奖励"))):
            self.tabs.addTab(widget, label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._stale = set(TABS)
        self._emitting = False

        for part in (self.records, self.campaigns, self.rewards):
            part.changed.connect(self._changed_here)
        self.records.tree_requested.connect(self.show_tree)
        self.leaderboard.tree_requested.connect(self.show_tree)
        self.campaigns.records_requested.connect(self._campaign_records)
        ctx.customers_changed.connect(self._changed_elsewhere)

        new_action = QAction(self)
        new_action.setShortcut(QKeySequence.StandardKey.New)
        new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_action.triggered.connect(self.new_thing)
        self.addAction(new_action)
        find_action = QAction(self)
        find_action.setShortcut(QKeySequence.StandardKey.Find)
        find_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find_action.triggered.connect(self.focus_search)
        self.addAction(find_action)
        delete_action = QAction(self.records.view)
        delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_action.triggered.connect(self.records.delete_selected)
        self.records.view.addAction(delete_action)

        for part in (self.records, self.campaigns, self.leaderboard, self.rewards):
            part.restore_state()
        tab = ctx.ui_state.value("referrals/tab", 0)
        self.tabs.setCurrentIndex(int(tab) if str(tab).isdigit() and int(tab) < len(TABS) else 0)
        self.tabs.currentChanged.connect(lambda _i: self._load_current())

    # ---- state -----------------------------------------------------------------------------------

    def save_state(self) -> None:
        self.ctx.ui_state.set_value("referrals/tab", self.tabs.currentIndex())
        for part in (self.records, self.campaigns, self.leaderboard, self.rewards):
            part.save_state()

    def activate(self) -> None:
        self._load_current()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._load_current()

    def show_tab(self, key: str) -> QWidget:
        self.tabs.setCurrentIndex(TABS.index(key))
        return self.tabs.currentWidget()

    def _load_current(self) -> None:
        key = TABS[self.tabs.currentIndex()]
        if key not in self._stale:
            return
        self._stale.discard(key)
        if key == "records":
            self.records.refresh_campaigns()
        getattr(self, key).reload()

    # ---- changes ---------------------------------------------------------------------------------

    def _changed_here(self, customer_ids: list[int]) -> None:
        """A tab saved something: every tab is stale, the shown one reloads now; the customers involved
        are told (their 介绍人 line, and the referrer's 忠实型)."""
        self._stale = set(TABS)
        self._load_current()
        if customer_ids:
            self._emitting = True
            try:
                self.ctx.customers_changed.emit(customer_ids)
            finally:
                self._emitting = False

    def _changed_elsewhere(self, _ids: list[int]) -> None:
        if self._emitting:
            return
        self._stale = set(TABS)
        if self.isVisible():
            self._load_current()

    # ---- actions ---------------------------------------------------------------------------------

    def new_thing(self) -> None:
        if TABS[self.tabs.currentIndex()] == "campaigns":
            self.campaigns.new_campaign()
        else:
            self.new_referral()

    def new_referral(self, referrer_id: int | None = None, referee_id: int | None = None) -> None:
        self.records.new_referral(referrer_id, referee_id)

    def focus_search(self) -> None:
        self.show_tab("records")
        self.records.search.setFocus()
        self.records.search.selectAll()

    def show_tree(self, customer_id: int) -> ReferralTreeDialog | None:
        return ReferralTreeDialog.open_for(self.ctx, customer_id, self.window())

    def _campaign_records(self, campaign_id: int) -> None:
        self.tabs.blockSignals(True)
        self.show_tab("records")
        self.tabs.blockSignals(False)
        self._stale.discard("records")
        self.records.show_campaign(campaign_id)
