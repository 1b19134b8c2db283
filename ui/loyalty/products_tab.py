"""The 商品 tab: the catalogue with what each product sold (units, revenue, buyers, last sold), filters
by text, category and 在售, the add / edit dialog, delete to the 回收站, linking purchases written as
free text to the catalogue, and the sales report by product and category.

Shortcuts, on this tab: Ctrl+N new product, Ctrl+F filter, Enter edit, Delete move to the 回收站.

Signals:
    changed(): products were added, edited or deleted.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services import products as prod
from services.errors import UserError, ValidationError
from services.timeline import money, parse_money
from ui.context import AppContext
from ui.customers.profile_form import with_error
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.widgets import EmptyState, FieldError

COLUMNS = ("名称", "分类", "价格", "复购周期", "在售", "售出件数", "销售额", "买家", "最近售出", "备注")
NUMERIC = {2, 3, 5, 6, 7}


def make_table(columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels([tr(c) for c in columns])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
    table.horizontalHeader().setSectionsMovable(True)
    return table


def cell(text: str, data: object = None, *, right: bool = False, sort: object = None) -> QTableWidgetItem:
    item = SortItem(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    item.setData(Qt.ItemDataRole.UserRole + 1, text if sort is None else sort)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class SortItem(QTableWidgetItem):
    """Sorts by the value kept under UserRole + 1 (numbers as numbers, empty last)."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(Qt.ItemDataRole.UserRole + 1), other.data(Qt.ItemDataRole.UserRole + 1)
        try:
            return bool(mine < theirs)
        except TypeError:
            return str(mine) < str(theirs)


def add_shortcut(owner: QWidget, keys: QKeySequence | QKeySequence.StandardKey, slot: object, *,
                 widget_only: bool = False) -> None:
    action = QAction(owner)
    action.setShortcut(keys)
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if widget_only
                              else Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    owner.addAction(action)


class ProductDialog(QDialog):
    """Add or edit one product; errors show under their field and keep the dialog open."""

    def __init__(self, ctx: AppContext, product_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.product_id = ctx, product_id
        self.saved_id: int | None = None
        self.setWindowTitle(tr("编辑商品") if product_id else tr("新建商品"))
        self.setMinimumWidth(460)
        with ctx.session() as session:
            existing = prod.get_product(session, product_id) if product_id else None
            known = prod.categories(session)
        self.name = QLineEdit(existing.name if existing else "")
        self.name.setObjectName("productName")
        self.name.setPlaceholderText(tr("如 2019 易武古树普洱 357g"))
        self.category = QComboBox()
        self.category.setObjectName("productCategory")
        self.category.setEditable(True)
        self.category.addItems(["", *known])
        self.category.setCurrentText(existing.category if existing else "")
        self.category.lineEdit().setPlaceholderText(tr("如 普洱、白茶、护肤品"))
        self.price = QLineEdit(f"{existing.price_cents / 100:.2f}".removesuffix(".00") if existing else "")
        self.price.setObjectName("productPrice")
        self.price.setPlaceholderText(tr("零售价，如 1280"))
        self.has_cycle = QCheckBox(tr("到期提醒复购"))
        self.cycle = QSpinBox()
        self.cycle.setObjectName("productCycle")
        self.cycle.setRange(1, prod.MAX_CYCLE)
        self.cycle.setSuffix(tr(" 天"))
        self.cycle.setValue(existing.cycle_days or 60 if existing else 60)
        self.has_cycle.setChecked(bool(existing and existing.cycle_days))
        self.cycle.setEnabled(self.has_cycle.isChecked())
        self.has_cycle.toggled.connect(self.cycle.setEnabled)
        cycle_row = QWidget()
        row = QHBoxLayout(cycle_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.has_cycle)
        row.addWidget(self.cycle)
        row.addStretch(1)
        self.active = QCheckBox(tr("在售"))
        self.active.setChecked(existing.active if existing else True)
        self.note = QPlainTextEdit(existing.note if existing else "")
        self.note.setFixedHeight(64)
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout()
        for key, label, widget in (("name", tr("名称 *"), self.name), ("category", tr("分类"), self.category),
                                   ("price_cents", tr("价格（元）"), self.price),
                                   ("cycle_days", tr("复购周期"), cycle_row), ("active", "", self.active),
                                   ("note", tr("备注"), self.note)):
            container, self.errors[key] = with_error(widget)
            form.addRow(label, container)
        hint = QLabel(tr("复购周期：一份大约用多少天。买了这件商品的客户，到期会出现在“今天 → 该复购了”。"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #777;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.name.setFocus()

    def save(self) -> None:
        for label in self.errors.values():
            label.show_message("")
        try:
            cents = parse_money(self.price.text())
        except ValueError as exc:
            self.errors["price_cents"].show_message(str(exc))
            return
        data = prod.ProductInput(self.name.text(), self.category.currentText(), cents,
                                 self.cycle.value() if self.has_cycle.isChecked() else None,
                                 self.note.toPlainText(), self.active.isChecked())
        try:
            with self.ctx.session() as session:
                if self.product_id is None:
                    self.saved_id = prod.create_product(session, data)
                else:
                    prod.update_product(session, self.product_id, data)
                    self.saved_id = self.product_id
                prod.link_purchases(session)  # purchases that name it (quick: the unlinked ones only)
                session.commit()
        except ValidationError as exc:
            for key, message in exc.fields.items():
                target = self.errors.get(key)
                if target is None:
                    show_error(self, UserError(message))
                else:
                    target.show_message(message)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()


class SalesDialog(QDialog):
    """销售报表: sales by product and by category between two dates."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("销售报表"))
        self.resize(760, 560)
        today = date.today()
        self.start = QDateEdit(QDate(today - timedelta(days=365)))
        self.end = QDateEdit(QDate(today))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _d: self.reload())
        self.summary = QLabel()
        self.summary.setObjectName("salesSummary")
        self.by_category = make_table(("分类", "件数", "订单", "销售额", "买家"), "salesByCategory")
        self.by_product = make_table(("商品", "分类", "件数", "订单", "销售额", "买家"), "salesByProduct")
        self.by_category.setMaximumHeight(200)
        for table in (self.by_category, self.by_product):
            header = table.horizontalHeader()
            header.setSectionResizeMode(table.columnCount() - 1, QHeaderView.ResizeMode.Interactive)
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # best-selling first, as the report gives them
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("从")))
        top.addWidget(self.start)
        top.addWidget(QLabel(tr("到")))
        top.addWidget(self.end)
        top.addStretch(1)
        top.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel(tr("按分类")))
        layout.addWidget(self.by_category)
        layout.addWidget(QLabel(tr("按商品")))
        layout.addWidget(self.by_product, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        with self.ctx.session() as session:
            report = prod.sales_report(session, self.start.date().toPython(), self.end.date().toPython())  # type: ignore[arg-type]
        self.summary.setText(tr("共 {orders} 笔，销售额 {money}", orders=f"{report.orders:,}",
                                money=money(report.revenue_cents)))
        self._fill(self.by_category, [[c.name, c.units, c.orders, c.revenue_cents, c.buyers] for c in report.categories],
                   money_column=3)
        self._fill(self.by_product, [[p.name, p.category, p.units, p.orders, p.revenue_cents, p.buyers]
                                     for p in report.products], money_column=4)

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[object]], money_column: int) -> None:
        table.setSortingEnabled(False)
        table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                if isinstance(value, int):
                    text = money(value) if c == money_column else f"{value:,}"
                    table.setItem(r, c, cell(text, right=True, sort=value))
                else:
                    table.setItem(r, c, cell(str(value)))
        table.setSortingEnabled(True)
        for column in range(1, table.columnCount()):
            table.resizeColumnToContents(column)


class ProductsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[prod.ProductRow] = []
        self.dialog: QDialog | None = None
        self.search = QLineEdit()
        self.search.setObjectName("productSearch")
        self.search.setPlaceholderText(tr("搜索商品名称、分类、备注  Ctrl+F"))
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.category.setObjectName("productCategoryFilter")
        self.category.setMinimumWidth(120)
        self.active_only = QCheckBox(tr("只看在售"))
        self.new_button = QPushButton(tr("新建商品…"))
        self.new_button.setObjectName("newProduct")
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(lambda: self.new_product())
        self.table = make_table(COLUMNS, "productTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the catalogue's order
        self.table.setSortingEnabled(True)
        for column, width in {0: 230, 1: 80, 2: 90, 3: 96, 4: 64, 5: 96, 6: 110, 7: 70, 8: 110}.items():
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _i: self.edit_product())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.totals = QLabel()
        self.totals.setObjectName("productTotals")
        self.link_button = QPushButton(tr("匹配购买记录"))
        self.link_button.setToolTip(tr("把手写商品名的购买记录和目录里的商品对上（名称相同，或包含商品名称）"))
        self.link_button.clicked.connect(self.link_purchases)
        self.report_button = QPushButton(tr("销售报表…"))
        self.report_button.clicked.connect(self.open_report)
        self.edit_button = QPushButton(tr("编辑"))
        self.edit_button.clicked.connect(lambda: self.edit_product())
        self.delete_button = QPushButton(tr("删除"))
        self.delete_button.setToolTip("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.empty = EmptyState(tr("商品目录还是空的"), tr(
            "把卖的商品记下来：分类、价格，和一份大约用多少天（复购周期）。\n"
            "购买记录选了商品，就能按商品看销量，到期自动提醒复购。"))
        self.empty.setObjectName("productsEmpty")
        self.empty.add_button(tr("新建商品…")).clicked.connect(lambda: self.new_product())
        self.empty.add_button(tr("从 Excel 导入商品…")).clicked.connect(self._import)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.category)
        filters.addWidget(self.active_only)
        filters.addWidget(self.new_button)
        actions = QHBoxLayout()
        actions.addWidget(self.totals, 1)
        for button in (self.link_button, self.report_button, self.edit_button, self.delete_button):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(actions)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.category.currentIndexChanged.connect(lambda _i: self.reload())
        self.active_only.toggled.connect(lambda _on: self.reload())
        add_shortcut(self, QKeySequence.StandardKey.New, lambda: self.new_product())
        add_shortcut(self, QKeySequence.StandardKey.Find, self.focus_search)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            add_shortcut(self.table, QKeySequence(key), lambda: self.edit_product(), widget_only=True)
        add_shortcut(self.table, QKeySequence.StandardKey.Delete, self.delete_selected, widget_only=True)
        ctx.ui_state.restore_header("loyalty/products-table", self.table.horizontalHeader())
        self.reload()

    def _import(self) -> None:
        page = self.parent()
        while page is not None and not hasattr(page, "import_kind"):
            page = page.parent()
        if page is not None:
            page.import_kind("products")  # type: ignore[attr-defined]

    def reload(self) -> None:
        chosen = {r.id for r in self.selected_products()}
        category = self.category.currentData()
        with self.ctx.session() as session:
            cats = prod.categories(session)
            self.rows = prod.list_products(session, self.search.text(), category,
                                           True if self.active_only.isChecked() else None)
            total = len(prod.product_names(session, active_only=False))
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(tr("全部分类"), None)
        for name in cats:
            self.category.addItem(name, name)
        self.category.setCurrentIndex(max(0, self.category.findData(category)) if category else 0)
        self.category.blockSignals(False)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.rows))
        for r, p in enumerate(self.rows):
            values = [
                cell(p.name, p.id), cell(p.category), cell(money(p.price_cents), right=True, sort=p.price_cents),
                cell(tr("{n} 天", n=p.cycle_days) if p.cycle_days else "—", right=True, sort=p.cycle_days or 0),
                cell(tr("在售") if p.active else tr("停售")),
                cell(f"{p.units:,}" if p.units else "", right=True, sort=p.units),
                cell(money(p.revenue_cents) if p.revenue_cents else "", right=True, sort=p.revenue_cents),
                cell(f"{p.buyers:,}" if p.buyers else "", right=True, sort=p.buyers),
                cell(p.last_sold_on.isoformat() if p.last_sold_on else "", sort=p.last_sold_on or date.min),
                cell(p.note.replace("\n", " ")),
            ]
            for c, item in enumerate(values):
                if not p.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(r, c, item)
            if p.id in chosen:
                self.table.selectRow(r)
        self.table.setSortingEnabled(True)
        empty = total == 0
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)
        revenue = sum(p.revenue_cents for p in self.rows)
        self.totals.setText(tr("{n} 件商品　已关联的销售额 {money}", n=len(self.rows), money=money(revenue)))
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected_products()
        self.edit_button.setEnabled(len(chosen) == 1)
        self.delete_button.setEnabled(bool(chosen))

    def selected_products(self) -> list[prod.ProductRow]:
        by_id = {p.id: p for p in self.rows}
        ids = [self.table.item(index.row(), 0).data(Qt.ItemDataRole.UserRole)
               for index in self.table.selectionModel().selectedRows() if self.table.item(index.row(), 0)]
        return [by_id[i] for i in ids if i in by_id]

    def select_product(self, product_id: int) -> None:
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == product_id:
                self.table.selectRow(r)
                return

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(lambda: self._after_change(getattr(dialog, "saved_id", None)))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _after_change(self, product_id: int | None = None) -> None:
        self.reload()
        if product_id is not None:
            self.select_product(product_id)
        self.changed.emit()

    def new_product(self) -> QDialog:
        return self._open(ProductDialog(self.ctx, parent=self))

    def edit_product(self) -> QDialog | None:
        chosen = self.selected_products()
        return self._open(ProductDialog(self.ctx, chosen[0].id, parent=self)) if len(chosen) == 1 else None

    def open_report(self) -> QDialog:
        return self._open(SalesDialog(self.ctx, parent=self))

    def delete_selected(self) -> None:
        chosen = self.selected_products()
        if not chosen or not confirm(self, tr("删除商品"), tr(
                "把选中的 {n} 件商品移到回收站吗？\n\n购买记录里写的商品名称都会保留；在 回收站 里随时可以恢复。",
                n=len(chosen)), tr("移到回收站")):
            return
        try:
            with self.ctx.session() as session:
                prod.trash_products(session, [p.id for p in chosen])
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.status_message.emit(tr("已把 {n} 件商品移到回收站", n=len(chosen)))
        self._after_change()

    def link_purchases(self) -> None:
        from ui.background import run_in_background

        store = self.ctx.store

        def work(_progress: object) -> int:
            with store.db.session() as session:
                linked = prod.link_purchases(session)
                session.commit()
                return linked

        def done(linked: int) -> None:
            self.ctx.status_message.emit(tr("已把 {n} 条购买记录对上了商品", n=f"{linked:,}"))
            self._after_change()

        run_in_background(self, work, done, title=tr("匹配购买记录"))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def activate(self) -> None:
        self.reload()

    def save_state(self) -> None:
        self.ctx.ui_state.save_header("loyalty/products-table", self.table.horizontalHeader())
