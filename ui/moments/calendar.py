"""朋友圈日历: the month grid and the week's time grid of planned posts, painted as coloured chips (the
pillar's colour; ✓ 已发布, ✎ 草稿, struck through 已跳过, red when its time passed unpublished).

Drag a chip to another day (month) or another day and time (week, in 15-minute steps); double-click or
Enter opens it; a double-click on an empty day (or time) starts a new post there; ↑/↓ walk the posts.
Both boards share the hit-testing, selection and dragging of `PostBoard`; the week's board and view
are in ui.moments.week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from services.calendar_cn import day_info
from services.moments import PostRow
from ui.i18n import tr
from ui.moments import common
from ui.moments.common import WEEKDAY_NAMES

DRAG_DISTANCE = 6
SNAP_MINUTES = 15


@lru_cache(maxsize=512)
def day_mark(day: date) -> str:
    """The first festival / 节气 / holiday word of a day, for the cell's corner."""
    marks = day_info(day).marks()
    return marks[0] if marks else ""


@dataclass
class Chip:
    post: PostRow
    rect: QRect


class PostBoard(QWidget):
    """What both calendars share: chips, selection, dragging, opening.

    Signals:
        selected(object): the chosen post's id, or None.
        open_requested(int): double-click or Enter on a post.
        new_requested(object): double-click on an empty place — the datetime to plan a post at.
        move_requested(int, object): a post was dragged to a new datetime.
        menu_requested(object, object, QPoint): right-click — post id or None, the datetime there, where.
        day_requested(object): "+N 更多" in a month cell was clicked — show that day's week.
    """

    selected = Signal(object)
    open_requested = Signal(int)
    new_requested = Signal(object)
    move_requested = Signal(int, object)
    menu_requested = Signal(object, object, QPoint)
    day_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.posts: list[PostRow] = []
        self.chips: list[Chip] = []
        self.selected_id: int | None = None
        self.now = datetime.now()
        self._press: QPoint | None = None
        self._press_chip: Chip | None = None
        self._dragging = False
        self._drag_pos = QPoint()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    # ---- to override -------------------------------------------------------------------------------

    def layout_chips(self) -> None:
        raise NotImplementedError

    def when_at(self, pos: QPoint, post: PostRow | None = None) -> datetime | None:
        """The datetime a drop (or a double-click) at `pos` stands for; None outside the days."""
        raise NotImplementedError

    # ---- data --------------------------------------------------------------------------------------

    def set_posts(self, posts: list[PostRow]) -> None:
        self.posts = sorted(posts, key=lambda p: (p.planned_at, p.id))
        self.now = datetime.now()
        if self.selected_id is not None and all(p.id != self.selected_id for p in self.posts):
            self.selected_id = None
        self.layout_chips()
        self.update()

    def select(self, post_id: int | None) -> None:
        if post_id is not None and all(p.id != post_id for p in self.posts):
            post_id = None
        if post_id != self.selected_id:
            self.selected_id = post_id
            self.layout_chips()
            self.update()
            self.selected.emit(post_id)

    def chip_at(self, pos: QPoint) -> Chip | None:
        for chip in reversed(self.chips):
            if chip.rect.contains(pos):
                return chip
        return None

    def chip_of(self, post_id: int) -> Chip | None:
        return next((chip for chip in self.chips if chip.post.id == post_id), None)

    def move_post_to(self, post_id: int, when: datetime) -> None:
        """Where a finished drag ends: ask the page to move the post (the same path a drop takes)."""
        post = next((p for p in self.posts if p.id == post_id), None)
        if post is not None and when != post.planned_at:
            self.move_requested.emit(post_id, when)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.layout_chips()

    # ---- painting a chip ---------------------------------------------------------------------------

    def paint_chip(self, painter: QPainter, post: PostRow, rect: QRect, *, two_lines: bool,
                   ghost: bool = False) -> None:
        color = QColor(common.pillar_color(post))
        selected = post.id == self.selected_id and not ghost
        faded = post.status in ("published", "skipped")
        background = QColor(color)
        background.setAlpha(200 if ghost else 60 if faded else 95)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if post.status == "draft":
            painter.setPen(QPen(color, 1, Qt.PenStyle.DashLine))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 4, 4)
        if selected:
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(1, 1, -2, -2), 4, 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(QRect(rect.left(), rect.top(), 4, rect.height()), 2, 2)
        font = QFont(self.font())
        font.setPointSizeF(max(7.5, font.pointSizeF() - 1))
        font.setStrikeOut(post.status == "skipped")
        overdue = common.is_overdue(post, self.now) and post.status == "scheduled"
        font.setBold(overdue)
        painter.setFont(font)
        text_color = (QColor(common.OVERDUE_COLOR) if overdue else QColor(common.MUTED_COLOR) if faded
                      else self.palette().color(QPalette.ColorRole.Text))
        painter.setPen(text_color)
        mark = common.STATUS_MARKS.get(post.status, "")
        head = f"{post.planned_at:%H:%M} {mark}".rstrip()
        metrics = QFontMetrics(font)
        inner = rect.adjusted(8, 1, -3, -1)
        if two_lines:
            line = inner.height() // 2
            pillar = post.pillar_name or tr("未分类")
            painter.drawText(QRect(inner.left(), inner.top(), inner.width(), line), Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(f"{head}  {pillar}", Qt.TextElideMode.ElideRight, inner.width()))
            painter.drawText(QRect(inner.left(), inner.top() + line, inner.width(), line),
                             Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(common.post_title(post), Qt.TextElideMode.ElideRight, inner.width()))
        else:
            painter.drawText(inner, Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(f"{head} {common.post_title(post)}", Qt.TextElideMode.ElideRight,
                                                inner.width()))
        painter.restore()

    def paint_ghost(self, painter: QPainter) -> None:
        """The chip under the mouse while it is dragged, and where it would land."""
        if not self._dragging or self._press_chip is None:
            return
        post = self._press_chip.post
        when = self.when_at(self._drag_pos, post)
        rect = QRect(self._press_chip.rect)
        rect.moveCenter(self._drag_pos)
        self.paint_chip(painter, post, rect, two_lines=rect.height() > 2 * self.fontMetrics().height(), ghost=True)
        if when is not None:
            painter.save()
            painter.setPen(self.palette().color(QPalette.ColorRole.Text))
            label = f"→ {when:%m-%d %H:%M}"
            painter.drawText(rect.adjusted(0, rect.height() + 2, 60, rect.height() + 22),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, label)
            painter.restore()

    # ---- mouse and keys ----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        pos = event.position().toPoint()
        chip = self.chip_at(pos)
        if event.button() == Qt.MouseButton.LeftButton:
            if self.more_clicked(pos):
                return
            self.select(chip.post.id if chip else None)
            self._press, self._press_chip = pos, chip
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._press is not None and self._press_chip is not None:
            if not self._dragging and (pos - self._press).manhattanLength() >= DRAG_DISTANCE:
                self._dragging = True
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
            if self._dragging:
                self._drag_pos = pos
                self.update()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging and self._press_chip is not None:
            post = self._press_chip.post
            when = self.when_at(event.position().toPoint(), post)
            self._end_drag()
            if when is not None:
                self.move_post_to(post.id, when)
        else:
            self._end_drag()
        super().mouseReleaseEvent(event)

    def _end_drag(self) -> None:
        self._press, self._press_chip, self._dragging = None, None, False
        self.unsetCursor()
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        chip = self.chip_at(pos)
        if chip is not None:
            self.open_requested.emit(chip.post.id)
        else:
            when = self.when_at(pos)
            if when is not None:
                self.new_requested.emit(when)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        chip = self.chip_at(event.pos())
        if chip is not None:
            self.select(chip.post.id)
        self.menu_requested.emit(chip.post.id if chip else None, self.when_at(event.pos()), event.globalPos())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected_id is not None:
            self.open_requested.emit(self.selected_id)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.posts:
            ids = [p.id for p in self.posts]
            if self.selected_id in ids:
                index = ids.index(self.selected_id) + (1 if key == Qt.Key.Key_Down else -1)
            else:
                index = 0
            self.select(ids[max(0, min(index, len(ids) - 1))])
        elif key == Qt.Key.Key_Escape and self._dragging:
            self._end_drag()
        else:
            super().keyPressEvent(event)

    def more_clicked(self, pos: QPoint) -> bool:
        return False

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            chip = self.chip_at(event.pos())
            if chip is None:
                QToolTip.hideText()
            else:
                post = chip.post
                lines = [f"{post.planned_at:%Y-%m-%d %H:%M} · {common.status_text(post, self.now)}",
                         " · ".join(x for x in (post.account_name or tr("未指定微信号"), post.pillar_name or tr("未分类"),
                                               common.visibility_text(post.visibility, post.tag_names)) if x)]
                text = post.text.strip()
                lines += ["", text[:200] + ("…" if len(text) > 200 else "")] if text else []
                if post.images:
                    lines.append(tr("{n} 张图片", n=len(post.images)))
                QToolTip.showText(event.globalPos(), "\n".join(lines), self)
            return True
        return super().event(event)


class MonthBoard(PostBoard):
    """The weeks of the month, from the Monday before the 1st; days of other months are dimmed."""

    HEADER = 26

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.month = date.today().replace(day=1)
        self.more_rects: list[tuple[QRect, date]] = []
        self.setMinimumSize(560, 420)

    def set_month(self, day: date, posts: list[PostRow]) -> None:
        self.month = day.replace(day=1)
        self.set_posts(posts)

    def days(self) -> list[date]:
        first = common.month_grid_start(self.month)
        return [first + timedelta(days=n) for n in range(7 * common.month_weeks(self.month))]

    def cell_rect(self, index: int) -> QRect:
        width = self.width() / 7
        height = (self.height() - self.HEADER) / common.month_weeks(self.month)
        row, column = divmod(index, 7)
        left, top = int(column * width), int(self.HEADER + row * height)
        return QRect(left, top, int((column + 1) * width) - left, int(self.HEADER + (row + 1) * height) - top)

    def cell_at(self, pos: QPoint) -> date | None:
        for index, day in enumerate(self.days()):
            if self.cell_rect(index).contains(pos):
                return day
        return None

    def chip_height(self) -> int:
        return self.fontMetrics().height() + 4

    def layout_chips(self) -> None:
        self.chips, self.more_rects = [], []
        by_day: dict[date, list[PostRow]] = {}
        for post in self.posts:
            by_day.setdefault(post.planned_at.date(), []).append(post)
        height = self.chip_height()
        line = self.fontMetrics().height() + 4
        for index, day in enumerate(self.days()):
            posts = by_day.get(day, [])
            if not posts:
                continue
            cell = self.cell_rect(index).adjusted(3, line + 2, -3, -2)
            fits = max(0, cell.height() // (height + 2))
            shown = posts if len(posts) <= fits else posts[:max(fits - 1, 0)]
            hidden_choice = next((p for p in posts[len(shown):] if p.id == self.selected_id), None)
            if hidden_choice is not None and shown:  # the chosen post is always in view
                shown = [*shown[:-1], hidden_choice]
            for number, post in enumerate(shown):
                self.chips.append(Chip(post, QRect(cell.left(), cell.top() + number * (height + 2), cell.width(),
                                                   height)))
            if len(shown) < len(posts):
                top = cell.top() + len(shown) * (height + 2)
                self.more_rects.append((QRect(cell.left(), top, cell.width(), height), day))

    def when_at(self, pos: QPoint, post: PostRow | None = None) -> datetime | None:
        day = self.cell_at(pos)
        if day is None:
            return None
        return datetime.combine(day, post.planned_at.time() if post else time(10, 0))

    def more_clicked(self, pos: QPoint) -> bool:
        for rect, day in self.more_rects:
            if rect.contains(pos):
                self.day_requested.emit(day)
                return True
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        grid = QColor(text)
        grid.setAlpha(40)
        today = date.today()
        painter.setPen(text)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        width = self.width() / 7
        for column, name in enumerate(WEEKDAY_NAMES):
            painter.drawText(QRect(int(column * width), 0, int(width), self.HEADER), Qt.AlignmentFlag.AlignCenter,
                             tr(name))
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1.5))
        line = self.fontMetrics().height() + 4
        for index, day in enumerate(self.days()):
            rect = self.cell_rect(index)
            if day.month != self.month.month:
                shade = QColor(text)
                shade.setAlpha(12)
                painter.fillRect(rect, shade)
            if day == today:
                highlight = QColor("#f57c00")
                highlight.setAlpha(30)
                painter.fillRect(rect, highlight)
            painter.setPen(grid)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            number = QColor("#f57c00") if day == today else QColor(text)
            if day.month != self.month.month:
                number.setAlpha(110)
            painter.setPen(number)
            painter.setFont(bold if day == today else self.font())
            painter.drawText(rect.adjusted(6, 2, -4, 0).topLeft() + QPoint(0, line - 6), str(day.day))
            mark = day_mark(day)
            if mark:
                painter.setFont(small)
                painter.setPen(QColor("#c62828"))
                painter.drawText(QRect(rect.left() + 30, rect.top() + 2, rect.width() - 34, line),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                                 QFontMetrics(small).elidedText(mark, Qt.TextElideMode.ElideRight, rect.width() - 34))
        for chip in self.chips:
            self.paint_chip(painter, chip.post, chip.rect, two_lines=False)
        painter.setFont(small)
        painter.setPen(QColor(common.MUTED_COLOR))
        for rect, day in self.more_rects:
            hidden = sum(1 for p in self.posts if p.planned_at.date() == day) - \
                sum(1 for c in self.chips if c.post.planned_at.date() == day)
            painter.drawText(rect.adjusted(6, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, tr("还有 {n} 条…", n=hidden))
        if self._dragging:
            target = self.cell_at(self._drag_pos)
            if target is not None:
                painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(self.cell_rect(self.days().index(target)).adjusted(1, 1, -2, -2))
        self.paint_ghost(painter)
        painter.end()
