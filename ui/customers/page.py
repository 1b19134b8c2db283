"""客户 page: the filter bar, the customer list (100,000 rows stay fast) and the detail pane."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services import customers, tags
from services.custom_fields import list_fields
from services.customer_query import CustomerFilter
from ui.background import run_in_background
from ui.context import AppContext
from ui.customers.detail import CustomerDetail
from ui.customers.filter_bar import FilterBar
from ui.customers.model import CustomerTableModel
from ui.customers.tag_picker import choose_tag
from ui.errors import confirm, show_error
from ui.excel.export_actions import customers_excel_button
from ui.i18n import tr
from ui.widgets import EmptyState

BULK_IN_BACKGROUND = 2000  # selections larger than this are changed off the GUI thread


class TagChipsDelegate(QStyledItemDelegate):
    """Paints the 标签 column as coloured chips."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        model = index.model()
        assert isinstance(model, CustomerTableModel)
        super().paint(painter, option, QModelIndex())  # background and selection only
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics  # type: ignore[attr-defined]
        rect: QRect = option.rect  # type: ignore[attr-defined]
        x = rect.x() + 4
        height = metrics.height() + 2
        y = rect.y() + (rect.height() - height) // 2
        chips = model.tags_of(index.row())
        for number, (name, color) in enumerate(chips):
            width = metrics.horizontalAdvance(name) + 12
            room = rect.right() - (0 if number == len(chips) - 1 else 16)  # keep space for "…"
            if x + width > room:
                painter.setPen(QColor("#888888"))
                painter.drawText(QRect(x, y, 14, height), Qt.AlignmentFlag.AlignVCenter, "…")
                break
            background = QColor(color)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(background)
            painter.drawRoundedRect(QRect(x, y, width, height), 4, 4)
            painter.setPen(QColor("#ffffff") if background.lightness() < 170 else QColor("#222222"))
            painter.drawText(QRect(x, y, width, height), Qt.AlignmentFlag.AlignCenter, name)
            x += width + 4
        painter.restore()


class FollowUpDialog(QDialog):
    """Bulk: give the selected customers a follow-up date."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("设置跟进日期"))
        form = QFormLayout(self)
        form.addRow(QLabel(tr("为选中的 {n} 位客户安排跟进：", n=count)))
        self.due = QDateEdit(date.today())
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("如：新品到货通知、回访使用感受"))
        form.addRow(tr("跟进日期"), self.due)
        form.addRow(tr("事由"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class CustomersPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = CustomerTableModel(ctx, self)
        self.model.deferred = True
        self.model.completed.connect(self._update_view)
        self.filter_bar = FilterBar(ctx)
        self.filter_bar.filter_changed.connect(self._apply_filter)

        self.new_button = QPushButton(tr("新建客户"))
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_customer)
        self.bulk_button = QPushButton(tr("批量操作"))
        self.bulk_menu = QMenu(self)
        self.bulk_actions = {
            "tag": self.bulk_menu.addAction(tr("打标签…"), self.bulk_tag),
            "untag": self.bulk_menu.addAction(tr("去掉标签…"), self.bulk_untag),
            "follow_up": self.bulk_menu.addAction(tr("设置跟进日期…"), self.bulk_follow_up),
            "delete": self.bulk_menu.addAction(tr("删除（移到回收站）"), self.bulk_delete),
        }
        self.bulk_button.setMenu(self.bulk_menu)
        self.count_label = QLabel()

        self.table = QTableView()
        self.table.setObjectName("customerTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionsMovable(True)
        self.table.horizontalHeader().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.horizontalHeader().customContextMenuRequested.connect(self._header_menu)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        self.table.setItemDelegateForColumn(3, TagChipsDelegate(self.table))
        # Address-book order (备注名 by pinyin, A→Z) until the seller clicks another column.
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda index: self.open_in_window(self.model.customer_id(index.row())))

        self.empty = EmptyState(tr("还没有客户"), tr("点“新建客户”记下第一位客户，或在“今天”页面加载演示数据看看客本怎么用。"))
        self.empty.add_button(tr("新建客户")).clicked.connect(self.new_customer)
        self.no_match = EmptyState(tr("没有符合条件的客户"), tr("换个关键词试试，或清除筛选。"))
        self.no_match.add_button(tr("清除筛选")).clicked.connect(lambda: self.filter_bar.set_filter(CustomerFilter()))
        self.list_stack = QStackedWidget()
        for widget in (self.table, self.empty, self.no_match):
            self.list_stack.addWidget(widget)

        self.detail = CustomerDetail(ctx)
        self.detail.created.connect(self._created)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.list_stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([880, 520])
        self.splitter.setChildrenCollapsible(False)

        top = QHBoxLayout()
        top.addWidget(self.filter_bar, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.bulk_button)
        top.addWidget(customers_excel_button(ctx, self))  # 导入 / 导出 / 导入记录 / 模板
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.count_label)
        layout.addWidget(self.splitter, 1)

        new_action = QAction(self)
        new_action.setShortcut(QKeySequence.StandardKey.New)
        new_action.triggered.connect(self.new_customer)
        self.addAction(new_action)
        delete_action = QAction(self.table)
        delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_action.triggered.connect(self.bulk_delete)
        self.table.addAction(delete_action)

        ctx.customers_changed.connect(self._customers_changed)
        ctx.tags_changed.connect(lambda: self._customers_changed([]))
        ctx.settings_changed.connect(self._settings_changed)
        self._load_columns()
        for column, spec in enumerate(self.model.columns):
            self.table.setColumnHidden(column, spec.hidden)  # until a saved header state says otherwise
        ctx.ui_state.restore_splitter("customers", self.splitter)
        ctx.ui_state.restore_header("customers", self.table.horizontalHeader())
        self.model.deferred = False
        self.model.reload()
        self._update_view()

    # ---- state -----------------------------------------------------------------------------------

    def save_state(self) -> None:
        self.ctx.ui_state.save_splitter("customers", self.splitter)
        self.ctx.ui_state.save_header("customers", self.table.horizontalHeader())

    def _load_columns(self) -> None:
        with self.ctx.session() as session:
            fields = list_fields(session)
        self.model.set_custom_columns(fields)

    def _settings_changed(self) -> None:
        self._load_columns()
        self.model.reload()
        self._update_view()

    def _apply_filter(self, flt: CustomerFilter) -> None:
        self.model.set_filter(flt)
        self._update_view()

    def _customers_changed(self, ids: list[int]) -> None:
        if ids and all(self.model.row_of(i) is not None for i in ids):
            self.model.refresh_rows(ids)  # cheap: repaint the rows, keep order and selection
            return
        selected = self.detail.current_customer_id()
        self.model.reload()
        self._update_view()
        if selected is not None:
            self.select_customer(selected, show=False)

    def _update_view(self) -> None:
        total = len(self.model.ids)
        if total or self.model.completing:
            self.list_stack.setCurrentWidget(self.table)
        elif self.filter_bar.filter.is_empty:
            self.list_stack.setCurrentWidget(self.empty)
        else:
            self.list_stack.setCurrentWidget(self.no_match)
        self._update_count()

    def _update_count(self) -> None:
        selected = len(self.table.selectionModel().selectedRows())
        text = tr("共 {n} 位客户", n=f"{len(self.model.ids):,}")
        if self.model.completing:
            text += tr("（正在搜索笔记…）")
        if selected > 1:
            text += tr("，已选 {n} 位", n=f"{selected:,}")
        self.count_label.setText(text)
        for action in self.bulk_actions.values():
            action.setEnabled(selected > 0)

    # ---- public: used by the main window ---------------------------------------------------------

    def activate(self) -> None:
        self.table.setFocus()

    def set_search_text(self, text: str) -> None:
        self.filter_bar.search.setText(text)
        self.filter_bar.set_filter(CustomerFilter(text=text))

    def select_customer(self, customer_id: int, *, show: bool = True) -> None:
        row = self.model.row_of(customer_id)
        if row is None and show:  # not in the current filter: clear it so the customer shows
            self.filter_bar.set_filter(CustomerFilter())
            row = self.model.row_of(customer_id)
        if row is None:
            self.detail.show_customer(customer_id if show else None)
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def selected_ids(self) -> list[int]:
        return [self.model.customer_id(index.row()) for index in self.table.selectionModel().selectedRows()]

    # ---- actions ---------------------------------------------------------------------------------

    def new_customer(self) -> None:
        self.table.clearSelection()
        self.detail.start_new()

    def _created(self, customer_id: int) -> None:
        self.model.reload()
        self._update_view()
        self.select_customer(customer_id)

    def _selection_changed(self) -> None:
        self._update_count()
        current = self.table.selectionModel().currentIndex()
        rows = self.table.selectionModel().selectedRows()
        if len(rows) == 1:
            self.detail.show_customer(self.model.customer_id(rows[0].row()))
        elif not rows:
            self.detail.show_customer(None)
        elif current.isValid():
            self.detail.show_customer(self.model.customer_id(current.row()))

    def open_in_window(self, customer_id: int) -> None:
        from ui.customers.window import CustomerWindow

        CustomerWindow.open_for(self.ctx, customer_id, self)

    def _bulk(self, work_name: str, ids: list[int], work: object, *, removes: bool = False) -> None:
        """Run a bulk change in place, or off the GUI thread when the selection is large.

        `removes`: the change takes customers out of the list, which must then be re-queried.
        """
        assert callable(work)

        def run(_progress: object = None) -> int:
            with self.ctx.session() as session:
                return int(work(session))

        def done(count: object) -> None:
            self.ctx.customers_changed.emit(ids if len(ids) <= 200 and not removes else [])
            self.ctx.status_message.emit(tr("{what}：{n} 位客户", what=work_name, n=count))

        if len(ids) > BULK_IN_BACKGROUND:
            run_in_background(self, run, done, title=work_name, cancellable=False)
            return
        try:
            count = run()
        except Exception as exc:
            show_error(self, exc)
            return
        done(count)

    def bulk_tag(self) -> None:
        ids = self.selected_ids()
        tag_id = choose_tag(self.ctx, self, tr("给 {n} 位客户打标签", n=len(ids))) if ids else None
        if tag_id is not None:
            self._bulk(tr("已打标签"), ids, lambda s: tags.add_tag(s, ids, tag_id))

    def bulk_untag(self) -> None:
        ids = self.selected_ids()
        tag_id = choose_tag(self.ctx, self, tr("从 {n} 位客户身上去掉标签", n=len(ids))) if ids else None
        if tag_id is not None:
            self._bulk(tr("已去掉标签"), ids, lambda s: tags.remove_tag(s, ids, tag_id))

    def bulk_follow_up(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        dialog = FollowUpDialog(len(ids), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            due = dialog.due.date().toPython()
            reason = dialog.reason.text()
            self._bulk(tr("已安排跟进"), ids, lambda s: customers.bulk_set_follow_up(s, ids, due, reason))

    def bulk_delete(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if not confirm(self, tr("删除客户"),
                       tr("把选中的 {n} 位客户移到回收站？\n他们的笔记和购买记录会一起保留，可以在“回收站”里恢复。", n=len(ids)),
                       tr("移到回收站")):
            return
        self._bulk(tr("已移到回收站"), ids, lambda s: customers.trash_customers(s, ids), removes=True)
        self.detail.show_customer(None)

    # ---- menus -----------------------------------------------------------------------------------

    def _row_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        customer_id = self.model.customer_id(index.row())
        menu = QMenu(self)
        menu.addAction(tr("在新窗口打开"), lambda: self.open_in_window(customer_id))
        menu.addSeparator()
        for action in self.bulk_actions.values():
            menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def _header_menu(self, pos: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        menu.addSection(tr("显示的列"))
        for column, spec in enumerate(self.model.columns):
            action = menu.addAction(spec.title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column != 0)
            action.toggled.connect(lambda visible, c=column: header.setSectionHidden(c, not visible))
        menu.exec(header.mapToGlobal(pos))
