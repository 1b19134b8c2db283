"""自动标签: rules that keep a tag on exactly the customers meeting a condition (seed 001 "私域运营精细化"
§2.2 动态调整 — tags that follow what the client does).

    category          买过某类商品: a live purchase whose catalogue product has that category, or — a
                      purchase without a catalogue product — whose product text contains it
    spend_12m         近 12 个月消费满 ¥N (live purchases after the same day a year ago)
    no_purchase_days  超过 N 天没有购买 (has bought before; never-bought customers are 潜在, not 沉睡)
    in_group          在某个群里 (a membership not left, of a group not in the trash)

How rules tag (`apply_rules`):
- A tag a rule adds carries the rule's id (customer_tag.auto_rule_id) and comes off when the condition
  stops holding, when the rule is switched off, or when the rule is deleted (unless kept).
- Hand-given tags (auto_rule_id NULL) are never touched: a customer the seller tagged by hand keeps
  the tag as a hand tag even when a rule would also give it; a rule never takes a hand tag off.
  Tagging by hand a customer who carries the tag automatically makes it a hand tag (services.tags).
- Taking an automatic tag off by hand keeps it off: services.tags records an exclusion per rule and
  customer (auto_tag_exclusion, `note_hand_removal`), the rule never gives that customer the tag again,
  and its preview says "已手动去掉 N 位". `clear_exclusions` forgets them (the rule, if on, runs again).
- A rule's tag must be in a multi-choice tag group: in a single-choice group (消费能力 高/中/低) adding
  one tag takes the group's other tag off, which would fight the seller's hand choice, so such rules
  are refused (save and switch on), and skipped with a `problem` if the group becomes single-choice.
- Every rule is a few set-based statements (DELETE … WHERE, INSERT … SELECT): removals of every rule
  first, then additions, so that a tag two rules give moves to the rule still holding.
- A new rule starts switched off; `preview_rule` tells what switching it on would do.

When rules run: after purchases change (services.timeline.refresh_aggregates, for the customers
touched — imports, undo and the trash go through it too), after group memberships change
(services.groups), after an import of memberships or products (services.excel.engine) and the undo of
one (services.excel.undo, `apply_after_import`), after a product's category changes or a product is
purged (services.products: the category rules, for its buyers), on switching a rule on or editing it,
and for everyone once a day at start (`age_auto_tags`: "90 天没买" moves with the calendar).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from models import (
    AutoTagRule,
    ChatGroup,
    Customer,
    CustomerTag,
    GroupMember,
    Product,
    Purchase,
    Tag,
    TagGroup,
)
from models.loyalty import AUTO_TAG_KINDS, AutoTagExclusion
from services import settings_store
from services.errors import NotFoundError, ValidationError
from services.i18n import t
from services.sqlutil import chunks, insert_ignore

log = logging.getLogger("keben")
KIND_LABELS = {"category": "买过某类商品", "spend_12m": "近12个月消费满", "no_purchase_days": "多少天没有购买",
               "in_group": "在某个群里"}
MAX_CENTS = 10_000_000_000  # ¥1 亿
SAMPLE = 8  # names shown in a preview
NAMES_BY_LOOKUP = 2000  # a preview's names: looked up by id up to this many customers, else found by spending
FULL_PASS_FROM = 20_000  # more touched customers than this: one pass over everyone is quicker
LAST_FULL_PASS = settings_store.declare("auto_tags.last_full_pass", str, "", "自动标签上次全部重算的日期")
RULE_INPUT_IMPORTS = ("group-members", "groups", "products", "all")  # imports (and their undo) that change a
# rule's input without going through refresh_aggregates for every customer touched (customers and purchases do)


@dataclass(frozen=True)
class RuleInfo:
    id: int
    name: str
    kind: str
    params: dict[str, Any]
    tag_id: int
    tag_name: str
    tag_color: str
    group_name: str
    enabled: bool
    sort: int
    condition: str  # the condition in words: 买过「普洱」类商品
    tagged: int  # live customers carrying the tag from this rule
    problem: str = ""  # why it cannot run (its tag's group became single-choice, the group is gone)
    excluded: int = 0  # live customers the seller took the rule's tag off by hand (it leaves them alone)


@dataclass(frozen=True)
class RulePreview:
    """What switching a rule on (or running it again) would do now."""

    total_matching: int  # live customers meeting the condition
    would_add: int  # of them, those not carrying the tag yet
    would_remove: int  # customers carrying the tag from this rule who no longer meet the condition
    already: int  # meeting it and carrying the tag already (by hand or from another rule)
    sample_add: tuple[str, ...] = field(default_factory=tuple)
    sample_remove: tuple[str, ...] = field(default_factory=tuple)
    excluded: int = 0  # meeting it, but the seller took this rule's tag off them by hand: left alone

    def summary(self) -> str:
        """会给 312 位客户打上标签，摘掉 5 位的（另有 20 位已经有这个标签；已手动去掉 3 位）."""
        text = t("会给 {n} 位客户打上标签", n=self.would_add)
        if self.would_remove:
            text += t("，从 {n} 位客户身上摘掉", n=self.would_remove)
        notes = []
        if self.already:
            notes.append(t("另有 {n} 位已经有这个标签", n=self.already))
        if self.excluded:
            notes.append(t("已手动去掉 {n} 位", n=self.excluded))
        if notes:
            text += t("（{notes}）", notes="；".join(notes))
        return text


@dataclass(frozen=True)
class RuleDraft:
    """A rule not saved yet (the editor's preview)."""

    kind: str
    params: dict[str, Any]
    tag_id: int
    id: int | None = None  # the saved rule being edited, if any


# ---- reading ------------------------------------------------------------------------------------

def list_rules(session: Session) -> list[RuleInfo]:
    tagged = dict(session.execute(
        select(CustomerTag.auto_rule_id, func.count()).join(Customer, Customer.id == CustomerTag.customer_id)
        .where(CustomerTag.auto_rule_id.is_not(None), Customer.deleted_at.is_(None))
        .group_by(CustomerTag.auto_rule_id)).all())
    rows = session.execute(
        select(AutoTagRule, Tag.name, Tag.color, TagGroup.name, TagGroup.color, TagGroup.multi)
        .join(Tag, Tag.id == AutoTagRule.tag_id).join(TagGroup, TagGroup.id == Tag.group_id)
        .order_by(AutoTagRule.sort, AutoTagRule.id)).all()
    groups = _group_names(session)
    excluded = dict(session.execute(
        select(AutoTagExclusion.rule_id, func.count()).join(Customer, Customer.id == AutoTagExclusion.customer_id)
        .where(Customer.deleted_at.is_(None)).group_by(AutoTagExclusion.rule_id)).all())
    return [RuleInfo(rule.id, rule.name, rule.kind, dict(rule.params or {}), rule.tag_id, tag_name,
                     tag_color or group_color, group_name, rule.enabled, rule.sort,
                     describe(rule.kind, rule.params or {}, groups), int(tagged.get(rule.id, 0)),
                     _problem(session, rule, multi), int(excluded.get(rule.id, 0)))
            for rule, tag_name, tag_color, group_name, group_color, multi in rows]


def get_rule(session: Session, rule_id: int) -> AutoTagRule:
    rule = session.get(AutoTagRule, rule_id)
    if rule is None:
        raise NotFoundError(t("这条自动标签规则已被删除"))
    return rule


def describe(kind: str, params: Mapping[str, Any], group_names: Mapping[int, str] | None = None) -> str:
    """The condition in the seller's words."""
    if kind == "category":
        return t("买过「{category}」类商品", category=params.get("category", ""))
    if kind == "spend_12m":
        return t("近12个月消费满 {money}", money=_yuan(int(params.get("cents", 0))))
    if kind == "no_purchase_days":
        return t("超过 {n} 天没有购买", n=params.get("days", 0))
    if kind == "in_group":
        gid = params.get("group_id")
        name = (group_names or {}).get(int(gid)) if isinstance(gid, int) else None
        return t("在「{group}」群里", group=name) if name else t("在一个已删除的群里")
    return kind


def category_choices(session: Session) -> list[str]:
    """The catalogue's categories (for the rule editor's combo), most used first."""
    rows = session.execute(select(Product.category, func.count()).where(Product.category != "")
                           .group_by(Product.category).order_by(func.count().desc(), Product.category))
    return [name for name, _n in rows]


def auto_tags_of(session: Session, customer_id: int) -> dict[int, str]:
    """tag id → the name of the rule that gave it, for the customer's automatic tags."""
    return dict(session.execute(
        select(CustomerTag.tag_id, AutoTagRule.name).join(AutoTagRule, AutoTagRule.id == CustomerTag.auto_rule_id)
        .where(CustomerTag.customer_id == customer_id)).all())


# ---- saving -------------------------------------------------------------------------------------

def clean_params(session: Session, kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's params checked and normalised; ValidationError keyed by the param's name."""
    if kind not in AUTO_TAG_KINDS:
        raise ValidationError({"kind": t("条件只能是：{all}", all="、".join(t(x) for x in KIND_LABELS.values()))})
    if kind == "category":
        category = str(params.get("category") or "").strip()
        if not category:
            raise ValidationError({"category": t("请写上商品类别，例如 普洱")})
        if len(category) > 50:
            raise ValidationError({"category": t("商品类别太长（最多50个字）")})
        return {"category": category}
    if kind == "spend_12m":
        cents = params.get("cents")
        if not isinstance(cents, int) or isinstance(cents, bool) or cents <= 0:
            raise ValidationError({"cents": t("消费金额要大于 0")})
        if cents > MAX_CENTS:
            raise ValidationError({"cents": t("消费金额太大了（最多一亿元）")})
        return {"cents": cents}
    if kind == "no_purchase_days":
        days = params.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3650:
            raise ValidationError({"days": t("天数要在 1 到 3650 之间")})
        return {"days": days}
    group_id = params.get("group_id")
    if not isinstance(group_id, int) or session.scalar(
            select(ChatGroup.id).where(ChatGroup.id == group_id, ChatGroup.deleted_at.is_(None))) is None:
        raise ValidationError({"group_id": t("请选择一个群")})
    return {"group_id": group_id}


def check_tag(session: Session, tag_id: int | None) -> Tag:
    """The tag a rule would give, or ValidationError: missing, or in a single-choice group."""
    tag = session.get(Tag, tag_id) if tag_id is not None else None
    if tag is None:
        raise ValidationError({"tag_id": t("请选择要打的标签")})
    if not tag.group.multi:
        raise ValidationError({"tag_id": t(
            "“{tag}”在单选标签组“{group}”里：自动打上它会摘掉客户在这个组里手动选的标签，所以不能用于自动标签。"
            "请换一个多选标签组里的标签，或到 设置 → 标签 把这个组改成多选", tag=tag.name, group=tag.group.name)})
    return tag


def save_rule(session: Session, kind: str, params: Mapping[str, Any], tag_id: int | None, name: str = "",
              rule_id: int | None = None) -> int:
    """Add or edit a rule (a new one starts switched off). Editing a rule that is on runs it again."""
    errors: dict[str, str] = {}
    try:
        cleaned = clean_params(session, kind, params)
    except ValidationError as exc:
        errors.update(exc.fields)
        cleaned = {}
    try:
        tag = check_tag(session, tag_id)
    except ValidationError as exc:
        errors.update(exc.fields)
    name = name.strip()
    if len(name) > 60:
        errors["name"] = t("规则名太长（最多60个字）")
    if errors:
        raise ValidationError(errors)
    if not name:
        name = f"{describe(kind, cleaned, _group_names(session))} → {tag.name}"[:60]
    if rule_id is None:
        count = int(session.scalar(select(func.count()).select_from(AutoTagRule)) or 0)
        rule = AutoTagRule(kind=kind, params=cleaned, tag_id=tag.id, name=name, enabled=False, sort=count)
        session.add(rule)
    else:
        rule = get_rule(session, rule_id)
        rule.kind, rule.params, rule.tag_id, rule.name = kind, cleaned, tag.id, name
    session.flush()
    if rule.enabled:
        apply_rules(session, rule_ids=[rule.id])
    session.commit()
    return rule.id


def set_enabled(session: Session, rule_id: int, enabled: bool) -> dict[str, int]:
    """Switch a rule on (it tags the matching customers at once) or off (its tags come off). Commits;
    returns {"added", "removed"}."""
    rule = get_rule(session, rule_id)
    if enabled:
        check_tag(session, rule.tag_id)
        if rule.kind == "in_group":
            clean_params(session, rule.kind, rule.params or {})
    rule.enabled = enabled
    session.flush()
    result = apply_rules(session, rule_ids=[rule.id])
    session.commit()
    return result


def delete_rule(session: Session, rule_id: int, keep_tags: bool = False) -> int:
    """Delete a rule; the tags it gave come off — or stay as hand tags with `keep_tags`. Commits;
    returns the number of customer tags taken off or kept."""
    rule = get_rule(session, rule_id)
    mine = CustomerTag.auto_rule_id == rule.id
    if keep_tags:
        count = _rowcount(session.execute(update(CustomerTag).where(mine).values(auto_rule_id=None)))
    else:
        count = _rowcount(session.execute(delete(CustomerTag).where(mine)))
    session.delete(rule)
    session.commit()
    return count


def run_now(session: Session, rule_ids: Sequence[int] | None = None) -> dict[str, int]:
    """立即运行: every switched-on rule (or these) over every customer; commits."""
    result = apply_rules(session, rule_ids=rule_ids)
    session.commit()
    return result


# ---- tags taken off by hand ----------------------------------------------------------------------

def note_hand_removal(session: Session, customer_ids: Sequence[int], tag_ids: Sequence[int] | None = None) -> int:
    """The seller is taking tags off these customers by hand (these tags, or all): each one a rule
    gave becomes an exclusion, so the rule does not give it back. Call before the tags are deleted;
    no commit; returns the exclusions recorded."""
    rows: list[dict[str, Any]] = []
    for chunk in chunks(sorted(set(customer_ids))):
        statement = select(CustomerTag.auto_rule_id, CustomerTag.customer_id).where(
            CustomerTag.customer_id.in_(chunk), CustomerTag.auto_rule_id.is_not(None))
        if tag_ids is not None:
            statement = statement.where(CustomerTag.tag_id.in_(list(tag_ids)))
        rows.extend({"rule_id": rid, "customer_id": cid} for rid, cid in session.execute(statement))
    insert_ignore(session, AutoTagExclusion, rows)
    return len(rows)


def clear_exclusions(session: Session, rule_id: int) -> int:
    """Forget the customers the seller took this rule's tag off: a rule that is on tags them again
    at once. Commits; returns how many were forgotten."""
    rule = get_rule(session, rule_id)
    cleared = _rowcount(session.execute(delete(AutoTagExclusion).where(AutoTagExclusion.rule_id == rule.id)))
    if rule.enabled:
        apply_rules(session, rule_ids=[rule.id])
    session.commit()
    return cleared


def _excluded(rule_id: int, customer_id: Any) -> Any:
    return exists().where(AutoTagExclusion.rule_id == rule_id, AutoTagExclusion.customer_id == customer_id)


# ---- matching -----------------------------------------------------------------------------------

def _year_ago(today: date) -> date:
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def matching_ids(kind: str, params: Mapping[str, Any], today: date) -> Select[Any]:
    """SELECT of the live customers' ids meeting the condition (a subquery for the statements below)."""
    live = Customer.deleted_at.is_(None)
    if kind == "category":
        category = str(params.get("category", ""))
        return (select(Purchase.customer_id.label("cid")).distinct()
                .join(Customer, Customer.id == Purchase.customer_id)
                .outerjoin(Product, Product.id == Purchase.product_id)
                .where(Purchase.deleted_at.is_(None), live,
                       or_(Product.category == category,
                           and_(Purchase.product_id.is_(None), Purchase.product.contains(category, autoescape=True)))))
    if kind == "spend_12m":
        return (select(Purchase.customer_id.label("cid")).join(Customer, Customer.id == Purchase.customer_id)
                .where(Purchase.deleted_at.is_(None), live, Purchase.purchased_on > _year_ago(today))
                .group_by(Purchase.customer_id)
                .having(func.sum(Purchase.amount_cents) >= int(params.get("cents", 0))))
    if kind == "no_purchase_days":
        cutoff = today - timedelta(days=int(params.get("days", 0)))
        return select(Customer.id.label("cid")).where(live, Customer.last_purchase_on.is_not(None),
                                                       Customer.last_purchase_on < cutoff)
    if kind == "in_group":
        return (select(GroupMember.customer_id.label("cid")).distinct()
                .join(ChatGroup, ChatGroup.id == GroupMember.group_id)
                .join(Customer, Customer.id == GroupMember.customer_id)
                .where(GroupMember.group_id == params.get("group_id"), GroupMember.left_on.is_(None),
                       ChatGroup.deleted_at.is_(None), live))
    raise ValueError(kind)


def _scoped(query: Select[Any], scope: list[int] | None) -> Select[Any]:
    if scope is None:
        return query
    column = query.selected_columns[0]
    return query.where(column.in_(scope))


# ---- preview ------------------------------------------------------------------------------------

def preview_rule(session: Session, rule: AutoTagRule | RuleDraft, today: date | None = None) -> RulePreview:
    """What the rule (saved, or a draft in the editor) would add and take off if it ran now.

    The condition is evaluated once (its ids held as a set: 100,000 ints at most) and compared in
    Python with the tag's holders, the rule's own tags and its exclusions: each SQL count would
    evaluate the condition again (a scan of every purchase for 买过某类商品)."""
    today = today or date.today()
    params = clean_params(session, rule.kind, rule.params or {})
    tag_id = rule.tag_id
    matching = set(session.scalars(matching_ids(rule.kind, params, today)))
    holders = set(session.scalars(select(CustomerTag.customer_id).where(CustomerTag.tag_id == tag_id)))
    to_add = matching - holders
    excluded: set[int] = set()
    stale: set[int] = set()
    if rule.id is not None:
        excluded = to_add & set(session.scalars(select(AutoTagExclusion.customer_id)
                                                .where(AutoTagExclusion.rule_id == rule.id)))
        to_add -= excluded
        stale = {cid for cid, tid in session.execute(
            select(CustomerTag.customer_id, CustomerTag.tag_id).join(Customer, Customer.id == CustomerTag.customer_id)
            .where(CustomerTag.auto_rule_id == rule.id, Customer.deleted_at.is_(None)))
            if tid != tag_id or cid not in matching}
    total = len(matching)
    return RulePreview(total, len(to_add), len(stale), total - len(to_add) - len(excluded), _names(session, to_add),
                       _names(session, stale), len(excluded))


def _names(session: Session, ids: set[int]) -> tuple[str, ...]:
    """The names of the SAMPLE biggest spenders among `ids`: a few IN lookups for a small set, else
    down the live customers by total spent (ix_customer_live_total) until SAMPLE are found."""
    if not ids:
        return ()
    by_spend = select(Customer.id, Customer.remark_name).where(Customer.deleted_at.is_(None)).order_by(
        Customer.total_spent_cents.desc(), Customer.id)
    if len(ids) <= NAMES_BY_LOOKUP:
        rows = [row for chunk in chunks(sorted(ids)) for row in session.execute(
            select(Customer.id, Customer.remark_name, Customer.total_spent_cents)
            .where(Customer.id.in_(chunk), Customer.deleted_at.is_(None)))]
        rows.sort(key=lambda row: (-row[2], row[0]))
        return tuple(name for _cid, name, _spent in rows[:SAMPLE])
    found: list[str] = []
    result = session.execute(by_spend.execution_options(yield_per=500))
    for cid, name in result:
        if cid in ids:
            found.append(name)
            if len(found) == SAMPLE:
                break
    result.close()  # stopped early: release the cursor
    return tuple(found)


# ---- applying -----------------------------------------------------------------------------------

def apply_rules(session: Session, customer_ids: Sequence[int] | None = None, rule_ids: Sequence[int] | None = None,
                kinds: Sequence[str] | None = None, today: date | None = None) -> dict[str, int]:
    """Bring the automatic tags of these customers (all when None) in line with the rules (these, or
    all; of these kinds, or all). Switched-off rules lose their tags. No commit; returns
    {"added", "removed"} (customer tag rows)."""
    today = today or date.today()
    statement = select(AutoTagRule, TagGroup.multi).join(Tag, Tag.id == AutoTagRule.tag_id).join(
        TagGroup, TagGroup.id == Tag.group_id).order_by(AutoTagRule.sort, AutoTagRule.id)
    if rule_ids is not None:
        statement = statement.where(AutoTagRule.id.in_(list(rule_ids)))
    if kinds is not None:
        statement = statement.where(AutoTagRule.kind.in_(list(kinds)))
    rules = session.execute(statement).all()
    result = {"added": 0, "removed": 0}
    if not rules or customer_ids is not None and not customer_ids:
        return result
    ids = None if customer_ids is None or len(customer_ids) > FULL_PASS_FROM else sorted(set(customer_ids))
    scopes: list[list[int] | None] = [None] if ids is None else list(chunks(ids))
    active = []
    for rule, multi in rules:
        problem = _problem(session, rule, multi)
        if problem and rule.enabled:
            log.warning("auto-tag rule %s skipped: %s", rule.id, problem)
        active.append((rule, rule.enabled and not problem))
    for rule, on in active:  # removals first: a tag two rules give moves to the one still holding
        for scope in scopes:
            condition = CustomerTag.auto_rule_id == rule.id
            if scope is not None:
                condition = condition & CustomerTag.customer_id.in_(scope)
            if on:
                keep = _scoped(matching_ids(rule.kind, rule.params or {}, today), scope)
                condition = condition & or_(CustomerTag.tag_id != rule.tag_id, CustomerTag.customer_id.not_in(keep))
            result["removed"] += _rowcount(session.execute(delete(CustomerTag).where(condition)))
    for rule, on in active:
        if not on:
            continue
        for scope in scopes:
            matching = _scoped(matching_ids(rule.kind, rule.params or {}, today), scope).subquery()
            fresh = select(matching.c.cid, literal(rule.tag_id), literal(rule.id)).where(~exists().where(
                CustomerTag.customer_id == matching.c.cid, CustomerTag.tag_id == rule.tag_id),
                ~_excluded(rule.id, matching.c.cid))
            result["added"] += _rowcount(session.execute(insert(CustomerTag).from_select(  # count kept on PostgreSQL too
                ["customer_id", "tag_id", "auto_rule_id"], fresh).execution_options(preserve_rowcount=True)))
    session.flush()
    return result


def apply_after_import(session: Session, kind: str) -> None:
    """After an import (or its undo) of a kind that changes the rules' input without refresh_aggregates."""
    if kind in RULE_INPUT_IMPORTS:
        apply_rules(session)


def age_auto_tags(session: Session, today: date | None = None) -> int:
    """Run every rule over everyone, once a day (what the app does at start: 90 天没买 and 近12个月
    move with the calendar). Commits; returns the number of tags added and taken off."""
    today = today or date.today()
    if settings_store.get(session, LAST_FULL_PASS) == today.isoformat():
        return 0
    result = apply_rules(session, today=today)
    settings_store.put(session, LAST_FULL_PASS, today.isoformat())
    session.commit()
    return result["added"] + result["removed"]


# ---- helpers ------------------------------------------------------------------------------------

def _problem(session: Session, rule: AutoTagRule, multi: bool) -> str:
    if not multi:
        return t("标签所在的组已改成单选，这条规则不再运行")
    if rule.kind == "in_group":
        gid = (rule.params or {}).get("group_id")
        if session.scalar(select(ChatGroup.id).where(ChatGroup.id == gid, ChatGroup.deleted_at.is_(None))) is None:
            return t("这个群已被删除，这条规则不再运行")
    return ""


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


def _group_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(ChatGroup.id, ChatGroup.name).where(ChatGroup.deleted_at.is_(None))).all())


def _yuan(cents: int) -> str:
    return f"¥{cents / 100:,.2f}".replace(".00", "")


def ensure_tag(session: Session, group_name: str, tag_name: str) -> int:
    """A tag by group and name, made (in a new multi-choice group when needed) if missing; no commit.
    For the demo and for quick rule setup."""
    from services.tags import save_group, save_tag

    group_id = session.scalar(select(TagGroup.id).where(TagGroup.name == group_name))
    if group_id is None:
        group_id = save_group(session, group_name, multi=True, commit=False)
    tag_id = session.scalar(select(Tag.id).where(Tag.group_id == group_id, Tag.name == tag_name))
    if tag_id is None:
        tag_id = save_tag(session, group_id, tag_name, commit=False)
    return int(tag_id)

