"""Excel kinds of the 素材话术 page: `scripts` (话术) and `materials` (素材) — their columns, how a row is
imported (services.excel.kinds.Kind), and how they are exported.

Kept in their own module; `register_library_kinds()` puts them into the Excel registries, i.e.

    columns.KINDS.update(LIBRARY_COLUMNS); columns.KIND_LABELS.update(LIBRARY_LABELS)
    kinds.KIND_CLASSES.update(LIBRARY_KIND_CLASSES)
    undo.CREATED_TABLES += LIBRARY_CREATED_TABLES; undo.RECORD_TABLES.update(…their tables…)
    export: `export_library_kind(session, kind, path, …)`, or `library_sheet(session, kind)` for a
    full-workbook backup.

A script is the same record when its 分类 and 标题 are (an empty 标题 is made from the text, as in
the app). A material is the same record when its 类型 and 标题 are. Updating overwrites only the cells
that are filled in. An image material names its file in 图片文件: a file on this computer (copied into
the data folder) or, as exports write it, a path inside the data folder (`media/materials/…`); the
image files themselves are not inside the workbook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Material, Script
from models.library import MATERIAL_KINDS
from services.errors import UserError, ValidationError
from services.excel import values as v
from services.excel.columns import Column
from services.excel.kinds import Kind
from services.excel.pages import PageKinds, register_page_kinds
from services.excel.resolve import ImportContext
from services.excel.writer import Cancelled, OutColumn, Progress, SheetSpec, write_sheets
from services.excel.writing import Pending, Problems, Values
from services.excel.writing import parse_cell as _parse
from services.excel.writing import update_record as _update
from services.i18n import t
from services.library import ScriptInput, validate_script
from services.library_materials import KIND_LABELS, MaterialInput, copy_image, data_root_of, validate_material

KIND_CHOICES = tuple(KIND_LABELS.values())  # 文字, 图片, 链接
_KIND_OF_LABEL = {label: kind for kind, label in KIND_LABELS.items()} | {k: k for k in MATERIAL_KINDS} | {
    "text": "text", "image": "image", "link": "link", "图": "image", "网址": "link", "文案": "text"}

LIBRARY_COLUMNS: dict[str, tuple[Column, ...]] = {
    "scripts": (
        Column("category", "分类", ("话术分类", "类别", "场景", "Category"), width=10),
        Column("title", "标题", ("话术标题", "名称", "Title", "Name"), width=20),
        Column("body", "内容", ("话术", "话术内容", "文案", "正文", "Content", "Text", "Script"), required=True,
               width=60),
        Column("use_count", "使用次数", ("次数", "用过几次", "Uses", "Use Count"), width=8),
        Column("last_used_at", "最近使用", ("最近使用时间", "上次使用", "Last Used"), width=16),
    ),
    "materials": (
        Column("kind", "类型", ("素材类型", "Type", "Kind"), choices=KIND_CHOICES, width=6),
        Column("category", "分类", ("素材分类", "类别", "Category"), width=10),
        Column("title", "标题", ("素材标题", "名称", "Title", "Name"), width=20),
        Column("body", "内容", ("文字", "链接", "网址", "文案", "说明", "Content", "Text", "URL", "Link"), width=50),
        Column("tags", "标签", ("关键词", "Tags", "Tag"), width=16),
        Column("image", "图片文件", ("图片", "图片路径", "文件", "Image", "File"), width=30),
        Column("use_count", "使用次数", ("次数", "用过几次", "Uses", "Use Count"), width=8),
    ),
}
LIBRARY_LABELS = {"scripts": "话术", "materials": "素材"}
LIBRARY_VALUE_KINDS = {"use_count": "int", "last_used_at": "datetime"}
# For the templates' 说明 sheet (column key → what it is, how to write it) and their example rows.
LIBRARY_HELP: dict[str, tuple[str, str]] = {
    "category": ("分类，如 欢迎语、回访、催复购；素材如 产品种草", "文字；不填为 其他（话术）或 未分类（素材）"),
    "title": ("一眼能认出的短标题", "文字；不填就用内容的开头"),
    "body": ("话术的正文（可用 {称呼} {姓名} {产品} {上次购买}）；素材的文字或链接地址", "文字，可多行"),
    "use_count": ("用过几次", "整数，可不填"), "last_used_at": ("最近一次使用的时间", "日期时间，可不填"),
    "kind": ("素材类型", "文字、图片 或 链接；不填时按内容判断"), "tags": ("标签，方便搜索", "多个用空格或逗号隔开"),
    "image": ("图片素材的文件", "电脑上的图片路径，如 D:\\图片\\新品.jpg"),
}
LIBRARY_EXAMPLES: dict[str, dict[str, object]] = {
    "scripts": {"category": "回访", "title": "到货后回访",
                "body": "{称呼}，{产品}收到了吧？喝了几泡感觉怎么样？", "use_count": 3},
    "materials": {"kind": "链接", "category": "专业知识", "title": "白茶怎么存",
                  "body": "https://mp.weixin.qq.com/s/example", "tags": "白茶 存茶"},
}








class Scripts(Kind):
    name = "scripts"

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        data = ScriptInput(v.cell_text(raw.get("title")), v.cell_text(raw.get("category")) or "其他",
                           v.cell_text(raw.get("body")))
        try:
            data = validate_script(data)
        except ValidationError as exc:
            problems.update(exc.fields)
        values: Values = {"title": data.title, "category": data.category, "body": data.body}
        values["use_count"] = _parse(raw, problems, "use_count", lambda x: v.parse_int(x, minimum=0))
        values["last_used_at"] = _parse(raw, problems, "last_used_at", v.parse_datetime)
        return values, problems

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        return ("script", values["category"], values["title"])

    def match(self, ctx: ImportContext, values: Values) -> int | None:
        return ctx.session.scalar(select(Script.id).where(
            Script.category == values["category"], Script.title == values["title"], Script.deleted_at.is_(None))
            .order_by(Script.id).limit(1))

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        pending.flush()
        script = Script(category=values["category"], title=values["title"], body=values["body"],
                        use_count=values["use_count"] or 0, last_used_at=values["last_used_at"],
                        import_batch_id=pending.batch_id)
        ctx.session.add(script)
        ctx.session.flush()
        return script.id

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        changes = {k: values[k] for k in ("body", "use_count", "last_used_at") if values[k] not in (None, "")}
        _update(ctx, pending, Script, record_id, changes)

    def merge(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        """The same script twice in one file: the later row's filled cells win."""
        self.update(ctx, pending, record_id, values)


class Materials(Kind):
    name = "materials"

    def __init__(self) -> None:
        self.root: Path | None = None
        self.root_known = False

    def _data_root(self, ctx: ImportContext) -> Path | None:
        if not self.root_known:
            self.root, self.root_known = data_root_of(ctx.session), True
        return self.root

    def parse(self, ctx: ImportContext, raw: dict[str, Any]) -> tuple[Values, Problems]:
        problems: Problems = {}
        kind_text = v.cell_text(raw.get("kind"))
        body = v.cell_text(raw.get("body"))
        image_text = v.cell_text(raw.get("image"))
        if kind_text:
            kind = _KIND_OF_LABEL.get(kind_text.lower(), "")
            if not kind:
                problems["kind"] = t("类型“{k}”不对，只能是：文字、图片、链接", k=kind_text)
        else:
            kind = "image" if image_text else "link" if body.lower().startswith(("http://", "https://")) else "text"
        values: Values = {"kind": kind or "text", "image_source": None, "path": ""}
        if kind == "image":
            self._image(ctx, image_text, values, problems)
        title = v.cell_text(raw.get("title")) or (Path(values["path"]).stem if values["path"] else "")
        data = MaterialInput(values["kind"], title, v.cell_text(raw.get("category")), body,
                             v.cell_text(raw.get("tags")), values["image_source"])
        try:
            data = validate_material(data, has_image=bool(values["path"]))
        except ValidationError as exc:
            for key, message in exc.fields.items():
                problems.setdefault(key if key in LIBRARY_KEYS["materials"] else "body", message)
        values.update(title=data.title, category=data.category, body=data.body, tags=data.tags)
        values["use_count"] = _parse(raw, problems, "use_count", lambda x: v.parse_int(x, minimum=0))
        return values, problems

    def _image(self, ctx: ImportContext, text: str, values: Values, problems: Problems) -> None:
        """An image row's file: a path in the data folder (kept) or a file elsewhere (copied on import)."""
        if not text:
            problems["image"] = t("图片素材要写图片文件的路径")
            return
        root = self._data_root(ctx)
        if root is None:
            problems["image"] = t("这个数据库不在本机数据文件夹里，不能导入图片素材")
            return
        given = Path(text.strip('"'))
        if not given.is_absolute() and (root / given).is_file():
            values["path"] = given.as_posix()
        elif given.is_absolute():
            values["image_source"] = given  # checked by validate_material
        else:
            problems["image"] = t("找不到图片文件“{path}”（请写完整路径，如 D:\\图片\\新品.jpg）", path=text)

    def file_key(self, values: Values) -> tuple[Any, ...] | None:
        return ("material", values["kind"], values["title"])

    def match(self, ctx: ImportContext, values: Values) -> int | None:
        return ctx.session.scalar(select(Material.id).where(
            Material.kind == values["kind"], Material.title == values["title"], Material.deleted_at.is_(None))
            .order_by(Material.id).limit(1))

    def _path(self, ctx: ImportContext, values: Values) -> str:
        source = values.get("image_source")
        root = self._data_root(ctx)
        if source is None or root is None:
            return str(values.get("path") or "")
        try:
            return copy_image(root, source)
        except UserError:
            return ""  # checked in parse; gone since: the row keeps no image rather than failing the import

    def create(self, ctx: ImportContext, pending: Pending, values: Values) -> int:
        pending.flush()
        material = Material(kind=values["kind"], category=values["category"], title=values["title"],
                            body=values["body"], path=self._path(ctx, values), tags=values["tags"],
                            use_count=values["use_count"] or 0, import_batch_id=pending.batch_id)
        ctx.session.add(material)
        ctx.session.flush()
        return material.id

    def update(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        changes = {k: values[k] for k in ("category", "body", "tags", "use_count") if values[k] not in (None, "")}
        if values["kind"] == "image" and (values.get("image_source") is not None or values.get("path")):
            changes["path"] = self._path(ctx, values)
        _update(ctx, pending, Material, record_id, changes)

    def merge(self, ctx: ImportContext, pending: Pending, record_id: int, values: Values) -> None:
        self.update(ctx, pending, record_id, values)


LIBRARY_KEYS = {kind: {c.key for c in cols} for kind, cols in LIBRARY_COLUMNS.items()}
LIBRARY_KIND_CLASSES: dict[str, type[Kind]] = {"scripts": Scripts, "materials": Materials}
LIBRARY_CREATED_TABLES: tuple[Any, ...] = (Script, Material)


def register_library_kinds() -> None:
    """Put the two kinds into the Excel registries (idempotent)."""
    register_page_kinds(PageKinds(LIBRARY_COLUMNS, LIBRARY_LABELS, LIBRARY_KIND_CLASSES, LIBRARY_CREATED_TABLES, export_library_kind,
                                  LIBRARY_HELP, LIBRARY_EXAMPLES, LIBRARY_VALUE_KINDS, customer_help=False, sheet=library_sheet),
                        undo_first=False)


# ---- export -------------------------------------------------------------------------------------------

def export_library_kind(session: Session, kind: str, path: Path | str, progress: Progress | None = None,
                        cancelled: Cancelled | None = None) -> int:
    """Export every live script or material; returns the rows written."""
    if kind not in LIBRARY_COLUMNS:
        raise ValueError(f"not a library kind: {kind}")
    return write_sheets(path, [library_sheet(session, kind)], progress, cancelled)


def library_sheet(session: Session, kind: str) -> SheetSpec:
    """The sheet of one library kind (for exports and a full-workbook backup)."""
    columns = [OutColumn(c.header, LIBRARY_VALUE_KINDS.get(c.key, "text"), c.width) for c in LIBRARY_COLUMNS[kind]]
    rows = _script_rows(session) if kind == "scripts" else _material_rows(session)
    return SheetSpec(LIBRARY_LABELS[kind], columns, rows, total=len(rows))


def _script_rows(session: Session) -> list[list[object]]:
    return [[s.category, s.title, s.body, s.use_count, s.last_used_at]
            for s in session.scalars(select(Script).where(Script.deleted_at.is_(None))
                                     .order_by(Script.category, Script.id))]


def _material_rows(session: Session) -> list[list[object]]:
    return [[t(KIND_LABELS.get(m.kind, m.kind)), m.category, m.title, m.body, m.tags, m.path, m.use_count]
            for m in session.scalars(select(Material).where(Material.deleted_at.is_(None))
                                     .order_by(Material.kind, Material.category, Material.id))]
