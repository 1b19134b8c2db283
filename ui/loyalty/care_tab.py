"""The 关怀 tab: the care log (关怀记录) with filters, "很久没关怀的重要客户", and the settings of the care
reminders on Today (节日关怀, 给TA点赞 — services.care_reminders).

Shortcuts, on this tab: Ctrl+N 记一笔关怀, Ctrl+F search, Enter edit, Delete move to the 回收站 (after asking).

Signals:
    changed(): entries were added, edited or deleted.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services import care, settings_store
from services import care_reminders as reminders
from services.tags import all_tags
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.loyalty.care_dialogs import CareEntryDialog, CareYearDialog
from ui.widgets import EmptyState

COLUMNS = ("日期", "客户", "类型", "花费", "备注")
NEGLECTED_COLUMNS = ("客户", "等级", "累计消费", "上次关怀")
PERIODS = (("month", "本月"), ("year", "今年"), ("12m", "近12个月"), ("all", "全部"))


def period_range(key: str, today: date) -> tuple[date | None, date | None]:
    if key == "month":
        return today.replace(day=1), today
    if key == "year":
        return date(today.year, 1, 1), today
    if key == "12m":
        return today - timedelta(days=365), today
    return None, None


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels([tr(c) for c in columns])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.horizontalHeader().setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
    return table


class CareTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[care.CareRow] = []
        self.neglected: list[care.NeglectedClient] = []
        self.dialog: QDialog | None = None
        # the log
        self.period = QComboBox()
        self.period.setObjectName("carePeriod")
        for key, label in PERIODS:
            self.period.addItem(tr(label), key)
        self.period.setCurrentIndex(2)
        self.kind = QComboBox()
        self.kind.addItem(tr("全部类型"), "")
        for key, label in care.KIND_LABELS.items():
            self.kind.addItem(tr(label), key)
        self.search = QLineEdit()
        self.search.setObjectName("careSearch")
        self.search.setPlaceholderText(tr("搜索客户或备注  Ctrl+F"))
        self.search.setClearButtonEnabled(True)
        self.new_button = QPushButton(tr("记一笔关怀…"))
        self.new_button.setObjectName("newCare")
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(lambda: self.new_entry())
        self.table = _table(COLUMNS, "careTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for column, width in {0: 100, 1: 120, 2: 60, 3: 90}.items():
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _i: self.edit_entry())
        self.totals = QLabel()
        self.totals.setObjectName("careTotals")
        self.year_button = QPushButton(tr("TA的全年关怀…"))
        self.year_button.clicked.connect(self.open_year)
        self.edit_button = QPushButton(tr("编辑"))
        self.edit_button.clicked.connect(self.edit_entry)
        self.delete_button = QPushButton(tr("删除"))
        self.delete_button.setToolTip("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.empty = EmptyState(tr("还没有关怀记录"), tr(
            "一年在你这里花几千、几万的客户，要格外珍惜：送过的礼、上门拜访、帮过的忙都记在这里，\n"
            "年底就能回答“那些老客户，我今年为他们做了什么？”"))
        self.empty.add_button(tr("记一笔关怀…")).clicked.connect(lambda: self.new_entry())
        filters = QHBoxLayout()
        filters.addWidget(self.period)
        filters.addWidget(self.kind)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.new_button)
        actions = QHBoxLayout()
        actions.addWidget(self.totals, 1)
        actions.addWidget(self.year_button)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.delete_button)
        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_layout.addLayout(filters)
        log_layout.addWidget(self.table, 1)
        log_layout.addWidget(self.empty, 1)
        log_layout.addLayout(actions)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("careSplitter")
        self.splitter.addWidget(log_box)
        self.splitter.addWidget(self._side())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        self.kind.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._shortcut(QKeySequence.StandardKey.New, self, lambda: self.new_entry())
        self._shortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._shortcut(QKeySequence(key), self.table, self.edit_entry, widget_only=True)
        self._shortcut(QKeySequence.StandardKey.Delete, self.table, self.delete_selected, widget_only=True)
        ctx.ui_state.restore_splitter("loyalty/care", self.splitter)
        ctx.ui_state.restore_header("loyalty/care-table", self.table.horizontalHeader())
        ctx.customers_changed.connect(lambda _ids: self.isVisible() and self.reload())
        self.reload()
        self.load_settings()

    def _shortcut(self, keys: QKeySequence | QKeySequence.StandardKey, owner: QWidget, slot: object, *,
                  widget_only: bool = False) -> None:
        action = QAction(owner)
        action.setShortcut(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if widget_only
                                  else Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        owner.addAction(action)

    # ---- the side: neglected clients and reminder settings ----------------------------------------

    def _side(self) -> QWidget:
        self.months = QSpinBox()
        self.months.setObjectName("neglectedMonths")
        self.months.setRange(1, 24)
        self.months.setValue(3)
        self.months.setSuffix(tr(" 个月"))
        self.months.valueChanged.connect(lambda _v: self.reload_neglected())
        self.neglected_table = _table(NEGLECTED_COLUMNS, "neglectedTable")
        for column, width in {0: 110, 1: 84, 2: 84}.items():
            self.neglected_table.setColumnWidth(column, width)
        self.neglected_table.setToolTip(tr("双击：给TA记一笔关怀"))
        self.neglected_table.doubleClicked.connect(lambda _i: self.care_for_neglected())
        self.neglected_hint = QLabel()
        self.neglected_hint.setObjectName("sectionHint")
        self.neglected_hint.setWordWrap(True)
        open_button = QPushButton(tr("打开客户"))
        open_button.clicked.connect(self.open_neglected)
        care_button = QPushButton(tr("记一笔关怀…"))
        care_button.clicked.connect(self.care_for_neglected)
        head = QHBoxLayout()
        head.addWidget(QLabel(tr("超过")))
        head.addWidget(self.months)
        head.addWidget(QLabel(tr("没有关怀过的")))
        head.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(open_button)
        buttons.addWidget(care_button)
        neglected = QGroupBox(tr("很久没关怀的重要客户"))
        box = QVBoxLayout(neglected)
        box.addLayout(head)
        box.addWidget(self.neglected_table, 1)
        box.addWidget(self.neglected_hint)
        box.addLayout(buttons)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 0, 0)
        side_layout.addWidget(neglected, 3)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._settings_box())
        side_layout.addWidget(scroll, 2)
        return side

    def _settings_box(self) -> QWidget:
        box = QGroupBox(tr("“今天”页的关怀提醒"))
        grid = QGridLayout()
        self.festival_boxes: dict[str, QCheckBox] = {}
        for index, name in enumerate(reminders.CARE_FESTIVALS):
            check = QCheckBox(tr(name))
            self.festival_boxes[name] = check
            grid.addWidget(check, index // 5, index % 5)
        self.days_before = QSpinBox()
        self.days_before.setRange(0, 60)
        self.days_before.setSuffix(tr(" 天"))
        self.care_who = self._who_list("careWho")
        self.like_who = self._who_list("likeWho")
        self.like_limit = QSpinBox()
        self.like_limit.setRange(1, 500)
        self.like_limit.setSuffix(tr(" 位"))
        self.save_button = QPushButton(tr("保存提醒设置"))
        self.save_button.setObjectName("saveCareSettings")
        self.save_button.clicked.connect(self.save_settings)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("sectionHint")
        days_row = QHBoxLayout()
        days_row.addWidget(QLabel(tr("节前")))
        days_row.addWidget(self.days_before)
        days_row.addWidget(QLabel(tr("开始提醒，一位客户一条")))
        days_row.addStretch(1)
        like_row = QHBoxLayout()
        like_row.addWidget(QLabel(tr("每周一起提醒，最多")))
        like_row.addWidget(self.like_limit)
        like_row.addWidget(QLabel(tr("（消费多的在前）")))
        like_row.addStretch(1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.saved_label, 1)
        save_row.addWidget(self.save_button)
        layout = QVBoxLayout(box)
        layout.addWidget(_hint(tr("节日关怀：在这些节日前，提醒给选中的会员等级和标签的客户送上心意")))
        layout.addLayout(grid)
        layout.addLayout(days_row)
        layout.addWidget(self.care_who)
        layout.addWidget(_hint(tr("给TA点赞：高端客户很少发朋友圈，但一定会看。每周提醒去给这些客户的朋友圈点赞、评论")))
        layout.addWidget(self.like_who)
        layout.addLayout(like_row)
        layout.addLayout(save_row)
        return box

    @staticmethod
    def _who_list(name: str) -> QListWidget:
        who = QListWidget()
        who.setObjectName(name)
        who.setMaximumHeight(110)
        who.setToolTip(tr("勾选会员等级或标签：有其中任一项的客户都会提醒"))
        return who

    def load_settings(self) -> None:
        with self.ctx.session() as session:
            values = settings_store.get_many(session, [
                reminders.FESTIVALS, reminders.DAYS_BEFORE, reminders.CARE_TIERS, reminders.CARE_TAGS,
                reminders.LIKE_TIERS, reminders.LIKE_TAGS, reminders.LIKE_LIMIT])
            tiers = care.tier_choices(session)
            tags = all_tags(session)
        for name, check in self.festival_boxes.items():
            check.setChecked(name in values[reminders.FESTIVALS.key])
        self.days_before.setValue(values[reminders.DAYS_BEFORE.key])
        self.like_limit.setValue(values[reminders.LIKE_LIMIT.key])
        for who, tier_key, tag_key in ((self.care_who, reminders.CARE_TIERS.key, reminders.CARE_TAGS.key),
                                       (self.like_who, reminders.LIKE_TIERS.key, reminders.LIKE_TAGS.key)):
            who.clear()
            for tid, name in tiers:
                self._who_item(who, tr("会员等级：{name}", name=name), ("tier", tid), tid in values[tier_key])
            for tag in tags:
                self._who_item(who, f"{tag.group_name} / {tag.name}", ("tag", tag.id), tag.id in values[tag_key])
            if not who.count():
                who.addItem(tr("还没有会员等级或标签"))

    @staticmethod
    def _who_item(who: QListWidget, text: str, key: tuple[str, int], checked: bool) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        who.addItem(item)

    @staticmethod
    def _checked(who: QListWidget, kind: str) -> list[int]:
        found = []
        for row in range(who.count()):
            item = who.item(row)
            key = item.data(Qt.ItemDataRole.UserRole)
            if key and key[0] == kind and item.checkState() == Qt.CheckState.Checked:
                found.append(int(key[1]))
        return found

    def save_settings(self) -> None:
        values: dict[settings_store.Setting[Any], object] = {
            reminders.FESTIVALS: [name for name, check in self.festival_boxes.items() if check.isChecked()],
            reminders.DAYS_BEFORE: self.days_before.value(),
            reminders.CARE_TIERS: self._checked(self.care_who, "tier"),
            reminders.CARE_TAGS: self._checked(self.care_who, "tag"),
            reminders.LIKE_TIERS: self._checked(self.like_who, "tier"),
            reminders.LIKE_TAGS: self._checked(self.like_who, "tag"),
            reminders.LIKE_LIMIT: self.like_limit.value(),
        }
        try:
            with self.ctx.session() as session:
                settings_store.save(session, values)
        except Exception as exc:
            show_error(self, exc)
            return
        self.saved_label.setText(tr("已保存，“今天”页会按新设置提醒"))
        self.ctx.settings_changed.emit()

    # ---- the log ---------------------------------------------------------------------------------

    def reload(self) -> None:
        start, end = period_range(str(self.period.currentData()), date.today())
        kind, text = str(self.kind.currentData() or ""), self.search.text()
        with self.ctx.session() as session:
            self.rows = care.list_care(session, start, end, kind, text)
            count, cost, people = care.care_totals(session, start, end, kind, text)
            anything = bool(self.rows) or care.care_totals(session)[0] > 0
        self.table.setRowCount(len(self.rows))
        for row, entry in enumerate(self.rows):
            cells = (entry.given_on.isoformat(), entry.customer_name, entry.kind_label,
                     care.money(entry.cost_cents) if entry.cost_cents else "—", entry.note)
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        shown = tr("（只显示最近 {n} 条）", n=len(self.rows)) if count > len(self.rows) else ""
        self.totals.setText(tr("{n} 条记录 · {people} 位客户 · 花费 {cost}{shown}", n=count, people=people,
                               cost=care.money(cost), shown=shown) if count else tr("没有符合条件的记录"))
        self.table.setVisible(anything)
        self.empty.setVisible(not anything)
        self._update_buttons()
        self.reload_neglected()

    def reload_neglected(self) -> None:
        with self.ctx.session() as session:
            self.neglected = care.neglected_top_clients(session, months=self.months.value())
        self.neglected_table.setRowCount(len(self.neglected))
        for row, client in enumerate(self.neglected):
            cells = (client.name, client.tier_name, care.money(client.total_spent_cents),
                     client.last_care_on.isoformat() if client.last_care_on else tr("从没有"))
            for column, value in enumerate(cells):
                self.neglected_table.setItem(row, column, QTableWidgetItem(value))
        self.neglected_hint.setText(
            tr("累计消费最多、{n} 个月里没送过礼也没拜访过的客户，按消费排序", n=self.months.value()) if self.neglected
            else tr("重要客户在 {n} 个月里都关怀过了，做得好！", n=self.months.value()))

    def _update_buttons(self) -> None:
        chosen = self.selected_entries()
        self.edit_button.setEnabled(len(chosen) == 1)
        self.year_button.setEnabled(len(chosen) == 1)
        self.delete_button.setEnabled(bool(chosen))

    def selected_entries(self) -> list[care.CareRow]:
        return [self.rows[i.row()] for i in self.table.selectionModel().selectedRows() if i.row() < len(self.rows)]

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(self._dialog_finished)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_finished(self, _result: int) -> None:
        self.dialog = None
        self._after_change()

    def _after_change(self) -> None:
        self.reload()
        self.changed.emit()

    def new_entry(self, customer_id: int | None = None) -> QDialog:
        return self._open(CareEntryDialog(self.ctx, customer_id, parent=self))

    def edit_entry(self) -> QDialog | None:
        chosen = self.selected_entries()
        return self._open(CareEntryDialog(self.ctx, care_id=chosen[0].id, parent=self)) if len(chosen) == 1 else None

    def open_year(self) -> QDialog | None:
        chosen = self.selected_entries()
        return self._open(CareYearDialog(self.ctx, chosen[0].customer_id, parent=self)) if chosen else None

    def delete_selected(self) -> None:
        chosen = self.selected_entries()
        if not chosen or not confirm(self, tr("删除关怀记录"), tr(
                "把选中的 {n} 条关怀记录移到回收站吗？\n\n在 回收站 里随时可以恢复。", n=len(chosen)), tr("移到回收站")):
            return
        try:
            with self.ctx.session() as session:
                care.trash_care(session, [e.id for e in chosen])
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.status_message.emit(tr("已把 {n} 条关怀记录移到回收站", n=len(chosen)))
        self._after_change()

    def _neglected_client(self) -> care.NeglectedClient | None:
        rows = self.neglected_table.selectionModel().selectedRows()
        return self.neglected[rows[0].row()] if rows and rows[0].row() < len(self.neglected) else None

    def open_neglected(self) -> None:
        client = self._neglected_client()
        if client is not None:
            self.ctx.open_customer.emit(client.customer_id)

    def care_for_neglected(self) -> QDialog | None:
        client = self._neglected_client()
        return self.new_entry(client.customer_id) if client is not None else None

    # ---- page hooks ------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def activate(self) -> None:
        self.reload()
        self.load_settings()

    def save_state(self) -> None:
        self.ctx.ui_state.save_splitter("loyalty/care", self.splitter)
        self.ctx.ui_state.save_header("loyalty/care-table", self.table.horizontalHeader())


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionHint")
    label.setWordWrap(True)
    return label
