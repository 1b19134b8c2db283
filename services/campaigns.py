"""裂变活动: referral drives with a method, dates, a goal and a cost — and what each brought.

    campaign_id = create_campaign(session, "春茶拼团", method="拼团", starts_on=…, ends_on=…, cost_cents=80000)
    stats = campaign_stats(session, campaign_id)    # new customers, buyers, revenue, cost per new …

A campaign's new customers are the live referrals that name it; their buyers and revenue come from
those customers' stored totals (everything they have bought). Deleting moves a campaign to the 回收站
(its referrals keep pointing at it and show it again once restored); deleting it for good leaves
the referrals without a campaign.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import Session, aliased

from models import Campaign, Customer, Referral
from models.referral import REFERRAL_METHODS
from services.errors import NotFoundError, ValidationError
from services.i18n import t
from services.sqlutil import chunks
from services.text import fold

MAX_NAME = 100


@dataclass(frozen=True)
class CampaignInput:
    name: str = ""
    method: str = "口碑"
    starts_on: date | None = None
    ends_on: date | None = None
    goal: str = ""
    cost_cents: int = 0
    note: str = ""

    @classmethod
    def of(cls, campaign: Campaign) -> CampaignInput:
        return cls(**{f.name: getattr(campaign, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class CampaignStats:
    """What a campaign (or all referrals, for campaign_id None) brought and still owes."""

    new_customers: int
    buyers: int
    revenue_cents: int
    cost_cents: int
    rewards_owed: int  # referrals whose reward is 待发放
    rewards_owed_cents: int
    rewards_paid: int
    rewards_paid_cents: int

    @property
    def cost_per_new_cents(self) -> int | None:
        """Cost per new customer (None without new customers)."""
        return round(self.cost_cents / self.new_customers) if self.new_customers else None

    @property
    def conversion(self) -> float | None:
        return self.buyers / self.new_customers if self.new_customers else None


EMPTY_STATS = CampaignStats(0, 0, 0, 0, 0, 0, 0, 0)


def _clean(session: Session, data: CampaignInput, campaign_id: int | None) -> CampaignInput:
    data = replace(data, name=fold(data.name), goal=data.goal.strip(), note=data.note.strip())
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = t("请填写活动名称")
    elif len(data.name) > MAX_NAME:
        errors["name"] = t("活动名称最多 {n} 个字", n=MAX_NAME)
    else:
        same = session.scalar(select(Campaign).where(Campaign.name == data.name, Campaign.id != (campaign_id or 0)))
        if same is not None:
            errors["name"] = (t("回收站里已有叫“{name}”的活动，可以先恢复它", name=data.name) if same.deleted_at
                              else t("已经有叫“{name}”的活动了", name=data.name))
    if data.method not in REFERRAL_METHODS:
        errors["method"] = t("方式“{m}”不对，只能是：{all}", m=data.method, all="、".join(REFERRAL_METHODS))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors["ends_on"] = t("结束日期 {end} 早于开始日期 {start}", end=data.ends_on, start=data.starts_on)
    if data.cost_cents < 0:
        errors["cost_cents"] = t("成本不能是负数")
    if errors:
        raise ValidationError(errors)
    return data


def create_campaign(session: Session, name: str, method: str = "口碑", starts_on: date | None = None,
                    ends_on: date | None = None, goal: str = "", cost_cents: int = 0, note: str = "") -> int:
    return save_campaign(session, CampaignInput(name, method, starts_on, ends_on, goal, cost_cents, note))


def save_campaign(session: Session, data: CampaignInput, campaign_id: int | None = None) -> int:
    """Create (campaign_id None) or update after checking; commits; returns the id."""
    data = _clean(session, data, campaign_id)
    if campaign_id is None:
        campaign = Campaign(**{f.name: getattr(data, f.name) for f in fields(data)})
        session.add(campaign)
    else:
        campaign = get_campaign(session, campaign_id)
        for f in fields(data):
            setattr(campaign, f.name, getattr(data, f.name))
    session.commit()
    return campaign.id


def update_campaign(session: Session, campaign_id: int, **changes: Any) -> int:
    """Change some fields (the names of create_campaign's arguments)."""
    return save_campaign(session, replace(CampaignInput.of(get_campaign(session, campaign_id)), **changes),
                         campaign_id)


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.deleted_at is not None:
        raise NotFoundError(t("这个裂变活动已不存在（可能在回收站里）"))
    return campaign


def list_campaigns(session: Session) -> list[Campaign]:
    """Live campaigns, the newest (by start date) first."""
    return list(session.scalars(select(Campaign).where(Campaign.deleted_at.is_(None))
                                .order_by(Campaign.starts_on.desc().nulls_last(), Campaign.id.desc())))


def campaign_name_map(session: Session) -> dict[str, int]:
    """Live campaign name → id (for imports)."""
    return {name: cid for cid, name in session.execute(
        select(Campaign.id, Campaign.name).where(Campaign.deleted_at.is_(None)))}


# ---- what they brought ----------------------------------------------------------------------------

def _stats_query(*keys: Any, start: date | None = None, end: date | None = None) -> Any:
    """SELECT keys…, new customers, buyers, revenue, owed (n, ￥), paid (n, ￥) over live referrals."""
    referee = aliased(Customer)
    owed, paid = Referral.reward_status == "待发放", Referral.reward_status == "已发放"
    statement = (
        select(*keys, func.count(), func.sum(case((referee.purchase_count > 0, 1), else_=0)),
               func.sum(referee.total_spent_cents),
               func.sum(case((owed, 1), else_=0)), func.sum(case((owed, Referral.reward_value_cents), else_=0)),
               func.sum(case((paid, 1), else_=0)), func.sum(case((paid, Referral.reward_value_cents), else_=0)))
        .join(referee, referee.id == Referral.referee_id)
        .where(Referral.deleted_at.is_(None), referee.deleted_at.is_(None)))
    if start is not None:
        statement = statement.where(Referral.referred_on >= start)
    if end is not None:
        statement = statement.where(Referral.referred_on <= end)
    return statement


def _stats(sums: Any, cost: int) -> CampaignStats:
    n, buyers, revenue, owed, owed_cents, paid, paid_cents = (int(x or 0) for x in sums)
    return CampaignStats(n, buyers, revenue, cost, owed, owed_cents, paid, paid_cents)


def campaign_stats(session: Session, campaign_id: int | None) -> CampaignStats:
    """One campaign's numbers; for None, every live referral's (and the cost of all live campaigns)."""
    statement = _stats_query()
    if campaign_id is not None:
        cost = get_campaign(session, campaign_id).cost_cents
        statement = statement.where(Referral.campaign_id == campaign_id)
    else:
        cost = int(session.scalar(select(func.coalesce(func.sum(Campaign.cost_cents), 0))
                                  .where(Campaign.deleted_at.is_(None))) or 0)
    return _stats(session.execute(statement).one(), cost)


def all_campaign_stats(session: Session, start: date | None = None,
                       end: date | None = None) -> list[tuple[Campaign, CampaignStats]]:
    """Every live campaign with its numbers, in one grouped query (start/end bound the 介绍日期)."""
    campaigns = list_campaigns(session)
    grouped = {row[0]: row[1:] for row in session.execute(
        _stats_query(Referral.campaign_id, start=start, end=end)
        .where(Referral.campaign_id.is_not(None)).group_by(Referral.campaign_id))}
    return [(c, _stats(grouped[c.id], c.cost_cents) if c.id in grouped else replace(EMPTY_STATS, cost_cents=c.cost_cents))
            for c in campaigns]


# ---- 回收站 --------------------------------------------------------------------------------------

def trash_campaigns(session: Session, campaign_ids: list[int]) -> int:
    changed = 0
    for chunk in chunks(sorted(set(campaign_ids))):
        result = session.execute(update(Campaign).where(Campaign.id.in_(chunk), Campaign.deleted_at.is_(None))
                                 .values(deleted_at=datetime.now()))
        changed += int(result.rowcount)  # type: ignore[attr-defined]
    session.commit()
    return changed


def restore_campaigns(session: Session, campaign_ids: list[int]) -> int:
    changed = 0
    for chunk in chunks(sorted(set(campaign_ids))):
        result = session.execute(update(Campaign).where(Campaign.id.in_(chunk), Campaign.deleted_at.is_not(None))
                                 .values(deleted_at=None))
        changed += int(result.rowcount)  # type: ignore[attr-defined]
    session.commit()
    return changed


def purge_campaigns(session: Session, campaign_ids: list[int] | None = None) -> int:
    """Delete campaigns in the 回收站 for good; their referrals stay, without a campaign."""
    removed = 0
    for chunk in [None] if campaign_ids is None else chunks(sorted(set(campaign_ids))):
        trashed = select(Campaign.id).where(Campaign.deleted_at.is_not(None))
        if chunk is not None:
            trashed = trashed.where(Campaign.id.in_(chunk))
        session.execute(update(Referral).where(Referral.campaign_id.in_(trashed)).values(campaign_id=None))
        statement = delete(Campaign).where(Campaign.deleted_at.is_not(None))
        if chunk is not None:
            statement = statement.where(Campaign.id.in_(chunk))
        removed += int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
    session.commit()
    return removed


@dataclass(frozen=True)
class TrashedCampaign:
    id: int
    name: str
    method: str
    starts_on: date | None
    ends_on: date | None
    deleted_at: datetime


def list_trashed_campaigns(session: Session) -> list[TrashedCampaign]:
    return [TrashedCampaign(c.id, c.name, c.method, c.starts_on, c.ends_on, c.deleted_at or datetime.min)
            for c in session.scalars(select(Campaign).where(Campaign.deleted_at.is_not(None))
                                     .order_by(Campaign.deleted_at.desc()))]


def trashed_campaign_entries(session: Session) -> list[tuple[int, str, str, datetime]]:
    """For the 回收站 page (services.trash.PAGE_SOURCES): (id, name, summary, deleted_at)."""
    entries = []
    for c in list_trashed_campaigns(session):
        when = " ～ ".join(d.isoformat() if d else "…" for d in (c.starts_on, c.ends_on))
        entries.append((c.id, c.name, t("裂变活动（{method}）{when}", method=t(c.method), when=when), c.deleted_at))
    return entries
