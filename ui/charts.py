"""Small charts painted with QPainter: bars (vertical or horizontal) and lines over dates.

Our own rather than Qt Charts, which is GPL-3.0 only: with these the installers carry nothing but
LGPL Qt. They draw what the pages need and no more — no animation, no zoom — and keep what they
show in plain attributes (`categories`, `series`) so that tests can check what a seller sees.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QToolTip, QWidget

Format = Callable[[float], str]
MARGIN = 6
LIGHT = {"text": "#333333", "grid": "#e6e6e6", "axis": "#bdbdbd"}
DARK = {"text": "#e0e0e0", "grid": "#444444", "axis": "#757575"}


def whole(value: float) -> str:
    """1,280 — the default label of a count."""
    return f"{value:,.0f}"


def nice_step(span: float, parts: int) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ that cuts `span` into at most `parts` steps."""
    raw = max(span, 1e-9) / max(1, parts)
    power = 10 ** math.floor(math.log10(raw))
    return next(power * m for m in (1, 2, 2.5, 5, 10) if power * m >= raw - 1e-12)


def nice_ticks(top: float, parts: int = 4, minimum: float = 1.0) -> list[float]:
    """Round ticks from 0 to at least `top` (0, 50, 100 …); integer steps so counts read as counts."""
    step = max(nice_step(max(top, minimum), parts), 1.0 if minimum >= 1 else 0.0) or 1.0
    count = max(1, math.ceil(max(top, minimum) / step - 1e-9))
    return [i * step for i in range(count + 1)]


@dataclass(frozen=True)
class Series:
    """One named set of values and its colour; `right` puts a line on the right-hand axis."""

    name: str
    values: tuple[float | None, ...]
    color: str
    right: bool = False


class _Chart(QWidget):
    """What bars and lines share: the title, the theme colours, the legend, fonts."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.categories: list[str] = []
        self._series: list[Series] = []
        self.dark: bool | None = None  # None: follow the palette, which the applied theme's stylesheet sets
        self.placeholder = ""  # shown when there is nothing to draw
        self.shrink = 1.0  # axis and legend text: this many points below the widget's font
        self.setMouseTracking(True)

    @property
    def series(self) -> list[tuple[str, list[float | None]]]:
        """What is drawn: (name, one value per category) per set, as a test or a reader would read it."""
        return [(s.name, list(s.values)) for s in self._series]

    def set_title(self, title: str) -> None:
        self.title = title
        self.update()

    def set_dark(self, dark: bool | None) -> None:
        self.dark = dark
        self.update()

    def colors(self) -> dict[str, QColor]:
        dark = self.dark
        if dark is None:
            dark = self.palette().color(QPalette.ColorRole.WindowText).lightness() > 128
        return {key: QColor(value) for key, value in (DARK if dark else LIGHT).items()}

    def small_font(self) -> QFont:
        font = QFont(self.font())
        if font.pixelSize() > 0:  # qt-material's stylesheet sizes fonts in pixels
            font.setPixelSize(max(9, round(font.pixelSize() - self.shrink * 4 / 3)))
        else:
            font.setPointSizeF(max(7.0, font.pointSizeF() - self.shrink))
        return font

    def sizeHint(self) -> QSize:
        return QSize(360, 240)

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 120)

    def _title_font(self) -> QFont:
        bold = QFont(self.font())
        bold.setBold(True)
        return bold

    def _inner(self) -> QRectF:
        """What the title (on top) and the legend (at the bottom, when there are several sets) leave for
        the plot and its axes; the same whether painting or finding what the mouse is over."""
        area = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        if self.title:
            area.setTop(area.top() + QFontMetrics(self._title_font()).height() + 6)
        if len(self._series) > 1:
            area.setBottom(area.bottom() - QFontMetrics(self.small_font()).height() - 4)
        return area

    def _frame(self, painter: QPainter, colors: dict[str, QColor]) -> QRectF:
        """Paint the title and the legend; return `_inner()`."""
        area = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        painter.setPen(colors["text"])
        if self.title:
            painter.setFont(self._title_font())
            height = QFontMetrics(painter.font()).height()
            painter.drawText(QRectF(area.left(), area.top(), area.width(), height), Qt.AlignmentFlag.AlignCenter,
                             self.title)
        if len(self._series) > 1:
            painter.setFont(self.small_font())
            metrics = QFontMetrics(painter.font())
            height = metrics.height()
            widths = [14 + metrics.horizontalAdvance(s.name) for s in self._series]
            x = area.center().x() - (sum(widths) + 14 * (len(widths) - 1)) / 2
            y = area.bottom() - height
            for series, width in zip(self._series, widths, strict=True):
                painter.fillRect(QRectF(x, y + height / 2 - 4, 10, 8), QColor(series.color))
                painter.setPen(colors["text"])
                painter.drawText(QRectF(x + 14, y, width, height), Qt.AlignmentFlag.AlignVCenter, series.name)
                x += width + 14
        return self._inner()

    def _empty(self, painter: QPainter, area: QRectF, colors: dict[str, QColor]) -> bool:
        if self.categories and self._series:
            return False
        painter.setPen(colors["axis"])
        painter.setFont(self.small_font())
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.placeholder)
        return True


class BarChart(_Chart):
    """Bars per category, one bar per value set, side by side; the first category on top (horizontal)
    or on the left (vertical).

    Signals:
        bar_clicked(int): the index of the category whose bar (or row) was clicked.
    """

    bar_clicked = Signal(int)

    def __init__(self, title: str = "", horizontal: bool = False, value_labels: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.horizontal = horizontal
        self.value_labels = value_labels
        self.fmt: Format = whole
        self.bar_width = 0.7  # of a category's band
        self.clickable = False

    def set_data(self, categories: Sequence[str], series: Sequence[Series], fmt: Format = whole) -> None:
        self.categories = list(categories)
        self._series = list(series)
        self.fmt = fmt
        self.update()

    def set_bars(self, categories: Sequence[str], values: Sequence[float], name: str, color: str,
                 fmt: Format = whole) -> None:
        """One value set: the usual case."""
        self.set_data(categories, [Series(name, tuple(float(v) for v in values), color)], fmt)

    def set_clickable(self, clickable: bool) -> None:
        self.clickable = clickable
        self.setCursor(Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor)

    # ---- geometry --------------------------------------------------------------------------------

    def _top(self) -> float:
        return max((v or 0.0 for s in self._series for v in s.values), default=0.0)

    def _layout(self, area: QRectF) -> tuple[QRectF, list[float]]:
        """The plot rectangle inside `area` (room for the axis labels) and the value ticks."""
        metrics = QFontMetrics(self.small_font())
        top = self._top()
        if self.value_labels:
            top *= 1.08  # a little room for the labels beyond the longest bar
        ticks = nice_ticks(top, 4 if self.horizontal else 3)
        tick_width = max(metrics.horizontalAdvance(self.fmt(t)) for t in ticks)
        if self.horizontal:
            label_width = min(area.width() * 0.4, max(metrics.horizontalAdvance(c) for c in self.categories) + 6)
            plot = area.adjusted(label_width, 0, -tick_width / 2, -metrics.height() - 4)
            if self.value_labels:
                plot.setRight(plot.right() - max(0.0, metrics.horizontalAdvance(self.fmt(self._top())) + 6
                                                 - (ticks[-1] - self._top()) / ticks[-1] * plot.width()))
        else:
            plot = area.adjusted(tick_width + 6, metrics.height() if self.value_labels else 4, -2,
                                 -metrics.height() - 4)
        return plot, ticks

    def _band(self, plot: QRectF, index: int) -> QRectF:
        n = len(self.categories)
        if self.horizontal:
            step = plot.height() / n
            return QRectF(plot.left(), plot.top() + index * step, plot.width(), step)
        step = plot.width() / n
        return QRectF(plot.left() + index * step, plot.top(), step, plot.height())

    def _bar(self, plot: QRectF, top: float, index: int, set_index: int, value: float) -> QRectF:
        band = self._band(plot, index)
        count = len(self._series)
        share = value / top if top else 0.0
        if self.horizontal:
            thick = band.height() * self.bar_width / count
            y = band.top() + band.height() * (1 - self.bar_width) / 2 + set_index * thick
            return QRectF(plot.left(), y, plot.width() * share, thick)
        thick = band.width() * self.bar_width / count
        x = band.left() + band.width() * (1 - self.bar_width) / 2 + set_index * thick
        height = plot.height() * share
        return QRectF(x, plot.bottom() - height, thick, height)

    def _geometry(self) -> tuple[QRectF, list[float]] | None:
        """The plot rectangle and the ticks, as the last (or next) paint lays them out."""
        if not (self.categories and self._series):
            return None
        return self._layout(self._inner())

    def category_at(self, pos: QPointF) -> int | None:
        """The category whose band holds `pos` (a click need not hit the bar itself)."""
        geometry = self._geometry()
        if geometry is None:
            return None
        plot, _ticks = geometry
        hit = plot.adjusted(-plot.left() + MARGIN, 0, 0, 0) if self.horizontal else plot
        if not hit.contains(pos):
            return None
        offset = pos.y() - plot.top() if self.horizontal else pos.x() - plot.left()
        size = plot.height() if self.horizontal else plot.width()
        return min(len(self.categories) - 1, int(offset / size * len(self.categories)))

    # ---- painting --------------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colors = self.colors()
        area = self._frame(painter, colors)
        if self._empty(painter, area, colors):
            return
        plot, ticks = self._layout(area)
        top = ticks[-1]
        painter.setFont(self.small_font())
        metrics = QFontMetrics(painter.font())
        self._axes(painter, plot, ticks, colors, metrics)
        for set_index, series in enumerate(self._series):
            color = QColor(series.color)
            for index, value in enumerate(series.values):
                if value is None:
                    continue
                bar = self._bar(plot, top, index, set_index, value)
                painter.fillRect(bar, color)
                if self.value_labels:
                    painter.setPen(colors["text"])
                    text = self.fmt(value)
                    if self.horizontal:
                        painter.drawText(QRectF(bar.right() + 4, bar.top() - 20, 200, bar.height() + 40),
                                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
                    else:
                        painter.drawText(QRectF(bar.center().x() - 100, bar.top() - metrics.height() - 1, 200,
                                                metrics.height()), Qt.AlignmentFlag.AlignCenter, text)

    def _axes(self, painter: QPainter, plot: QRectF, ticks: list[float], colors: dict[str, QColor],
              metrics: QFontMetrics) -> None:
        top = ticks[-1]
        for tick in ticks:
            share = tick / top
            painter.setPen(QPen(colors["grid"], 1))
            if self.horizontal:
                x = plot.left() + share * plot.width()
                painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
                painter.setPen(colors["text"])
                painter.drawText(QRectF(x - 60, plot.bottom() + 3, 120, metrics.height()),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self.fmt(tick))
            else:
                y = plot.bottom() - share * plot.height()
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
                painter.setPen(colors["text"])
                painter.drawText(QRectF(0, y - metrics.height() / 2, plot.left() - 5, metrics.height()),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.fmt(tick))
        painter.setPen(QPen(colors["axis"], 1))
        if self.horizontal:
            painter.drawLine(plot.topLeft(), plot.bottomLeft())
        else:
            painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.setPen(colors["text"])
        n = len(self.categories)
        if self.horizontal:
            for index, name in enumerate(self.categories):
                band = self._band(plot, index)
                text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(plot.left() - MARGIN - 6))
                painter.drawText(QRectF(MARGIN, band.top(), plot.left() - MARGIN - 6, band.height()),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
            return
        widest = max(metrics.horizontalAdvance(c) for c in self.categories) + 6
        every = max(1, math.ceil(widest / (plot.width() / n)))  # skip labels rather than overlap them
        for index in range(0, n, every):
            band = self._band(plot, index)
            painter.drawText(QRectF(band.center().x() - widest / 2, plot.bottom() + 3, widest, metrics.height()),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self.categories[index])

    # ---- mouse -----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.category_at(event.position())
        if self.clickable and index is not None and event.button() == Qt.MouseButton.LeftButton:
            self.bar_clicked.emit(index)
            return
        super().mousePressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.category_at(QPointF(event.pos()))
            if index is None:
                QToolTip.hideText()
                event.ignore()
                return True
            parts = [f"{s.name}：{self.fmt(s.values[index])}" if s.name else self.fmt(s.values[index])
                     for s in self._series if s.values[index] is not None]
            QToolTip.showText(event.globalPos(), f"{self.categories[index]}\n" + "\n".join(parts), self)
            return True
        return super().event(event)


class LineChart(_Chart):
    """Lines over consecutive days (or categories), each on the left axis or the right one."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.days: list[date] = []
        self.left_fmt: Format = whole
        self.right_fmt: Format = whole
        self._plot = QRectF()

    def set_days(self, first: date, last: date, series: Sequence[Series], left_fmt: Format = whole,
                 right_fmt: Format = whole) -> None:
        """Values are one per day from `first` to `last` (None where that day has none)."""
        self.days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        self.set_categories([f"{d:%m-%d}" for d in self.days], series, left_fmt, right_fmt)

    def set_categories(self, categories: Sequence[str], series: Sequence[Series], left_fmt: Format = whole,
                       right_fmt: Format = whole) -> None:
        self.categories = list(categories)
        self._series = list(series)
        self.left_fmt, self.right_fmt = left_fmt, right_fmt
        self.update()

    def _ticks(self, right: bool, parts: int | None = None) -> list[float]:
        top = max((v or 0.0 for s in self._series if s.right == right for v in s.values), default=0.0) * 1.05
        if parts is None:
            return nice_ticks(top, 4)
        step = nice_step(max(top, 1.0), parts)  # as many ticks as the left axis: one grid serves both
        return [i * max(step, 1.0) for i in range(parts + 1)]

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colors = self.colors()
        area = self._frame(painter, colors)
        if self._empty(painter, area, colors):
            return
        painter.setFont(self.small_font())
        metrics = QFontMetrics(painter.font())
        left = self._ticks(False)
        has_right = any(s.right for s in self._series)
        right = self._ticks(True, len(left) - 1) if has_right else []
        left_width = max(metrics.horizontalAdvance(self.left_fmt(t)) for t in left) + 6
        right_width = max((metrics.horizontalAdvance(self.right_fmt(t)) for t in right), default=0) + 6
        plot = area.adjusted(left_width, metrics.height() / 2, -right_width, -metrics.height() - 4)
        self._plot = plot
        for i, tick in enumerate(left):
            y = plot.bottom() - i / (len(left) - 1) * plot.height() if len(left) > 1 else plot.bottom()
            painter.setPen(QPen(colors["grid"], 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(colors["text"])
            box = QRectF(0, y - metrics.height() / 2, plot.left() - 5, metrics.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.left_fmt(tick))
            if right:
                box = QRectF(plot.right() + 5, y - metrics.height() / 2, right_width, metrics.height())
                painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 self.right_fmt(right[i]))
        n = len(self.categories)

        def x_of(index: int) -> float:
            return plot.left() + (index + 0.5) * plot.width() / n

        widest = max(metrics.horizontalAdvance(c) for c in self.categories) + 8
        every = max(1, math.ceil(widest / (plot.width() / n)))
        painter.setPen(colors["text"])
        for index in range(0, n, every):
            painter.drawText(QRectF(x_of(index) - widest / 2, plot.bottom() + 3, widest, metrics.height()),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self.categories[index])
        for series in self._series:
            ticks = right if series.right else left
            top = ticks[-1] or 1.0
            points = [QPointF(x_of(i), plot.bottom() - v / top * plot.height())
                      for i, v in enumerate(series.values) if v is not None]
            color = QColor(series.color)
            painter.setPen(QPen(color, 2))
            if len(points) > 1:
                painter.drawPolyline(points)
            if n <= 62:
                painter.setBrush(color)
                for point in points:
                    painter.drawEllipse(point, 2.5, 2.5)
                painter.setBrush(Qt.BrushStyle.NoBrush)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent) and self.categories:
            share = (event.pos().x() - self._plot.left()) / max(1.0, self._plot.width())
            index = min(len(self.categories) - 1, max(0, int(share * len(self.categories))))
            parts = [f"{s.name}：{(self.right_fmt if s.right else self.left_fmt)(v)}"
                     for s in self._series if (v := s.values[index]) is not None]
            QToolTip.showText(event.globalPos(), "\n".join([self.categories[index], *parts]), self)
            return True
        return super().event(event)
