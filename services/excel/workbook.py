"""Restoring a full workbook (`export.export_all`) into a store with no customers: nothing lost.

    result = import_workbook(session, path)    # rows per sheet, and the import batch that undo takes back

The sheets are read in the order their rows depend on each other: the setup first (标签 — tag groups
with their colours and single/multi choice, and their tags —, 我的微信号, 自定义字段, 裂变活动 — optional:
a workbook exported before it existed has no such sheet), then 客户, whose 编号 (the customer's id in
the exporting store) is mapped to the id the customer gets here, then 笔记, 购买记录, 跟进 (by 客户编号)
and 转介绍 (by 介绍人编号 / 被介绍人编号). 阶段, 累计消费, 首次/最近购买日期 and 下次跟进 are worked out
again from those records, and 介绍人 comes from 转介绍, so those customer columns are read past; 手动阶段
is kept as the seller set it. Then the pages' sheets (商品, 社群, 群成员, 群日数据, 话术, 素材, 朋友圈, 积分,
关怀记录 — each optional), through the pages' own import kinds: see services.excel.workbook_pages
(customers named there by 客户编号, and the images' files, which stay in media/). The settings and
rules (设置, 会员等级, 复购周期, 内容支柱, 智能列表, 客户SOP, 自动标签, SOP模板, 群任务 … — each optional) go in
where what they name or change is ready: services.excel.workbook_setup, which says what is left out.

Rows are parsed and written by the import kinds (services.excel.kinds), as in any import. What a
restore does differently: a row never merges into another (two customers with the same 备注名 stay
two), and any invalid cell refuses the whole workbook — a backup that quietly lost a row would not
be one — with every problem listed (WorkbookError.problems) and nothing written.

Decisions:
- Only into a store without customers (in the list or in the 回收站): a workbook is a whole
  customer book, and 编号, duplicates and referral chains only make sense against an empty one.
  Tag groups, tags, WeChat accounts and custom fields the store already has are reused by name,
  as they are (an existing field of another type is refused).
- Everything is one transaction and one import batch (kind "all"): `undo_import` takes back every
  customer and record it created, and the setup it created (tag groups, tags, WeChat accounts, custom
  fields, campaigns: each noted as a "created:<table>" change) when nothing uses it any more — a tag
  the seller has since put on a customer of her own stays.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models import (
    Campaign,
    Customer,
    CustomerTag,
    CustomField,
    ImportBatch,
    Referral,
    Tag,
    TagGroup,
    WechatAccount,
)
from models.referral import REFERRAL_METHODS
from models.settings import CUSTOM_FIELD_KINDS
from services.backup import backup_before_import
from services.custom_fields import KIND_LABELS as FIELD_KIND_LABELS
from services.errors import UserError
from services.excel import filecheck
from services.excel import values as v
from services.excel.columns import KINDS, STAGE_CHOICES, normalize_header
from services.excel.engine import ImportCancelled
from services.excel.export import (
    ACCOUNT_HEADERS,
    ALL_SHEETS,
    CAMPAIGN_HEADERS,
    CUSTOMER_ID_HEADER,
    DONE_AT_HEADER,
    FIELD_HEADERS,
    ID_HEADER,
    MANUAL_STAGE_HEADER,
    OPTIONAL_SHEETS,
    REFEREE_ID_HEADER,
    REFERRER_ID_HEADER,
    TAG_HEADERS,
)
from services.excel.kinds import Customers, FollowUps, Kind, Notes, Purchases, Referrals
from services.excel.pages import page_sheets
from services.excel.reader import Spreadsheet, open_spreadsheet
from services.excel.resolve import ImportContext, describe_customer
from services.excel.undo import created_change
from services.excel.workbook_pages import extra_headers, required, restore_pages
from services.excel.workbook_setup import SETUP_HEADERS, SETUP_REQUIRED, SETUP_SHEET_NAMES, SetupRestore
from services.excel.writing import Pending, Problems, Values, collection_paused, note_change, parse_cell
from services.i18n import t
from services.sqlutil import chunks
from services.tags import save_group, save_tag
from services.text import fold

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000
CANCEL_EVERY = 200
MAX_PROBLEMS = 1000  # kept for the user; the rest are only counted

SETUP_SHEETS = ("tags", "accounts", "custom-fields", "campaigns")
RECORD_SHEETS = ("notes", "purchases", "follow-ups", "referrals")
# Customer columns whose truth is in other sheets: worked out again from them, not read.
DERIVED = frozenset({"stage", "total_spent", "first_purchase_on", "last_purchase_on", "next_follow_up_on",
                     "referrer"})
# The columns only a full workbook has (header → field key), and the ones a sheet cannot do without.
EXTRA_HEADERS: dict[str, tuple[tuple[str, str], ...]] = {
    "customers": ((ID_HEADER, "number"), (MANUAL_STAGE_HEADER, "stage_override")),
    "notes": ((CUSTOMER_ID_HEADER, "customer_number"),),
    "purchases": ((CUSTOMER_ID_HEADER, "customer_number"),),
    "follow-ups": ((CUSTOMER_ID_HEADER, "customer_number"), (DONE_AT_HEADER, "done_at")),
    "referrals": ((REFERRER_ID_HEADER, "referrer_number"), (REFEREE_ID_HEADER, "referee_number")),
    "tags": tuple((h, h) for h in TAG_HEADERS),
    "accounts": tuple((h, h) for h in ACCOUNT_HEADERS),
    "custom-fields": tuple((h, h) for h in FIELD_HEADERS),
    "campaigns": tuple((h, h) for h in CAMPAIGN_HEADERS),
    **{key: tuple((h, h) for h in headers) for key, headers in SETUP_HEADERS.items()},
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "customers": ("number", "remark_name"), "notes": ("customer_number", "body"),
    "purchases": ("customer_number", "purchased_on", "product"), "follow-ups": ("customer_number", "due_on"),
    "referrals": ("referrer_number", "referee_number"), "tags": (TAG_HEADERS[0],),
    "accounts": (ACCOUNT_HEADERS[0],), "custom-fields": FIELD_HEADERS[:2], "campaigns": (CAMPAIGN_HEADERS[0],),
    **SETUP_REQUIRED,
}
_FIELD_KINDS = {**{label: kind for kind, label in FIELD_KIND_LABELS.items()}, **{k: k for k in CUSTOM_FIELD_KINDS}}
_COLOR = re.compile(r"#[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?[A-Z]+(\d+)\"")


@dataclass(frozen=True)
class SheetProblem:
    sheet: str
    row: int  # the sheet row number the user sees
    column: str  # the column header as in the file
    message: str

    def __str__(self) -> str:
        return t("工作表“{sheet}”第 {row} 行［{column}］：{reason}", sheet=self.sheet, row=self.row,
                 column=self.column, reason=self.message)


class WorkbookError(UserError):
    """Invalid cells: the workbook was not imported. `problems` lists them (at most MAX_PROBLEMS)."""

    def __init__(self, problems: list[SheetProblem], count: int) -> None:
        super().__init__(t("完整工作簿里有 {n} 处问题，没有导入任何内容。第一处：{first}", n=count, first=problems[0]))
        self.problems = problems
        self.count = count


@dataclass
class WorkbookResult:
    batch_id: int | None  # None after a dry run
    sheets: dict[str, int] = field(default_factory=dict)  # rows read per sheet (keys of sheet_names())

    def as_dict(self) -> dict[str, Any]:
        return {"batch_id": self.batch_id, "sheets": dict(self.sheets)}


def import_workbook(session: Session, path: Path | str, *, dry_run: bool = False, progress: Progress | None = None,
                    cancel: Callable[[], bool] | None = None) -> WorkbookResult:
    """Restore a full workbook into this store (see the module docstring), in one transaction.

    Raises UserError when the file is not a KeBen full export or the store has customers,
    WorkbookError when cells are invalid, ImportCancelled on cancel; the store is then unchanged."""
    path = Path(path)
    book = open_spreadsheet(path)
    try:
        missing = [name for key, name in ALL_SHEETS.items() if name not in book.sheet_names
                   and key not in OPTIONAL_SHEETS]
        if missing:
            raise UserError(t("“{file}”不是客本导出的完整工作簿：缺少工作表“{sheets}”。只导入一张表时，请选择它的类型"
                              "（客户、笔记、购买记录……）", file=path.name, sheets="”“".join(missing)))
        _refuse_unless_empty(session)
        if not dry_run:
            backup_before_import(session)
        try:
            with collection_paused():  # as run_import: hundreds of thousands of live rows
                result = _Restore(session, book, progress, cancel).run(_declared_rows(path))
        except BaseException:
            session.rollback()
            raise
    finally:
        book.close()
    if dry_run:
        session.rollback()
        result.batch_id = None
    else:
        session.commit()
    return result


def sheet_names() -> dict[str, str]:
    """Every sheet a full workbook may have (key → sheet name): the customer book's, the pages', then
    the settings and rules (services.excel.workbook_setup)."""
    return {**ALL_SHEETS, **page_sheets(), **SETUP_SHEET_NAMES}


def _refuse_unless_empty(session: Session) -> None:
    customers = int(session.scalar(select(func.count()).select_from(Customer)) or 0)
    if customers:
        trashed = int(session.scalar(select(func.count()).where(Customer.deleted_at.is_not(None))) or 0)
        raise UserError(t("完整工作簿只能导入到没有客户的客户本：这里已有 {n} 位客户{trash}。请换一个新的数据文件夹再导入",
                          n=customers, trash=t("（回收站里 {m} 位）", m=trashed) if trashed else ""))


def _declared_rows(path: Path) -> int:
    """About how many rows the workbook's sheets hold, from each sheet's <dimension> (an export
    writes it): the progress total. 0 when it cannot be told (not an .xlsx)."""
    parts = filecheck.xlsx_sheet_parts(path)
    total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for name in sheet_names().values():
                if name in parts:
                    with archive.open(parts[name]) as sheet:
                        found = _DIMENSION.search(sheet.read(4096))
                    total += max(int(found[1]) - 1, 0) if found else 0
    except Exception:  # only the progress bar's total: the reader reports a broken file properly
        return 0
    return total


class _Restore:
    """One restore: the batch, the rows read so far, the problems met, what each sheet maps to."""

    def __init__(self, session: Session, book: Spreadsheet, progress: Progress | None,
                 cancel: Callable[[], bool] | None) -> None:
        self.session, self.book, self.progress, self.cancel = session, book, progress, cancel
        self.problems: list[SheetProblem] = []
        self.problem_count = 0
        self.done = self.total = self.created = 0
        self.sheets: dict[str, int] = {}
        self.tag_labels: dict[str, int] = {}  # how the 客户 sheet names a tag (标签 or 组/标签) → id here
        self.group_names: dict[int, str] = {}
        self.failed: set[int] = set()  # 编号 of the customer rows refused: their records are not told again
        self.post_ids: dict[int, int] = {}  # 朋友圈编号 → the post's id here (workbook_pages, for 朋友圈互动)
        self.names = sheet_names()
        self.batch = ImportBatch(kind="all", file_name=book.path.name[-260:], sheet="",
                                 started_at=datetime.now().replace(microsecond=0))

    def run(self, total: int) -> WorkbookResult:
        self.total = total
        self.session.add(self.batch)
        self.session.flush()
        self._tags()
        self._accounts()
        self._fields()
        if ALL_SHEETS["campaigns"] in self.book.sheet_names:
            self._campaigns()
        setup = SetupRestore(self)
        setup.before_customers()  # the settings their 阶段, layers and points follow
        self.session.flush()
        self.ctx = ImportContext.load(self.session)
        self.pending = Pending(self.session, self.batch.id)
        self.group_names = {gid: name for gid, name in self.session.execute(select(TagGroup.id, TagGroup.name))}
        customers = self._customers()
        handlers: list[Kind] = [Notes(), Purchases(), _FollowUps(), _Referrals()]
        for key, handler in zip(RECORD_SHEETS, handlers, strict=True):
            self._records(key, handler)
        pages = restore_pages(self)  # before the finishing: purchases get linked to the 商品 restored
        self.pending.flush()
        setup.after_pages()  # 客户SOP and 自动标签规则 name 话术 and 社群
        for handler in [*handlers, customers, *pages]:  # customers after their records (累计消费, 阶段,
            handler.finish(self.ctx, self.pending)  # layers); the pages' after them (积分 balances, tiers)
        setup.after_finish()  # 会员等级 worked out for everyone, automatic tags, 提醒状态
        if self.problems:
            raise WorkbookError(self.problems, self.problem_count)
        if self.cancel is not None and self.cancel():
            raise ImportCancelled(t("已取消导入，客户本没有任何改动"))
        self.session.flush()
        rows = sum(self.sheets.values())
        self.batch.rows, self.batch.created = rows, self.created
        self.batch.finished_at = datetime.now()  # after the last write: undo compares later edits with it
        if self.progress is not None:
            self.progress(rows, max(rows, self.total))
        return WorkbookResult(self.batch.id,
                              {key: self.sheets[key] for key in self.names if key in self.sheets})

    # ---- reading a sheet -----------------------------------------------------------------------

    def rows(self, key: str) -> Iterator[tuple[int, dict[str, Any], dict[str, str]]]:
        """(sheet row, cells by field key, field key → header) of each data row of a sheet."""
        headers, rows, _approx = self.book.iter_table(self.names[key], 1)
        mapping = self._mapping(key, headers)
        column_of = {name: headers[i] for i, name in mapping.items()}
        self.sheets[key] = 0
        for row, cells in rows:
            self.sheets[key] += 1
            self.done += 1
            if self.cancel is not None and self.done % CANCEL_EVERY == 0 and self.cancel():
                raise ImportCancelled(t("已取消导入，客户本没有任何改动"))
            if self.progress is not None and self.done % PROGRESS_EVERY == 0:
                self.progress(self.done, max(self.done, self.total))
            yield row, {name: cells[i] if i < len(cells) else None for i, name in mapping.items()}, column_of

    def _mapping(self, key: str, headers: list[str]) -> dict[int, str]:
        """Column index → field key, from the headers an export writes; refuses a sheet that lacks a
        column it needs or has one this import would drop."""
        known = [(c.header, c.key) for c in KINDS.get(key, ())] + list(EXTRA_HEADERS.get(key) or extra_headers(key))
        by_header = {normalize_header(header): name for header, name in known}
        custom = ({normalize_header(spec.name): spec.key for spec in self.ctx.custom_fields.values()}
                  if key == "customers" else {})
        mapping: dict[int, str] = {}
        taken: set[str] = set()
        unknown: list[str] = []
        for index, header in enumerate(headers):
            text = normalize_header(header)
            name = by_header.get(text)
            if name is None or name in taken:  # a custom field may share a built-in column's name
                name = custom.get(text)
            if name is None or name in taken:
                if text:
                    unknown.append(header)
                continue
            taken.add(name)
            if name not in DERIVED or key != "customers":
                mapping[index] = name
        sheet = self.names[key]
        needed = REQUIRED.get(key) or required(key)
        missing = [header for header, name in known if name in needed and name not in taken]
        if missing:
            raise UserError(t("工作表“{sheet}”没有“{cols}”列：这不是客本导出的完整工作簿", sheet=sheet,
                              cols="”“".join(missing)))
        if unknown:
            raise UserError(t("工作表“{sheet}”的“{cols}”列不是客本导出的列（也不是“自定义字段”表里的字段），"
                              "导入会丢掉它：请删掉这些列，或把字段加到“自定义字段”表里", sheet=sheet,
                              cols="”“".join(unknown)))
        return mapping

    def report(self, key: str, row: int, problems: Problems, column_of: dict[str, str]) -> None:
        for name, message in problems.items():
            self.problem_count += 1
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(SheetProblem(self.names[key], row, column_of.get(name, name), message))

    # ---- setup -------------------------------------------------------------------------------------

    def _made(self, model: Any, record_id: int) -> None:
        """A setup record this restore created: counted, and noted for undo (services.excel.undo)."""
        self.created += 1
        note_change(self.session, self.batch.id, created_change(model), record_id, {})

    def _tags(self) -> None:
        groups = {name: gid for gid, name in self.session.execute(select(TagGroup.id, TagGroup.name))}
        tags = {(gid, name): tid for tid, gid, name in self.session.execute(select(Tag.id, Tag.group_id, Tag.name))}
        found: list[tuple[str, str, int]] = []
        group, single, group_color, name, color = TAG_HEADERS
        for row, cells, column_of in self.rows("tags"):
            problems: Problems = {}
            group_name = fold(v.cell_text(cells.get(group)))
            if not group_name:
                problems[group] = t("标签组名为空")
            multi = not parse_cell(cells, problems, single, v.parse_bool)
            colors = [_color(cells, key, problems) for key in (group_color, color)]
            tag_name = fold(v.cell_text(cells.get(name)))
            if problems:
                self.report("tags", row, problems, column_of)
                continue
            if group_name not in groups:
                groups[group_name] = save_group(self.session, group_name, multi=multi, color=colors[0], commit=False)
                self._made(TagGroup, groups[group_name])
            gid = groups[group_name]
            if tag_name and (gid, tag_name) not in tags:
                tags[gid, tag_name] = save_tag(self.session, gid, tag_name, color=colors[1], commit=False)
                self._made(Tag, tags[gid, tag_name])
            if tag_name:
                found.append((group_name, tag_name, tags[gid, tag_name]))
        names = Counter(tag_name for _, tag_name, _ in found)
        for group_name, tag_name, tid in found:  # as export.tag_labels_in_order names them
            self.tag_labels[f"{group_name}/{tag_name}"] = tid
            if names[tag_name] == 1:
                self.tag_labels[tag_name] = tid

    def _accounts(self) -> None:
        accounts = set(self.session.scalars(select(WechatAccount.name)))
        sort = len(accounts)
        name, wechat_id, note = ACCOUNT_HEADERS
        for row, cells, column_of in self.rows("accounts"):
            account = fold(v.cell_text(cells.get(name)))
            if not account:
                self.report("accounts", row, {name: t("微信号名称为空")}, column_of)
            elif account not in accounts:
                accounts.add(account)
                made = WechatAccount(name=account, wechat_id=fold(v.cell_text(cells.get(wechat_id))),
                                     note=v.cell_text(cells.get(note)), sort=sort)
                self.session.add(made)
                self.session.flush()
                self._made(WechatAccount, made.id)
                sort += 1

    def _fields(self) -> None:
        existing = {f.name: f for f in self.session.scalars(select(CustomField))}
        sort = max((f.sort for f in existing.values()), default=0)
        name, kind_header, choices_header, shown = FIELD_HEADERS
        for row, cells, column_of in self.rows("custom-fields"):
            problems: Problems = {}
            field_name = fold(v.cell_text(cells.get(name)))
            kind = _FIELD_KINDS.get(v.cell_text(cells.get(kind_header)))
            choices = [c for c in (fold(x) for x in v.cell_text(cells.get(choices_header)).split("、")) if c]
            show = bool(parse_cell(cells, problems, shown, v.parse_bool))
            if not field_name:
                problems[name] = t("字段名为空")
            if kind is None:
                problems[kind_header] = t("字段类型只能是：{kinds}", kinds="、".join(FIELD_KIND_LABELS.values()))
            elif kind == "choice" and not choices:
                problems[choices_header] = t("单选字段至少要有一个选项")
            elif field_name in existing and existing[field_name].kind != kind:
                problems[kind_header] = t("客户本里已有字段“{name}”，类型是“{kind}”", name=field_name,
                                          kind=FIELD_KIND_LABELS.get(existing[field_name].kind, ""))
            if problems:
                self.report("custom-fields", row, problems, column_of)
                continue
            if field_name not in existing:
                sort += 1
                existing[field_name] = CustomField(name=field_name, kind=kind, choices=choices, show_in_list=show,
                                                   sort=sort)
                self.session.add(existing[field_name])
                self.session.flush()
                self._made(CustomField, existing[field_name].id)

    def _campaigns(self) -> None:
        """裂变活动 by name (one the store has is kept as it is); before 转介绍, whose 活动 names them."""
        existing = set(self.session.scalars(select(Campaign.name)))
        name, method, starts, ends, goal, cost, note = CAMPAIGN_HEADERS
        for row, cells, column_of in self.rows("campaigns"):
            problems: Problems = {}
            title = fold(v.cell_text(cells.get(name)))
            kind = v.cell_text(cells.get(method)) or "口碑"
            days = [parse_cell(cells, problems, key, v.parse_date) for key in (starts, ends)]
            cents = parse_cell(cells, problems, cost, v.parse_money) or 0
            if not title:
                problems[name] = t("活动名称为空")
            if kind not in REFERRAL_METHODS:
                problems[method] = t("方式“{m}”不对，只能是：{all}", m=kind, all="、".join(REFERRAL_METHODS))
            if problems:
                self.report("campaigns", row, problems, column_of)
            elif title not in existing:
                existing.add(title)
                made = Campaign(name=title, method=kind, starts_on=days[0], ends_on=days[1],
                                goal=v.cell_text(cells.get(goal)), cost_cents=cents, note=v.cell_text(cells.get(note)))
                self.session.add(made)
                self.session.flush()
                self._made(Campaign, made.id)

    # ---- customers and their records -------------------------------------------------------------

    def _customers(self) -> Customers:
        handler = Customers()
        numbers: dict[int, int] = {}  # 编号 → sheet row, to refuse one used twice
        overrides: dict[str, list[int]] = {}
        for row, cells, column_of in self.rows("customers"):
            own = {name: cells.pop(name, None) for name in ("number", "stage_override", "tags")}
            values, problems = handler.parse(self.ctx, cells)
            number = parse_cell(own, problems, "number", v.parse_int)
            if number is not None and number in numbers:
                problems["number"] = t("编号 {n} 在第 {row} 行已经用过", n=number, row=numbers[number])
            elif number is None and "number" not in problems:
                problems["number"] = t("编号为空")
            stage = v.cell_text(own["stage_override"])
            if stage and stage not in STAGE_CHOICES:
                problems["stage_override"] = t("没有“{stage}”这个阶段", stage=stage)
            tag_ids = self._tag_ids(own["tags"], problems)
            if problems:
                self.report("customers", row, problems, column_of)
                self.failed.add(_number(own["number"]))  # 0 when blank: no record names 0
                continue
            numbers[number] = row
            cid = handler.create(self.ctx, self.pending, values)
            self.ctx.by_number[number] = cid
            for tag_id in tag_ids:
                self.pending.add(CustomerTag, {"customer_id": cid, "tag_id": tag_id})
            if stage:
                overrides.setdefault(stage, []).append(cid)
            self.created += 1
        self.pending.flush()
        for stage, ids in overrides.items():
            for chunk in chunks(ids):
                self.session.execute(update(Customer).where(Customer.id.in_(chunk)).values(stage_override=stage))
        return handler

    def _tag_ids(self, cell: object, problems: Problems) -> list[int]:
        """The tags of a 标签 cell: the export's labels joined by 、 (a label may itself hold a 、); a
        tag the 标签 sheet does not have is made in the group 导入的标签, as any import does."""
        pieces = v.cell_text(cell).split("、")
        ids: list[int] = []
        start = 0
        while start < len(pieces):
            for end in (start + 1, *range(len(pieces), start + 1, -1)):
                label = "、".join(pieces[start:end]).strip()
                if label in self.tag_labels:
                    ids.append(self.tag_labels[label])
                    start = end
                    break
            else:
                ids += [self.ctx.tag_id(name) for name in v.split_tags(pieces[start])]
                start += 1
        ids = list(dict.fromkeys(ids))
        single: dict[int, int] = {}
        for tag_id in ids:
            group, multi = self.ctx.tag_group_of[tag_id]
            if not multi and single.setdefault(group, tag_id) != tag_id:
                problems["tags"] = t("“{group}”是单选标签组，一位客户只能有其中一个标签", group=self.group_names.get(group, ""))
        return ids

    def _records(self, key: str, handler: Kind) -> None:
        for row, cells, column_of in self.rows(key):
            values, problems = handler.parse(self.ctx, cells)
            if problems:
                whose = {_number(cells.get(k)) for k in ("customer_number", "referrer_number", "referee_number")}
                if not (whose - {0}) & self.failed:  # a refused customer's records would only repeat its problem
                    self.report(key, row, problems, column_of)
                continue
            handler.create(self.ctx, self.pending, values)
            self.created += 1


class _FollowUps(FollowUps):
    """跟进 with its 完成时间, kept to the second (a plain import only knows 已完成: done at noon)."""

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        values, problems = super().parse(ctx, raw)
        if values["done_at"] is not None:
            done_at = parse_cell(raw, problems, "done_at", v.parse_datetime)
            values["done_at"] = done_at or values["done_at"]
        return values, problems


class _Referrals(Referrals):
    """Both sides by 介绍人编号 / 被介绍人编号 (two customers may share a 备注名, which the names alone
    cannot tell apart), the names only where a 编号 is blank; loops checked in memory, since every
    referral of the store comes from this sheet."""

    def __init__(self) -> None:
        super().__init__()
        self.referrer_of: dict[int, int] = {}  # referee → referrer, for the rows written so far

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        # Without the names the base class reads only the other columns (and skips its loop query).
        values, problems = super().parse(ctx, {**raw, "referrer": None, "referee": None})
        for side in ("referrer", "referee"):
            problems.pop(side, None)
            values[f"{side}_id"] = self._customer(ctx, raw, side, problems)
        referrer, referee = values["referrer_id"], values["referee_id"]
        if referrer is None or referee is None:
            return values, problems
        if referee in self.referrer_of:
            problems["referee"] = t("{name} 已经有介绍人了", name=describe_customer(ctx, referee))
        elif referrer == referee:
            problems["referrer"] = t("介绍人不能是自己")
        elif self._loops(referrer, referee):
            problems["referrer"] = t("会形成循环：{a} 本来就是 {b} 介绍来的", a=describe_customer(ctx, referee),
                                     b=describe_customer(ctx, referrer))
        return values, problems

    @staticmethod
    def _customer(ctx: ImportContext, raw: dict[str, Any], side: str, problems: Problems) -> int | None:
        number = parse_cell(raw, problems, f"{side}_number", v.parse_int)
        if number is not None:
            found = ctx.by_number.get(number)
            if found is None:
                problems[f"{side}_number"] = t("“客户”表里没有编号 {n}", n=number)
            return found
        text = v.cell_text(raw.get(side))
        found = ctx.find_customer(text)
        if found is None and f"{side}_number" not in problems:
            problems[side] = ctx.not_found(text)
        return found

    def _loops(self, referrer: int, referee: int) -> bool:
        seen, current = set(), referrer
        while current in self.referrer_of and current not in seen:
            seen.add(current)
            current = self.referrer_of[current]
            if current == referee:
                return True
        return False

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        self.referrer_of[values["referee_id"]] = values["referrer_id"]
        pending.add(Referral, dict(values))
        return int(values["referee_id"])


def _number(cell: object) -> int:
    """A 编号 cell's number; 0 (no customer's) when blank or not a number."""
    try:
        return 0 if v.is_blank(cell) else v.parse_int(cell)
    except ValueError:
        return 0


def _color(cells: dict[str, Any], key: str, problems: Problems) -> str:
    text = v.cell_text(cells.get(key))
    if text and not _COLOR.fullmatch(text):
        problems[key] = t("颜色“{text}”不对：请写成 #e91e63 这样", text=text)
    return text
