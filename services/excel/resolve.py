"""What an import needs to know about the store, loaded once: customers by WeChat ID, phone and
name; tags, accounts and custom fields by name. New records made by the import are added as it goes,
so that a later row (or a 介绍人 column) can find a customer created by an earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Customer, Tag, TagGroup, WechatAccount
from services.custom_fields import FieldDef, list_fields
from services.i18n import t

IMPORTED_TAG_GROUP = "导入的标签"


@dataclass(slots=True)  # one per customer of the store: 100,000 of them in a large import
class CustomerKey:
    id: int
    name: str
    wechat_id: str
    phone: str


@dataclass
class ImportContext:
    session: Session
    by_wechat: dict[str, int] = field(default_factory=dict)  # lower-cased WeChat ID → id
    by_phone: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    # 备注名 → those of its customers that lack a WeChat ID or a phone: the only namesakes a row with
    # either can match (see match_customer). A file of 100,000 rows has thousands of 张丽.
    by_name_open: dict[str, list[int]] = field(default_factory=dict)
    keys: dict[int, CustomerKey] = field(default_factory=dict)
    by_number: dict[int, int] = field(default_factory=dict)  # full-workbook 编号 → id in this store
    tags: dict[str, int] = field(default_factory=dict)  # tag name → id
    tag_group_of: dict[int, tuple[int, bool]] = field(default_factory=dict)  # tag id → (group id, multi)
    accounts: dict[str, int] = field(default_factory=dict)
    custom_fields: dict[int, FieldDef] = field(default_factory=dict)
    next_customer_id: int = 1
    reserved_ids: list[int] = field(default_factory=list)  # PostgreSQL: ids taken from the sequence, reversed
    dry_run: bool = False
    batch_id: int | None = None  # set by run_import: the setup records made here are undone with its batch

    @classmethod
    def load(cls, session: Session) -> ImportContext:
        ctx = cls(session)
        rows = session.execute(
            select(Customer.id, Customer.remark_name, Customer.wechat_id, Customer.phone)
            .where(Customer.deleted_at.is_(None))
        )
        for cid, name, wechat_id, phone in rows:
            ctx.remember(CustomerKey(cid, name, wechat_id, phone))
        ctx.next_customer_id = int(session.scalar(select(func.coalesce(func.max(Customer.id), 0))) or 0) + 1
        for tag_id, name, group_id, group_name, multi in session.execute(
            select(Tag.id, Tag.name, Tag.group_id, TagGroup.name, TagGroup.multi).join(TagGroup).order_by(Tag.id)
        ):
            ctx.tags.setdefault(name, tag_id)
            ctx.tags.setdefault(f"{group_name}/{name}", tag_id)  # as the export names a tag two groups share
            ctx.tag_group_of[tag_id] = (group_id, multi)
        ctx.accounts = {name: aid for aid, name in session.execute(select(WechatAccount.id, WechatAccount.name))}
        ctx.custom_fields = {f.id: f for f in list_fields(session)}
        return ctx

    def remember(self, key: CustomerKey) -> None:
        self.keys[key.id] = key
        if key.wechat_id:
            self.by_wechat.setdefault(key.wechat_id.lower(), key.id)
        if key.phone:
            self.by_phone.setdefault(key.phone, key.id)
        if key.name:
            namesakes = self.by_name.setdefault(key.name, [])
            if key.id not in namesakes:  # a row updating a customer remembers her again
                namesakes.append(key.id)
            if not (key.wechat_id and key.phone):
                open_ = self.by_name_open.setdefault(key.name, [])
                if key.id not in open_:
                    open_.append(key.id)

    def match_customer(self, name: str, wechat_id: str, phone: str) -> int | None:
        """WeChat ID first, then phone, then the exact 备注名 — when that customer's own WeChat ID
        and phone do not contradict the row (two different 张丽 stay two customers)."""
        if wechat_id and wechat_id.lower() in self.by_wechat:
            return self.by_wechat[wechat_id.lower()]
        if phone and phone in self.by_phone:
            return self.by_phone[phone]
        if not name:
            return None
        # Lists may hold customers whose key has changed since: the check below reads the current key.
        for cid in (self.by_name_open if wechat_id or phone else self.by_name).get(name, ()):
            key = self.keys[cid]
            if (not wechat_id or not key.wechat_id) and (not phone or not key.phone):
                return cid
        return None

    def find_customer(self, text: str) -> int | None:
        """A customer named in a cell (介绍人, 客户 …): WeChat ID, phone, or unique 备注名."""
        value = text.strip()
        if not value:
            return None
        if value.lower() in self.by_wechat:
            return self.by_wechat[value.lower()]
        digits = value.replace(" ", "").replace("-", "")
        if digits in self.by_phone:
            return self.by_phone[digits]
        named = self.by_name.get(value, [])
        return named[0] if len(named) == 1 else None

    def not_found(self, text: str) -> str:
        """Why find_customer(text) found no one, in one line: nothing written, several customers of
        that 备注名 (which one is meant cannot be guessed), or no such customer."""
        value = text.strip()
        if not value:
            return t("没有写是哪位客户")
        namesakes = len(self.by_name.get(value, []))
        if namesakes > 1:
            return t("有 {n} 位客户都叫“{name}”，请改写成TA的微信号或手机号来区分", n=namesakes, name=value)
        return t("“{name}”在客户本里找不到（请先导入客户）", name=value)

    def new_customer_id(self) -> int:
        if self.session.get_bind().dialect.name == "postgresql":  # 团队模式: others insert meanwhile
            from services.sqlutil import reserve_ids

            if not self.reserved_ids:
                self.reserved_ids = reserve_ids(self.session, "customer", 1000)[::-1]
            return self.reserved_ids.pop()
        cid = self.next_customer_id
        self.next_customer_id += 1
        return cid

    def tag_id(self, name: str) -> int:
        """The tag of that name, created in the group 导入的标签 when the store has none."""
        if name in self.tags:
            return self.tags[name]
        from services.tags import save_group, save_tag

        group = self.session.scalar(select(TagGroup.id).where(TagGroup.name == IMPORTED_TAG_GROUP))
        if group is None:
            group = save_group(self.session, IMPORTED_TAG_GROUP, multi=True, commit=False)
            self.created(TagGroup, group)
        tag_id = save_tag(self.session, group, name, commit=False)
        self.created(Tag, tag_id)
        self.tags[name] = tag_id
        self.tag_group_of[tag_id] = (group, True)
        return tag_id

    def account_id(self, name: str) -> int:
        if name not in self.accounts:
            account = WechatAccount(name=name, sort=len(self.accounts))
            self.session.add(account)
            self.session.flush()
            self.accounts[name] = account.id
            self.created(WechatAccount, account.id)
        return self.accounts[name]

    def created(self, model: type, record_id: int) -> None:
        """A tag, account, pillar … this import made for its rows: undo removes it again unless
        something else uses it by then (services.excel.undo._remove_if_unused)."""
        from services.excel.undo import created_change
        from services.excel.writing import note_change

        note_change(self.session, self.batch_id, created_change(model), record_id, {})

    def custom_field_named(self, header: str) -> FieldDef | None:
        for spec in self.custom_fields.values():
            if spec.name == header.strip():
                return spec
        return None


def describe_customer(ctx: ImportContext, customer_id: int) -> str:
    key = ctx.keys.get(customer_id)
    return key.name if key else t("客户#{id}", id=customer_id)
