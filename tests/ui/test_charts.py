"""The painted charts (ui/charts.py): round ticks, bars where the values say, clicks on a category."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from ui.charts import BarChart, LineChart, Series, nice_ticks


def test_ticks_are_round_and_cover_the_largest_value() -> None:
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(1234) == [0, 500, 1000, 1500]
    assert nice_ticks(100) == [0, 25, 50, 75, 100]


def colours_in(widget) -> set[str]:  # type: ignore[no-untyped-def]
    image = widget.grab().toImage()
    return {QColor(image.pixel(x, y)).name() for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}


def test_vertical_bars_paint_and_a_click_names_the_category(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = BarChart("每周新客")
    qtbot.addWidget(chart)
    chart.resize(400, 220)
    chart.set_bars([f"{m}月" for m in range(1, 61)], list(range(60)), "", "#26a69a")
    chart.set_dark(False)
    assert "#26a69a" in colours_in(chart)
    assert chart.series == [("", [float(v) for v in range(60)])]
    chart.set_clickable(True)
    plot, ticks = chart._geometry()
    assert ticks[-1] >= 59
    with qtbot.waitSignal(chart.bar_clicked) as clicked:
        x = plot.left() + plot.width() * 10.5 / 60  # the eleventh bar
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(int(x), int(plot.bottom() - 2)))
    assert clicked.args == [10]


def test_grouped_bars_draw_every_set_and_an_empty_chart_says_so(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = BarChart("各内容支柱", horizontal=True)
    qtbot.addWidget(chart)
    chart.resize(420, 260)
    chart.set_data(["用户口碑", "产品种草"], [Series("点赞", (20.0, 5.0), "#42a5f5"), Series("评论", (4.0, 0.0), "#66bb6a")])
    assert {"#42a5f5", "#66bb6a"} <= colours_in(chart)
    chart.set_data([], [])
    assert "#42a5f5" not in colours_in(chart)
    assert chart.category_at(chart.rect().center().toPointF()) is None


def test_lines_over_days_with_a_right_axis(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = LineChart("群人数与互动率")
    qtbot.addWidget(chart)
    chart.resize(420, 260)
    chart.set_days(date(2026, 3, 1), date(2026, 3, 3), [
        Series("群人数", (100.0, None, 104.0), "#1565c0"), Series("互动率 %", (10.0, 12.0, 9.0), "#ef6c00", right=True)])
    assert chart.categories == ["03-01", "03-02", "03-03"]
    assert {"#1565c0", "#ef6c00"} <= colours_in(chart)


def test_hovering_a_bar_tells_its_exact_value(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    chart = BarChart("每月营收（元）")
    qtbot.addWidget(chart)
    chart.resize(400, 220)
    chart.show()
    chart.set_bars(["11月", "12月"], [1234.5, 1600], "营收", "#5c6bc0", fmt=lambda v: f"¥{v:,.2f}")
    plot, _ticks = chart._geometry()
    pos = QPoint(int(plot.left() + plot.width() * 0.25), int(plot.bottom() - 2))
    QApplication.sendEvent(chart, QHelpEvent(QEvent.Type.ToolTip, pos, chart.mapToGlobal(pos)))
    assert QToolTip.text() == "11月\n营收：¥1,234.50"
