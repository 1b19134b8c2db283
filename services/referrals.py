"""转介绍: who brought whom — logging, checking, listing, rewards and the 回收站.

    referral_id = log_referral(session, referrer_id=1, referee_id=2, method="拼团", reward_kind="红包",
                               reward_value_cents=5000, reward_status="待发放")
    referral_of(session, 2)          # → the referral that brought customer 2 (or None)
    set_reward_status(session, [referral_id], "已发放")

Rules: a customer has at most one 介绍人 (the referee column is unique); nobody refers themselves;
no cycles (A brought B brought … brought A). A referral in the 回收站 still holds its referee's row
(the unique column), so logging a new referral for that customer deletes the trashed one for good —
"trash frees the referee". Every change refreshes the layers of the referrers it touches (忠实型
needs a referred buyer; services.layers.refresh_layers) and commits.

The views (referral_tree, leaderboard) live in services.referral_views and are re-exported here;
campaigns are in services.campaigns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, func, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from models import Campaign, Customer, Referral
from models.referral import REFERRAL_METHODS, REWARD_KINDS, REWARD_STATUSES
from services.errors import NotFoundError, ValidationError
from services.i18n import t
from services.referral_views import LeaderRow as LeaderRow
from services.referral_views import TreeNode as TreeNode
from services.referral_views import leaderboard as leaderboard
from services.referral_views import referral_tree as referral_tree
from services.sqlutil import chunks
from services.timeline import money

MAX_CHAIN = 200  # the deepest referral chain walked when looking for a cycle
NO_CAMPAIGN = 0  # list_referrals(campaign_id=NO_CAMPAIGN): referrals outside any campaign
FIELDS = ("referrer_id", "referee_id", "referred_on", "method", "campaign_id", "reward_kind",
          "reward_value_cents", "reward_status", "reward", "note")


@dataclass(frozen=True)
class ReferralInput:
    """A referral as the seller filled it in (also what update_referral starts from)."""

    referrer_id: int | None = None
    referee_id: int | None = None
    referred_on: date | None = None
    method: str = "口碑"
    campaign_id: int | None = None
    reward_kind: str = ""
    reward_value_cents: int = 0
    reward_status: str = "无"
    reward: str = ""
    note: str = ""

    @classmethod
    def of(cls, referral: Referral) -> ReferralInput:
        return cls(**{name: getattr(referral, name) for name in FIELDS})


@dataclass(frozen=True)
class ReferralRow:
    """One referral as the lists show it (plain values, both names looked up)."""

    id: int
    referrer_id: int
    referrer_name: str
    referee_id: int
    referee_name: str
    referred_on: date | None
    method: str
    campaign_id: int | None
    campaign_name: str  # "" without a campaign (or when the campaign is in the 回收站)
    reward_kind: str
    reward_value_cents: int
    reward_status: str
    reward: str
    note: str

    @property
    def reward_text(self) -> str:
        """'红包 ¥50 · 送茶样' — what the reward is, in one line ("" when none)."""
        value = money(self.reward_value_cents) if self.reward_value_cents else ""
        parts = [" ".join(x for x in (t(self.reward_kind) if self.reward_kind else "", value) if x), self.reward]
        return " · ".join(p for p in parts if p)


# ---- checking --------------------------------------------------------------------------------------

def _name(session: Session, customer_id: int) -> str:
    customer = session.get(Customer, customer_id)
    return customer.display_name if customer is not None else f"#{customer_id}"


def referral_chain(session: Session, customer_id: int, skip_id: int | None = None) -> list[int]:
    """[customer, their 介绍人, that one's 介绍人, …] up the live referrals (one recursive query);
    `skip_id` leaves out one referral (the one being edited)."""
    up = (select(literal(customer_id).label("id"), literal(0).label("depth"))
          .cte("up", recursive=True))
    step = (select(Referral.referrer_id, up.c.depth + 1)
            .join(up, Referral.referee_id == up.c.id)
            .where(Referral.deleted_at.is_(None), up.c.depth < MAX_CHAIN))
    if skip_id is not None:
        step = step.where(Referral.id != skip_id)
    up = up.union_all(step)
    return [row[0] for row in session.execute(select(up.c.id).order_by(up.c.depth))]


def cycle_chain(session: Session, referrer_id: int, referee_id: int, skip_id: int | None = None) -> list[int] | None:
    """The people a new referral referrer → referee would close a loop through, in the order they
    referred each other (referee → … → referrer → referee); None when there is no loop."""
    chain = referral_chain(session, referrer_id, skip_id)  # referrer, their referrer, …
    if referee_id not in chain:
        return None
    loop = chain[:chain.index(referee_id) + 1]  # referrer … referee, upwards
    return [*reversed(loop), referee_id]


def _problems(session: Session, data: ReferralInput, referral_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, label in (("referrer_id", t("介绍人")), ("referee_id", t("新客户"))):
        cid = getattr(data, key)
        if cid is None:
            errors[key] = t("请选择{who}", who=label)
            continue
        customer = session.get(Customer, cid)
        if customer is None or customer.deleted_at is not None:
            errors[key] = t("{who}不在客户本里（可能已删除）", who=label)
    if data.method not in REFERRAL_METHODS:
        errors["method"] = t("方式“{m}”不对，只能是：{all}", m=data.method, all="、".join(REFERRAL_METHODS))
    if data.reward_status not in REWARD_STATUSES:
        errors["reward_status"] = t("奖励状态只能是：{all}", all="、".join(REWARD_STATUSES))
    if data.reward_kind and data.reward_kind not in REWARD_KINDS:
        errors["reward_kind"] = t("奖励类型只能是：{all}", all="、".join(REWARD_KINDS))
    if data.reward_value_cents < 0:
        errors["reward_value_cents"] = t("奖励金额不能是负数")
    if data.referred_on is not None and data.referred_on > date.today():
        errors["referred_on"] = t("介绍日期不能晚于今天")
    if data.campaign_id is not None:
        campaign = session.get(Campaign, data.campaign_id)
        if campaign is None or campaign.deleted_at is not None:
            errors["campaign_id"] = t("这个裂变活动已不存在（可能在回收站里）")
    if errors or data.referrer_id is None or data.referee_id is None:
        return errors
    referrer, referee = data.referrer_id, data.referee_id
    if referrer == referee:
        errors["referrer_id"] = t("介绍人不能是客户自己")
        return errors
    existing = session.scalar(select(Referral).where(Referral.referee_id == referee, Referral.deleted_at.is_(None)))
    if existing is not None and existing.id != referral_id:
        errors["referee_id"] = t("{referee}已经是{referrer}介绍来的，一位客户只能有一位介绍人",
                                 referee=_name(session, referee), referrer=_name(session, existing.referrer_id))
        return errors
    loop = cycle_chain(session, referrer, referee, skip_id=referral_id)
    if loop is not None:
        errors["referrer_id"] = t("会形成循环：{chain}（箭头表示“介绍了”）。介绍人不能是这位客户自己带来的人",
                                  chain=" → ".join(_name(session, cid) for cid in loop))
    return errors


def check_referral(session: Session, data: ReferralInput, referral_id: int | None = None) -> None:
    """Raise ValidationError naming every problem (self-referral, a second referrer, a cycle …)."""
    errors = _problems(session, data, referral_id)
    if errors:
        raise ValidationError(errors)


# ---- writing ------------------------------------------------------------------------------------

def log_referral(session: Session, referrer_id: int, referee_id: int, referred_on: date | None = None,
                 method: str = "口碑", campaign_id: int | None = None, reward_kind: str = "",
                 reward_value_cents: int = 0, reward_status: str = "无", reward: str = "", note: str = "") -> int:
    """Record that `referrer` brought `referee` (on `referred_on`, today by default); returns its id."""
    data = ReferralInput(referrer_id, referee_id, referred_on or date.today(), method, campaign_id,
                         reward_kind, reward_value_cents, reward_status, reward.strip(), note.strip())
    return save_referral(session, data)


def save_referral(session: Session, data: ReferralInput, referral_id: int | None = None) -> int:
    """Create (referral_id None) or update a referral after checking it; commits; returns its id."""
    data = replace(data, reward=data.reward.strip()[:100], note=data.note.strip())
    check_referral(session, data, referral_id)
    values = {name: getattr(data, name) for name in FIELDS}
    touched: set[int] = {int(values["referrer_id"])}
    if referral_id is None:
        # A referral of this customer waiting in the 回收站 gives way to the new one.
        session.execute(delete(Referral).where(Referral.referee_id == data.referee_id,
                                               Referral.deleted_at.is_not(None)))
        referral = Referral(**values)
        session.add(referral)
    else:
        found = session.get(Referral, referral_id)
        if found is None or found.deleted_at is not None:
            raise NotFoundError(t("这条转介绍记录已不存在（可能在回收站里）"))
        referral = found
        touched.add(referral.referrer_id)
        for name, value in values.items():
            setattr(referral, name, value)
    session.flush()
    _refresh(session, touched)
    session.commit()
    return referral.id


def update_referral(session: Session, referral_id: int, **changes: Any) -> int:
    """Change some fields of a referral (the names of log_referral's arguments); returns its id."""
    referral = get_referral(session, referral_id)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown referral fields: {sorted(unknown)}")
    return save_referral(session, replace(ReferralInput.of(referral), **changes), referral_id)


def get_referral(session: Session, referral_id: int) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None or referral.deleted_at is not None:
        raise NotFoundError(t("这条转介绍记录已不存在（可能在回收站里）"))
    return referral


def set_reward_status(session: Session, referral_ids: list[int], status: str) -> int:
    """Mark rewards 待发放 / 已发放 / 无; returns how many referrals changed."""
    if status not in REWARD_STATUSES:
        raise ValidationError({"reward_status": t("奖励状态只能是：{all}", all="、".join(REWARD_STATUSES))})
    changed = 0
    for chunk in chunks(sorted(set(referral_ids))):
        result = session.execute(update(Referral).where(
            Referral.id.in_(chunk), Referral.deleted_at.is_(None), Referral.reward_status != status)
            .values(reward_status=status, updated_at=datetime.now()))
        changed += int(result.rowcount)  # type: ignore[attr-defined]
    session.commit()
    return changed


def _refresh(session: Session, customer_ids: set[int]) -> None:
    from services.layers import refresh_layers

    if customer_ids:
        refresh_layers(session, sorted(customer_ids))


def _referrers_of(session: Session, referral_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(sorted(set(referral_ids))):
        found.update(session.scalars(select(Referral.referrer_id).where(Referral.id.in_(chunk))))
    return found


# ---- 回收站 --------------------------------------------------------------------------------------

def trash_referrals(session: Session, referral_ids: list[int]) -> int:
    """Move referrals to the 回收站; their new customers have no 介绍人 until one is restored or logged."""
    now, changed = datetime.now(), 0
    for chunk in chunks(sorted(set(referral_ids))):
        result = session.execute(update(Referral).where(Referral.id.in_(chunk), Referral.deleted_at.is_(None))
                                 .values(deleted_at=now))
        changed += int(result.rowcount)  # type: ignore[attr-defined]
    _refresh(session, _referrers_of(session, referral_ids))
    session.commit()
    return changed


def restore_referrals(session: Session, referral_ids: list[int]) -> int:
    """Put referrals back; refused (ValidationError) when one would now close a cycle."""
    restored = 0
    for referral_id in sorted(set(referral_ids)):
        referral = session.get(Referral, referral_id)
        if referral is None or referral.deleted_at is None:
            continue
        loop = cycle_chain(session, referral.referrer_id, referral.referee_id)
        if loop is not None:
            session.rollback()
            raise ValidationError({"referrer_id": t(
                "不能恢复：会形成循环 {chain}", chain=" → ".join(_name(session, cid) for cid in loop))})
        referral.deleted_at = None
        session.flush()
        restored += 1
    _refresh(session, _referrers_of(session, referral_ids))
    session.commit()
    return restored


def purge_referrals(session: Session, referral_ids: list[int] | None = None) -> int:
    """Delete referrals in the 回收站 for good (all of them when None)."""
    statement = delete(Referral).where(Referral.deleted_at.is_not(None))
    removed = 0
    for chunk in [None] if referral_ids is None else chunks(sorted(set(referral_ids))):
        part = statement if chunk is None else statement.where(Referral.id.in_(chunk))
        removed += int(session.execute(part).rowcount)  # type: ignore[attr-defined]
    session.commit()
    return removed


@dataclass(frozen=True)
class TrashedReferral:
    id: int
    referrer_name: str
    referee_name: str
    referee_id: int
    referred_on: date | None
    method: str
    deleted_at: datetime

    @property
    def summary(self) -> str:
        day = self.referred_on.isoformat() if self.referred_on else ""
        return t("{a} 介绍了 {b}", a=self.referrer_name, b=self.referee_name) + f"  {day} {t(self.method)}".rstrip()


def list_trashed_referrals(session: Session) -> list[TrashedReferral]:
    """Referrals in the 回收站 whose two customers are not themselves in it, newest first."""
    referrer, referee = aliased(Customer), aliased(Customer)
    rows = session.execute(
        select(Referral.id, referrer.remark_name, referee.remark_name, referee.id, Referral.referred_on,
               Referral.method, Referral.deleted_at)
        .join(referrer, referrer.id == Referral.referrer_id).join(referee, referee.id == Referral.referee_id)
        .where(Referral.deleted_at.is_not(None), referrer.deleted_at.is_(None), referee.deleted_at.is_(None))
        .order_by(Referral.deleted_at.desc(), Referral.id.desc()))
    return [TrashedReferral(rid, a, b, bid, day, method, at or datetime.min)
            for rid, a, b, bid, day, method, at in rows]


# ---- reading ------------------------------------------------------------------------------------

def _rows_select() -> Any:
    referrer, referee = aliased(Customer, name="referrer"), aliased(Customer, name="referee")
    statement = (
        select(Referral.id, Referral.referrer_id, referrer.remark_name, Referral.referee_id, referee.remark_name,
               Referral.referred_on, Referral.method, Referral.campaign_id, func.coalesce(Campaign.name, ""),
               Referral.reward_kind, Referral.reward_value_cents, Referral.reward_status, Referral.reward,
               Referral.note)
        .join(referrer, referrer.id == Referral.referrer_id).join(referee, referee.id == Referral.referee_id)
        .outerjoin(Campaign, and_(Campaign.id == Referral.campaign_id, Campaign.deleted_at.is_(None)))
        .where(Referral.deleted_at.is_(None), referrer.deleted_at.is_(None), referee.deleted_at.is_(None)))
    return statement, referrer, referee


def _rows(session: Session, statement: Any) -> list[ReferralRow]:
    return [ReferralRow(*row) for row in session.execute(statement)]


def referral_row(session: Session, referral_id: int) -> ReferralRow:
    statement, _referrer, _referee = _rows_select()
    rows = _rows(session, statement.where(Referral.id == referral_id))
    if not rows:
        raise NotFoundError(t("这条转介绍记录已不存在（可能在回收站里）"))
    return rows[0]


def referral_of(session: Session, customer_id: int) -> ReferralRow | None:
    """How this customer came: the live referral naming them as the new customer, if any."""
    statement, _referrer, _referee = _rows_select()
    rows = _rows(session, statement.where(Referral.referee_id == customer_id))
    return rows[0] if rows else None


def referrals_by(session: Session, customer_id: int) -> list[ReferralRow]:
    """The customers this one brought (directly), oldest first."""
    statement, _referrer, _referee = _rows_select()
    return _rows(session, statement.where(Referral.referrer_id == customer_id)
                 .order_by(Referral.referred_on, Referral.id))


def timeline_items(session: Session, customer_id: int) -> list[Any]:
    """The customer's timeline entries for referrals: who brought her, and each customer she brought
    (TimelineItem kind "referral", `id` the referral's; edited on the 转介绍 page or 介绍人…)."""
    from services.timeline import TimelineItem

    items: list[Any] = []
    came = referral_of(session, customer_id)
    rows = [(came, t("由 {name} 介绍", name=came.referrer_name))] if came else []
    rows += [(row, t("介绍了 {name}", name=row.referee_name)) for row in referrals_by(session, customer_id)]
    for row, title in rows:
        when = (datetime.combine(row.referred_on, datetime.min.time()) if row.referred_on
                else session.scalar(select(Referral.created_at).where(Referral.id == row.id)) or datetime.now())
        campaign = t("（{campaign}）", campaign=row.campaign_name) if row.campaign_name else ""
        reward = t("奖励：{reward}（{status}）", reward=row.reward_text, status=t(row.reward_status)) \
            if row.reward_text else ""
        body = "  ".join(x for x in (t(row.method) + campaign, reward, row.note) if x)
        items.append(TimelineItem("referral", row.id, when, title, body,
                                  done=row.reward_status != "待发放"))
    return items


def referred_count(session: Session, customer_id: int) -> int:
    referee = aliased(Customer)
    return int(session.scalar(
        select(func.count()).select_from(Referral).join(referee, referee.id == Referral.referee_id)
        .where(Referral.referrer_id == customer_id, Referral.deleted_at.is_(None), referee.deleted_at.is_(None)))
        or 0)


def list_referrals(session: Session, text: str = "", method: str | None = None, campaign_id: int | None = None,
                   reward_status: str | None = None, start: date | None = None, end: date | None = None,
                   limit: int | None = None) -> list[ReferralRow]:
    """The live referrals, newest first. `text` matches either customer's name, WeChat ID, phone or
    pinyin (their stored search text), the note or the reward; `campaign_id=NO_CAMPAIGN` keeps the
    referrals outside any campaign; start/end bound the 介绍日期 (inclusive)."""
    statement, referrer, referee = _rows_select()
    query = text.strip().lower()
    if query:
        like = f"%{query}%"
        statement = statement.where(or_(referrer.search_text.like(like), referee.search_text.like(like),
                                        func.lower(Referral.note).like(like), func.lower(Referral.reward).like(like)))
    if method:
        statement = statement.where(Referral.method == method)
    if campaign_id == NO_CAMPAIGN:
        statement = statement.where(Referral.campaign_id.is_(None))
    elif campaign_id is not None:
        statement = statement.where(Referral.campaign_id == campaign_id)
    if reward_status:
        statement = statement.where(Referral.reward_status == reward_status)
    if start is not None:
        statement = statement.where(Referral.referred_on >= start)
    if end is not None:
        statement = statement.where(Referral.referred_on <= end)
    statement = statement.order_by(Referral.referred_on.desc().nulls_last(), Referral.id.desc())
    if limit is not None:
        statement = statement.limit(limit)
    return _rows(session, statement)


def rewards_owed(session: Session) -> list[ReferralRow]:
    """Rewards still to give (待发放), oldest first: the seller's to-do list."""
    statement, _referrer, _referee = _rows_select()
    return _rows(session, statement.where(Referral.reward_status == "待发放")
                 .order_by(Referral.referred_on.nulls_first(), Referral.id))


def owed_total(rows: list[ReferralRow]) -> int:
    """The ￥ of rewards with a value among `rows` (in fen)."""
    return sum(r.reward_value_cents for r in rows)


def referral_count(session: Session) -> int:
    """Live referrals (for empty states)."""
    return int(session.scalar(select(func.count()).select_from(Referral).where(Referral.deleted_at.is_(None))) or 0)


def trashed_referral_entries(session: Session) -> list[tuple[int, str, str, datetime]]:
    """For the 回收站 page (services.trash.PAGE_SOURCES): (id, 新客户, summary, deleted_at)."""
    return [(r.id, r.referee_name, r.summary, r.deleted_at) for r in list_trashed_referrals(session)]
