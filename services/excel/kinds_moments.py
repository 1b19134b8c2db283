"""Excel kind of the 朋友圈 page: `posts` — its columns, how a row is imported
(services.excel.kinds.Kind), and how posts are exported.

Kept in its own module; `register_moment_kinds()` puts it into the Excel registries, i.e.

    columns.KINDS.update(MOMENT_COLUMNS); columns.KIND_LABELS.update(MOMENT_LABELS)
    kinds.KIND_CLASSES.update(MOMENT_KIND_CLASSES)
    undo.CREATED_TABLES += (MomentPost,); undo.RECORD_TABLES["moment_post"] = MomentPost
    undo.RESTORERS["moment_post_extras"] = restore_post_extras (tags and images an update replaced)
    export: `export_moment_kind(session, kind, path, …)`, or `moment_sheet(session, kind)`.

A post is the same record when its 计划时间 (to the minute) and 账号 are. Updating overwrites only
the cells that are filled in. 可见标签 name customer tags (“标签” or “标签组/标签” when two groups
share a name), separated by ，、; or spaces; a tag that does not exist is a problem (no tag is made
up). A 内容支柱 that does not exist yet is added, like an unknown 账号. 可见范围 empty means 公开, or
部分可见 when tags are given. 状态 empty means 已排期, or 已发布 when results are filled in.
图片 lists the post's image files, one per line: a path inside the data folder (as exports write it,
`media/moments/…`) is kept, a file elsewhere on this computer is copied in.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import MomentPost, MomentPostImage, MomentPostTag, Pillar, Tag, TagGroup, WechatAccount
from models.moments import MAX_IMAGES
from services.errors import UserError
from services.excel import values as v
from services.excel.columns import Column
from services.excel.kinds import Kind
from services.excel.pages import PageKinds, register_page_kinds
from services.excel.resolve import ImportContext
from services.excel.writer import Cancelled, OutColumn, Progress, SheetSpec, write_sheets
from services.excel.writing import Pending, Problems, Values, note_change, snapshot
from services.excel.writing import parse_cell as _parse
from services.i18n import t
from services.library_materials import check_image, data_root_of
from services.moments import (
    MAX_NOTE,
    MAX_TEXT,
    PILLAR_COLORS,
    STATUS_LABELS,
    VISIBILITY_LABELS,
    copy_post_image,
)

VISIBILITY_CHOICES = tuple(VISIBILITY_LABELS.values())  # 公开 部分可见 不给谁看 私密
STATUS_CHOICES = tuple(STATUS_LABELS.values())  # 草稿 已排期 已发布 已跳过
_VISIBILITY_OF = {label: key for key, label in VISIBILITY_LABELS.items()} | {k: k for k in VISIBILITY_LABELS} | {
    "所有人可见": "public", "所有人": "public", "全部可见": "public", "谁可以看": "only_tags", "仅自己可见": "private",
    "仅自己": "private", "自己可见": "private", "不给谁看": "except_tags", "部分不可见": "except_tags"}
_STATUS_OF = {label: key for key, label in STATUS_LABELS.items()} | {k: k for k in STATUS_LABELS} | {
    "待发布": "scheduled", "计划": "scheduled", "已发": "published", "发布": "published", "跳过": "skipped",
    "未发": "skipped"}
_RESULTS = ("likes", "comments", "inquiries", "orders")
_IMAGE_SPLIT = re.compile(r"[\r\n;；|]+")
EXTRAS_TABLE = "moment_post_extras"  # ImportChange rows holding a post's tags and images before an update

MOMENT_COLUMNS: dict[str, tuple[Column, ...]] = {
    "posts": (
        Column("planned_at", "计划时间", ("发布时间", "时间", "日期", "计划发布时间", "Planned", "Time", "Date"),
               required=True, width=16),
        Column("wechat_account", "账号", ("我的微信号", "发布账号", "微信号", "Account", "My WeChat"), width=10),
        Column("text", "内容", ("文案", "文字", "正文", "朋友圈文案", "Text", "Content"), width=50),
        Column("pillar", "内容支柱", ("支柱", "内容类型", "栏目", "类型", "Pillar"), width=10),
        Column("visibility", "可见范围", ("谁可以看", "可见", "Visibility"), choices=VISIBILITY_CHOICES, width=9),
        Column("visibility_tags", "可见标签", ("标签", "可见标签组", "Tags", "Visibility Tags"), width=20),
        Column("status", "状态", ("发布状态", "Status"), choices=STATUS_CHOICES, width=7),
        Column("likes", "点赞", ("点赞数", "Likes"), width=6),
        Column("comments", "评论", ("评论数", "Comments"), width=6),
        Column("inquiries", "咨询", ("咨询数", "私聊", "私聊咨询", "Inquiries"), width=6),
        Column("orders", "订单", ("订单数", "成交单数", "Orders"), width=6),
        Column("revenue", "成交金额", ("成交额", "销售额", "Revenue"), width=10),
        Column("note", "备注", ("说明", "Note", "Remark"), width=20),
        Column("images", "图片", ("图片文件", "配图", "Images", "Image"), width=30),
    ),
}
MOMENT_LABELS = {"posts": "朋友圈"}
MOMENT_VALUE_KINDS = {"planned_at": "datetime", "revenue": "money", **dict.fromkeys(_RESULTS, "int")}
# For the templates' 说明 sheet (column key → what it is, how to write it) and their example rows.
MOMENT_HELP: dict[str, tuple[str, str]] = {
    "planned_at": ("计划发布的日期和时间", "日期时间，如 2024-05-01 20:30"),
    "wechat_account": ("用哪个微信号发", "文字；客本里没有的会新建"),
    "text": ("朋友圈的文字", "文字，可多行，最多2000字"),
    "pillar": ("内容支柱", "如 产品种草、用户口碑、专业知识、生活人设、活动福利、品牌故事；没有的会新建"),
    "visibility": ("谁可以看", "公开、部分可见、不给谁看 或 私密；不填为公开（写了可见标签则为部分可见）"),
    "visibility_tags": ("部分可见 / 不给谁看 选的客户标签", "标签名，多个用 ，或 、隔开"),
    "status": ("状态", "草稿、已排期、已发布 或 已跳过；不填为已排期（填了点赞等结果则为已发布）"),
    "likes": ("点赞数", "整数"), "comments": ("评论数", "整数"), "inquiries": ("私聊咨询数", "整数"),
    "orders": ("带来的订单数", "整数"), "revenue": ("带来的成交金额", "金额，单位元"),
    "note": ("备注", "文字"),
    "images": ("配图文件（最多9张）", "电脑上的图片路径，每行一个，如 D:\\图片\\新品.jpg"),
}
MOMENT_EXAMPLES: dict[str, dict[str, object]] = {
    "posts": {"planned_at": datetime(2024, 5, 1, 20, 30), "wechat_account": "工作号1",
              "text": "明前龙井到了，今年雨水少，香气特别足🍵 老客留言“尝鲜”送试饮装", "pillar": "产品种草",
              "visibility": "不给谁看", "visibility_tags": "已购龙井", "status": "已排期"},
}






def _choice(raw: dict[str, Any], problems: Problems, key: str, table: dict[str, str], message: str) -> str | None:
    text = v.cell_text(raw.get(key))
    if not text:
        return None
    found = table.get(text.lower()) or table.get(text)
    if found is None:
        problems[key] = t(message, text=text)
    return found


class Posts(Kind):
    name = "posts"

    def __init__(self) -> None:
        self.tags: dict[str, list[int]] | None = None  # "name" and "group/name" → ids
        self.pillars: dict[str, int] | None = None
        self.root: Path | None = None
        self.root_known = False

    # ---- lookups, loaded once per import ----

    def _tag_ids(self, ctx: ImportContext, text: str, problems: Problems) -> list[int]:
        if self.tags is None:
            self.tags = {}
            for tag_id, name, group in ctx.session.execute(
                    select(Tag.id, Tag.name, TagGroup.name).join(TagGroup, TagGroup.id == Tag.group_id)
                    .order_by(TagGroup.sort, Tag.sort, Tag.id)):
                self.tags.setdefault(name, []).append(tag_id)
                self.tags.setdefault(f"{group}/{name}", []).append(tag_id)
        ids: list[int] = []
        for name in v.split_tags(text) if "/" not in text else [w.strip() for w in re.split(r"[，,、;；]+", text)]:
            if not name:
                continue
            found = self.tags.get(name, [])
            if not found:
                problems["visibility_tags"] = t("标签“{name}”在客本里找不到（请先在客户页面建好标签）", name=name)
                return []
            if len(found) > 1:
                problems["visibility_tags"] = t("有 {n} 个标签组都有“{name}”，请写成“标签组/{name}”", n=len(found),
                                                name=name)
                return []
            ids.append(found[0])
        return list(dict.fromkeys(ids))

    def _pillar_id(self, ctx: ImportContext, name: str) -> int:
        if self.pillars is None:
            self.pillars = {n: i for i, n in ctx.session.execute(select(Pillar.id, Pillar.name))}
        if name not in self.pillars:
            pillar = Pillar(name=name, hard_sell=False, color=PILLAR_COLORS[len(self.pillars) % len(PILLAR_COLORS)],
                            sort=len(self.pillars) + 1)
            ctx.session.add(pillar)
            ctx.session.flush()
            self.pillars[name] = pillar.id
            ctx.created(Pillar, pillar.id)
        return self.pillars[name]

    def _data_root(self, ctx: ImportContext) -> Path | None:
        if not self.root_known:
            self.root, self.root_known = data_root_of(ctx.session), True
        return self.root

    # ---- a row ----

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        values: Values = {"planned_at": _parse(raw, problems, "planned_at", v.parse_datetime)}
        if values["planned_at"] is None and "planned_at" not in problems:
            problems["planned_at"] = t("计划时间为空")
        elif values["planned_at"] is not None:
            values["planned_at"] = values["planned_at"].replace(second=0, microsecond=0)
        values["wechat_account"] = v.cell_text(raw.get("wechat_account"))
        values["text"] = v.cell_text(raw.get("text")) or None
        if values["text"] and len(values["text"]) > MAX_TEXT:
            problems["text"] = t("朋友圈文字太长了（最多{n}个字）", n=MAX_TEXT)
        pillar = v.cell_text(raw.get("pillar"))
        if len(pillar) > 30:
            problems["pillar"] = t("内容支柱名称太长（最多30个字）")
        values["pillar"] = pillar
        visibility = _choice(raw, problems, "visibility", _VISIBILITY_OF,
                             "可见范围“{text}”不对，只能是：公开、部分可见、不给谁看、私密")
        tag_text = v.cell_text(raw.get("visibility_tags"))
        tag_ids = self._tag_ids(ctx, tag_text, problems) if tag_text else []
        if visibility is None and tag_ids:
            visibility = "only_tags"
        if visibility in ("only_tags", "except_tags") and not tag_ids and "visibility_tags" not in problems:
            problems["visibility_tags"] = t("“{rule}”至少要写一个可见标签", rule=VISIBILITY_LABELS[visibility])
        values["visibility"] = visibility
        values["tag_ids"] = tag_ids if visibility in ("only_tags", "except_tags") else []
        values["status"] = _choice(raw, problems, "status", _STATUS_OF,
                                   "状态“{text}”不对，只能是：草稿、已排期、已发布、已跳过")
        for key in _RESULTS:
            values[key] = _parse(raw, problems, key, lambda x: v.parse_int(x, minimum=0))
        values["revenue_cents"] = _parse(raw, problems, "revenue", v.parse_money)
        values["note"] = v.cell_text(raw.get("note")) or None
        if values["note"] and len(values["note"]) > MAX_NOTE:
            problems["note"] = t("备注太长了（最多{n}个字）", n=MAX_NOTE)
        values["images"] = self._images(ctx, v.cell_text(raw.get("images")), problems)
        return values, problems

    def _images(self, ctx: ImportContext, text: str, problems: Problems) -> list[tuple[str, Path | None]] | None:
        """(path kept in the data folder, or "" and a file to copy) per image; None when the cell is empty."""
        if not text:
            return None
        names = [n.strip().strip('"') for n in _IMAGE_SPLIT.split(text) if n.strip()]
        if len(names) > MAX_IMAGES:
            problems["images"] = t("一条朋友圈最多{n}张图片（写了{count}张）", n=MAX_IMAGES, count=len(names))
            return None
        root = self._data_root(ctx)
        if root is None:
            problems["images"] = t("这个数据库不在本机数据文件夹里，不能导入图片")
            return None
        found: list[tuple[str, Path | None]] = []
        for name in names:
            given = Path(name)
            if not given.is_absolute() and (root / given).is_file():
                found.append((given.as_posix(), None))
                continue
            if not given.is_absolute():
                problems["images"] = t("找不到图片文件“{path}”（请写完整路径，如 D:\\图片\\新品.jpg）", path=name)
                return None
            try:
                check_image(given)
            except UserError as exc:
                problems["images"] = exc.message
                return None
            found.append(("", given))
        return found

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        return ("post", values["planned_at"], values["wechat_account"])

    def match(self, ctx: ImportContext, values: Values) -> int | None:
        account_id = ctx.accounts.get(values["wechat_account"]) if values["wechat_account"] else None
        if values["wechat_account"] and account_id is None:
            return None
        account = MomentPost.account_id.is_(None) if account_id is None else MomentPost.account_id == account_id
        return ctx.session.scalar(select(MomentPost.id).where(
            MomentPost.planned_at == values["planned_at"], account, MomentPost.deleted_at.is_(None))
            .order_by(MomentPost.id).limit(1))

    # ---- writing ----

    def _fields(self, ctx: ImportContext, values: Values) -> dict[str, Any]:
        filled = {k: values[k] for k in ("text", "visibility", "status", *_RESULTS, "revenue_cents", "note")
                  if values.get(k) is not None}
        if values["wechat_account"]:
            filled["account_id"] = ctx.account_id(values["wechat_account"])
        if values["pillar"]:
            filled["pillar_id"] = self._pillar_id(ctx, values["pillar"])
        return filled

    def _status(self, values: Values) -> str:
        if values.get("status"):
            return str(values["status"])
        results = any(values.get(k) for k in (*_RESULTS, "revenue_cents"))
        return "published" if results else "scheduled"

    def _paths(self, ctx: ImportContext, images: list[tuple[str, Path | None]]) -> list[str]:
        root = self._data_root(ctx)
        paths = []
        for kept, source in images:
            if source is None:
                paths.append(kept)
            elif root is not None and not ctx.dry_run:
                try:
                    paths.append(copy_post_image(root, source))
                except UserError:
                    continue  # checked in parse; gone since: the row keeps the other images
        return paths

    def _set_extras(self, ctx: ImportContext, post_id: int, tag_ids: list[int] | None,
                    images: list[str] | None) -> None:
        if tag_ids is not None:
            ctx.session.execute(delete(MomentPostTag).where(MomentPostTag.post_id == post_id))
            ctx.session.add_all(MomentPostTag(post_id=post_id, tag_id=tag_id) for tag_id in tag_ids)
        if images is not None:
            ctx.session.execute(delete(MomentPostImage).where(MomentPostImage.post_id == post_id))
            ctx.session.add_all(MomentPostImage(post_id=post_id, position=i, path=p) for i, p in enumerate(images))
        ctx.session.flush()

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        pending.flush()
        status = self._status(values)
        post = MomentPost(planned_at=values["planned_at"], text="", visibility="public", status=status, note="",
                          likes=0, comments=0, inquiries=0, orders=0, revenue_cents=0, repeat_weekly=False,
                          import_batch_id=pending.batch_id)
        for key, value in self._fields(ctx, values).items():
            setattr(post, key, value)
        post.status = status
        if status == "published":
            post.published_at = values["planned_at"]
        ctx.session.add(post)
        ctx.session.flush()
        images = self._paths(ctx, values["images"]) if values["images"] else None
        self._set_extras(ctx, post.id, values["tag_ids"], images)
        return post.id

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        pending.flush()
        post = ctx.session.get(MomentPost, record_id)
        if post is None:
            return
        changes = self._fields(ctx, values)
        if "status" in changes and changes["status"] != post.status:
            changes["published_at"] = values["planned_at"] if changes["status"] == "published" else None
        changed = {k: val for k, val in changes.items() if getattr(post, k) != val}
        tag_ids = values["tag_ids"] if values.get("visibility") is not None else None
        images = self._paths(ctx, values["images"]) if values["images"] else None
        before_tags = list(ctx.session.scalars(select(MomentPostTag.tag_id).where(MomentPostTag.post_id == post.id)))
        before_images = list(ctx.session.scalars(select(MomentPostImage.path).where(
            MomentPostImage.post_id == post.id).order_by(MomentPostImage.position, MomentPostImage.id)))
        if tag_ids is not None and sorted(tag_ids) == sorted(before_tags):
            tag_ids = None
        if images is not None and images == before_images:
            images = None
        if changed:
            snapshot(ctx.session, pending.batch_id, MomentPost, post, list(changed))
            for key, value in changed.items():
                setattr(post, key, value)
        if tag_ids is not None or images is not None:
            note_change(ctx.session, pending.batch_id, EXTRAS_TABLE, post.id,
                        {"tag_ids": before_tags if tag_ids is not None else None,
                         "images": before_images if images is not None else None})
            self._set_extras(ctx, post.id, tag_ids, images)
        ctx.session.flush()

    def merge(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        """The same post twice in a file: the later row's filled cells win."""
        self.update(ctx, pending, record_id, values)


def restore_post_extras(session: Session, post_id: int, before: dict[str, Any]) -> None:
    """Undo: put back the visibility tags and images an import's update replaced."""
    if session.get(MomentPost, post_id) is None:
        return
    if before.get("tag_ids") is not None:
        session.execute(delete(MomentPostTag).where(MomentPostTag.post_id == post_id))
        session.add_all(MomentPostTag(post_id=post_id, tag_id=tag_id) for tag_id in before["tag_ids"]
                        if session.get(Tag, tag_id) is not None)
    if before.get("images") is not None:
        session.execute(delete(MomentPostImage).where(MomentPostImage.post_id == post_id))
        session.add_all(MomentPostImage(post_id=post_id, position=i, path=p) for i, p in enumerate(before["images"]))
    session.flush()


MOMENT_KIND_CLASSES: dict[str, type[Kind]] = {"posts": Posts}
MOMENT_CREATED_TABLES: tuple[Any, ...] = (MomentPost,)


def register_moment_kinds() -> None:
    """Put the posts kind into the Excel registries (idempotent)."""
    register_page_kinds(PageKinds(MOMENT_COLUMNS, MOMENT_LABELS, MOMENT_KIND_CLASSES, MOMENT_CREATED_TABLES, export_moment_kind,
                                  MOMENT_HELP, MOMENT_EXAMPLES, MOMENT_VALUE_KINDS, customer_help=False,
                                  sheet=moment_workbook_sheet),
                        undo_first=False)
    from services.excel import undo

    undo.RESTORERS[EXTRAS_TABLE] = restore_post_extras


# ---- export -------------------------------------------------------------------------------------------

def export_moment_kind(session: Session, kind: str, path: Path | str, progress: Progress | None = None,
                       cancelled: Cancelled | None = None) -> int:
    """Export every live post; returns the rows written."""
    if kind not in MOMENT_COLUMNS:
        raise ValueError(f"not a moments kind: {kind}")
    return write_sheets(path, [moment_sheet(session, kind)], progress, cancelled)


POST_ID_HEADER = "朋友圈编号"  # a full workbook's post id: its 朋友圈互动 sheet names posts by it


def moment_sheet(session: Session, kind: str = "posts") -> SheetSpec:
    """The sheet of posts, as the page exports it."""
    columns = [OutColumn(c.header, MOMENT_VALUE_KINDS.get(c.key, "text"), c.width) for c in MOMENT_COLUMNS[kind]]
    rows = _post_rows(session)
    return SheetSpec(MOMENT_LABELS[kind], columns, rows, total=len(rows))


def moment_workbook_sheet(session: Session, kind: str = "posts") -> SheetSpec:
    """The 朋友圈 sheet of a full workbook: the page's, with 朋友圈编号 first (posts have no name the
    workbook's 朋友圈互动 could find them by)."""
    spec = moment_sheet(session, kind)
    rows = _post_rows(session, with_ids=True)
    return SheetSpec(spec.name, [OutColumn(POST_ID_HEADER, "int", 8), *spec.columns], rows, total=len(rows))


def _post_rows(session: Session, *, with_ids: bool = False) -> list[list[object]]:
    tag_names: dict[int, list[str]] = {}
    tag_counts: dict[str, int] = {}
    tags = list(session.execute(select(MomentPostTag.post_id, Tag.name, TagGroup.name)
                                .join(Tag, Tag.id == MomentPostTag.tag_id).join(TagGroup, TagGroup.id == Tag.group_id)
                                .join(MomentPost, MomentPost.id == MomentPostTag.post_id)
                                .where(MomentPost.deleted_at.is_(None)).order_by(Tag.sort, Tag.id)))
    for name, in session.execute(select(Tag.name)):
        tag_counts[name] = tag_counts.get(name, 0) + 1
    for post_id, name, group in tags:  # "组/标签" when two groups share the name, so that it re-imports
        tag_names.setdefault(post_id, []).append(name if tag_counts.get(name, 0) == 1 else f"{group}/{name}")
    images: dict[int, list[str]] = {}
    for post_id, image in session.execute(
            select(MomentPostImage.post_id, MomentPostImage.path).join(MomentPost, MomentPost.id == MomentPostImage.post_id)
            .where(MomentPost.deleted_at.is_(None)).order_by(MomentPostImage.post_id, MomentPostImage.position)):
        images.setdefault(post_id, []).append(image)
    return [[*([p.id] if with_ids else []),
             p.planned_at, account or "", p.text, pillar or "", t(VISIBILITY_LABELS.get(p.visibility, p.visibility)),
             "、".join(tag_names.get(p.id, [])), t(STATUS_LABELS.get(p.status, p.status)), p.likes, p.comments,
             p.inquiries, p.orders, p.revenue_cents, p.note, "\n".join(images.get(p.id, []))]
            for p, account, pillar in session.execute(
                select(MomentPost, WechatAccount.name, Pillar.name)
                .outerjoin(WechatAccount, WechatAccount.id == MomentPost.account_id)
                .outerjoin(Pillar, Pillar.id == MomentPost.pillar_id)
                .where(MomentPost.deleted_at.is_(None)).order_by(MomentPost.planned_at, MomentPost.id))]
