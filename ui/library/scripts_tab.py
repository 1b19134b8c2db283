"""The 话术 tab: categories on the left, the searchable list with usage counts in the middle, the
chosen script on the right with 给客户使用… / 复制原文 / 编辑 / 删除. The 回收站 entry lists deleted
scripts to restore. An empty library explains itself and offers the 示例话术.

Signals:
    changed(): scripts were added, edited, used, deleted or restored.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from services import library as lib
from services.library_defaults import STARTER_SCRIPTS
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.library.common import (
    ALL,
    TRASH,
    CategoryList,
    body_html,
    copy_to_clipboard,
    open_dialog,
    set_column_widths,
)
from ui.library.picker import ScriptPickerDialog
from ui.library.script_editor import ScriptDialog
from ui.widgets import EmptyState

ORDERS = (("used", "最常用"), ("recent", "最近用过"), ("title", "按分类和标题"))
COLUMNS = ("标题", "分类", "内容", "使用次数", "最近使用")


def when_text(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else ""


class ScriptsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[lib.ScriptRow] = []
        self.dialog: QDialog | None = None  # the editor or picker on screen (tests drive it)
        self.categories = CategoryList()
        self.search = QLineEdit()
        self.search.setObjectName("scriptSearch")
        self.search.setPlaceholderText(tr("搜索话术标题或内容  Ctrl+F"))
        self.search.setClearButtonEnabled(True)
        self.order = QComboBox()
        for key, label in ORDERS:
            self.order.addItem(tr(label), key)
        self.new_button = QPushButton(tr("新建话术"))
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_script)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("scriptTable")
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setToolTip(tr("双击：给客户使用"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        set_column_widths(self.table, {0: 170, 1: 80, 3: 80, 4: 140})
        self.none_found = QLabel()
        self.none_found.setObjectName("sectionHint")
        self.none_found.hide()

        # the chosen script
        self.detail_title = QLabel()
        self.detail_title.setStyleSheet("font-size: 17px; font-weight: bold;")
        self.detail_title.setWordWrap(True)
        self.detail_title.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_meta = QLabel()
        self.detail_meta.setObjectName("sectionHint")
        self.detail_body = QTextBrowser()
        self.detail_body.setObjectName("scriptBody")
        self.use_button = QPushButton(tr("给客户使用…"))
        self.use_button.setObjectName("useScript")
        self.use_button.setToolTip(tr("选一位客户，填好名字后复制"))
        self.use_button.clicked.connect(self.use_script)
        self.copy_button = QPushButton(tr("复制原文"))
        self.copy_button.clicked.connect(self.copy_raw)
        self.edit_button = QPushButton(tr("编辑"))
        self.edit_button.clicked.connect(self.edit_script)
        self.delete_button = QPushButton(tr("删除"))
        self.delete_button.setToolTip("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.restore_button = QPushButton(tr("恢复"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button = QPushButton(tr("彻底删除"))
        self.purge_button.clicked.connect(self.purge_selected)
        detail = QWidget()
        detail_column = QVBoxLayout(detail)
        detail_column.setContentsMargins(8, 0, 0, 0)
        detail_column.addWidget(self.detail_title)
        detail_column.addWidget(self.detail_meta)
        detail_column.addWidget(self.detail_body, 1)
        first = QHBoxLayout()
        first.addWidget(self.use_button, 2)
        first.addWidget(self.copy_button, 1)
        second = QHBoxLayout()
        for button in (self.edit_button, self.delete_button, self.restore_button, self.purge_button):
            second.addWidget(button)
        detail_column.addLayout(first)
        detail_column.addLayout(second)

        middle = QWidget()
        middle_column = QVBoxLayout(middle)
        middle_column.setContentsMargins(0, 0, 0, 0)
        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        tools.addWidget(self.order)
        tools.addWidget(self.new_button)
        middle_column.addLayout(tools)
        middle_column.addWidget(self.none_found)
        middle_column.addWidget(self.table, 1)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.categories)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([150, 640, 420])
        self.splitter.setChildrenCollapsible(False)

        self.empty = EmptyState(
            tr("话术库还是空的"),
            tr("把常用的欢迎语、回访、催复购、生日祝福存在这里。\n话术里写 {称呼} {姓名} {产品} {上次购买}，"
               "给客户使用时自动换成TA的资料，一键复制到微信。"))
        self.starter_button = self.empty.add_button(tr("载入示例话术（{n} 条）", n=len(STARTER_SCRIPTS)))
        self.starter_button.clicked.connect(self.load_starters)
        self.empty.add_button(tr("新建话术")).clicked.connect(self.new_script)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.stack)

        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.order.currentIndexChanged.connect(lambda _i: self.reload())
        self.categories.chosen.connect(lambda _key: self.reload())
        self.table.itemSelectionChanged.connect(self._show_current)
        self.table.itemDoubleClicked.connect(lambda _item: self.activate_current())
        ctx.ui_state.restore_splitter("library.scripts", self.splitter)
        ctx.ui_state.restore_header("library.scripts", header)

    # ---- loading --------------------------------------------------------------------------------

    def in_trash(self) -> bool:
        return self.categories.current() == TRASH

    def reload(self) -> None:
        keep = set(self.selected_ids())
        category = self.categories.current()
        with self.ctx.session() as session:
            total = lib.script_count(session)
            trashed = lib.list_trashed_scripts(session)
            self.categories.fill(lib.script_categories(session), total, len(trashed))
            category = self.categories.current()
            if category == TRASH:
                query = self.search.text().strip()
                self.rows = [s for s in trashed if query in s.title or query in s.body]
            else:
                self.rows = lib.list_scripts(session, self.search.text(), None if category == ALL else category,
                                             self.order.currentData())
        self.stack.setCurrentWidget(self.empty if total == 0 and not trashed else self.splitter)
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(self.rows))
        for row, script in enumerate(self.rows):
            cells = (script.title, tr(script.category), script.body.replace("\n", " "),
                     str(script.use_count), when_text(script.deleted_at if self.in_trash() else script.last_used_at))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 2:
                    item.setToolTip(script.body)
                self.table.setItem(row, column, item)
            if script.id in keep:
                self.table.selectRow(row)
        self.table.setHorizontalHeaderItem(4, QTableWidgetItem(tr("删除时间") if self.in_trash() else tr("最近使用")))
        if not self.table.selectedItems() and self.rows:
            self.table.selectRow(0)
        self.table.blockSignals(False)
        query = self.search.text().strip()
        self.none_found.setText(tr("没有找到包含“{q}”的话术", q=query) if query else
                                tr("回收站是空的：删除的话术会先放在这里。") if self.in_trash() else
                                tr("这个分类还没有话术，按 新建话术（Ctrl+N）写一条。"))
        self.none_found.setVisible(not self.rows)
        self._show_current()

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.rows[r].id for r in rows if r < len(self.rows)]

    def current(self) -> lib.ScriptRow | None:
        ids = self.selected_ids()
        return next((s for s in self.rows if ids and s.id == ids[0]), None)

    def _show_current(self) -> None:
        script, trash = self.current(), self.in_trash()
        for button in (self.use_button, self.copy_button, self.edit_button, self.delete_button):
            button.setVisible(not trash)
            button.setEnabled(script is not None)
        for button in (self.restore_button, self.purge_button):
            button.setVisible(trash)
            button.setEnabled(script is not None)
        if script is None:
            self.detail_title.setText(tr("没有选中话术"))
            self.detail_meta.setText("")
            self.detail_body.setHtml("")
            return
        self.detail_title.setText(script.title)
        used = (tr("用过 {n} 次，最近一次 {when}", n=script.use_count, when=when_text(script.last_used_at))
                if script.use_count else tr("还没用过"))
        self.detail_meta.setText(f"{tr(script.category)} · {used}")
        self.detail_body.setHtml(f'<div style="font-size:14px; line-height:150%;">{body_html(script.body)}</div>')

    def _category_names(self) -> list[str]:
        with self.ctx.session() as session:
            return [name for name, _count in lib.script_categories(session)]

    # ---- actions --------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def new_script(self) -> QDialog:
        category = self.categories.current()
        dialog = ScriptDialog(self.ctx, self._category_names(), category="" if category in (ALL, TRASH) else category,
                              parent=self)
        self.dialog = open_dialog(dialog, lambda: self._saved(dialog.saved_id))
        return dialog

    def edit_script(self) -> QDialog | None:
        script = self.current()
        if script is None:
            return None
        dialog = ScriptDialog(self.ctx, self._category_names(), script, parent=self)
        self.dialog = open_dialog(dialog, lambda: self._saved(dialog.saved_id))
        return dialog

    def _saved(self, script_id: int | None) -> None:
        if self.in_trash():
            self.categories.select(ALL, emit=False)
        self.reload()
        if script_id is not None:
            self.select_script(script_id)
        self.changed.emit()

    def select_script(self, script_id: int) -> None:
        for row, script in enumerate(self.rows):
            if script.id == script_id:
                self.table.selectRow(row)
                return
        self.categories.select(ALL, emit=False)  # not in the category shown: show all
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.reload()
        for row, script in enumerate(self.rows):
            if script.id == script_id:
                self.table.selectRow(row)

    def activate_current(self) -> None:
        """Enter / double-click: use it for a customer (restore it in the 回收站)."""
        if self.in_trash():
            self.restore_selected()
        else:
            self.use_script()

    def use_script(self, customer_id: int | None = None) -> ScriptPickerDialog | None:
        """给客户使用…: the picker with this script chosen; the customer is picked there."""
        script = self.current()
        if script is None:
            return None
        dialog = ScriptPickerDialog(self.ctx, customer_id, script_id=script.id, parent=self)
        dialog.copied.connect(lambda _sid, _text: self._after_use(script.id))
        self.dialog = open_dialog(dialog)
        return dialog

    def _after_use(self, script_id: int) -> None:
        self.reload()
        self.select_script(script_id)
        self.changed.emit()

    def copy_raw(self) -> None:
        """The text as written, placeholders and all (to share or edit elsewhere); not counted as a use."""
        script = self.current()
        if script is not None:
            copy_to_clipboard(self.ctx, script.body, tr("已复制“{title}”的原文（占位符未替换）", title=script.title))

    def load_starters(self) -> None:
        try:
            with self.ctx.session() as session:
                added = lib.load_starter_scripts(session)
        except Exception as exc:
            show_error(self, exc)
            return
        self.categories.select(ALL, emit=False)
        self.reload()
        self.ctx.status_message.emit(tr("已载入 {n} 条示例话术，可以随意修改", n=added))
        self.changed.emit()

    def delete_selected(self) -> None:
        if self.in_trash():
            self.purge_selected()
            return
        ids = self.selected_ids()
        if not ids:
            return
        names = "、".join([s.title for s in self.rows if s.id in ids][:3])
        text = tr("把“{names}”{more}移到回收站吗？\n\n在左侧“回收站”里随时可以恢复。", names=names,
                  more=tr(" 等 {n} 条", n=len(ids)) if len(ids) > 3 else "")
        if not confirm(self, tr("删除话术"), text, tr("移到回收站")):
            return
        self._run(lambda session: lib.trash_scripts(session, ids), tr("已移到回收站：{n} 条话术", n=len(ids)))

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._run(lambda session: lib.restore_scripts(session, ids), tr("已恢复 {n} 条话术", n=len(ids)))

    def purge_selected(self) -> None:
        ids = self.selected_ids()
        if ids and confirm(self, tr("彻底删除"), tr("将永久删除选中的 {n} 条话术，无法恢复。", n=len(ids)), tr("彻底删除")):
            self._run(lambda session: lib.purge_scripts(session, ids), tr("已彻底删除 {n} 条话术", n=len(ids)))

    def _run(self, action: Callable[[Session], object], message: str) -> None:
        try:
            with self.ctx.session() as session:
                action(session)
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload()
        self.ctx.status_message.emit(message)
        self.changed.emit()

    def save_state(self) -> None:
        self.ctx.ui_state.save_splitter("library.scripts", self.splitter)
        self.ctx.ui_state.save_header("library.scripts", self.table.horizontalHeader())
