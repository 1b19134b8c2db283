"""朋友圈报表: engagement of the published posts by pillar (a table and a bar chart), by weekday and by
hour; the weekly share of hard-selling posts with the weeks over the reminder line in red (the line is
set right here, saved with the data); and how often each tag's customers were reached in the last 30
days. Loaded off the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from services import moments_report as r
from services import settings_store
from ui.background import run_in_background
from ui.charts import BarChart, Series
from ui.context import AppContext
from ui.groups.common import blocked, prepare_table, set_row
from ui.i18n import tr
from ui.moments import common

PERIODS = (("最近 4 周", 4), ("最近 8 周", 8), ("最近 12 周", 12), ("最近 26 周", 26))
TAG_DAYS = 30
SERIES = (("likes", "点赞", "#42a5f5"), ("comments", "评论", "#66bb6a"), ("inquiries", "咨询", "#ffa726"))


@dataclass(frozen=True)
class Report:
    weeks: int
    pillars: list[dict[str, Any]]
    weekdays: list[dict[str, Any]]
    hours: list[dict[str, Any]]
    hard_sell: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    threshold: int


def load_report(session: Any, weeks: int, today: date) -> Report:
    monday = today - timedelta(days=today.weekday())
    start, end = monday - timedelta(weeks=weeks - 1), monday + timedelta(weeks=1)
    return Report(weeks, r.pillar_engagement(session, start, end), r.weekday_engagement(session, start, end),
                  r.hour_engagement(session, start, end), r.weekly_hard_sell(session, weeks, today),
                  r.tag_targeting(session, TAG_DAYS, today), settings_store.get(session, r.HARD_SELL_THRESHOLD))


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: bold; font-size: 14px; margin-top: 6px;")
    return label


def _table(headers: list[str], height: int) -> QTableWidget:
    table = QTableWidget()
    prepare_table(table, headers)
    table.setMinimumHeight(height)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


class ReportsView(QWidget):
    """Signals:
        loaded(): the tables and the chart show the chosen period.
    """

    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: Report | None = None
        self._generation = 0
        self.period = QComboBox()
        for label, weeks in PERIODS:
            self.period.addItem(tr(label), weeks)
        self.period.setCurrentIndex(1)
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        self.threshold = QSpinBox()
        self.threshold.setRange(1, 100)
        self.threshold.setSuffix("%")
        self.threshold.setToolTip(tr(r.HARD_SELL_THRESHOLD.help or r.HARD_SELL_THRESHOLD.title))
        self.threshold.editingFinished.connect(self._save_threshold)
        self.note = QLabel(tr("只统计已发布的朋友圈（按实际发布时间）；互动 = 点赞 + 评论。点赞、评论数在“记录效果”里填。"))
        self.note.setStyleSheet("color: #888;")
        self.note.setWordWrap(True)

        self.pillars = _table([tr("内容支柱"), tr("条数"), tr("点赞"), tr("评论"), tr("咨询"), tr("订单"), tr("成交金额"),
                               tr("条均互动")], 240)
        self.pillars.setObjectName("pillarTable")
        self.chart = BarChart(tr("各内容支柱的点赞、评论、咨询"), horizontal=True)
        self.chart.setObjectName("pillarChart")
        self.chart.placeholder = tr("还没有已发布的朋友圈")
        self.chart.setMinimumHeight(260)
        self.hard_sell = _table([tr("周"), tr("日期"), tr("条数"), tr("硬广占比"), tr("")], 250)
        self.hard_sell.setObjectName("hardSellTable")
        self.weekdays = _table([tr("星期"), tr("条数"), tr("条均互动")], 250)
        self.hours = _table([tr("时段"), tr("条数"), tr("条均互动")], 250)
        self.tags = _table([tr("标签"), tr("标签组"), tr("客户数"), tr("触达条数")], 260)
        self.tags.setObjectName("tagTargetTable")
        self.empty = QLabel(tr("还没有已发布的朋友圈。发完一条后在发布助手里点“标记已发布”，过一两天“记录效果”，"
                               "这里就会告诉你哪类内容、星期几、几点发效果最好。"))
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #888; font-size: 14px; padding: 12px;")

        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 8, 0)
        grid.addWidget(_title(tr("按内容支柱")), 0, 0, 1, 3)
        grid.addWidget(self.empty, 1, 0, 1, 3)
        grid.addWidget(self.pillars, 2, 0, 1, 2)
        grid.addWidget(self.chart, 2, 2)
        self.hard_title = _title(tr("每周硬广占比"))
        grid.addWidget(self.hard_title, 3, 0)
        grid.addWidget(_title(tr("按星期")), 3, 1)
        grid.addWidget(_title(tr("按发布时段")), 3, 2)
        grid.addWidget(self.hard_sell, 4, 0)
        grid.addWidget(self.weekdays, 4, 1)
        grid.addWidget(self.hours, 4, 2)
        grid.addWidget(_title(tr("最近 {n} 天各标签客户被触达的次数", n=TAG_DAYS)), 5, 0, 1, 3)
        grid.addWidget(self.tags, 6, 0, 1, 3)
        for column, stretch in enumerate((4, 3, 3)):
            grid.setColumnStretch(column, stretch)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addSpacing(16)
        top.addWidget(QLabel(tr("硬广占比提醒线")))
        top.addWidget(self.threshold)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(scroll, 1)

    def reload(self) -> None:
        self._generation += 1
        generation, weeks, store, today = self._generation, int(self.period.currentData()), self.ctx.store, date.today()

        def work(_progress: object) -> Report:
            with store.db.session() as session:
                return load_report(session, weeks, today)

        run_in_background(self, work, lambda report: self._show(report, generation))

    def _save_threshold(self) -> None:
        value = self.threshold.value()
        if self.report is not None and value == self.report.threshold:
            return
        if common.run_change(self, self.ctx, lambda s: settings_store.save(s, {r.HARD_SELL_THRESHOLD: value})):
            self.ctx.status_message.emit(tr("硬广占比提醒线改为 {n}%", n=value))
            self.reload()

    # ---- showing -----------------------------------------------------------------------------------

    def _show(self, report: Report, generation: int) -> None:
        if generation != self._generation:
            return
        self.report = report
        with blocked(self.threshold):
            self.threshold.setValue(report.threshold)
        published = sum(p["posts"] for p in report.pillars)
        self.empty.setVisible(published == 0)
        self._fill_pillars(report)
        self._draw_chart(report)
        self._fill_hard_sell(report)
        self._fill_slots(self.weekdays, [(row["weekday"], row) for row in report.weekdays])
        self._fill_slots(self.hours, [(f"{row['hour']:02d}:00–{row['hour']:02d}:59", row) for row in report.hours
                                      if row["posts"]])
        self._fill_tags(report)
        self.loaded.emit()

    def _fill_pillars(self, report: Report) -> None:
        self.pillars.setRowCount(len(report.pillars))
        for row, p in enumerate(report.pillars):
            engaged = (p["likes"] + p["comments"]) / p["posts"] if p["posts"] else 0
            set_row(self.pillars, row, [p["pillar"], str(p["posts"]), str(p["likes"]), str(p["comments"]),
                                        str(p["inquiries"]), str(p["orders"]), f"￥{p['revenue']:,.2f}",
                                        f"{engaged:.1f}" if p["posts"] else "—"],
                    color=common.MUTED_COLOR if not p["posts"] else None)

    def _draw_chart(self, report: Report) -> None:
        """Likes, comments and inquiries side by side per pillar, the first pillar on top."""
        rows = [p for p in report.pillars if p["posts"]]
        self.chart.set_data([p["pillar"] for p in rows],
                            [Series(tr(label), tuple(float(p[key]) for p in rows), color) for key, label, color in SERIES])

    def _fill_hard_sell(self, report: Report) -> None:
        rows = list(reversed(report.hard_sell))  # this week first
        self.hard_sell.setRowCount(len(rows))
        over = 0
        for row, week in enumerate(rows):
            year, number = week["week"].split("-W")
            monday = date.fromisocalendar(int(year), int(number), 1)
            warn = bool(week["over_threshold"])
            over += warn
            set_row(self.hard_sell, row, [
                tr("第 {n} 周", n=int(number)), f"{monday:%m-%d}–{monday + timedelta(days=6):%m-%d}", str(week["posts"]),
                f"{week['hard_sell_share']:.0%}" if week["posts"] else "—",
                tr("⚠ 超过提醒线，少发点卖货内容") if warn else ""], color=common.OVERDUE_COLOR if warn else None)
            if warn:
                for column in range(self.hard_sell.columnCount()):
                    item = self.hard_sell.item(row, column)
                    if item is not None:
                        item.setBackground(QColor(211, 47, 47, 40))
        self.hard_title.setText(tr("每周硬广占比（提醒线 {n}%）", n=report.threshold)
                                + (tr("　⚠ {n} 周超过", n=over) if over else ""))
        self.hard_title.setStyleSheet("font-weight: bold; font-size: 14px; margin-top: 6px;"
                                      + (f" color: {common.OVERDUE_COLOR};" if over else ""))

    @staticmethod
    def _fill_slots(table: QTableWidget, rows: list[tuple[str, dict[str, Any]]]) -> None:
        table.setRowCount(len(rows))
        best = max((row["avg_engagement"] for _label, row in rows if row["posts"]), default=0)
        for index, (label, row) in enumerate(rows):
            top = bool(row["posts"]) and row["avg_engagement"] == best and best > 0
            set_row(table, index, [label, str(row["posts"]), f"{row['avg_engagement']:.1f}" if row["posts"] else "—"],
                    color="#2e7d32" if top else common.MUTED_COLOR if not row["posts"] else None)

    def _fill_tags(self, report: Report) -> None:
        rows = sorted(report.tags, key=lambda t: (-t["posts_reaching"], -t["customers"]))
        self.tags.setRowCount(len(rows))
        for index, tag in enumerate(rows):
            set_row(self.tags, index, [tag["tag"], tag["group"], str(tag["customers"]), str(tag["posts_reaching"])],
                    color=common.MUTED_COLOR if not tag["posts_reaching"] else None)
