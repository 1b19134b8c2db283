"""朋友圈 Moments planner: planned posts per WeChat account, their images, visibility rule, status and
results. KeBen never posts: the seller publishes by hand in WeChat with the 发布助手 checklist.

Posts
    `create_post` / `update_post` / `get_post` / `list_posts` (one query for the posts, one for their
    tags, one for their images), `move_post`, `duplicate_post` (a 草稿 copy, outside any series),
    `repeat_weekly` / `stop_repeat` (a weekly series: every post carries the first post's id as
    `series_id`), `publish_post` / `skip_post` / `reschedule`, `record_results`, `posts_due`.
Images
    `set_images` keeps images already on the post, takes files already in the data folder's
    `media/` (e.g. a 素材库 image) as they are, and copies any other file into `media/moments/`.
    Paths are stored relative to the data folder; `image_file` turns one back into a file.
    A copied file dropped from every post (and every material) is deleted.
Visibility
    WeChat's four rules: public, only_tags (部分可见), except_tags (不给谁看), private. `reach` counts
    the live customers who see a post according to KeBen's tags, in one SQL count.
Interactions and pillars live in services.moment_interactions and services.moment_pillars and are
importable from here too.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models import (
    Customer,
    CustomerTag,
    Material,
    MomentInteraction,
    MomentPost,
    MomentPostImage,
    MomentPostTag,
    Pillar,
    Tag,
    WechatAccount,
)
from models.moments import MAX_IMAGES, POST_STATUSES, VISIBILITIES
from services.errors import NotFoundError, UserError, ValidationError
from services.i18n import t
from services.library_materials import check_image
from services.moment_interactions import KIND_LABELS as KIND_LABELS
from services.moment_interactions import InteractionRow as InteractionRow
from services.moment_interactions import add_interactions as add_interactions
from services.moment_interactions import list_interactions as list_interactions
from services.moment_interactions import remove_interaction as remove_interaction
from services.moment_interactions import timeline_items as timeline_items
from services.moment_pillars import PILLAR_COLORS as PILLAR_COLORS
from services.moment_pillars import PillarRow as PillarRow
from services.moment_pillars import create_pillar as create_pillar
from services.moment_pillars import delete_pillar as delete_pillar
from services.moment_pillars import list_pillars as list_pillars
from services.moment_pillars import update_pillar as update_pillar

VISIBILITY_LABELS = {"public": "公开", "only_tags": "部分可见", "except_tags": "不给谁看", "private": "私密"}
STATUS_LABELS = {"draft": "草稿", "scheduled": "已排期", "published": "已发布", "skipped": "已跳过"}
MEDIA_FOLDER = "media/moments"
PUBLISH_FOLDER = "media/publish"  # per-post folders of numbered copies, opened by 发布助手
MAX_TEXT, MAX_NOTE = 2000, 2000
MAX_REPEAT_WEEKS = 104
DUE_DAYS = 7  # posts_due: overdue posts older than this are left out


# ---- rows --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PostInput:
    """A post as the editor (or an import) hands it over."""

    planned_at: datetime
    text: str = ""
    account_id: int | None = None
    pillar_id: int | None = None
    visibility: str = "public"  # one of VISIBILITIES
    tag_ids: tuple[int, ...] = ()
    status: str = "scheduled"  # one of POST_STATUSES
    note: str = ""


@dataclass(frozen=True)
class PostRow:
    id: int
    planned_at: datetime
    account_id: int | None
    account_name: str
    text: str
    pillar_id: int | None
    pillar_name: str
    pillar_color: str
    hard_sell: bool
    visibility: str
    visibility_label: str
    tag_ids: tuple[int, ...]
    tag_names: tuple[str, ...]
    status: str
    status_label: str
    published_at: datetime | None
    images: tuple[str, ...]  # relative to the data folder, in order
    repeat_weekly: bool
    repeat_until: date | None
    series_id: int | None
    likes: int
    comments: int
    inquiries: int
    orders: int
    revenue_cents: int
    note: str
    deleted_at: datetime | None = None

    @property
    def title(self) -> str:
        line = next((part.strip() for part in self.text.splitlines() if part.strip()), "")
        if not line:
            return t("（无文字）")
        return line if len(line) <= 30 else line[:30] + "…"


@dataclass(frozen=True)
class PublishChecklist:
    """What 发布助手 shows: text to copy, images in order, the WeChat tags to pick."""

    post: PostRow
    text: str
    image_files: list[Path]
    folder: Path | None
    visibility_label: str
    tag_names: tuple[str, ...]
    reach: int


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


# ---- reading -----------------------------------------------------------------------------------------

def _rows(session: Session, conditions: list[Any]) -> list[PostRow]:
    statement = (
        select(MomentPost, WechatAccount.name, Pillar.name, Pillar.color, Pillar.hard_sell)
        .outerjoin(WechatAccount, WechatAccount.id == MomentPost.account_id)
        .outerjoin(Pillar, Pillar.id == MomentPost.pillar_id)
        .where(*conditions).order_by(MomentPost.planned_at, MomentPost.id)
    )
    found = list(session.execute(statement))
    if not found:
        return []
    tags: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for post_id, tag_id, name in session.execute(
        select(MomentPostTag.post_id, Tag.id, Tag.name).join(Tag, Tag.id == MomentPostTag.tag_id)
        .join(MomentPost, MomentPost.id == MomentPostTag.post_id).where(*conditions)
        .order_by(MomentPostTag.post_id, Tag.sort, Tag.id)
    ):
        tags[post_id].append((tag_id, name))
    images: dict[int, list[str]] = defaultdict(list)
    for post_id, path in session.execute(
        select(MomentPostImage.post_id, MomentPostImage.path)
        .join(MomentPost, MomentPost.id == MomentPostImage.post_id).where(*conditions)
        .order_by(MomentPostImage.post_id, MomentPostImage.position, MomentPostImage.id)
    ):
        images[post_id].append(path)
    return [_row(post, account, pillar, color, hard, tags.get(post.id, []), images.get(post.id, []))
            for post, account, pillar, color, hard in found]


def _row(p: MomentPost, account: str | None, pillar: str | None, color: str | None, hard: bool | None,
         tags: list[tuple[int, str]], images: list[str]) -> PostRow:
    return PostRow(
        p.id, p.planned_at, p.account_id, account or "", p.text or "", p.pillar_id, pillar or "", color or "",
        bool(hard), p.visibility, t(VISIBILITY_LABELS.get(p.visibility, p.visibility)),
        tuple(i for i, _n in tags), tuple(n for _i, n in tags), p.status, t(STATUS_LABELS.get(p.status, p.status)),
        p.published_at, tuple(images), bool(p.repeat_weekly), p.repeat_until, p.series_id, p.likes or 0,
        p.comments or 0, p.inquiries or 0, p.orders or 0, p.revenue_cents or 0, p.note or "", p.deleted_at)


def get_post(session: Session, post_id: int) -> PostRow:
    """NotFoundError when the post is missing or in the trash."""
    found = _rows(session, [MomentPost.id == post_id, MomentPost.deleted_at.is_(None)])
    if not found:
        raise NotFoundError(t("找不到这条朋友圈（可能已被删除）"))
    return found[0]


def list_posts(session: Session, start: date | None = None, end: date | None = None, account_id: int | None = None,
               status: str | None = None, pillar_id: int | None = None, tag_id: int | None = None,
               text: str = "") -> list[PostRow]:
    """Live posts planned from `start` up to `end` (exclusive), in time order, optionally of one
    account, status, pillar or visibility tag, or whose text contains `text`."""
    conditions: list[Any] = [MomentPost.deleted_at.is_(None)]
    if start is not None:
        conditions.append(MomentPost.planned_at >= datetime.combine(start, time.min))
    if end is not None:
        conditions.append(MomentPost.planned_at < datetime.combine(end, time.min))
    if account_id is not None:
        conditions.append(MomentPost.account_id == account_id)
    if status:
        conditions.append(MomentPost.status == status)
    if pillar_id is not None:
        conditions.append(MomentPost.pillar_id == pillar_id)
    if tag_id is not None:
        tagged = select(MomentPostTag.post_id).where(MomentPostTag.tag_id == tag_id).scalar_subquery()
        conditions.append(MomentPost.id.in_(tagged))
    if text.strip():
        conditions.append(MomentPost.text.contains(text.strip(), autoescape=True))
    return _rows(session, conditions)


def posts_due(session: Session, now: datetime) -> list[PostRow]:
    """已排期 posts whose time has come: today's and the overdue ones of the last DUE_DAYS days."""
    since = datetime.combine(now.date() - timedelta(days=DUE_DAYS), time.min)
    return _rows(session, [MomentPost.deleted_at.is_(None), MomentPost.status == "scheduled",
                           MomentPost.planned_at <= now, MomentPost.planned_at >= since])


# ---- writing -----------------------------------------------------------------------------------------

def _post(session: Session, post_id: int) -> MomentPost:
    post = session.get(MomentPost, post_id)
    if post is None or post.deleted_at is not None:
        raise NotFoundError(t("找不到这条朋友圈（可能已被删除）"))
    return post


def validate_post(session: Session, data: PostInput) -> PostInput:
    """A cleaned copy (tags once each, only for the tag rules), or ValidationError naming every bad field."""
    errors: dict[str, str] = {}
    text = data.text.strip()
    tag_ids = tuple(dict.fromkeys(data.tag_ids)) if data.visibility in ("only_tags", "except_tags") else ()
    if not isinstance(data.planned_at, datetime):
        errors["planned_at"] = t("请选择发布的日期和时间")
    if len(text) > MAX_TEXT:
        errors["text"] = t("朋友圈文字太长了（最多{n}个字）", n=MAX_TEXT)
    if data.visibility not in VISIBILITIES:
        errors["visibility"] = t("可见范围只能是：公开、部分可见、不给谁看、私密")
    elif data.visibility == "only_tags" and not tag_ids:
        errors["tag_ids"] = t("“部分可见”至少要选一个标签（只给这些标签的客户看）")
    elif data.visibility == "except_tags" and not tag_ids:
        errors["tag_ids"] = t("“不给谁看”至少要选一个标签（不给这些标签的客户看）")
    if tag_ids and "tag_ids" not in errors:
        known = set(session.scalars(select(Tag.id).where(Tag.id.in_(tag_ids))))
        if len(known) != len(tag_ids):
            errors["tag_ids"] = t("选中的标签有的已被删除，请重新选择")
    if data.status not in POST_STATUSES:
        errors["status"] = t("状态只能是：草稿、已排期、已发布、已跳过")
    if data.account_id is not None and session.get(WechatAccount, data.account_id) is None:
        errors["account_id"] = t("这个微信号已被删除，请重新选择")
    if data.pillar_id is not None and session.get(Pillar, data.pillar_id) is None:
        errors["pillar_id"] = t("这个内容支柱已被删除，请重新选择")
    if len(data.note) > MAX_NOTE:
        errors["note"] = t("备注太长了（最多{n}个字）", n=MAX_NOTE)
    if errors:
        raise ValidationError(errors)
    return replace(data, text=text, tag_ids=tag_ids, note=data.note.strip(), planned_at=_minute(data.planned_at))


def _set_tags(session: Session, post_id: int, tag_ids: Sequence[int]) -> None:
    session.execute(delete(MomentPostTag).where(MomentPostTag.post_id == post_id))
    session.add_all(MomentPostTag(post_id=post_id, tag_id=tag_id) for tag_id in tag_ids)


def _apply(post: MomentPost, clean: PostInput) -> None:
    post.planned_at, post.text, post.account_id = clean.planned_at, clean.text, clean.account_id
    post.pillar_id, post.visibility, post.note = clean.pillar_id, clean.visibility, clean.note
    if clean.status != post.status:
        post.published_at = (post.published_at or _now()) if clean.status == "published" else None
    post.status = clean.status


def create_post(session: Session, data: PostInput) -> int:
    clean = validate_post(session, data)
    post = MomentPost(likes=0, comments=0, inquiries=0, orders=0, revenue_cents=0, repeat_weekly=False)
    _apply(post, clean)
    session.add(post)
    session.flush()
    _set_tags(session, post.id, clean.tag_ids)
    session.commit()
    return post.id


def update_post(session: Session, post_id: int, data: PostInput) -> None:
    clean = validate_post(session, data)
    post = _post(session, post_id)
    _apply(post, clean)
    _set_tags(session, post.id, clean.tag_ids)
    session.commit()


def move_post(session: Session, post_id: int, planned_at: datetime) -> None:
    """Drag in the calendar: another day or time."""
    _post(session, post_id).planned_at = _minute(planned_at)
    session.commit()


def _copy(session: Session, source: MomentPost, planned_at: datetime, status: str) -> MomentPost:
    copy = MomentPost(account_id=source.account_id, planned_at=_minute(planned_at), text=source.text,
                      pillar_id=source.pillar_id, visibility=source.visibility, status=status, note="",
                      likes=0, comments=0, inquiries=0, orders=0, revenue_cents=0, repeat_weekly=False)
    session.add(copy)
    session.flush()
    tag_ids = session.scalars(select(MomentPostTag.tag_id).where(MomentPostTag.post_id == source.id)).all()
    _set_tags(session, copy.id, tag_ids)
    paths = session.scalars(select(MomentPostImage.path).where(MomentPostImage.post_id == source.id)
                            .order_by(MomentPostImage.position, MomentPostImage.id)).all()
    session.add_all(MomentPostImage(post_id=copy.id, position=i, path=p) for i, p in enumerate(paths))
    return copy


def duplicate_post(session: Session, post_id: int, planned_at: datetime | None = None) -> int:
    """A 草稿 copy (text, account, pillar, visibility, tags, images), outside any series; by default at
    the same time the next day. Image files are shared, not copied again."""
    source = _post(session, post_id)
    copy = _copy(session, source, planned_at or source.planned_at + timedelta(days=1), "draft")
    session.commit()
    return copy.id


def repeat_weekly(session: Session, post_id: int, until: date) -> int:
    """Copies of the post every week after it, up to and including `until`, all sharing `series_id`
    (the first post's id). Weeks already holding a post of the series are left alone, so calling it
    again with a later date extends the series. Returns how many posts were created."""
    post = _post(session, post_id)
    if until < post.planned_at.date():
        raise ValidationError({"until": t("重复的结束日期不能早于这条朋友圈的日期")})
    if (until - post.planned_at.date()).days // 7 > MAX_REPEAT_WEEKS:
        raise ValidationError({"until": t("每周重复最多{n}周，请选近一点的结束日期", n=MAX_REPEAT_WEEKS)})
    series_id = post.series_id or post.id
    series = list(session.scalars(select(MomentPost).where(
        MomentPost.deleted_at.is_(None), (MomentPost.series_id == series_id) | (MomentPost.id == series_id))))
    taken = {p.planned_at.date() for p in series}
    status = post.status if post.status in ("draft", "scheduled") else "scheduled"
    created: list[MomentPost] = []
    when = post.planned_at + timedelta(weeks=1)
    while when.date() <= until:
        if when.date() not in taken:
            created.append(_copy(session, post, when, status))
        when += timedelta(weeks=1)
    for member in (*series, *created):
        member.series_id, member.repeat_weekly, member.repeat_until = series_id, True, until
    session.commit()
    return len(created)


def stop_repeat(session: Session, post_id: int) -> int:
    """End a weekly series at this post: its later posts that are not published go to the trash.
    Returns how many were trashed."""
    post = _post(session, post_id)
    if post.series_id is None:
        return 0
    series = MomentPost.series_id == post.series_id
    later = list(session.scalars(select(MomentPost.id).where(
        series, MomentPost.deleted_at.is_(None), MomentPost.planned_at > post.planned_at,
        MomentPost.status != "published")))
    if later:
        session.execute(update(MomentPost).where(MomentPost.id.in_(later)).values(deleted_at=_now()))
    session.execute(update(MomentPost).where(series, MomentPost.deleted_at.is_(None))
                    .values(repeat_until=post.planned_at.date()))
    session.commit()
    return len(later)


def publish_post(session: Session, post_id: int, when: datetime | None = None, note: str = "") -> None:
    """The seller posted it in WeChat: 已发布 at `when` (now by default); a `note` is added to the
    post's note (e.g. the result typed on the Today page)."""
    post = _post(session, post_id)
    post.status, post.published_at = "published", _minute(when) if when else _now()
    if note.strip():
        post.note = "\n".join(x for x in (post.note, note.strip()) if x)
    session.commit()


def skip_post(session: Session, post_id: int) -> None:
    post = _post(session, post_id)
    post.status, post.published_at = "skipped", None
    session.commit()


def reschedule(session: Session, post_id: int) -> None:
    """Back to 已排期 (undo a publish or a skip; a draft becomes planned)."""
    post = _post(session, post_id)
    post.status, post.published_at = "scheduled", None
    session.commit()


def record_results(session: Session, post_id: int, likes: int, comments: int, inquiries: int, orders: int,
                   revenue_cents: int, note: str | None = None) -> None:
    """What a published post brought (typed in later); `note` None keeps the current note."""
    values = {"likes": likes, "comments": comments, "inquiries": inquiries, "orders": orders,
              "revenue_cents": revenue_cents}
    labels = {"likes": "点赞数", "comments": "评论数", "inquiries": "咨询数", "orders": "订单数",
              "revenue_cents": "成交金额"}
    errors = {key: t("{label}不能是负数", label=t(labels[key]))
              for key, value in values.items() if not isinstance(value, int) or value < 0}
    if note is not None and len(note) > MAX_NOTE:
        errors["note"] = t("备注太长了（最多{n}个字）", n=MAX_NOTE)
    if errors:
        raise ValidationError(errors)
    post = _post(session, post_id)
    for key, value in values.items():
        setattr(post, key, value)
    if note is not None:
        post.note = note.strip()
    session.commit()


# ---- visibility --------------------------------------------------------------------------------------

def reach(session: Session, visibility: str, tag_ids: Sequence[int]) -> int:
    """How many live customers see a post with this rule, by KeBen's tags (one SQL count)."""
    if visibility == "private" or visibility not in VISIBILITIES:
        return 0
    tag_ids = list(dict.fromkeys(tag_ids))
    if visibility == "only_tags" and not tag_ids:
        return 0
    statement = select(func.count()).select_from(Customer).where(Customer.deleted_at.is_(None))
    if visibility != "public" and tag_ids:
        # IN (subquery) walks the (tag_id, customer_id) index once: ~4× faster than a correlated EXISTS
        tagged = select(CustomerTag.customer_id).where(CustomerTag.tag_id.in_(tag_ids))
        statement = statement.where(Customer.id.in_(tagged) if visibility == "only_tags"
                                    else Customer.id.not_in(tagged))
    return int(session.scalar(statement) or 0)


# ---- images ------------------------------------------------------------------------------------------

def image_file(data_root: Path, rel: str) -> Path:
    return data_root / rel


def copy_post_image(data_root: Path, source: Path) -> str:
    """Copy a (checked) image file into media/moments/ under a unique name; the relative path."""
    folder = data_root / MEDIA_FOLDER
    stem = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", source.stem).strip("_")[:40] or "image"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        while True:
            name = f"{date.today():%Y%m%d}-{secrets.token_hex(4)}-{stem}{source.suffix.lower()}"
            if not (folder / name).exists():
                break
        shutil.copyfile(source, folder / name)
    except OSError as exc:
        raise UserError(t("无法把图片复制到数据文件夹：{error}", error=exc.strerror or exc)) from exc
    return f"{MEDIA_FOLDER}/{name}"


def _in_media(data_root: Path, entry: str | Path) -> str | None:
    """`entry` as a path relative to the data folder when it is a file already inside its media/."""
    path = Path(entry)
    full = path if path.is_absolute() else data_root / path
    try:
        rel = full.resolve().relative_to(data_root.resolve()).as_posix()
    except (ValueError, OSError):
        return None
    return rel if rel.startswith("media/") and full.is_file() else None


def set_images(session: Session, data_root: Path, post_id: int, images: Sequence[str | Path]) -> None:
    """The post's images, in this order. Each entry is an image already on the post (relative path),
    a file already in the data folder's media/ (kept where it is), or a file to copy in."""
    post = _post(session, post_id)
    if len(images) > MAX_IMAGES:
        raise ValidationError({"images": t("一条朋友圈最多{n}张图片（选了{count}张）", n=MAX_IMAGES,
                                           count=len(images))})
    current = set(session.scalars(select(MomentPostImage.path).where(MomentPostImage.post_id == post.id)))
    plan: list[tuple[str, Path | None]] = []  # (kept relative path, or "" with a file to copy)
    for entry in images:
        if isinstance(entry, str) and entry in current:
            plan.append((entry, None))
            continue
        inside = _in_media(data_root, entry)
        if inside is not None:
            plan.append((inside, None))
            continue
        source = Path(entry)
        try:
            check_image(source)
        except UserError as exc:
            raise ValidationError({"images": exc.message}) from exc
        plan.append(("", source))
    paths = [rel if source is None else copy_post_image(data_root, source) for rel, source in plan]
    session.execute(delete(MomentPostImage).where(MomentPostImage.post_id == post.id))
    session.add_all(MomentPostImage(post_id=post.id, position=i, path=p) for i, p in enumerate(paths))
    session.commit()
    _delete_unused_files(session, data_root, current - set(paths))


def _delete_unused_files(session: Session, data_root: Path, paths: Iterable[str]) -> None:
    """Delete copied post images that no post (live or trashed) and no material uses any more."""
    mine = {p for p in paths if p.startswith(MEDIA_FOLDER + "/")}
    if not mine:
        return
    used = set(session.scalars(select(MomentPostImage.path).where(MomentPostImage.path.in_(mine))))
    used |= set(session.scalars(select(Material.path).where(Material.path.in_(mine))))
    for path in mine - used:
        with contextlib.suppress(OSError):  # a file that cannot be removed now only takes space
            (data_root / path).unlink(missing_ok=True)


def publish_checklist(session: Session, data_root: Path, post_id: int) -> PublishChecklist:
    """发布助手: the text, the images as numbered copies in their own folder (media/publish/<id>/,
    so that opening it shows just this post's pictures in order), the tags to pick and the reach.
    When the copies cannot be made, the original files are listed and `folder` is their folder."""
    post = get_post(session, post_id)
    originals = [image_file(data_root, rel) for rel in post.images]
    originals = [path for path in originals if path.is_file()]
    files, folder = originals, (originals[0].parent if originals else None)
    if originals:
        target = data_root / PUBLISH_FOLDER / str(post.id)
        try:
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            files = []
            for number, source in enumerate(originals, 1):
                copy = target / f"{number:02d}{source.suffix.lower()}"
                shutil.copyfile(source, copy)
                files.append(copy)
            folder = target
        except OSError:
            files, folder = originals, originals[0].parent
    return PublishChecklist(post, post.text, files, folder, post.visibility_label, post.tag_names,
                            reach(session, post.visibility, post.tag_ids))


# ---- trash -------------------------------------------------------------------------------------------

def trash_posts(session: Session, ids: Sequence[int]) -> int:
    if not ids:
        return 0
    moved = session.execute(update(MomentPost).where(MomentPost.id.in_(list(ids)), MomentPost.deleted_at.is_(None))
                            .values(deleted_at=_now())).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(moved)


def restore_posts(session: Session, ids: Sequence[int]) -> int:
    if not ids:
        return 0
    restored = session.execute(update(MomentPost).where(MomentPost.id.in_(list(ids)),
                                                        MomentPost.deleted_at.is_not(None))
                               .values(deleted_at=None)).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(restored)


def list_trashed_posts(session: Session) -> list[PostRow]:
    rows = _rows(session, [MomentPost.deleted_at.is_not(None)])
    return sorted(rows, key=lambda r: (r.deleted_at or datetime.min, r.id), reverse=True)


def trashed_post_entries(session: Session) -> list[tuple[int, str, str, datetime]]:
    """The 回收站 page's rows (services.trash): (id, title, when · status, deleted at)."""
    return [(r.id, r.title, f"{r.planned_at:%Y-%m-%d %H:%M} · {r.status_label}", r.deleted_at or datetime.min)
            for r in list_trashed_posts(session)]


def purge_trashed_posts(session: Session, ids: Sequence[int] | None = None) -> int:
    """purge_posts for the 回收站 page, which has only the session: the data folder is the store's."""
    from services.library_materials import data_root_of

    return purge_posts(session, data_root_of(session), ids)


def purge_posts(session: Session, data_root: Path | None, ids: Sequence[int] | None = None) -> int:
    """Delete trashed posts for good (these, or all when None), with their copied images that no
    other post or material uses (kept when `data_root` is None: a server database). Returns how
    many posts were deleted."""
    statement = select(MomentPost.id).where(MomentPost.deleted_at.is_not(None))
    if ids is not None:
        statement = statement.where(MomentPost.id.in_(list(ids)))
    doomed = list(session.scalars(statement))
    if not doomed:
        return 0
    paths = set(session.scalars(select(MomentPostImage.path).where(MomentPostImage.post_id.in_(doomed))))
    for table in (MomentPostImage, MomentPostTag, MomentInteraction):
        session.execute(delete(table).where(table.post_id.in_(doomed)))
    session.execute(delete(MomentPost).where(MomentPost.id.in_(doomed)))
    session.commit()
    if data_root is None:
        return len(doomed)
    _delete_unused_files(session, data_root, paths)
    for post_id in doomed:
        with contextlib.suppress(OSError):
            shutil.rmtree(data_root / PUBLISH_FOLDER / str(post_id), ignore_errors=True)
    return len(doomed)
