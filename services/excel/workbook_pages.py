"""The pages' sheets of a full workbook (商品, 社群, 群成员, 群日数据, 话术, 素材, 朋友圈, 积分, 关怀记录:
`pages.page_sheets`), restored by `workbook.import_workbook` after the customer book.

Each sheet is read with its page's own columns (columns.KINDS, the headers its export writes) and
its rows go through the page's own import kind (parse, create, finish) in the restore's one
transaction, context and batch: `undo_import` of the "all" batch takes them back with the rest
(undo.CREATED_TABLES holds the pages' tables), and an invalid cell refuses the whole workbook, named
by sheet, row and column, like a cell of the customer book. Every page sheet is optional: a workbook
exported before the pages had sheets, or by an older KeBen, restores as it did.

Decisions:
- A row is a new record, as in the customer book. Only where the store already holds records of
  that page (a store without customers may have its 话术 or 商品) does a row the page's import would
  match (same 分类 and 标题, same 名称 …) update that record instead (filled cells win; undo puts
  it back) — and then two such rows of the workbook are one record, as in that page's import.
- Customers are named by 客户编号 (the 客户 sheet's 编号), which a full workbook writes on every page
  sheet whose rows name a customer (群成员, 积分, 关怀记录: services.excel.page_ids), beside 客户
  (备注名), 客户微信号 and 客户手机 as the pages' own exports name them. A 客户编号 wins over the
  names, so two customers sharing a 备注名 with neither 微信号 nor 手机 keep their own rows. Only a
  sheet without that column (made or edited by hand) names them by the names alone: such namesakes
  cannot be told apart there, and a row of theirs refuses the workbook ("有 2 位客户都叫…").
- Groups are named by 群名称, and two groups may not share one (services.groups.clean_group; a group
  back from the 回收站 beside a namesake is renamed "…（恢复）"). A workbook of an older KeBen holding
  two of one name restores them as one group, the later row's filled cells winning, with the
  members and daily stats of both.
- Images (素材's 图片文件, 朋友圈's 图片) are written as their paths inside the data folder (media/…);
  the workbook does not hold the files. A restore keeps such a path even when the new data folder
  has no file there yet: copying the old data folder's media/ into the new one (README, "你的数据")
  brings the pictures back. A path outside the data folder is a file copied in, as on any import.
- 积分 holds the entries a restore cannot work out again (not those of purchases, earned again from
  购买记录 under this store's points rules, nor expiries). For referrals it is the ledger: its
  "介绍 X 成交" entries are tied to their referrals again, and no referral earns points beyond it.
  Balances and tiers are then recomputed. A check-in names its 社群 in 打卡社群 (a full workbook's
  column): the 打卡 page shows it ticked, and it cannot be ticked, and earn, again.
- Group members restore as the store held them, even a 退群日期 before the 进群日期 (which the 群成员
  import refuses): a backup that refused the seller's own rows would not be one.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import Customer, Referral
from models.loyalty import PointEntry
from models.moments import MAX_IMAGES
from services.excel import values as v
from services.excel.columns import KINDS
from services.excel.export import CUSTOMER_ID_HEADER
from services.excel.kinds import KIND_CLASSES, Kind
from services.excel.kinds_groups import GroupMembers, GroupRef
from services.excel.kinds_library import Materials
from services.excel.kinds_loyalty import CHECKIN_GROUP_HEADER, Points
from services.excel.kinds_moments import _IMAGE_SPLIT, POST_ID_HEADER, Posts
from services.excel.pages import PAGE_KINDS, PageKinds, page_sheets
from services.excel.resolve import ImportContext
from services.excel.writing import Pending, Problems, Values, parse_cell
from services.i18n import t
from services.points import expiry_of

if TYPE_CHECKING:
    from services.excel.workbook import _Restore

CUSTOMER_KEYS = ("customer_name", "customer_wechat_id", "customer_phone")


def extra_headers(kind: str) -> tuple[tuple[str, str], ...]:
    """The columns a page sheet may have beyond its page's own: 客户编号, where rows name a customer;
    朋友圈编号 on 朋友圈 (what its 朋友圈互动 name posts by); 打卡社群 on 积分."""
    extra: list[tuple[str, str]] = []
    if kind == "posts":
        extra.append((POST_ID_HEADER, "post_number"))
    if any(c.key == "customer_name" for c in KINDS[kind]):
        extra.append((CUSTOMER_ID_HEADER, "customer_number"))
    if kind == "points":
        extra.append((CHECKIN_GROUP_HEADER, "checkin_group"))
    return tuple(extra)


def required(kind: str) -> tuple[str, ...]:
    """The columns a page sheet cannot do without: those its page's import requires."""
    return tuple(c.key for c in KINDS[kind] if c.required)


def restore_pages(restore: _Restore) -> list[Kind]:
    """Read every page sheet the workbook has, in page_sheets' order, creating its rows; returns the
    kinds used, to be finished (balances, links) after the customer book's."""
    had: dict[int, bool] = {}  # id(page) → the store held records of that page before
    handlers: list[Kind] = []
    restore.pending.flush()  # the customer book's rows, which the pages' rows point at
    for kind, name in page_sheets().items():
        if name not in restore.book.sheet_names:
            continue
        page = PAGE_KINDS[kind]
        if id(page) not in had:
            had[id(page)] = _has_records(restore.session, page)
        handler = _RESTORE_CLASSES.get(kind, KIND_CLASSES[kind])()
        # A row naming a customer (all of them new here) cannot be a record the store had.
        names_customers = any(key == "customer_number" for _header, key in extra_headers(kind))
        _restore_sheet(restore, kind, handler, had[id(page)] and not names_customers)
        handlers.append(handler)
    return handlers


def _restore_sheet(restore: _Restore, kind: str, handler: Kind, match: bool) -> None:
    ctx, pending = restore.ctx, restore.pending
    for row, cells, column_of in restore.rows(kind):
        number = cells.pop("customer_number", None)
        numbered: Problems = {}  # 朋友圈编号, for 朋友圈互动 (workbook_interactions)
        post_number = parse_cell(cells, numbered, "post_number", v.parse_int)
        cells.pop("post_number", None)
        values, problems = handler.parse(ctx, cells)
        problems.update(numbered)
        if not v.is_blank(number):
            _customer_by_number(ctx, number, values, problems)
        if problems:
            restore.report(kind, row, problems, column_of)
            continue
        found = handler.match(ctx, values) if match else None
        if found is None:
            found = handler.create(ctx, pending, values)
            restore.created += 1
        else:
            handler.update(ctx, pending, found, values)
        if post_number is not None:
            restore.post_ids[post_number] = found


def _has_records(session: Session, page: PageKinds) -> bool:
    return any(session.scalar(select(model.id).limit(1)) is not None for model in page.created_tables)


def _customer_by_number(ctx: ImportContext, cell: object, values: Values, problems: Problems) -> None:
    """A 客户编号 cell names the customer, whatever the name columns say (they may be ambiguous)."""
    try:
        number = v.parse_int(cell)
    except ValueError as error:
        problems["customer_number"] = str(error)
        return
    found = ctx.by_number.get(number)
    if found is None:
        problems["customer_number"] = t("“客户”表里没有编号 {n}", n=number)
        return
    values["customer_id"] = found
    for key in CUSTOMER_KEYS:
        problems.pop(key, None)


def in_data_folder(text: str) -> str:
    """The path as kept when it names a place inside the data folder (relative, no ..), else ""."""
    text = text.strip().strip('"')
    if not text or PureWindowsPath(text).drive or text.startswith(("/", "\\")):
        return ""
    path = PurePosixPath(text)
    return "" if ".." in path.parts or ".." in PureWindowsPath(text).parts else path.as_posix()


class _GroupMembers(GroupMembers):
    """群成员 as the store held them: a 退群日期 before the 进群日期 (left, then joined again, or marked
    left with an earlier day) is kept — a backup that refused the seller's own rows would not be one."""

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        values, problems = super().parse(ctx, raw)
        if values["joined_on"] and values["left_on"] and values["left_on"] < values["joined_on"]:
            problems.pop("left_on", None)
        return values, problems


class _Points(Points):
    """积分 with the entries a referral earned ("介绍 X 成交") tied to that referral again, as they were:
    the customer book's purchases award each referral's points once, and would award them a second time."""

    def __init__(self) -> None:
        super().__init__()
        self.referrals: dict[tuple[int, str], list[int]] | None = None  # (referrer, the note it earns) → ids
        self.groups = GroupRef()  # 打卡社群: the 社群 sheet's groups, restored by now

    def _referral(self, ctx: ImportContext, values: Values) -> int | None:
        if self.referrals is None:
            self.referrals = {}
            for rid, referrer, name in ctx.session.execute(
                    select(Referral.id, Referral.referrer_id, Customer.remark_name)
                    .join(Customer, Customer.id == Referral.referee_id).order_by(Referral.id)):
                self.referrals.setdefault((referrer, t("介绍 {name} 成交", name=name)), []).append(rid)
        found = self.referrals.get((values["customer_id"], values["note"]))
        return found.pop(0) if found else None

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        group = raw.pop("checkin_group", None)
        values, problems = super().parse(ctx, raw)
        values["group_id"] = None
        if not v.is_blank(group):
            found: Problems = {}
            values["group_id"] = self.groups.group_of(ctx, {"group": group}, found)
            if found:
                problems["checkin_group"] = found["group"]
        return values, problems

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        referral = self._referral(ctx, values) if values["reason"] == "referral" else None
        expires = expiry_of(ctx.session, values["entry_on"]) if values["points"] > 0 else None
        pending.add(PointEntry, {"customer_id": values["customer_id"], "entry_on": values["entry_on"],
                                 "points": values["points"], "reason": values["reason"], "note": values["note"],
                                 "expires_on": expires, "referral_id": referral, "group_id": values["group_id"]})
        self.touched.add(values["customer_id"])
        return int(values["customer_id"])

    def finish(self, ctx: ImportContext, pending: Pending) -> None:
        """The sheet is the ledger: a referral's points it does not hold were not earned in the old store
        (the rule was off, or came later), so the ones the purchases just awarded for them are taken back."""
        pending.flush()
        awarded = (PointEntry.referral_id.is_not(None), PointEntry.import_batch_id.is_(None),
                   PointEntry.customer_id.in_(select(Customer.id).where(Customer.import_batch_id == pending.batch_id)))
        self.touched.update(ctx.session.scalars(select(PointEntry.customer_id).where(*awarded)))
        ctx.session.execute(delete(PointEntry).where(*awarded))
        super().finish(ctx, pending)


class _Materials(Materials):
    """素材 whose image is in the data folder's media/: the path is kept, file or not (see above)."""

    def _image(self, ctx: ImportContext, text: str, values: Values, problems: Problems) -> None:
        kept = in_data_folder(text)
        if kept:
            values["path"] = kept
        else:
            super()._image(ctx, text, values, problems)


class _Posts(Posts):
    """朋友圈 whose images are in the data folder's media/: the paths are kept, files or not."""

    def _images(self, ctx: ImportContext, text: str, problems: Problems) -> list[tuple[str, Path | None]] | None:
        kept = [in_data_folder(name) for name in _IMAGE_SPLIT.split(text) if name.strip()]
        if kept and all(kept) and len(kept) <= MAX_IMAGES:
            return [(path, None) for path in kept]
        return super()._images(ctx, text, problems)


_RESTORE_CLASSES: dict[str, Any] = {"group-members": _GroupMembers, "materials": _Materials, "posts": _Posts,
                                    "points": _Points}
