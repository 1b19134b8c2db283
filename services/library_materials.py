"""素材库 materials: texts, images and links by category and free-word tags, with usage counts.

Images are copied into the data folder (`media/materials/20250305-1a2b3c4d-名字.png`, stored relative
to the data folder) so that they survive the original being moved; the copy keeps its name unique.
Links must be http(s) addresses (a bare "mp.weixin.qq.com/s/…" gets https:// in front).
Other pages import these through services.library (see its docstring for the small API).
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import delete, func, literal, or_, select, update
from sqlalchemy.orm import Session

from models import Material, MomentPostImage
from models.library import MATERIAL_KINDS
from services.errors import NotFoundError, UserError, ValidationError
from services.i18n import t
from services.text import fold, pinyin_of

KIND_LABELS = {"text": "文字", "image": "图片", "link": "链接"}
# Suggested categories: the content pillars of the Moments planner, which materials mostly feed.
MATERIAL_CATEGORIES = ("产品种草", "用户口碑", "专业知识", "生活人设", "活动福利", "品牌故事")
MEDIA_FOLDER = "media/materials"
IMAGE_SIGNATURES = {".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8",), ".jpeg": (b"\xff\xd8",), ".gif": (b"GIF8",),
                    ".webp": (b"RIFF",), ".bmp": (b"BM",)}
MAX_IMAGE_BYTES = 30 * 1024 * 1024
MAX_TITLE, MAX_CATEGORY, MAX_TAGS, MAX_BODY, MAX_LINK = 100, 20, 200, 5000, 2000
_TAG_SPLIT = re.compile(r"[\s,，、;；#＃]+")
_HOST = re.compile(r"^(localhost|[A-Za-z0-9\u00a1-\uffff]([A-Za-z0-9\u00a1-\uffff-]*[A-Za-z0-9\u00a1-\uffff])?"
                   r"(\.[A-Za-z0-9\u00a1-\uffff]([A-Za-z0-9\u00a1-\uffff-]*[A-Za-z0-9\u00a1-\uffff])?)+"
                   r"|\d{1,3}(\.\d{1,3}){3})$")


@dataclass
class MaterialInput:
    """A material as the user entered it.

    `image`: a file to copy in (new image materials need one; on update None keeps the current file).
    `tags`: free words separated by spaces, commas or 、. An empty title is made from the content.
    """

    kind: str = "text"
    title: str = ""
    category: str = ""
    body: str = ""  # the text, or the link's address
    tags: str = ""
    image: Path | None = None


@dataclass(frozen=True)
class MaterialInfo:
    id: int
    kind: str  # one of MATERIAL_KINDS
    category: str
    title: str
    body: str
    path: str  # an image's file, relative to the data folder
    tags: tuple[str, ...]
    use_count: int
    updated_at: datetime
    deleted_at: datetime | None = None

    @property
    def kind_label(self) -> str:
        return t(KIND_LABELS.get(self.kind, self.kind))

    def file_in(self, data_root: Path) -> Path | None:
        return data_root / self.path if self.kind == "image" and self.path else None


def _info(m: Material) -> MaterialInfo:
    kind = m.kind if m.kind in MATERIAL_KINDS else "text"
    return MaterialInfo(m.id, kind, m.category, m.title, m.body, m.path, tuple(m.tags.split()), m.use_count or 0,
                        m.updated_at, m.deleted_at)


def data_root_of(session: Session) -> Path | None:
    """The data folder of the store, for services that get only a session (Excel import, demo data):
    the one it was opened with (团队模式 too: images stay in this computer's data folder), else the
    folder holding a SQLite file; None for a bare server database or in-memory."""
    root = session.info.get("data_root")
    if isinstance(root, Path):
        return root.resolve()
    bind = session.get_bind()
    url = bind.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).resolve().parent


# ---- checking what was typed -------------------------------------------------------------------------

def clean_link(text: str) -> str:
    """A web address to store: "mp.weixin.qq.com/s/x" → "https://mp.weixin.qq.com/s/x"; ValueError
    with a Chinese message when it is not an http(s) address."""
    link = fold(text)
    if not link:
        raise ValueError(t("链接地址为空"))
    if re.search(r"\s", link):
        raise ValueError(t("链接地址里不能有空格：“{text}”", text=link))
    if len(link) > MAX_LINK:
        raise ValueError(t("链接地址太长了（最多{n}个字符）", n=MAX_LINK))
    if "://" not in link and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", link):
        link = "https://" + link
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(t("只支持 http:// 或 https:// 开头的网址：“{text}”", text=fold(text)))
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 — raises ValueError on a bad port
    except ValueError:
        host = ""
    if not _HOST.match(host):
        raise ValueError(t("“{text}”不是有效的网址（例如 https://mp.weixin.qq.com/s/…）", text=fold(text)))
    return link


def split_tags(text: str) -> list[str]:
    """"新品 春茶、送礼" → ["新品", "春茶", "送礼"] (each once, in order)."""
    return list(dict.fromkeys(w for w in _TAG_SPLIT.split(fold(text)) if w))


def check_image(source: Path) -> None:
    """UserError with a Chinese message unless `source` is a readable image file of a known format."""
    name = source.name
    if not source.is_file():
        raise UserError(t("找不到图片文件：{path}", path=source))
    suffix = source.suffix.lower()
    if suffix not in IMAGE_SIGNATURES:
        raise UserError(t("“{name}”不是支持的图片格式（支持 PNG、JPG、GIF、WEBP、BMP）", name=name))
    try:
        size = source.stat().st_size
        with source.open("rb") as file:
            head = file.read(12)
    except OSError as exc:
        raise UserError(t("无法读取图片“{name}”：{error}", name=name, error=exc.strerror or exc)) from exc
    if size > MAX_IMAGE_BYTES:
        raise UserError(t("图片“{name}”太大了（{mb} MB），最大 30 MB", name=name, mb=round(size / 1048576, 1)))
    webp_ok = suffix != ".webp" or head[8:12] == b"WEBP"
    if not any(head.startswith(sig) for sig in IMAGE_SIGNATURES[suffix]) or not webp_ok:
        raise UserError(t("“{name}”打不开：文件内容不是{fmt}图片", name=name, fmt=suffix.lstrip(".").upper()))


def copy_image(data_root: Path, source: Path) -> str:
    """Copy an image into the data folder under a unique name; returns its path relative to the folder."""
    check_image(source)
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


def _default_title(clean: MaterialInput) -> str:
    if clean.kind == "image" and clean.image is not None:
        return clean.image.stem[:MAX_TITLE]
    if clean.kind == "link" and clean.body:
        return (urlsplit(clean.body).hostname or clean.body)[:MAX_TITLE]
    line = clean.body.split("\n", 1)[0].strip()
    return line if len(line) <= 16 else line[:16] + "…"


def validate_material(data: MaterialInput, *, has_image: bool = False) -> MaterialInput:
    """A cleaned copy, or ValidationError naming every bad field (the image file is checked too)."""
    errors: dict[str, str] = {}
    clean = replace(data, title=data.title.strip(), category=data.category.strip(), body=data.body.strip(),
                    tags=" ".join(split_tags(data.tags)))
    if clean.kind not in MATERIAL_KINDS:
        errors["kind"] = t("素材类型只能是：文字、图片、链接")
    elif clean.kind == "text":
        if not clean.body:
            errors["body"] = t("文字素材的内容不能为空")
        elif len(clean.body) > MAX_BODY:
            errors["body"] = t("内容太长了（最多{n}个字）", n=MAX_BODY)
    elif clean.kind == "link":
        try:
            clean.body = clean_link(clean.body)
        except ValueError as exc:
            errors["body"] = str(exc)
    else:
        if clean.image is not None:
            try:
                check_image(clean.image)
            except UserError as exc:
                errors["image"] = exc.message
        elif not has_image:
            errors["image"] = t("请选择一张图片")
        if len(clean.body) > MAX_BODY:
            errors["body"] = t("说明太长了（最多{n}个字）", n=MAX_BODY)
    if not clean.title and "body" not in errors and "image" not in errors:
        clean.title = _default_title(clean)
    if not clean.title:
        errors.setdefault("title", t("请填写标题"))
    elif len(clean.title) > MAX_TITLE:
        errors["title"] = t("标题太长了（最多{n}个字）", n=MAX_TITLE)
    if len(clean.category) > MAX_CATEGORY:
        errors["category"] = t("分类名太长了（最多{n}个字）", n=MAX_CATEGORY)
    if len(clean.tags) > MAX_TAGS:
        errors["tags"] = t("标签太多了（合计最多{n}个字）", n=MAX_TAGS)
    elif any(len(w) > 20 for w in clean.tags.split()):
        errors["tags"] = t("每个标签最多20个字，标签之间用空格或逗号隔开")
    if errors:
        raise ValidationError(errors)
    return clean


# ---- writing -----------------------------------------------------------------------------------------

def _get(session: Session, material_id: int, *, live: bool = True) -> Material:
    material = session.get(Material, material_id)
    if material is None or (live and material.deleted_at is not None):
        raise NotFoundError(t("找不到这个素材（可能已被删除）"))
    return material


def create_material(session: Session, data_root: Path, data: MaterialInput) -> int:
    """Validate and add a material (an image is copied into the data folder first)."""
    clean = validate_material(data)
    path = copy_image(data_root, clean.image) if clean.kind == "image" and clean.image is not None else ""
    material = Material(kind=clean.kind, title=clean.title, category=clean.category,
                        body=clean.body, path=path, tags=clean.tags, use_count=0)
    session.add(material)
    session.commit()
    return material.id


def update_material(session: Session, data_root: Path, material_id: int, data: MaterialInput) -> None:
    """Save edits; an image material given a new file gets a new copy (the old copy stays until purged)."""
    material = _get(session, material_id)
    clean = validate_material(data, has_image=material.kind == "image" and bool(material.path))
    if clean.kind == "image" and clean.image is not None:
        material.path = copy_image(data_root, clean.image)
    elif clean.kind != "image":
        material.path = ""
    material.kind, material.title, material.category = clean.kind, clean.title, clean.category
    material.body, material.tags = clean.body, clean.tags
    session.commit()


def record_material_use(session: Session, material_id: int) -> int:
    """The seller copied or sent this material: count it. Returns the new count."""
    material = _get(session, material_id)
    material.use_count = (material.use_count or 0) + 1
    session.commit()
    return material.use_count


# ---- reading -----------------------------------------------------------------------------------------

def get_material(session: Session, material_id: int) -> MaterialInfo:
    return _info(_get(session, material_id))


def list_materials(session: Session, text: str = "", kind: str | None = None, category: str | None = None,
                   tag: str | None = None, limit: int | None = None) -> list[MaterialInfo]:
    """Live materials whose title, text, category or tags contain `text`, optionally of one kind,
    category ("" = 未分类) or tag word; most used first, then newest."""
    statement = select(Material).where(Material.deleted_at.is_(None))
    query = text.strip()
    if query:
        statement = statement.where(or_(*(column.contains(query, autoescape=True) for column in (
            Material.title, Material.body, Material.category, Material.tags))))
    if kind:
        statement = statement.where(Material.kind == kind)
    if category is not None:
        statement = statement.where(Material.category == category)
    if tag:
        padded = literal(" ").concat(Material.tags).concat(" ")
        statement = statement.where(padded.contains(f" {tag.strip()} ", autoescape=True))
    statement = statement.order_by(Material.use_count.desc(), Material.id.desc())
    if limit is not None:
        statement = statement.limit(limit)
    return [_info(m) for m in session.scalars(statement)]


def materials_by_id(session: Session, ids: Sequence[int]) -> list[MaterialInfo]:
    """These materials in the order given (each once); trashed or missing ones are left out."""
    if not ids:
        return []
    found = {m.id: _info(m) for m in session.scalars(select(Material).where(
        Material.id.in_(list(ids)), Material.deleted_at.is_(None)))}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def material_text(session: Session, material_id: int) -> str:
    """What to paste for a material: a text's words, a link's address, "" for an image."""
    info = get_material(session, material_id)
    return "" if info.kind == "image" else info.body


def material_file(data_root: Path, info: MaterialInfo) -> Path | None:
    """An image material's file in the data folder (None for texts and links, or when it is missing)."""
    path = info.file_in(data_root)
    return path if path is not None and path.is_file() else None


def material_categories(session: Session) -> list[tuple[str, int]]:
    """(category, live materials in it): the suggested categories first (also when empty), then
    the typed ones by pinyin, and "" (未分类) last when used."""
    counts: dict[str, int] = {category: n for category, n in session.execute(
        select(Material.category, func.count()).where(Material.deleted_at.is_(None)).group_by(Material.category))}
    typed = sorted((c for c in counts if c and c not in MATERIAL_CATEGORIES), key=lambda c: pinyin_of(c)[0])
    result = [(c, int(counts.get(c, 0))) for c in (*MATERIAL_CATEGORIES, *typed)]
    if counts.get(""):
        result.append(("", int(counts[""])))
    return result


def material_tags(session: Session) -> list[tuple[str, int]]:
    """(tag word, live materials with it), most used first."""
    counts: dict[str, int] = {}
    for (tags,) in session.execute(select(Material.tags).where(Material.deleted_at.is_(None), Material.tags != "")):
        for word in tags.split():
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], pinyin_of(item[0])[0]))


# ---- trash -------------------------------------------------------------------------------------------

def trash_materials(session: Session, ids: list[int]) -> int:
    if not ids:
        return 0
    now = datetime.now().replace(microsecond=0)
    moved = session.execute(update(Material).where(Material.id.in_(ids), Material.deleted_at.is_(None))
                            .values(deleted_at=now)).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(moved)


def restore_materials(session: Session, ids: list[int]) -> int:
    if not ids:
        return 0
    restored = session.execute(update(Material).where(Material.id.in_(ids), Material.deleted_at.is_not(None))
                               .values(deleted_at=None)).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(restored)


def list_trashed_materials(session: Session) -> list[MaterialInfo]:
    return [_info(m) for m in session.scalars(select(Material).where(Material.deleted_at.is_not(None))
                                              .order_by(Material.deleted_at.desc(), Material.id.desc()))]


def purge_materials(session: Session, data_root: Path | None, ids: list[int] | None = None) -> int:
    """Delete trashed materials for good (these, or all when None), and their copied image files
    that no other material or post uses (kept when `data_root` is None: a server database)."""
    statement = select(Material.id, Material.path).where(Material.deleted_at.is_not(None))
    if ids is not None:
        statement = statement.where(Material.id.in_(ids))
    doomed = [(material_id, path) for material_id, path in session.execute(statement)]
    if not doomed:
        return 0
    doomed_ids = [material_id for material_id, _path in doomed]
    session.execute(delete(Material).where(Material.id.in_(doomed_ids)))
    session.commit()
    paths = {path for _id, path in doomed if path.startswith(MEDIA_FOLDER + "/")} if data_root is not None else set()
    still_used: set[str] = set()
    if paths:  # another material, or a Moments post that took the image, may share the file
        still_used.update(session.scalars(select(Material.path).where(Material.path.in_(paths))))
        still_used.update(session.scalars(select(MomentPostImage.path).where(MomentPostImage.path.in_(paths))))
    for path in paths - still_used:
        assert data_root is not None
        with contextlib.suppress(OSError):  # a file that cannot be removed now only takes space
            (data_root / path).unlink(missing_ok=True)
    return len(doomed_ids)
