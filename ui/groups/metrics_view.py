"""群数据分析: every group's metrics of a period (seed 001's formulas, "—" where a denominator is 0), the
metrics of each group's life stage highlighted, and for the chosen group charts of its days: 群人数 and
互动率, 进群 / 退群 and 成交额, and its members' loyalty types. Loaded off the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from services import group_metrics as gm
from services.group_metrics import (
    METRIC_KEYS,
    METRIC_LABELS,
    MIX_KEYS,
    STAGE_HINTS,
    STAGE_METRICS,
    DayStat,
    GroupReport,
)
from ui.background import run_in_background
from ui.context import AppContext
from ui.groups import common
from ui.groups.common import STAGE_COLORS, date_edit, qdate
from ui.i18n import tr

PERIODS = (("近 7 天", 7), ("近 30 天", 30), ("近 90 天", 90), ("自定义", 0))


@dataclass(frozen=True)
class Loaded:
    first: date
    last: date
    reports: list[GroupReport]


@dataclass(frozen=True)
class GroupDays:
    group_id: int
    stats: list[DayStat]
    mix: dict[str, int]


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setBackgroundVisible(False)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    font = QFont(QApplication.font())
    font.setBold(True)
    chart.setTitleFont(font)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _ms(day: date) -> float:
    return float(QDateTime(datetime.combine(day, time(12))).toMSecsSinceEpoch())


class ChartBox(QChartView):
    """A chart that clears and redraws itself; text colours follow the theme."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(_chart(title), parent)
        self.title = title
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.text_color = QColor("#333333")

    def reset(self, dark: bool) -> QChart:
        """A fresh chart (reusing one leaves the removed axes' labels painted behind the new ones)."""
        chart = _chart(self.title)
        self.setChart(chart)
        self.text_color = QColor("#e0e0e0" if dark else "#333333")
        chart.setTitleBrush(self.text_color)
        chart.legend().setLabelColor(self.text_color)
        return chart

    def axis(self, axis: QValueAxis | QDateTimeAxis | QBarCategoryAxis, dark: bool) -> None:
        small = QFont(QApplication.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1.5))
        axis.setLabelsFont(small)
        axis.setLabelsColor(self.text_color)
        axis.setGridLineColor(QColor("#444444" if dark else "#ececec"))


class MetricsView(QWidget):
    """Signals:
        loaded(): the table and charts show the chosen period.
    """

    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reports: list[GroupReport] = []
        self.first, self.last = date.today() - timedelta(days=29), date.today()
        self._generation = 0
        self.period = QComboBox()
        for label, days in PERIODS:
            self.period.addItem(tr(label), days)
        self.period.setCurrentIndex(1)
        self.from_edit, self.to_edit = date_edit(self.first), date_edit(self.last)
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        self.from_edit.dateChanged.connect(lambda _d: self.reload())
        self.to_edit.dateChanged.connect(lambda _d: self.reload())
        self.note = QLabel(tr("“—”表示分母为 0，算不出来（如没录曝光数、没有成本）。加粗的是这个群所处阶段最该看的指标。"))
        self.note.setStyleSheet("color: #888;")
        self.note.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setObjectName("metricsTable")
        common.prepare_table(self.table, [tr("群"), tr("阶段"), *(tr(METRIC_LABELS[k]) for k in METRIC_KEYS), tr("天数")])
        for column, key in enumerate(METRIC_KEYS, 2):
            header = self.table.horizontalHeaderItem(column)
            if header is not None:
                header.setToolTip(tr(gm.METRIC_HINTS[key]))
        self.table.itemSelectionChanged.connect(self._group_chosen)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.stage_hint = QLabel()
        self.stage_hint.setWordWrap(True)
        self.stage_hint.setTextFormat(Qt.TextFormat.RichText)
        self.trend = ChartBox(tr("群人数与互动率"))
        self.flow = ChartBox(tr("每日进群、退群与成交额"))
        self.mix = ChartBox(tr("成员忠诚类型"))
        charts = QWidget()
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.trend, 3)
        row.addWidget(self.flow, 3)
        row.addWidget(self.mix, 2)
        lower = QWidget()
        column = QVBoxLayout(lower)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.stage_hint)
        column.addWidget(charts, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(lower)
        self.splitter.setSizes([260, 420])
        self.splitter.setChildrenCollapsible(False)
        self.empty = QLabel(tr("还没有群数据。在“日数据”里每天记一下群人数、进群、退群、消息、下单……这里就会算出"
                               "进群率、互动率、留存率、转化率、ROI，并告诉你每个群处在哪个阶段。"))
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #888; font-size: 14px; padding: 24px;")
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addWidget(self.from_edit)
        top.addWidget(QLabel("—"))
        top.addWidget(self.to_edit)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.empty)
        ctx.ui_state.restore_splitter("groups.metrics", self.splitter)
        self._period_changed()

    def save_state(self) -> None:
        self.ctx.ui_state.save_splitter("groups.metrics", self.splitter)

    def _period_changed(self) -> None:
        days = self.period.currentData()
        custom = days == 0
        self.from_edit.setEnabled(custom)
        self.to_edit.setEnabled(custom)
        if not custom:
            with common.blocked(self.from_edit, self.to_edit):
                self.to_edit.setDate(date.today())
                self.from_edit.setDate(date.today() - timedelta(days=days - 1))
        self.reload()

    def reload(self) -> None:
        first, last = qdate(self.from_edit), qdate(self.to_edit)
        if last < first:
            first, last = last, first
        store = self.ctx.store
        self._generation += 1
        generation = self._generation

        def work(_progress: object) -> Loaded:
            with store.db.session() as session:
                return Loaded(first, last, gm.report_groups(session, first, last))

        run_in_background(self, work, lambda loaded: self._show(loaded, generation), quiet=False)

    def _show(self, loaded: Loaded, generation: int) -> None:
        if generation != self._generation:
            return  # a newer period was asked for meanwhile
        keep = self.current_group()
        self.first, self.last, self.reports = loaded.first, loaded.last, loaded.reports
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.reports))
        for row, report in enumerate(self.reports):
            cells = [report.name, tr(report.stage),
                     *(gm.format_metric(k, getattr(report.metrics, k)) for k in METRIC_KEYS), str(report.totals.days)]
            common.set_row(self.table, row, cells, data=report.id)
            stage_item = self.table.item(row, 1)
            stage_item.setForeground(QColor(STAGE_COLORS.get(report.stage, "#607d8b")))
            stage_item.setToolTip(tr(STAGE_HINTS.get(report.stage, "")))
            for column, key in enumerate(METRIC_KEYS, 2):
                item = self.table.item(row, column)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if key in STAGE_METRICS.get(report.stage, ()):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setForeground(QColor(STAGE_COLORS.get(report.stage, "#333333")))
        self.table.blockSignals(False)
        has_stats = any(r.totals.days for r in self.reports)
        self.splitter.setVisible(bool(self.reports))
        self.empty.setVisible(not has_stats)
        ids = [r.id for r in self.reports]
        if ids:
            common.select_row(self.table, ids.index(keep) if keep in ids else 0)
        self._group_chosen()
        self.loaded.emit()

    def current_group(self) -> int | None:
        rows = common.selected_rows(self.table)
        return self.reports[rows[0]].id if rows and rows[0] < len(self.reports) else None

    def show_group(self, group_id: int) -> None:
        ids = [r.id for r in self.reports]
        if group_id in ids:
            common.select_row(self.table, ids.index(group_id))

    def _group_chosen(self) -> None:
        group_id = self.current_group()
        report = next((r for r in self.reports if r.id == group_id), None)
        if report is None:
            self.stage_hint.setText("")
            return
        self.stage_hint.setText(f"<b>{report.name}</b>　{common.chip(tr(report.stage), STAGE_COLORS[report.stage])}　"
                                f"{tr(STAGE_HINTS[report.stage])}")
        with self.ctx.session() as session:
            days = GroupDays(report.id, gm.stats_between(session, report.id, self.first, self.last),
                             gm.member_mix(session, report.id))
        self.draw(days)

    # ---- charts ----------------------------------------------------------------------------------------

    def draw(self, days: GroupDays) -> None:
        dark = self.ctx.preferences.theme == "dark"
        self._draw_trend(days.stats, dark)
        self._draw_flow(days.stats, dark)
        self._draw_mix(days.mix, dark)

    def _date_axis(self, box: ChartBox, dark: bool) -> QDateTimeAxis:
        axis = QDateTimeAxis()
        axis.setFormat("MM-dd")
        axis.setRange(QDateTime(datetime.combine(self.first, time(0))), QDateTime(datetime.combine(self.last, time(23))))
        axis.setTickCount(min(7, max(2, (self.last - self.first).days + 1)))
        box.axis(axis, dark)
        return axis

    def _draw_trend(self, stats: list[DayStat], dark: bool) -> None:
        chart = self.trend.reset(dark)
        members, rate = QLineSeries(), QLineSeries()
        members.setName(tr("群人数"))
        rate.setName(tr("互动率 %"))
        members.setColor(QColor("#1565c0"))
        rate.setColor(QColor("#ef6c00"))
        for day, metrics in gm.daily_metrics(stats):
            stat = next(s for s in stats if s.day == day)
            if stat.members is not None:
                members.append(_ms(day), stat.members)
            if metrics.interaction_rate is not None:
                rate.append(_ms(day), metrics.interaction_rate * 100)
        chart.addSeries(members)
        chart.addSeries(rate)
        x = self._date_axis(self.trend, dark)
        left, right = QValueAxis(), QValueAxis()
        left.setLabelFormat("%d")
        right.setLabelFormat("%.0f%%")
        top_members = max((p.y() for p in members.points()), default=10)
        left.setRange(0, max(10.0, top_members * 1.15))
        right.setRange(0, max(10.0, max((p.y() for p in rate.points()), default=10) * 1.2))
        for axis in (left, right):
            axis.setTickCount(5)
            axis.applyNiceNumbers()
            self.trend.axis(axis, dark)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(left, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
        for series, axis in ((members, left), (rate, right)):
            series.attachAxis(x)
            series.attachAxis(axis)

    def _draw_flow(self, stats: list[DayStat], dark: bool) -> None:
        chart = self.flow.reset(dark)
        joined, left, revenue = QLineSeries(), QLineSeries(), QLineSeries()
        for series, name, color in ((joined, tr("进群"), "#2e7d32"), (left, tr("退群"), "#c62828"),
                                    (revenue, tr("成交额（元）"), "#6a1b9a")):
            series.setName(name)
            series.setColor(QColor(color))
        for stat in sorted(stats, key=lambda s: s.day):
            joined.append(_ms(stat.day), stat.joined)
            left.append(_ms(stat.day), stat.left)
            revenue.append(_ms(stat.day), stat.revenue_cents / 100)
        for series in (joined, left, revenue):
            chart.addSeries(series)
        x = self._date_axis(self.flow, dark)
        people, money = QValueAxis(), QValueAxis()
        people.setLabelFormat("%d")
        money.setLabelFormat("%.0f")
        people.setRange(0, max(5.0, max((p.y() for s in (joined, left) for p in s.points()), default=5) * 1.2))
        money.setRange(0, max(100.0, max((p.y() for p in revenue.points()), default=100) * 1.15))
        for axis in (people, money):
            axis.setTickCount(5)
            axis.applyNiceNumbers()
            self.flow.axis(axis, dark)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(people, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(money, Qt.AlignmentFlag.AlignRight)
        for series, axis in ((joined, people), (left, people), (revenue, money)):
            series.attachAxis(x)
            series.attachAxis(axis)

    def _draw_mix(self, mix: dict[str, int], dark: bool) -> None:
        """Horizontal bars: the type names sit on the left, whole."""
        chart = self.mix.reset(dark)
        chart.legend().hide()
        bars = QBarSet(tr("人数"))
        keys = list(reversed(MIX_KEYS))  # the first type on top
        bars.append([float(mix.get(k, 0)) for k in keys])
        bars.setColor(QColor("#5c6bc0"))
        bars.setLabelColor(self.mix.text_color)
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setBarWidth(0.6)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([tr(k) for k in keys])
        self.mix.axis(categories, dark)
        categories.setGridLineVisible(False)
        values = QValueAxis()
        values.setRange(0, max(4.0, max(mix.values(), default=0) * 1.25))
        values.setLabelFormat("%d")
        values.setTickCount(5)
        values.applyNiceNumbers()
        self.mix.axis(values, dark)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(values)
