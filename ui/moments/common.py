"""Small pieces the 朋友圈 page's parts share: running a dialog, status colours, combos, thumbnails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDateTime, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImageReader, QPixmap
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QDialog, QDialogButtonBox, QWidget
from sqlalchemy.orm import Session

from services import moments as m
from services.tags import all_tags
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr

STATUS_COLORS = {"draft": "#9e9e9e", "scheduled": "#1976d2", "published": "#2e7d32", "skipped": "#9e9e9e"}
STATUS_LABELS = {"draft": "草稿", "scheduled": "已排期", "published": "已发布", "skipped": "已跳过"}
STATUS_MARKS = {"draft": "✎", "scheduled": "", "published": "✓", "skipped": "⊘"}
VISIBILITY_LABELS = {"public": "公开", "only_tags": "部分可见", "except_tags": "不给谁看", "private": "私密"}
INTERACTION_LABELS = {"like": "点赞", "comment": "评论", "inquiry": "私聊咨询", "order": "下单"}
OVERDUE_COLOR, MUTED_COLOR = "#d32f2f", "#888888"
NO_PILLAR_COLOR = "#607d8b"
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
POST_MIME = "application/x-keben-moment-post"


def run_dialog(dialog: QDialog) -> bool:
    """Show a dialog modally; True when accepted. (Tests replace this to fill dialogs in.)"""
    return dialog.exec() == QDialog.DialogCode.Accepted


def run_change(parent: QWidget, ctx: AppContext, change: Callable[[Session], object]) -> object | None:
    """One session for one change; a refused change becomes a message box. Returns the change's
    result, or None when it failed (the error is already shown)."""
    try:
        with ctx.session() as session:
            result = change(session)
            return result if result is not None else True
    except Exception as exc:
        show_error(parent, exc)
        return None


def is_overdue(post: m.PostRow, now: datetime | None = None) -> bool:
    """Planned (or a draft) and its time has passed without being published."""
    return post.status in ("scheduled", "draft") and post.planned_at < (now or datetime.now())


def status_text(post: m.PostRow, now: datetime | None = None) -> str:
    if is_overdue(post, now) and post.status == "scheduled":
        return tr("待发布（已过时间）")
    return tr(STATUS_LABELS.get(post.status, post.status))


def status_color(post: m.PostRow, now: datetime | None = None) -> str:
    if is_overdue(post, now) and post.status == "scheduled":
        return OVERDUE_COLOR
    return STATUS_COLORS.get(post.status, MUTED_COLOR)


def pillar_color(post: m.PostRow) -> str:
    return post.pillar_color or NO_PILLAR_COLOR


def first_line(text: str, limit: int = 40) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line[:limit] + ("…" if len(line) > limit else "")


def post_title(post: m.PostRow) -> str:
    return first_line(post.text) or tr("（没有文字）")


def money(cents: int) -> str:
    return f"￥{cents / 100:,.2f}".replace(".00", "")


def visibility_text(visibility: str, tag_names: list[str] | tuple[str, ...]) -> str:
    label = tr(VISIBILITY_LABELS.get(visibility, visibility))
    if visibility in ("only_tags", "except_tags"):
        return f"{label}：{'、'.join(tag_names) if tag_names else tr('（还没选标签）')}"
    return label


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_grid_start(day: date) -> date:
    """The Monday on or before the 1st of `day`'s month: the first cell of the month grid."""
    return week_start(day.replace(day=1))


def month_weeks(day: date) -> int:
    """How many week rows the month of `day` spans (4 to 6)."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return -(-((following - month_grid_start(day)).days) // 7)


def datetime_edit(when: datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime(when))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    return edit


def edit_value(edit: QDateTimeEdit) -> datetime:
    value = edit.dateTime().toPython()
    assert isinstance(value, datetime)
    return value.replace(second=0, microsecond=0)


def dialog_buttons(dialog: QDialog, ok: str, *, ok_slot: Callable[[], None] | None = None) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
    buttons.accepted.connect(ok_slot or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def fill_pillar_combo(ctx: AppContext, combo: QComboBox, *, everyone: str | None) -> None:
    """The pillars (data = id), with a first "all" / "none" entry (data None); keeps the choice."""
    from ui.customers.tag_picker import color_dot

    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    if everyone is not None:
        combo.addItem(everyone, None)
    with ctx.session() as session:
        for pillar in m.list_pillars(session):
            label = pillar.name + (tr("（硬广）") if pillar.hard_sell else "")
            combo.addItem(color_dot(pillar.color), label, pillar.id)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    combo.blockSignals(False)


def fill_tag_combo(ctx: AppContext, combo: QComboBox, everyone: str) -> None:
    from ui.customers.tag_picker import color_dot

    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everyone, None)
    with ctx.session() as session:
        for tag in all_tags(session):
            combo.addItem(color_dot(tag.color), f"{tag.group_name} / {tag.name}", tag.id)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    combo.blockSignals(False)


_thumbs: dict[tuple[str, int], QPixmap] = {}


def thumbnail(path: Path, size: int) -> QPixmap:
    """A square-ish thumbnail read at reduced size (a 12-megapixel photo is never fully decoded);
    cached by path and size. A missing or unreadable file gives a grey tile."""
    key = (str(path), size)
    if key in _thumbs:
        return _thumbs[key]
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid() and original.width() > 0 and original.height() > 0:
        reader.setScaledSize(original.scaled(QSize(size, size), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        pixmap = QPixmap(size, size)
        pixmap.fill(QColor("#bdbdbd"))
    else:
        pixmap = QPixmap.fromImage(image)
    if len(_thumbs) > 400:
        _thumbs.clear()
    _thumbs[key] = pixmap
    return pixmap


def thumbnail_icon(path: Path, size: int) -> QIcon:
    return QIcon(thumbnail(path, size))
