"""Choosing a script for a customer, seeing it filled in and copying it in one click.

    ScriptPickerDialog(ctx, customer_id, category=None, script_id=None, parent=None)

Today and the customer detail open it for a known customer (`category` preselects 回访, 唤醒 …); the
话术 tab opens it for a chosen script and lets the seller pick the customer (name, 备注名, pinyin
initials such as "wl", WeChat ID or phone). The filled text can be touched up before copying;
gaps — placeholders the customer has no value for — are shown on red and named. Copying puts the text
on the clipboard, counts the use and closes the dialog.

Signals:
    copied(int, str): the script's id and the text that went to the clipboard.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from services.customer_query import CustomerFilter, customer_ids, customer_rows
from services.errors import NotFoundError
from services.library import (
    CustomerInfo,
    ScriptRow,
    customer_info,
    fill_script,
    list_scripts,
    record_script_use,
    script_categories,
)
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr
from ui.library.common import ALL, filled_html

MAX_CUSTOMERS = 30


class CustomerChooser(QWidget):
    """A search box with the matching customers under it; or the chosen customer with 换一位.

    Signals:
        chosen(object): the customer's id, or None when cleared.
    """

    chosen = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, placeholder: str | None = None,
                 hint: str | None = None, prefix: str | None = None) -> None:
        """`placeholder` for the search box, `hint` under it, `prefix` before the chosen name (each
        has a default suited to picking a customer for a script)."""
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id: int | None = None
        self.search = QLineEdit()
        self.search.setObjectName("customerSearch")
        self.search.setPlaceholderText(placeholder or tr("搜索客户：姓名、备注名、拼音（如 wl）、微信号或手机"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("customerResults")
        self.results.setMaximumHeight(150)
        self.start_hint = hint if hint is not None else tr("先选一位客户，话术里的 {称呼} {产品} 等就会换成TA的资料")
        self.hint = QLabel(self.start_hint)
        self.hint.setVisible(bool(self.start_hint))
        self.hint.setObjectName("sectionHint")
        self.name = QLabel()
        self.name.setObjectName("chosenCustomer")
        self.name.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.change = QPushButton(tr("换一位"))
        self.change.clicked.connect(self.clear)
        chosen_row = QWidget()
        row = QHBoxLayout(chosen_row)
        row.setContentsMargins(0, 0, 0, 0)
        if prefix != "":
            row.addWidget(QLabel(prefix or tr("客户：")))
        row.addWidget(self.name)
        row.addStretch(1)
        row.addWidget(self.change)
        searching = QWidget()
        column = QVBoxLayout(searching)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.hint)
        column.addWidget(self.results)
        self.stack = QStackedWidget()
        self.stack.addWidget(searching)
        self.stack.addWidget(chosen_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.installEventFilter(self)  # Enter chooses the first customer (and does not copy yet)
        self.results.itemActivated.connect(self._choose_item)
        self.results.itemClicked.connect(self._choose_item)
        self.results.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.search and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._choose_first()
            return True
        return super().eventFilter(watched, event)

    def run_search(self) -> None:
        text = self.search.text().strip()
        self.results.clear()
        if not text:
            self.results.hide()
            self.hint.setText(self.start_hint)
            self.hint.setVisible(bool(self.start_hint))
            return
        with self.ctx.session() as session:
            ids = customer_ids(session, CustomerFilter(text=text), sort="remark_name", descending=False,
                               limit=MAX_CUSTOMERS, notes=False)
            rows = customer_rows(session, ids)
        for cid in ids:
            row = rows[cid]
            extra = "  ".join(x for x in (row.wechat_id, row.phone) if x)
            item = QListWidgetItem(f"{row.remark_name}    {extra}" if extra else row.remark_name)
            item.setData(Qt.ItemDataRole.UserRole, cid)
            self.results.addItem(item)
        self.results.setVisible(bool(ids))
        self.hint.setVisible(True)
        self.hint.setText(tr("没有找到“{text}”，换个写法试试（拼音首字母、手机号后四位也行）", text=text) if not ids
                          else tr("点一下选中；回车选第一位"))

    def set_customer(self, customer_id: int | None, name: str = "") -> None:
        self.customer_id = customer_id
        if customer_id is None:
            self.stack.setCurrentIndex(0)
        else:
            self.name.setText(name)
            self.stack.setCurrentIndex(1)
        self.chosen.emit(customer_id)

    def clear(self) -> None:
        self.set_customer(None)
        self.search.setFocus()
        self.search.selectAll()

    def _choose_item(self, item: QListWidgetItem) -> None:
        name = item.text().split("    ", 1)[0]
        self.set_customer(int(item.data(Qt.ItemDataRole.UserRole)), name)

    def _choose_first(self) -> None:
        self._timer.stop()
        self.run_search()
        if self.results.count():
            self._choose_item(self.results.item(0))


class ScriptPickerDialog(QDialog):
    """Pick a script, see it filled for the customer, copy it (see the module docstring)."""

    copied = Signal(int, str)

    def __init__(self, ctx: AppContext, customer_id: int | None, category: str | None = None,
                 script_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.info: CustomerInfo | None = None
        self.scripts: list[ScriptRow] = []
        self.setWindowTitle(tr("复制话术"))
        self.setMinimumSize(820, 560)
        self.chooser = CustomerChooser(ctx)
        self.search = QLineEdit()
        self.search.setObjectName("scriptSearch")
        self.search.setPlaceholderText(tr("搜索话术"))
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.category.setObjectName("scriptCategory")
        self.list = QListWidget()
        self.list.setObjectName("scriptList")
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setObjectName("sectionHint")
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.preview = QTextEdit()
        self.preview.setObjectName("filledPreview")
        self.preview.setAcceptRichText(False)
        self.preview.setToolTip(tr("可以直接在这里改，复制的是改好的文字"))
        self.missing = QLabel()
        self.missing.setObjectName("missingPlaceholders")
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet("color: #b71c1c;")
        self.copy_button = QPushButton(tr("复制到剪贴板"))
        self.copy_button.setObjectName("copyScript")
        self.copy_button.setDefault(True)
        self.copy_button.setToolTip("Ctrl+Enter")
        self.copy_button.clicked.connect(self.copy)
        cancel = QPushButton(tr("关闭"))
        cancel.clicked.connect(self.reject)

        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.category)
        left_column.addLayout(filters)
        left_column.addWidget(self.list, 1)
        left_column.addWidget(self.empty)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.title)
        right_column.addWidget(self.preview, 1)
        right_column.addWidget(self.missing)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([320, 480])
        splitter.setChildrenCollapsible(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chooser)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.copy)

        self._fill_categories(category)
        self.chooser.chosen.connect(self._customer_chosen)
        self.search.textChanged.connect(lambda _t: self.reload())
        self.category.currentIndexChanged.connect(lambda _i: self.reload())
        self.list.currentItemChanged.connect(lambda _c, _p: self.refresh_preview())
        self.list.itemDoubleClicked.connect(lambda _item: self.copy())
        self.reload(select_id=script_id)
        if customer_id is not None:
            self._load_customer(customer_id)
        else:
            self._customer_chosen(None)
            self.chooser.search.setFocus()

    # ---- filling --------------------------------------------------------------------------------

    def _fill_categories(self, category: str | None) -> None:
        with self.ctx.session() as session:
            categories = [name for name, count in script_categories(session) if count]
        self.category.addItem(tr("全部分类"), ALL)
        for name in categories:
            self.category.addItem(tr(name), name)
        if category:
            index = self.category.findData(category)
            if index >= 0:
                self.category.setCurrentIndex(index)

    def _load_customer(self, customer_id: int) -> None:
        try:
            with self.ctx.session() as session:
                info = customer_info(session, customer_id)
        except NotFoundError as exc:
            self.chooser.set_customer(None)
            self.missing.setText(exc.message)
            return
        self.chooser.set_customer(customer_id, info.remark_name)

    def _customer_chosen(self, customer_id: int | None) -> None:
        self.info = None
        if customer_id is not None:
            self.list.setFocus()  # the next Enter copies (the dialog's default button)
            try:
                with self.ctx.session() as session:
                    self.info = customer_info(session, customer_id)
            except Exception as exc:
                show_error(self, exc)
        self.refresh_preview()

    def reload(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.current_script_id()
        category = self.category.currentData()
        with self.ctx.session() as session:
            self.scripts = list_scripts(session, self.search.text(), None if category in (None, ALL) else category)
        self.list.blockSignals(True)
        self.list.clear()
        for script in self.scripts:
            uses = tr("用过 {n} 次", n=script.use_count) if script.use_count else tr("还没用过")
            item = QListWidgetItem(f"{script.title}\n{tr(script.category)} · {uses}")
            item.setData(Qt.ItemDataRole.UserRole, script.id)
            item.setToolTip(script.body)
            self.list.addItem(item)
        rows = [s.id for s in self.scripts]
        self.list.setCurrentRow(rows.index(keep) if keep in rows else 0 if rows else -1)
        self.list.blockSignals(False)
        self.empty.setText("" if rows else tr("没有找到话术。") if self.search.text().strip() or category != ALL
                           else tr("话术库还是空的：到“素材话术”页面新建，或载入示例话术。"))
        self.empty.setVisible(not rows)
        self.refresh_preview()

    def current_script_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def current_script(self) -> ScriptRow | None:
        chosen = self.current_script_id()
        return next((s for s in self.scripts if s.id == chosen), None)

    def refresh_preview(self) -> None:
        script = self.current_script()
        self.copy_button.setEnabled(script is not None)
        if script is None:
            self.title.setText("")
            self.preview.clear()
            self.missing.setText("")
            return
        filled = fill_script(script.body, self.info)
        self.title.setText(script.title)
        self.preview.setHtml(filled_html(filled.segments))
        if self.info is None:
            self.missing.setText(tr("还没选客户：标红的地方会换成客户的资料。"))
        elif filled.missing:
            self.missing.setText(tr("{name} 没有 {what} 的资料，标红处请复制后在微信里补上或删掉（也可以直接在上面改）。",
                                    name=self.info.remark_name, what="、".join(filled.missing)))
        else:
            self.missing.setText("")

    # ---- copying --------------------------------------------------------------------------------

    def text(self) -> str:
        return self.preview.toPlainText()

    def copy(self) -> None:
        """Copy the (possibly touched-up) text, count the use, close."""
        script = self.current_script()
        if script is None:
            return
        text = self.text()
        QGuiApplication.clipboard().setText(text)
        try:
            with self.ctx.session() as session:
                record_script_use(session, script.id)
        except Exception as exc:  # the text is on the clipboard all the same
            show_error(self, exc)
        who = tr("，去微信里粘贴发给 {name}", name=self.info.remark_name) if self.info is not None else ""
        self.ctx.status_message.emit(tr("已复制话术“{title}”", title=script.title) + who)
        self.copied.emit(script.id, text)
        self.accept()
