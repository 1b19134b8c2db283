"""Excel kinds of the 社群 page: `groups`, `group-members` and `group-stats` — their columns, how a row is
imported (services.excel.kinds.Kind), and how they are exported.

Kept in their own module; the Excel registries take them in with these lines (see
`register_group_kinds`, which does exactly this, for tests and for wiring in one call):

    columns.KINDS.update(GROUP_COLUMNS); columns.KIND_LABELS.update(GROUP_LABELS)
    kinds.KIND_CLASSES.update(GROUP_KIND_CLASSES)
    undo.CREATED_TABLES = (*GROUP_CREATED_TABLES, *undo.CREATED_TABLES)  (+ RECORD_TABLES)
    export: `export_group_kind(session, kind, path, …)` for the three kinds.

Rows name their group by 群名称 (a live group of that exact name) and their customer like the other
record kinds: 客户 (备注名), 客户微信号 or 客户手机. A file's repeated row (same group, same customer or
day) is one record. Updating a record only overwrites the cells that are filled in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ChatGroup, Customer, GroupDailyStat, GroupMember, WechatAccount
from models.groups import GROUP_KINDS
from services.excel import values as v
from services.excel.columns import CUSTOMER_REF, Column
from services.excel.kinds_base import Kind, customer_of
from services.excel.pages import PageKinds, register_page_kinds
from services.excel.resolve import ImportContext
from services.excel.writer import Cancelled, OutColumn, Progress, SheetSpec, write_sheets
from services.excel.writing import Pending, Problems, Values
from services.excel.writing import parse_cell as _parse
from services.excel.writing import update_record as _update
from services.groups import ROLE_LABELS, STATUS_LABELS, role_of_label
from services.i18n import t

_GROUP_REF = Column("group", "群名称", ("群名", "社群", "社群名称", "群聊", "群聊名称", "Group", "Group Name"),
                    required=True, width=20)
STATUS_CHOICES = tuple(STATUS_LABELS.values())
ROLE_CHOICES = tuple(ROLE_LABELS.values())

GROUP_COLUMNS: dict[str, tuple[Column, ...]] = {
    "groups": (
        Column("name", "群名称", ("群名", "社群名称", "群聊名称", "群聊", "Group", "Group Name", "Name"), required=True,
               width=20),
        Column("wechat_account", "我的微信号", ("所属微信", "群主微信", "My WeChat", "Account"), width=10),
        Column("kind", "类型", ("群类型", "社群类型", "Type", "Kind"), choices=GROUP_KINDS, width=8),
        Column("created_on", "建群日期", ("创建日期", "建群时间", "创建时间", "Created", "Created On"), width=12),
        Column("status", "状态", ("运营状态", "Status"), choices=STATUS_CHOICES, width=8),
        Column("positioning", "定位", ("群定位", "Positioning"), width=24),
        Column("rules", "群规", ("群规则", "Rules"), width=30),
        Column("welcome", "欢迎语", ("入群欢迎语", "Welcome"), width=30),
        Column("announcement", "群公告", ("公告", "Announcement"), width=30),
        Column("auto_replies", "自动回复", ("常见问题", "关键词回复", "Auto Replies", "FAQ"), width=30),
    ),
    "group-members": (
        _GROUP_REF,
        *CUSTOMER_REF,
        Column("role", "角色", ("群角色", "群身份", "Role"), choices=ROLE_CHOICES, width=10),
        Column("joined_on", "进群日期", ("入群日期", "加入日期", "进群时间", "Joined"), width=12),
        Column("left_on", "退群日期", ("退出日期", "退群时间", "Left"), width=12),
    ),
    "group-stats": (
        _GROUP_REF,
        Column("day", "日期", ("统计日期", "Date", "Day"), required=True, width=12),
        Column("members", "群人数", ("社群人数", "人数", "成员数", "Members"), width=8),
        Column("joined", "进群人数", ("进群", "入群人数", "新增人数", "Joined"), width=8),
        Column("left", "退群人数", ("退群", "退出人数", "Left"), width=8),
        Column("exposures", "入群渠道曝光数", ("曝光数", "渠道曝光", "曝光", "Exposures"), width=12),
        Column("messages", "消息数", ("消息总数", "消息量", "Messages"), width=8),
        Column("active_speakers", "发言人数", ("有效发言人数", "活跃人数", "Speakers"), width=8),
        Column("buyers", "下单人数", ("订单人数", "购买人数", "Buyers"), width=8),
        Column("orders", "订单数", ("订单量", "Orders"), width=8),
        Column("revenue", "成交额", ("销售额", "订单总额", "GMV", "Revenue"), width=10),
        Column("cost", "成本", ("投入", "花费", "Cost"), width=10),
    ),
}
GROUP_LABELS = {"groups": "社群", "group-members": "群成员", "group-stats": "群日数据"}
GROUP_VALUE_KINDS = {"created_on": "date", "joined_on": "date", "left_on": "date", "day": "date", "revenue": "money",
                     "cost": "money", "customer_wechat_id": "phone", "customer_phone": "phone",
                     **dict.fromkeys(("members", "joined", "left", "exposures", "messages", "active_speakers",
                                      "buyers", "orders"), "int")}
# For the templates' 说明 sheet (column key → what it is, how to write it) and their example rows.
GROUP_HELP: dict[str, tuple[str, str]] = {
    "name": ("群的名称，和微信里一致", "文字"), "group": ("哪个群：客本里已有的群名称", "文字，先导入“社群”"),
    "kind": ("群的类型", "从下拉列表中选；不填为 福利群"), "created_on": ("建群的日期", "日期，如 2024-05-01"),
    "status": ("群还在运营还是已归档", "运营中 或 已归档；不填为 运营中"), "positioning": ("这个群是做什么的", "文字"),
    "rules": ("群规", "文字，可多行"), "welcome": ("新人进群时发的欢迎语", "文字，可多行"),
    "announcement": ("群公告", "文字，可多行"),
    "auto_replies": ("常见问题的回答", "每行一条，写成“问题：回答”"),
    "role": ("在群里的角色", "群主、管理、气氛组KOC 或 成员；不填为 成员"),
    "joined_on": ("进群的日期", "日期；不填为导入当天"), "left_on": ("退群的日期（还在群里就空着）", "日期"),
    "day": ("哪一天的数据", "日期，如 2024-05-01"), "members": ("当天结束时的群人数", "整数"),
    "joined": ("当天进群人数", "整数"), "left": ("当天退群人数", "整数"), "exposures": ("入群渠道（海报、朋友圈等）的曝光数", "整数"),
    "messages": ("当天群消息总数", "整数"), "active_speakers": ("当天有效发言人数", "整数"),
    "buyers": ("当天下单人数", "整数"), "orders": ("当天订单数", "整数"), "revenue": ("当天成交额", "金额，单位元"),
    "cost": ("当天投入的成本（红包、奖品、广告）", "金额，单位元"),
}
GROUP_EXAMPLES: dict[str, dict[str, object]] = {
    "groups": {"name": "茶友福利1群", "wechat_account": "工作号1", "kind": "福利群", "created_on": date(2024, 5, 1),
               "status": "运营中", "positioning": "老客复购、新品尝鲜", "rules": "1. 不发广告\n2. 友好交流",
               "welcome": "欢迎进群！每周三是会员日～", "announcement": "本周三晚8点会员日",
               "auto_replies": "怎么下单：接龙或私聊我\n多久发货：48小时内"},
    "group-members": {"group": "茶友福利1群", "customer_name": "张丽", "customer_wechat_id": "zhangli_1988",
                      "customer_phone": "13800138000", "role": "气氛组KOC", "joined_on": date(2024, 5, 1)},
    "group-stats": {"group": "茶友福利1群", "day": date(2024, 5, 1), "members": 186, "joined": 12, "left": 2,
                    "exposures": 300, "messages": 240, "active_speakers": 35, "buyers": 6, "orders": 7,
                    "revenue": 128000, "cost": 20000},
}
_COUNTS = ("joined", "left", "exposures", "messages", "active_speakers", "buyers", "orders")
_REPLY_SPLIT = re.compile(r"[：:]|→|->")






def parse_status(value: object) -> str:
    text = v.cell_text(value)
    for key, label in STATUS_LABELS.items():
        if text.lower() in (key, label):
            return key
    raise ValueError(t("状态“{text}”不对，只能是：运营中、已归档", text=text))


def parse_auto_replies(value: object) -> list[dict[str, str]]:
    """One “问题：回答” per line."""
    replies = []
    for number, line in enumerate(v.cell_text(value).splitlines(), 1):
        if not line.strip():
            continue
        parts = _REPLY_SPLIT.split(line, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise ValueError(t("第 {n} 行“{line}”应写成“问题：回答”", n=number, line=line.strip()))
        replies.append({"q": parts[0].strip(), "a": parts[1].strip()})
    return replies


def format_auto_replies(replies: Sequence[dict[str, str]] | None) -> str:
    return "\n".join(f"{r.get('q', '')}：{r.get('a', '')}" for r in replies or [])


class GroupRef:
    """Finds the group a row names, by exact 群名称 among live groups (loaded once per import)."""

    def __init__(self) -> None:
        self.groups: dict[str, int] | None = None

    def group_of(self, ctx: ImportContext, raw: dict[str, Any], problems: Problems) -> int | None:
        if self.groups is None:
            self.groups = {}
            for gid, name in ctx.session.execute(select(ChatGroup.id, ChatGroup.name)
                                                 .where(ChatGroup.deleted_at.is_(None)).order_by(ChatGroup.id)):
                self.groups.setdefault(name, gid)
        name = v.cell_text(raw.get("group"))
        if not name:
            problems["group"] = t("没有写是哪个群")
            return None
        found = self.groups.get(name)
        if found is None:
            problems["group"] = t("群“{name}”在客本里找不到（请先在社群页面建群，或导入“社群”）", name=name)
        return found


class Groups(Kind):
    name = "groups"
    TEXTS = ("positioning", "rules", "welcome", "announcement")

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        values: Values = {"name": v.cell_text(raw.get("name"))}
        if not values["name"]:
            problems["name"] = t("群名称为空")
        elif len(values["name"]) > 100:
            problems["name"] = t("群名称太长（最多100个字）")
        kind = v.cell_text(raw.get("kind"))
        if kind and kind not in GROUP_KINDS:
            problems["kind"] = t("类型“{k}”不对，只能是：{all}", k=kind, all="、".join(GROUP_KINDS))
        values["kind"] = kind or None
        values["wechat_account"] = v.cell_text(raw.get("wechat_account"))
        values["created_on"] = _parse(raw, problems, "created_on", v.parse_date)
        values["status"] = _parse(raw, problems, "status", parse_status)
        for key in self.TEXTS:
            values[key] = v.cell_text(raw.get(key)) or None
        values["auto_replies"] = _parse(raw, problems, "auto_replies", parse_auto_replies)
        return values, problems

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        return ("group", values["name"])

    def match(self, ctx: ImportContext, values: Values) -> int | None:
        return ctx.session.scalar(select(ChatGroup.id).where(ChatGroup.name == values["name"],
                                                             ChatGroup.deleted_at.is_(None)).order_by(ChatGroup.id))

    def _fields(self, ctx: ImportContext, values: Values) -> dict[str, Any]:
        filled = {k: values[k] for k in ("kind", "created_on", "status", *self.TEXTS, "auto_replies")
                  if values.get(k) is not None}
        if values["wechat_account"]:
            filled["account_id"] = ctx.account_id(values["wechat_account"])
        return filled

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        existing = self.match(ctx, values)  # "add" skips matching, but two groups cannot share a name
        if existing is not None:
            self.update(ctx, pending, existing, values)
            return existing
        group = ChatGroup(name=values["name"], kind="福利群", status="active", created_on=date.today(),
                          auto_replies=[], import_batch_id=pending.batch_id)
        for key, value in self._fields(ctx, values).items():
            setattr(group, key, value)
        ctx.session.add(group)
        ctx.session.flush()
        return group.id

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        _update(ctx, pending, ChatGroup, record_id, self._fields(ctx, values))

    def merge(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        self.update(ctx, pending, record_id, values)


class GroupMembers(Kind):
    name = "group-members"

    def __init__(self) -> None:
        self.ref = GroupRef()

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        values: Values = {"group_id": self.ref.group_of(ctx, raw, problems),
                          "customer_id": customer_of(ctx, raw, problems)}
        values["role"] = _parse(raw, problems, "role", lambda x: role_of_label(v.cell_text(x)))
        values["joined_on"] = _parse(raw, problems, "joined_on", v.parse_date)
        values["left_on"] = _parse(raw, problems, "left_on", v.parse_date)
        if values["joined_on"] and values["left_on"] and values["left_on"] < values["joined_on"]:
            problems["left_on"] = t("退群日期 {left} 早于进群日期 {joined}", left=values["left_on"],
                                    joined=values["joined_on"])
        return values, problems

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        return (values["group_id"], values["customer_id"])

    def match(self, ctx: ImportContext, values: Values) -> int | None:
        return ctx.session.scalar(select(GroupMember.id).where(GroupMember.group_id == values["group_id"],
                                                               GroupMember.customer_id == values["customer_id"]))

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        pending.add(GroupMember, {"group_id": values["group_id"], "customer_id": values["customer_id"],
                                  "role": values["role"] or "member", "joined_on": values["joined_on"] or date.today(),
                                  "left_on": values["left_on"]})
        return int(values["customer_id"])

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        changes = {k: values[k] for k in ("role", "joined_on", "left_on") if values[k] is not None}
        _update(ctx, pending, GroupMember, record_id, changes)

    def merge(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        """The same member twice in a file: the membership is already there."""


class GroupStats(Kind):
    name = "group-stats"

    def __init__(self) -> None:
        self.ref = GroupRef()

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        values: Values = {"group_id": self.ref.group_of(ctx, raw, problems)}
        values["day"] = _parse(raw, problems, "day", v.parse_date)
        if values["day"] is None and "day" not in problems:
            problems["day"] = t("日期为空")
        values["members"] = _parse(raw, problems, "members", lambda x: v.parse_int(x, minimum=0))
        for key in _COUNTS:
            values[key] = _parse(raw, problems, key, lambda x: v.parse_int(x, minimum=0))
        values["revenue_cents"] = _parse(raw, problems, "revenue", v.parse_money)
        values["cost_cents"] = _parse(raw, problems, "cost", v.parse_money)
        return values, problems

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        return (values["group_id"], values["day"])

    def match(self, ctx: ImportContext, values: Values) -> int | None:
        return ctx.session.scalar(select(GroupDailyStat.id).where(GroupDailyStat.group_id == values["group_id"],
                                                                  GroupDailyStat.day == values["day"]))

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        row = {key: values[key] or 0 for key in (*_COUNTS, "revenue_cents", "cost_cents")}
        pending.add(GroupDailyStat, {"group_id": values["group_id"], "day": values["day"],
                                     "members": values["members"], **row})
        return int(values["group_id"])

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        changes = {k: values[k] for k in ("members", *_COUNTS, "revenue_cents", "cost_cents") if values[k] is not None}
        _update(ctx, pending, GroupDailyStat, record_id, changes)

    def merge(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        """The same day twice in a file: the later row's filled cells win."""
        pending.flush()
        found = self.match(ctx, values)
        if found is not None:
            self.update(ctx, pending, found, values)


GROUP_KIND_CLASSES: dict[str, type[Kind]] = {"groups": Groups, "group-members": GroupMembers,
                                              "group-stats": GroupStats}
GROUP_CREATED_TABLES: tuple[Any, ...] = (GroupDailyStat, GroupMember, ChatGroup)  # children first


def register_group_kinds() -> None:
    """Put the three kinds into the Excel registries (idempotent)."""
    register_page_kinds(PageKinds(GROUP_COLUMNS, GROUP_LABELS, GROUP_KIND_CLASSES, GROUP_CREATED_TABLES, export_group_kind,
                                  GROUP_HELP, GROUP_EXAMPLES, GROUP_VALUE_KINDS, customer_help=True, sheet=group_sheet),
                        undo_first=True)


# ---- export -------------------------------------------------------------------------------------------

def export_group_kind(session: Session, kind: str, path: Path | str, progress: Progress | None = None,
                      cancelled: Cancelled | None = None) -> int:
    """Export every group (not in the trash), member or day of stats; returns the rows written."""
    if kind not in GROUP_COLUMNS:
        raise ValueError(f"not a group kind: {kind}")
    return write_sheets(path, [group_sheet(session, kind)], progress, cancelled)


def group_sheet(session: Session, kind: str) -> SheetSpec:
    """The sheet of one group kind (for exports and a full-workbook backup)."""
    columns = [OutColumn(c.header, GROUP_VALUE_KINDS.get(c.key, "text"), c.width) for c in GROUP_COLUMNS[kind]]
    rows = {"groups": _group_rows, "group-members": _member_rows, "group-stats": _stat_rows}[kind](session)
    return SheetSpec(GROUP_LABELS[kind], columns, rows, total=len(rows))


def _group_rows(session: Session) -> list[list[object]]:
    return [[g.name, account, g.kind, g.created_on, STATUS_LABELS.get(g.status, g.status), g.positioning, g.rules,
             g.welcome, g.announcement, format_auto_replies(g.auto_replies)]
            for g, account in session.execute(
                select(ChatGroup, WechatAccount.name).outerjoin(WechatAccount, WechatAccount.id == ChatGroup.account_id)
                .where(ChatGroup.deleted_at.is_(None)).order_by(ChatGroup.name, ChatGroup.id))]


def _member_rows(session: Session) -> list[list[object]]:
    return [[group, name, wechat_id, phone, ROLE_LABELS.get(m.role, m.role), m.joined_on, m.left_on]
            for m, group, name, wechat_id, phone in session.execute(
                select(GroupMember, ChatGroup.name, Customer.remark_name, Customer.wechat_id, Customer.phone)
                .join(ChatGroup, ChatGroup.id == GroupMember.group_id)
                .join(Customer, Customer.id == GroupMember.customer_id)
                .where(ChatGroup.deleted_at.is_(None), Customer.deleted_at.is_(None))
                .order_by(ChatGroup.name, GroupMember.group_id, Customer.pinyin, Customer.id))]


def _stat_rows(session: Session) -> list[list[object]]:
    return [[group, s.day, s.members, s.joined, s.left, s.exposures, s.messages, s.active_speakers, s.buyers,
             s.orders, s.revenue_cents, s.cost_cents]
            for s, group in session.execute(
                select(GroupDailyStat, ChatGroup.name).join(ChatGroup, ChatGroup.id == GroupDailyStat.group_id)
                .where(ChatGroup.deleted_at.is_(None)).order_by(ChatGroup.name, GroupDailyStat.group_id,
                                                                 GroupDailyStat.day))]
