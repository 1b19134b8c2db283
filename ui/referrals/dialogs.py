"""Logging a referral and editing a campaign.

    ReferralDialog(ctx, referral_id=None, referrer_id=None, referee_id=None)   # new, or edit one
    CampaignDialog(ctx, campaign_id=None)

Both save through the services in one session. A field's problem is shown under it; a refused link
(a second 介绍人, or a loop A → B → … → A) is also told in a message box, naming the chain.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)
from sqlalchemy.orm import Session

from models import Campaign, Customer
from models.referral import REFERRAL_METHODS, REWARD_KINDS, REWARD_STATUSES
from services import campaigns as cp
from services import referrals as rf
from ui.context import AppContext
from ui.i18n import tr
from ui.library.picker import CustomerChooser
from ui.referrals.common import METHOD_HINTS
from ui.settings.form import FormDialog

LINK_FIELDS = ("referrer_id", "referee_id")


def _date_edit(day: date | None, *, optional: bool = False) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if optional:
        edit.setMinimumDate(QDate(2000, 1, 1))
        edit.setSpecialValueText(tr("不限"))
        edit.setDate(QDate(day) if day else edit.minimumDate())
    else:
        edit.setDate(QDate(day or date.today()))
    return edit


def _day(edit: QDateEdit) -> date | None:
    if edit.specialValueText() and edit.date() == edit.minimumDate():
        return None
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value


def method_combo() -> QComboBox:
    combo = QComboBox()
    for index, method in enumerate(REFERRAL_METHODS):
        combo.addItem(tr(method), method)
        combo.setItemData(index, tr(METHOD_HINTS[method]), Qt.ItemDataRole.ToolTipRole)
    return combo


class ReferralDialog(FormDialog):
    """记录转介绍 / 编辑转介绍: who brought whom, when, how, in which campaign, and the reward."""

    refusal_field = "referrer_id"

    def __init__(self, ctx: AppContext, referral_id: int | None = None, *, referrer_id: int | None = None,
                 referee_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("编辑转介绍") if referral_id else tr("记录转介绍"), parent)
        self.setObjectName("referralDialog")
        self.setMinimumWidth(520)
        self.referral_id = referral_id
        self.saved_id: int | None = None
        self.referrer = self.add_field("referrer_id", tr("介绍人"),
                                       CustomerChooser(ctx, placeholder=tr("搜索老客户：姓名、拼音首字母、微信号或手机"), hint="", prefix=""))
        self.referee = self.add_field("referee_id", tr("新客户"),
                                      CustomerChooser(ctx, placeholder=tr("搜索被介绍来的新客户"), hint="", prefix=""))
        self.referred_on = self.add_field("referred_on", tr("介绍日期"), _date_edit(date.today()))
        self.campaign = self.add_field("campaign_id", tr("裂变活动"), QComboBox())
        self.method = self.add_field("method", tr("裂变方式"), method_combo())
        self.reward_kind = QComboBox()
        self.reward_kind.addItem(tr("无奖励"), "")
        for kind in REWARD_KINDS:
            self.reward_kind.addItem(tr(kind), kind)
        self.reward_value = QDoubleSpinBox()
        self.reward_value.setRange(0, 1_000_000)
        self.reward_value.setDecimals(2)
        self.reward_value.setPrefix("¥ ")
        self.reward_value.setToolTip(tr("奖励值多少钱（积分、礼品也可以折算成钱，方便算活动成本）"))
        kind_row = QWidget()
        row = QHBoxLayout(kind_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.reward_kind, 1)
        row.addWidget(self.reward_value, 1)
        self.add_field("reward_kind", tr("奖励"), kind_row)
        self.errors["reward_value_cents"] = self.errors["reward_kind"]
        self.reward = self.add_field("reward", tr("奖励说明"), QLineEdit())
        self.reward.setPlaceholderText(tr("如：50g 老白茶茶样、满300减30券"))
        self.status = self.add_field("reward_status", tr("发放状态"), QComboBox())
        for status in REWARD_STATUSES:
            self.status.addItem(tr(status), status)
        self.note = self.add_field("note", tr("备注"), QPlainTextEdit())
        self.note.setFixedHeight(60)
        self._campaign_methods: dict[int, str] = {}
        self._fill_campaigns()
        self.campaign.currentIndexChanged.connect(self._campaign_chosen)
        self.reward_kind.currentIndexChanged.connect(self._reward_changed)
        self.reward_value.valueChanged.connect(self._reward_changed)
        self._load(referral_id, referrer_id, referee_id)

    def _fill_campaigns(self) -> None:
        self.campaign.addItem(tr("不属于活动"), None)
        with self.ctx.session() as session:
            for campaign in cp.list_campaigns(session):
                self.campaign.addItem(campaign.name, campaign.id)
                self._campaign_methods[campaign.id] = campaign.method

    def _load(self, referral_id: int | None, referrer_id: int | None, referee_id: int | None) -> None:
        with self.ctx.session() as session:
            data = (rf.ReferralInput.of(rf.get_referral(session, referral_id)) if referral_id
                    else rf.ReferralInput(referrer_id=referrer_id, referee_id=referee_id))
            names = {cid: c.display_name for cid in (data.referrer_id, data.referee_id)
                     if cid is not None and (c := session.get(Customer, cid)) is not None}
            if data.campaign_id is not None and self.campaign.findData(data.campaign_id) < 0:
                campaign = session.get(Campaign, data.campaign_id)  # in the 回收站: still shown
                if campaign is not None:
                    self.campaign.addItem(campaign.name, campaign.id)
        for field, cid in ((self.referrer, data.referrer_id), (self.referee, data.referee_id)):
            if cid is not None:
                field.set_customer(cid, names.get(cid, ""))
        self.referred_on.setDate(QDate(data.referred_on or date.today()))
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(data.campaign_id)))
        self.method.setCurrentIndex(max(0, self.method.findData(data.method)))
        self.reward_kind.setCurrentIndex(max(0, self.reward_kind.findData(data.reward_kind)))
        self.reward_value.setValue(data.reward_value_cents / 100)
        self.reward.setText(data.reward)
        self.status.setCurrentIndex(max(0, self.status.findData(data.reward_status)))
        self.note.setPlainText(data.note)
        if data.referrer_id is None:
            self.referrer.search.setFocus()
        elif data.referee_id is None:
            self.referee.search.setFocus()

    def _campaign_chosen(self) -> None:
        method = self._campaign_methods.get(self.campaign.currentData())
        if method:
            self.method.setCurrentIndex(max(0, self.method.findData(method)))

    def _reward_changed(self) -> None:
        """A reward with no status yet is one still to give."""
        has_reward = bool(self.reward_kind.currentData()) or self.reward_value.value() > 0
        if has_reward and self.status.currentData() == "无":
            self.status.setCurrentIndex(self.status.findData("待发放"))

    def value(self) -> rf.ReferralInput:
        return rf.ReferralInput(
            referrer_id=self.referrer.customer_id, referee_id=self.referee.customer_id,
            referred_on=_day(self.referred_on), method=self.method.currentData(),
            campaign_id=self.campaign.currentData(), reward_kind=self.reward_kind.currentData(),
            reward_value_cents=round(self.reward_value.value() * 100), reward_status=self.status.currentData(),
            reward=self.reward.text(), note=self.note.toPlainText())

    def save(self, session: Session) -> None:
        self.saved_id = rf.save_referral(session, self.value(), self.referral_id)

    def show_field_errors(self, fields: dict[str, str]) -> None:
        super().show_field_errors(fields)
        chosen = self.referrer.customer_id is not None and self.referee.customer_id is not None
        link = [fields[k] for k in LINK_FIELDS if k in fields]
        if chosen and link:  # a second 介绍人 or a loop: worth a box, not only a red line
            QMessageBox.warning(self, tr("不能这样记录"), "\n".join(link))


class CampaignDialog(FormDialog):
    """新建 / 编辑裂变活动."""

    def __init__(self, ctx: AppContext, campaign_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("编辑裂变活动") if campaign_id else tr("新建裂变活动"), parent)
        self.setObjectName("campaignDialog")
        self.setMinimumWidth(480)
        self.campaign_id = campaign_id
        self.saved_id: int | None = None
        self.name = self.add_field("name", tr("活动名称"), QLineEdit())
        self.name.setPlaceholderText(tr("如：老带新·送茶样"))
        self.method = self.add_field("method", tr("裂变方式"), method_combo())
        self.starts_on = self.add_field("starts_on", tr("开始日期"), _date_edit(None, optional=True))
        self.ends_on = self.add_field("ends_on", tr("结束日期"), _date_edit(None, optional=True))
        self.goal = self.add_field("goal", tr("目标"), QPlainTextEdit())
        self.goal.setPlaceholderText(tr("如：老客每介绍 1 位新朋友送茶样，目标 80 位新客"))
        self.goal.setFixedHeight(60)
        self.cost = self.add_field("cost_cents", tr("成本"), QDoubleSpinBox())
        self.cost.setRange(0, 100_000_000)
        self.cost.setDecimals(2)
        self.cost.setPrefix("¥ ")
        self.cost.setToolTip(tr("这次活动花的钱：奖品、物料、广告……用来算获客成本"))
        self.note = self.add_field("note", tr("备注"), QLineEdit())
        if campaign_id is not None:
            with ctx.session() as session:
                data = cp.CampaignInput.of(cp.get_campaign(session, campaign_id))
            self.name.setText(data.name)
            self.method.setCurrentIndex(max(0, self.method.findData(data.method)))
            for edit, day in ((self.starts_on, data.starts_on), (self.ends_on, data.ends_on)):
                edit.setDate(QDate(day) if day else edit.minimumDate())
            self.goal.setPlainText(data.goal)
            self.cost.setValue(data.cost_cents / 100)
            self.note.setText(data.note)
        else:
            self.starts_on.setDate(QDate(date.today()))

    def value(self) -> cp.CampaignInput:
        return cp.CampaignInput(name=self.name.text(), method=self.method.currentData(),
                                starts_on=_day(self.starts_on), ends_on=_day(self.ends_on),
                                goal=self.goal.toPlainText(), cost_cents=round(self.cost.value() * 100),
                                note=self.note.text())

    def save(self, session: Session) -> None:
        self.saved_id = cp.save_campaign(session, self.value(), self.campaign_id)
