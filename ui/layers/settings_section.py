"""设置 → 分层: the thresholds of the stages, loyalty types and RFM, and a recompute after a change."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from services import settings_store
from services.errors import ValidationError
from services.layers import LOYALTY_SETTINGS, RFM_HIGH, save_layer_settings
from services.settings_store import Setting
from services.stages import STAGE_SETTINGS
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr
from ui.layers.recompute import recompute_in_background
from ui.settings.form import Section, button_row, section_header
from ui.widgets import FieldError


class LayersSection(Section):
    """Spin boxes with units and the defaults; 保存并重新计算 saves and recomputes every customer.

    Signals:
        recomputed(object): the LayerResult of the recompute after a save (None when cancelled).
    """

    recomputed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.spins: dict[str, QSpinBox] = {}
        self.errors: dict[str, FieldError] = {}
        self.settings: dict[str, Setting[Any]] = {}
        self._loaded: dict[str, int] = {}

        groups = QVBoxLayout()
        groups.setSpacing(12)
        groups.addWidget(self._group(tr("生命周期阶段"), STAGE_SETTINGS, tr(
            "潜在 → 新客 → 已购 → 复购 → VIP，久不购买则为 沉睡、流失。手动设定的阶段不受影响。")))
        groups.addWidget(self._group(tr("忠诚类型"), LOYALTY_SETTINGS, tr(
            "按《从0到1搭建私域社群SOP》的四类用户：忠实型（每月复购且推荐过朋友购买）、羊毛型（平均客单价低）、"
            "需求型（3个月内无复购）、低需求（只买过1次或没买过）。按这个顺序，先符合哪类就算哪类。")))
        groups.addWidget(self._group(tr("RFM 分群"), (RFM_HIGH,), tr(
            "R 最近购买、F 购买次数、M 累计消费，各按全店买过的客户五等分打 1–5 分（相同的值同分），"
            "三项高低组合成 8 个分群，如 重要价值（三项都高）、流失（三项都低）。")))
        groups.addStretch(1)
        inner = QWidget()
        inner.setLayout(groups)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)

        self.defaults_button = QPushButton(tr("恢复默认"))
        self.defaults_button.setToolTip(tr("把全部阈值改回默认值，并重新计算"))
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.revert_button = QPushButton(tr("撤销修改"))
        self.revert_button.clicked.connect(self.load)
        self.save_button = QPushButton(tr("保存并重新计算"))
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setObjectName("sectionHint")

        layout = QVBoxLayout(self)
        layout.addWidget(section_header(tr("分层"), tr(
            "客户的阶段、忠诚类型和 RFM 分群按购买、互动和转介绍记录自动计算。改了阈值后，全部客户会在后台重新计算。")))
        layout.addWidget(scroll, 1)
        row = button_row(self.defaults_button, self.revert_button, self.save_button)
        row.addWidget(self.status)
        layout.addLayout(row)
        self._update_buttons()

    def _group(self, title: str, settings: tuple[Setting[Any], ...], text: str) -> QGroupBox:
        """A box: what the group is, then one row per threshold — name, spin box with unit, explanation."""
        box = QGroupBox(title)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(2, 1)
        grid.setColumnMinimumWidth(0, 200)  # the spin boxes line up from box to box
        about = QLabel(text)
        about.setWordWrap(True)
        about.setStyleSheet("color: #777;")
        grid.addWidget(about, 0, 0, 1, 3)
        for row, setting in enumerate(settings, 1):
            spin = QSpinBox()
            spin.setObjectName(setting.key)
            spin.setRange(int(setting.minimum or 0), int(setting.maximum or 1_000_000_000))
            spin.setSuffix(" " + tr(setting.unit))
            spin.setGroupSeparatorShown(True)
            spin.setFixedWidth(150)
            spin.setToolTip(tr("默认：{value} {unit}", value=f"{setting.default:,}", unit=tr(setting.unit)))
            spin.valueChanged.connect(self._update_buttons)
            default = tr("默认 {value} {unit}", value=f"{setting.default:,}", unit=tr(setting.unit))
            hint = QLabel(f"{tr(setting.help)}（{default}）" if setting.help else default)
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #888; font-size: 12px;")
            error = FieldError()
            column = QVBoxLayout()
            column.setSpacing(0)
            column.addWidget(hint)
            column.addWidget(error)
            grid.addWidget(QLabel(tr(setting.title)), row, 0)
            grid.addWidget(spin, row, 1)
            grid.addLayout(column, row, 2)
            self.spins[setting.key], self.errors[setting.key], self.settings[setting.key] = spin, error, setting
        return box

    # ---- loading and saving ----------------------------------------------------------------------

    def load(self) -> None:
        with self.ctx.session() as session:
            values = settings_store.get_many(session, self.settings.values())
        self._loaded = {key: int(value) for key, value in values.items()}
        for key, spin in self.spins.items():
            spin.blockSignals(True)
            spin.setValue(self._loaded[key])
            spin.blockSignals(False)
            self.errors[key].show_message("")
        self._update_buttons()

    def values(self) -> dict[str, int]:
        return {key: spin.value() for key, spin in self.spins.items()}

    def is_dirty(self) -> bool:
        return bool(self._loaded) and self.values() != self._loaded

    def _update_buttons(self) -> None:
        dirty = self.is_dirty()
        self.revert_button.setEnabled(dirty)
        self.save_button.setEnabled(dirty)
        defaults = {key: s.default for key, s in self.settings.items()}
        self.defaults_button.setEnabled(self.values() != defaults)
        if dirty:
            self.status.setText(tr("有未保存的修改"))

    def restore_defaults(self) -> None:
        for key, spin in self.spins.items():
            spin.setValue(int(self.settings[key].default))
        self.save()

    def save(self) -> None:
        """Save the thresholds, then recompute every customer in the background (with progress)."""
        for error in self.errors.values():
            error.show_message("")
        changed = {self.settings[key]: value for key, value in self.values().items() if value != self._loaded.get(key)}
        try:
            with self.ctx.session() as session:
                save_layer_settings(session, changed)
        except ValidationError as exc:
            for key, message in exc.fields.items():
                if key in self.errors:
                    self.errors[key].show_message(message)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.load()
        self.status.setText(tr("已保存，正在重新计算…"))
        self.save_button.setEnabled(False)

        def done(result: object) -> None:
            self.status.setText(tr("已保存并重新计算") if result is not None else
                                tr("已保存；重新计算已取消，下次打开客本时会再算"))
            self.recomputed.emit(result)

        recompute_in_background(self, self.ctx, done)
