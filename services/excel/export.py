"""Exports: the customer list as it is shown, one kind of record, or the whole store in one workbook.

Headers are those of `services.excel.columns.KINDS`, so every export re-imports with no mapping
work. Rows are read in set-based chunks (customers, their tags, custom values and referrers, about
2,000 customers per query) or streamed from one query — never a query per customer — and written
by `services.excel.writer` in constant memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from models import (
    Campaign,
    Customer,
    CustomerTag,
    CustomField,
    CustomFieldValue,
    FollowUp,
    Note,
    Purchase,
    Referral,
    Tag,
    TagGroup,
    WechatAccount,
)
from services.birthday import Birthday
from services.custom_fields import KIND_LABELS as FIELD_KIND_LABELS
from services.custom_fields import FieldDef, display_value, list_fields
from services.customer_query import CustomerFilter, customer_ids, filtered
from services.errors import UserError
from services.excel.columns import KIND_LABELS, KINDS
from services.excel.page_ids import with_customer_ids
from services.excel.pages import PAGE_KINDS, page_sheets
from services.excel.writer import Cancelled, OutColumn, Progress, SheetSpec, text_width, write_sheets
from services.i18n import t
from services.tags import tag_by_name

CHUNK = 2000  # customers per set-based query
EXPORT_KINDS = ("customers", "notes", "purchases", "follow-ups", "referrals", "groups", "group-members", "group-stats",
                "scripts", "materials", "posts", "care", "products", "points")
# Always in a customer export, so that it re-imports and round-trips.
MUST_HAVE = ("remark_name", "wechat_id", "phone", "tags", "referrer", "total_spent")
# The customer list's column keys that differ from the export's.
LIST_ALIASES = {"last_purchase": "last_purchase_on", "next_follow_up": "next_follow_up_on"}
SORT_ALIASES = {value: key for key, value in LIST_ALIASES.items()}

# How each column's values are written (see writer.OutColumn.kind); text when not listed.
VALUE_KINDS = {
    "wechat_id": "phone", "phone": "phone", "customer_wechat_id": "phone", "customer_phone": "phone",
    "birthday": "date", "added_on": "date", "total_spent": "money", "first_purchase_on": "date",
    "last_purchase_on": "date", "next_follow_up_on": "date", "noted_at": "datetime", "pinned": "bool",
    "purchased_on": "date", "quantity": "int", "amount": "money", "due_on": "date", "done": "bool",
    "referred_on": "date", "reward_value": "money",
}
_FIELD_KINDS = {"number": "number", "date": "date"}  # custom field kind → writer kind

# The full workbook (export_all): sheet names, and the columns only it has.
# (The customer book's own kinds; the pages' sheets follow them, see pages.page_sheets.)
ALL_SHEETS = {**{kind: KIND_LABELS[kind] for kind in ("customers", "notes", "purchases", "follow-ups", "referrals")},
              "tags": "标签", "accounts": "我的微信号", "custom-fields": "自定义字段", "campaigns": "裂变活动"}
OPTIONAL_SHEETS = ("campaigns",)  # added later: a workbook exported before may lack them
ID_HEADER = "编号"  # 客户 sheet: the customer's id
CUSTOMER_ID_HEADER = "客户编号"  # 笔记 / 购买记录 / 跟进: whose record it is
REFERRER_ID_HEADER, REFEREE_ID_HEADER = "介绍人编号", "被介绍人编号"
MANUAL_STAGE_HEADER = "手动阶段"  # the stage the seller set by hand ("" = worked out from purchases)
DONE_AT_HEADER = "完成时间"  # when a follow-up was done
TAG_HEADERS = ("标签组", "单选", "组颜色", "标签", "标签颜色")
ACCOUNT_HEADERS = ("名称", "微信号", "备注")
FIELD_HEADERS = ("字段", "类型", "选项", "在列表中显示")
CAMPAIGN_HEADERS = ("活动", "方式", "开始日期", "结束日期", "目标", "成本", "备注")


@dataclass
class _Chunk:
    """What the rows of one chunk of customers share: looked up once per chunk, not per row."""

    accounts: dict[int, str]
    tags: dict[int, str] = field(default_factory=dict)
    custom: dict[int, dict[int, str]] = field(default_factory=dict)
    referrers: dict[int, str] = field(default_factory=dict)


Getter = Callable[[Any, _Chunk], object]


@dataclass(frozen=True)
class ExportField:
    """One exportable customer column: its key, header, how it is written, and its value."""

    key: str
    header: str
    kind: str
    width: int
    get: Getter

    def out(self) -> OutColumn:
        return OutColumn(self.header, self.kind, self.width)


_CUSTOMER_COLUMNS = (
    Customer.id, Customer.remark_name, Customer.real_name, Customer.wechat_id, Customer.nickname,
    Customer.wechat_account_id, Customer.phone, Customer.gender, Customer.birthday_year,
    Customer.birthday_month, Customer.birthday_day, Customer.birthday_lunar, Customer.birthday_leap_month,
    Customer.city, Customer.address, Customer.occupation, Customer.source, Customer.added_on, Customer.stage,
    Customer.stage_override, Customer.member_level, Customer.total_spent_cents, Customer.first_purchase_on,
    Customer.last_purchase_on, Customer.next_follow_up_on, Customer.rfm_segment, Customer.loyalty_type,
    Customer.points_balance,
)

# Computed layers: exported when the list shows them, never imported (they are worked out again).
LIST_ONLY_FIELDS = (
    ExportField("rfm_segment", "RFM分群", "text", 10, lambda row, _chunk: row.rfm_segment or None),
    ExportField("loyalty_type", "忠诚类型", "text", 8, lambda row, _chunk: row.loyalty_type or None),
    ExportField("points_balance", "积分", "int", 8, lambda row, _chunk: row.points_balance or None),
)


def _attr(name: str) -> Getter:
    get = attrgetter(name)
    return lambda row, _chunk: get(row)


def _birthday(row: Any, _chunk: _Chunk) -> object:
    """A real date when solar with a year; else the text the app shows (05-01, 农历 1988 八月十五)."""
    if not (row.birthday_month and row.birthday_day):
        return None
    if row.birthday_year and not row.birthday_lunar:
        try:
            return date(row.birthday_year, row.birthday_month, row.birthday_day)
        except ValueError:
            pass
    return Birthday(row.birthday_month, row.birthday_day, row.birthday_year, row.birthday_lunar,
                    row.birthday_leap_month).label()


_GETTERS: dict[str, Getter] = {
    "wechat_account": lambda row, chunk: chunk.accounts.get(row.wechat_account_id),
    "birthday": _birthday,
    "stage": lambda row, _chunk: row.stage_override or row.stage,
    "tags": lambda row, chunk: chunk.tags.get(row.id),
    "referrer": lambda row, chunk: chunk.referrers.get(row.id),
    "total_spent": lambda row, _chunk: row.total_spent_cents,
}


def customer_columns(session: Session) -> list[ExportField]:
    """Every exportable customer column, in the order of columns.KINDS (备注 is import-only),
    then one column per custom field, named after it (key "custom:<id>", as in the list)."""
    fields = [
        ExportField(c.key, c.header, VALUE_KINDS.get(c.key, "text"), c.width, _GETTERS.get(c.key) or _attr(c.key))
        for c in KINDS["customers"] if c.key != "remark"
    ]
    fields += [ExportField(spec.key, spec.name, _FIELD_KINDS.get(spec.kind, "text"),
                           max(10, text_width(spec.name) + 3), _custom_getter(spec))
               for spec in list_fields(session)]
    return fields


def _custom_getter(spec: FieldDef) -> Getter:
    field_id = spec.id

    def convert(stored: str) -> object:
        try:
            if spec.kind == "number":
                number = float(stored)
                return int(number) if number.is_integer() and abs(number) < 2**53 else number
            if spec.kind == "date":
                return date.fromisoformat(stored)
        except ValueError:
            return stored
        return display_value(spec, stored)

    def get(row: Any, chunk: _Chunk) -> object:
        stored = chunk.custom.get(row.id, {}).get(field_id)
        return convert(stored) if stored else None

    return get


def choose_columns(fields: list[ExportField], columns: Sequence[str] | None) -> list[ExportField]:
    """The fields for these list column keys (in that order), plus the must-haves not listed."""
    if columns is None:
        return fields
    by_key = {f.key: f for f in (*fields, *LIST_ONLY_FIELDS)}
    keys = list(dict.fromkeys(LIST_ALIASES.get(k, k) for k in columns))
    unknown = [k for k in keys if k not in by_key and not k.startswith("custom:")]
    if unknown:
        raise ValueError(f"unknown customer columns: {unknown}")
    keys += [k for k in MUST_HAVE if k not in keys]
    return [by_key[k] for k in keys if k in by_key]  # a deleted custom field is dropped


# ---- customers ---------------------------------------------------------------------------------

def export_customers(session: Session, path: Path | str, flt: CustomerFilter | None = None,
                     columns: Sequence[str] | None = None, sort: str = "remark_name", descending: bool = False,
                     progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
    """Export the customers matching `flt`, in the list's order, with the list's visible columns
    (`columns`: list keys; None = every column) plus 备注名, 微信号, 手机, 标签, 介绍人 and 累计消费.
    Returns the number of customers written."""
    spec = _customer_sheet(session, flt or CustomerFilter(), choose_columns(customer_columns(session), columns),
                           sort, descending)
    return write_sheets(path, [spec], progress, cancelled)


def _customer_sheet(session: Session, flt: CustomerFilter, fields: list[ExportField], sort: str = "remark_name",
                    descending: bool = False) -> SheetSpec:
    ids = customer_ids(session, flt, SORT_ALIASES.get(sort, sort), descending)
    return SheetSpec(KIND_LABELS["customers"], [f.out() for f in fields], customer_rows(session, ids, fields),
                     total=len(ids))


def customer_rows(session: Session, ids: list[int], fields: list[ExportField]) -> Iterator[list[object]]:
    """The rows of these customers, in this order: five queries per 2,000 customers at most."""
    keys = {f.key for f in fields}
    want_custom = any(k.startswith("custom:") for k in keys)
    accounts = dict(session.execute(select(WechatAccount.id, WechatAccount.name)).all())
    tag_order = tag_labels_in_order(session) if "tags" in keys else {}
    getters = [f.get for f in fields]
    for start in range(0, len(ids), CHUNK):
        chunk_ids = ids[start:start + CHUNK]
        chunk = _Chunk(accounts)
        if tag_order:
            chunk.tags = _chunk_tags(session, chunk_ids, tag_order)
        if want_custom:
            for cid, field_id, value in session.execute(
                select(CustomFieldValue.customer_id, CustomFieldValue.field_id, CustomFieldValue.value)
                .where(CustomFieldValue.customer_id.in_(chunk_ids), CustomFieldValue.value != "")
            ):
                chunk.custom.setdefault(cid, {})[field_id] = value
        if "referrer" in keys:
            chunk.referrers = dict(session.execute(
                select(Referral.referee_id, Customer.remark_name).join(Customer, Customer.id == Referral.referrer_id)
                .where(Referral.referee_id.in_(chunk_ids), Referral.deleted_at.is_(None),
                       Customer.deleted_at.is_(None))
            ).all())
        rows = {row.id: row for row in session.execute(select(*_CUSTOMER_COLUMNS).where(Customer.id.in_(chunk_ids)))}
        for cid in chunk_ids:
            row = rows.get(cid)
            if row is not None:
                yield [get(row, chunk) for get in getters]


def tag_labels_in_order(session: Session) -> dict[int, tuple[int, str]]:
    """tag id → (display order, label): the tag's name, or 组/标签 when two groups share the name."""
    tags = session.execute(
        select(Tag.id, Tag.name, TagGroup.name).join(TagGroup, TagGroup.id == Tag.group_id)
        .order_by(TagGroup.sort, TagGroup.id, Tag.sort, Tag.id)
    ).all()
    names = [name for _, name, _ in tags]
    return {tag_id: (order, name if names.count(name) == 1 else f"{group}/{name}")
            for order, (tag_id, name, group) in enumerate(tags)}


def _chunk_tags(session: Session, chunk_ids: list[int], labels: dict[int, tuple[int, str]]) -> dict[int, str]:
    found: dict[int, list[tuple[int, str]]] = {}
    for cid, tag_id in session.execute(
        select(CustomerTag.customer_id, CustomerTag.tag_id).where(CustomerTag.customer_id.in_(chunk_ids))
    ):
        label = labels.get(tag_id)
        if label is not None:
            found.setdefault(cid, []).append(label)
    return {cid: "、".join(name for _, name in sorted(items)) for cid, items in found.items()}


# ---- one kind ----------------------------------------------------------------------------------

def export_kind(session: Session, kind: str, path: Path | str, tag_names: Iterable[str] = (),
                progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
    """Export every live record of one kind; `tag_names` keeps the customers having all those tags
    (for referrals: where either side has them). Returns the number of rows written."""
    if kind not in EXPORT_KINDS:
        raise UserError(t("不能导出“{kind}”，可选：{kinds}", kind=kind, kinds="、".join(EXPORT_KINDS)))
    if kind in PAGE_KINDS:  # a page's own kind (社群, 朋友圈 …): its page exports it
        return PAGE_KINDS[kind].export(session, kind, path, progress, cancelled)
    tag_ids = []
    for name in tag_names:
        tag = tag_by_name(session, name)
        if tag is None:
            raise UserError(t("没有叫“{name}”的标签", name=name))
        tag_ids.append(tag.id)
    flt = CustomerFilter(tags_all=tag_ids)
    if kind == "customers":
        return export_customers(session, path, flt, progress=progress, cancelled=cancelled)
    scope = filtered(session, flt) if tag_ids else None
    return write_sheets(path, [_record_sheet(session, kind, scope)], progress, cancelled)


def _record_sheet(session: Session, kind: str, scope: Select[Any] | None, with_ids: bool = False) -> SheetSpec:
    """A sheet of notes, purchases, follow-ups or referrals, streamed from one query."""
    if kind == "referrals":
        return _referral_sheet(session, scope, with_ids)
    record: Any = {"notes": Note, "purchases": Purchase, "follow-ups": FollowUp}[kind]
    columns = KINDS[kind]
    values: dict[str, Any] = {
        "customer_name": Customer.remark_name, "customer_wechat_id": Customer.wechat_id,
        "customer_phone": Customer.phone, "amount": Purchase.amount_cents, "done": FollowUp.done_at,
    }
    selected: list[Any] = [values[c.key] if c.key in values else getattr(record, c.key) for c in columns]
    out = [OutColumn(c.header, VALUE_KINDS.get(c.key, "text"), c.width) for c in columns]
    convert: dict[int, Callable[[Any], object]] = {}
    if kind == "follow-ups":
        convert[[c.key for c in columns].index("done")] = lambda done_at: done_at is not None
        if with_ids:
            selected.append(FollowUp.done_at)
            out.append(OutColumn(DONE_AT_HEADER, "datetime", 16))
    if with_ids:
        selected.insert(0, Customer.id)
        out.insert(0, OutColumn(CUSTOMER_ID_HEADER, "int", 8))
        convert = {index + 1: fn for index, fn in convert.items()}
    base = (select(*selected).join(Customer, Customer.id == record.customer_id)
            .where(record.deleted_at.is_(None), Customer.deleted_at.is_(None)))
    if scope is not None:
        base = base.where(record.customer_id.in_(scope))
    when = {"notes": Note.noted_at, "purchases": Purchase.purchased_on, "follow-ups": FollowUp.due_on}[kind]
    ordered = base.order_by(Customer.pinyin, Customer.id, when, record.id)
    return SheetSpec(KIND_LABELS[kind], out, _stream(session, ordered, convert), total=_count(session, base))


def _referral_sheet(session: Session, scope: Select[Any] | None, with_ids: bool) -> SheetSpec:
    referrer, referee = aliased(Customer), aliased(Customer)
    values: dict[str, Any] = {"referrer": referrer.remark_name, "referee": referee.remark_name,
                              "campaign": Campaign.name, "reward_value": func.nullif(Referral.reward_value_cents, 0)}
    columns = KINDS["referrals"]
    selected: list[Any] = [values[c.key] if c.key in values else getattr(Referral, c.key) for c in columns]
    out = [OutColumn(c.header, VALUE_KINDS.get(c.key, "text"), c.width) for c in columns]
    if with_ids:  # 介绍人编号 before 介绍人, 被介绍人编号 before 被介绍人
        selected[0:2] = [referrer.id, referrer.remark_name, referee.id, referee.remark_name]
        out[0:2] = [OutColumn(REFERRER_ID_HEADER, "int", 10), out[0], OutColumn(REFEREE_ID_HEADER, "int", 12), out[1]]
    base = (select(*selected).join(referrer, referrer.id == Referral.referrer_id)
            .join(referee, referee.id == Referral.referee_id)
            .outerjoin(Campaign, (Campaign.id == Referral.campaign_id) & Campaign.deleted_at.is_(None))
            .where(Referral.deleted_at.is_(None), referrer.deleted_at.is_(None), referee.deleted_at.is_(None)))
    if scope is not None:
        base = base.where(or_(referrer.id.in_(scope), referee.id.in_(scope)))
    ordered = base.order_by(referrer.pinyin, referrer.id, Referral.referred_on, Referral.id)
    return SheetSpec(KIND_LABELS["referrals"], out, _stream(session, ordered, {}), total=_count(session, base))


def _count(session: Session, statement: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)


def _stream(session: Session, statement: Select[Any], convert: dict[int, Callable[[Any], object]],
            ) -> Iterator[Sequence[object]]:
    """The statement's rows, fetched CHUNK at a time (the query runs when iteration starts)."""
    result = session.execute(statement.execution_options(yield_per=CHUNK))
    try:
        for row in result:
            if convert:
                values = list(row)
                for index, fn in convert.items():
                    values[index] = fn(values[index])
                yield values
            else:
                yield row
    finally:
        result.close()


# ---- the whole store ---------------------------------------------------------------------------

def export_all(session: Session, path: Path | str, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> dict[str, int]:
    """One workbook with everything needed to rebuild the store in an empty one: 客户 (with 编号),
    笔记, 购买记录, 跟进 (with 客户编号), 转介绍 (with 介绍人编号 / 被介绍人编号), the setup
    sheets 标签, 我的微信号, 自定义字段 and 裂变活动, then one sheet per page kind (商品, 社群,
    群成员, 群日数据, 话术, 素材, 朋友圈, 积分, 关怀记录 — pages.page_sheets, written by the page's
    own `PageKinds.sheet`, as its own export writes them, plus 客户编号 where rows name a customer
    (services.excel.page_ids); images by their paths in the data folder's media/, not the files), and
    last the settings and rules (设置, 会员等级, 复购周期, 内容支柱, 智能列表, 客户SOP, 自动标签规则,
    自动标签, SOP模板, 群SOP, 群任务, 提醒状态: services.excel.workbook_setup). Returns the rows written per sheet (keys of ALL_SHEETS,
    then page kinds, then workbook_setup.SETUP_SHEETS)."""
    fields = customer_columns(session)
    stage_at = [f.key for f in fields].index("stage") + 1
    fields.insert(stage_at, ExportField("stage_override", MANUAL_STAGE_HEADER, "text", 8, _attr("stage_override")))
    fields.insert(0, ExportField("id", ID_HEADER, "int", 8, _attr("id")))
    sheets = {
        "customers": _customer_sheet(session, CustomerFilter(), fields),
        **{kind: _record_sheet(session, kind, None, with_ids=True)
           for kind in ("notes", "purchases", "follow-ups", "referrals")},
        "tags": _tag_sheet(session),
        "accounts": _account_sheet(session),
        "custom-fields": _field_sheet(session),
        "campaigns": _campaign_sheet(session),
    }
    for kind in page_sheets():
        sheet = PAGE_KINDS[kind].sheet
        if sheet is not None:  # 客户编号 where the rows name customers: two may share a 备注名
            sheets[kind] = with_customer_ids(session, kind, sheet(session, kind), CUSTOMER_ID_HEADER)
    from services.excel.workbook_setup import setup_sheets  # it reads the tag labels from here

    sheets.update(setup_sheets(session))
    write_sheets(path, sheets.values(), progress, cancelled)
    return {key: spec.written for key, spec in sheets.items()}


def _setup_sheet(key: str, headers: tuple[str, ...], kinds: tuple[str, ...], rows: list[Sequence[object]]) -> SheetSpec:
    columns = [OutColumn(h, k, max(10, text_width(h) + 4)) for h, k in zip(headers, kinds, strict=True)]
    return SheetSpec(ALL_SHEETS[key], columns, rows, total=len(rows))


def _campaign_sheet(session: Session) -> SheetSpec:
    """裂变活动 (the live ones): the 转介绍 sheet names them in its 活动 column."""
    rows: list[Sequence[object]] = list(session.execute(
        select(Campaign.name, Campaign.method, Campaign.starts_on, Campaign.ends_on, Campaign.goal,
               Campaign.cost_cents, Campaign.note)
        .where(Campaign.deleted_at.is_(None)).order_by(Campaign.starts_on, Campaign.id)))
    return _setup_sheet("campaigns", CAMPAIGN_HEADERS, ("text", "text", "date", "date", "text", "money", "text"), rows)


def _tag_sheet(session: Session) -> SheetSpec:
    rows: list[Sequence[object]] = [
        (group.name, not group.multi, group.color, name, color)
        for group, name, color in session.execute(
            select(TagGroup, Tag.name, Tag.color).outerjoin(Tag, Tag.group_id == TagGroup.id)
            .order_by(TagGroup.sort, TagGroup.id, Tag.sort, Tag.id)
        )
    ]
    return _setup_sheet("tags", TAG_HEADERS, ("text", "bool", "text", "text", "text"), rows)


def _account_sheet(session: Session) -> SheetSpec:
    rows: list[Sequence[object]] = list(session.execute(
        select(WechatAccount.name, WechatAccount.wechat_id, WechatAccount.note)
        .order_by(WechatAccount.sort, WechatAccount.id)
    ))
    return _setup_sheet("accounts", ACCOUNT_HEADERS, ("text", "phone", "text"), rows)


def _field_sheet(session: Session) -> SheetSpec:
    rows: list[Sequence[object]] = [
        (f.name, FIELD_KIND_LABELS.get(f.kind, f.kind), "、".join(f.choices or ()), f.show_in_list)
        for f in session.scalars(select(CustomField).order_by(CustomField.sort, CustomField.id))
    ]
    return _setup_sheet("custom-fields", FIELD_HEADERS, ("text", "text", "text", "bool"), rows)
