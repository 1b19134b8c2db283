"""朋友圈日历, the week: a time grid of the week's posts (drag in 15-minute steps), its day header and
the scroll view around them. The hit-testing, selection and dragging are calendar.PostBoard's."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from services.moments import PostRow
from ui.i18n import tr
from ui.moments import common
from ui.moments.calendar import SNAP_MINUTES, Chip, PostBoard, day_mark
from ui.moments.common import WEEKDAY_NAMES


class WeekBoard(PostBoard):
    """Seven day columns over 24 hours (inside a scroll area); a post sits at its time."""

    GUTTER = 48
    HOUR = 46

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monday = common.week_start(date.today())
        self.setMinimumSize(560, 24 * self.HOUR)

    def sizeHint(self) -> QSize:
        return QSize(900, 24 * self.HOUR)

    def set_week(self, day: date, posts: list[PostRow]) -> None:
        self.monday = common.week_start(day)
        self.set_posts(posts)

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(7)]

    def column_width(self) -> float:
        return (self.width() - self.GUTTER) / 7

    def column_rect(self, index: int) -> QRect:
        width = self.column_width()
        left = int(self.GUTTER + index * width)
        return QRect(left, 0, int(self.GUTTER + (index + 1) * width) - left, 24 * self.HOUR)

    def y_of(self, moment: time) -> int:
        return int((moment.hour + moment.minute / 60) * self.HOUR)

    def chip_height(self) -> int:
        return max(2 * self.fontMetrics().height() + 8, self.HOUR - 4)

    def layout_chips(self) -> None:
        self.chips = []
        height = self.chip_height()
        for index, day in enumerate(self.days()):
            column = self.column_rect(index).adjusted(2, 0, -3, 0)
            posts = [p for p in self.posts if p.planned_at.date() == day]
            # Side by side only where they overlap: a cluster is a run of posts each starting before the
            # ones above it end; inside it, each post takes the first lane free at its top.
            cluster: list[tuple[PostRow, int, int]] = []
            lanes: list[int] = []
            for post in [*posts, None]:
                top = min(self.y_of(post.planned_at.time()), 24 * self.HOUR - height) if post else 1 << 30
                if cluster and top >= max(lanes):
                    lane_width = column.width() // len(lanes)
                    for placed, placed_top, lane in cluster:
                        self.chips.append(Chip(placed, QRect(column.left() + lane * lane_width, placed_top + 1,
                                                             lane_width - 2, height - 2)))
                    cluster, lanes = [], []
                if post is None:
                    break
                lane = next((n for n, bottom in enumerate(lanes) if bottom <= top), len(lanes))
                if lane == len(lanes):
                    lanes.append(0)
                lanes[lane] = top + height
                cluster.append((post, top, lane))

    def when_at(self, pos: QPoint, post: PostRow | None = None) -> datetime | None:
        if pos.x() < self.GUTTER or pos.y() < 0 or pos.y() >= 24 * self.HOUR:
            return None
        index = min(int((pos.x() - self.GUTTER) / self.column_width()), 6)
        y = pos.y()
        if post is not None and self._press_chip is not None and self._press is not None:
            y -= self._press.y() - self._press_chip.rect.top()  # the chip's top follows the grab point
        minutes = max(0, min(int(y / self.HOUR * 60), 24 * 60 - SNAP_MINUTES))
        minutes -= minutes % SNAP_MINUTES
        return datetime.combine(self.days()[index], time(minutes // 60, minutes % 60))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        grid = QColor(text)
        grid.setAlpha(35)
        half = QColor(text)
        half.setAlpha(15)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1.5))
        today = date.today()
        for index, day in enumerate(self.days()):
            rect = self.column_rect(index)
            if day == today:
                highlight = QColor("#f57c00")
                highlight.setAlpha(22)
                painter.fillRect(rect, highlight)
            elif day.weekday() >= 5:
                shade = QColor(text)
                shade.setAlpha(8)
                painter.fillRect(rect, shade)
            painter.setPen(grid)
            painter.drawLine(rect.left(), 0, rect.left(), rect.bottom())
        painter.setFont(small)
        for hour in range(24):
            y = hour * self.HOUR
            painter.setPen(grid)
            painter.drawLine(self.GUTTER, y, self.width(), y)
            painter.setPen(half)
            painter.drawLine(self.GUTTER, y + self.HOUR // 2, self.width(), y + self.HOUR // 2)
            painter.setPen(QColor(common.MUTED_COLOR))
            painter.drawText(QRect(0, y, self.GUTTER - 6, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                             f"{hour:02d}:00")
        if self.monday <= today <= self.monday + timedelta(days=6):
            now = datetime.now()
            y = self.y_of(now.time())
            rect = self.column_rect(today.weekday())
            painter.setPen(QPen(QColor("#e53935"), 2))
            painter.drawLine(rect.left(), y, rect.right(), y)
        two_lines = self.chip_height() >= 2 * self.fontMetrics().height()
        for chip in self.chips:
            self.paint_chip(painter, chip.post, chip.rect, two_lines=two_lines)
        if self._dragging and self._press_chip is not None:
            when = self.when_at(self._drag_pos, self._press_chip.post)
            if when is not None:
                rect = self.column_rect((when.date() - self.monday).days)
                y = self.y_of(when.time())
                painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(QRect(rect.left() + 2, y, rect.width() - 4, self.chip_height()))
        self.paint_ghost(painter)
        painter.end()


class WeekHeader(QWidget):
    """The week's day names above the scrolled time grid (kept aligned with its columns)."""

    def __init__(self, board: WeekBoard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.board = board
        self.setFixedHeight(2 * self.fontMetrics().height() + 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.Text)
        width = self.board.column_width()  # the columns of the board under it, scroll bar or not
        today = date.today()
        bold = QFont(self.font())
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1.5))
        line = self.fontMetrics().height() + 2
        for index, day in enumerate(self.board.days()):
            left = int(WeekBoard.GUTTER + index * width)
            rect = QRect(left, 2, int(width), line)
            count = sum(1 for p in self.board.posts if p.planned_at.date() == day)
            painter.setFont(bold)
            painter.setPen(QColor("#f57c00") if day == today else text)
            label = f"{tr(WEEKDAY_NAMES[day.weekday()])} {day.month}/{day.day}" + (f"（{count}）" if count else "")
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
            mark = day_mark(day)
            if mark:
                painter.setFont(small)
                painter.setPen(QColor("#c62828"))
                painter.drawText(QRect(left, 2 + line, int(width), line), Qt.AlignmentFlag.AlignCenter,
                                 QFontMetrics(small).elidedText(mark, Qt.TextElideMode.ElideRight, int(width)))
        painter.end()


class WeekView(QFrame):
    """The week board in a scroll area, under its header; opens scrolled to the morning."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.board = WeekBoard()
        self.header = WeekHeader(self.board)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.board)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.scroll_area, 1)
        self._scrolled = False

    def set_week(self, day: date, posts: list[PostRow]) -> None:
        self.board.set_week(day, posts)
        self.header.update()
        if not self._scrolled:
            self.scroll_to_hour(7)

    def scroll_to_hour(self, hour: int) -> None:
        self.scroll_area.verticalScrollBar().setValue(hour * WeekBoard.HOUR)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._scrolled:
            self._scrolled = True
            first = min((p.planned_at.hour for p in self.board.posts), default=7)
            self.scroll_to_hour(min(first, 7))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.header.update()
