"""The 自动标签 tab: rules that keep a tag on exactly the customers meeting a condition (services.auto_tags).

The table lists each rule (name, condition in words, tag, on/off, customers tagged); the editor picks
the condition (买过某类商品 / 近12个月消费满 / 多少天没有购买 / 在某个群里), its value and a tag, and
"预览" tells how many customers would get the tag (and lose it) with sample names before it is
switched on. A rule's tag the seller took off a customer by hand stays off: the preview and the
table say "已手动去掉 N 位", and "恢复手动去掉的" lets the rule tag them again. "立即运行" runs every
switched-on rule over everyone.

Shortcuts, on this tab: Ctrl+N new rule, Enter edit, Space switch on/off, Delete delete (after asking).

Signals:
    changed(): rules were added, edited, switched or run (customers' tags changed).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services import auto_tags
from services.errors import ValidationError
from services.groups import list_groups
from services.tags import all_tags
from ui.context import AppContext
from ui.customers.tag_picker import choose_tag, color_dot
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.widgets import EmptyState, FieldError

COLUMNS = ("规则", "条件", "标签", "状态", "已打标签")
KINDS = ("category", "spend_12m", "no_purchase_days", "in_group")


class RuleDialog(QDialog):
    """Add or edit a rule; 预览 shows what it would do now. Saving leaves a new rule off; the dialog's
    "保存并开启" saves and switches it on.

    Signals:
        saved(int): the rule's id.
    """

    saved = Signal(int)

    def __init__(self, ctx: AppContext, rule_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rule_id = rule_id
        self.tag_id: int | None = None
        self.setWindowTitle(tr("编辑自动标签规则") if rule_id else tr("新建自动标签规则"))
        self.setMinimumWidth(520)
        self.kind = QComboBox()
        self.kind.setObjectName("ruleKind")
        for key in KINDS:
            self.kind.addItem(tr(auto_tags.KIND_LABELS[key]), key)
        self.category = QComboBox()
        self.category.setObjectName("ruleCategory")
        self.category.setEditable(True)
        self.category.lineEdit().setPlaceholderText(tr("商品类别，如 普洱（没有商品目录时按商品名包含这个词）"))
        self.amount = QSpinBox()
        self.amount.setObjectName("ruleAmount")
        self.amount.setRange(1, 100_000_000)
        self.amount.setValue(5000)
        self.amount.setPrefix("¥ ")
        self.amount.setGroupSeparatorShown(True)
        self.days = QSpinBox()
        self.days.setObjectName("ruleDays")
        self.days.setRange(1, 3650)
        self.days.setValue(90)
        self.days.setSuffix(tr(" 天"))
        self.group = QComboBox()
        self.group.setObjectName("ruleGroup")
        self.value_stack = QStackedWidget()
        for widget in (self.category, self.amount, self.days, self.group):
            self.value_stack.addWidget(widget)
        self.value_stack.setFixedHeight(max(w.sizeHint().height() for w in (self.category, self.amount, self.group)))
        self.tag_button = QPushButton(tr("选择标签…"))
        self.tag_button.setObjectName("ruleTag")
        self.tag_button.clicked.connect(self.pick_tag)
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("不填就用条件和标签，如：近12个月消费满 ¥5,000 → 高净值"))
        self.errors = {key: FieldError() for key in ("value", "tag_id", "name")}
        self.preview_button = QPushButton(tr("预览"))
        self.preview_button.setObjectName("rulePreview")
        self.preview_button.clicked.connect(self.preview)
        self.preview_label = QLabel(tr("先预览，看看会给多少位客户打上标签，再开启"))
        self.preview_label.setObjectName("previewText")
        self.preview_label.setWordWrap(True)
        self.preview_label.setMinimumHeight(60)
        self.preview_label.setTextFormat(Qt.TextFormat.RichText)
        form = QFormLayout()
        form.addRow(tr("条件"), self.kind)
        form.addRow(tr("值"), self.value_stack)
        form.addRow("", self.errors["value"])
        form.addRow(tr("打上标签"), self.tag_button)
        form.addRow("", self.errors["tag_id"])
        form.addRow(tr("规则名"), self.name)
        form.addRow("", self.errors["name"])
        note = QLabel(tr("自动打上的标签会标为“自动”；条件不再成立时自动摘掉。手动打的标签规则不会动。"))
        note.setObjectName("sectionHint")
        note.setWordWrap(True)
        preview_row = QHBoxLayout()
        preview_row.addWidget(self.preview_button, 0, Qt.AlignmentFlag.AlignTop)
        preview_row.addWidget(self.preview_label, 1)
        self.buttons = QDialogButtonBox()
        self.save_on_button = self.buttons.addButton(tr("保存并开启"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_on_button.setObjectName("saveAndEnable")
        self.save_button = self.buttons.addButton(tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_on_button.clicked.connect(lambda: self.save(enable=True))
        self.save_button.clicked.connect(lambda: self.save(enable=False))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addLayout(preview_row)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for signal in (self.category.currentTextChanged, self.amount.valueChanged, self.days.valueChanged,
                       self.group.currentIndexChanged):
            signal.connect(self._stale)
        self._load()

    def _load(self) -> None:
        with self.ctx.session() as session:
            categories = auto_tags.category_choices(session)
            groups = [(g.id, g.name) for g in list_groups(session)]
            rule = auto_tags.get_rule(session, self.rule_id) if self.rule_id is not None else None
            kind, params = (rule.kind, dict(rule.params or {})) if rule else ("category", {})
            name, self.tag_id = (rule.name, rule.tag_id) if rule else ("", None)
            enabled = bool(rule and rule.enabled)
        self.category.addItems(categories)
        self.category.setCurrentText(str(params.get("category", categories[0] if categories else "")))
        for gid, group_name in groups:
            self.group.addItem(group_name, gid)
        if not groups:
            self.group.addItem(tr("还没有群（先到 社群 页面建群）"), None)
        self.amount.setValue(int(params.get("cents", 500000)) // 100)
        self.days.setValue(int(params.get("days", 90)))
        if "group_id" in params:
            self.group.setCurrentIndex(max(self.group.findData(params["group_id"]), 0))
        self.kind.setCurrentIndex(KINDS.index(kind))
        self._kind_changed()
        self.name.setText(name)
        self._show_tag()
        self.save_on_button.setVisible(not enabled)
        self.save_button.setText(tr("保存并运行") if enabled else tr("保存（先不开启）"))

    def _kind_changed(self, _index: int = 0) -> None:
        self.value_stack.setCurrentIndex(self.kind.currentIndex())
        self._stale()

    def _stale(self, *_args: object) -> None:
        self.preview_label.setText(tr("条件改了：点“预览”看看会影响多少位客户"))

    def params(self) -> dict[str, Any]:
        kind = self.kind.currentData()
        if kind == "category":
            return {"category": self.category.currentText().strip()}
        if kind == "spend_12m":
            return {"cents": self.amount.value() * 100}
        if kind == "no_purchase_days":
            return {"days": self.days.value()}
        return {"group_id": self.group.currentData()}

    def set_tag(self, tag_id: int | None) -> None:
        self.tag_id = tag_id
        self._show_tag()
        self._stale()

    def pick_tag(self) -> None:
        chosen = choose_tag(self.ctx, self, tr("选择自动打上的标签"))
        if chosen is not None:
            self.set_tag(chosen)

    def _show_tag(self) -> None:
        tag = None
        if self.tag_id is not None:
            with self.ctx.session() as session:
                tag = next((x for x in all_tags(session) if x.id == self.tag_id), None)
        if tag is None:
            self.tag_button.setText(tr("选择标签…"))
            return
        self.tag_button.setIcon(color_dot(tag.color))
        self.tag_button.setText(f"{tag.group_name} / {tag.name}")

    def _show_errors(self, fields: dict[str, str]) -> None:
        for label in self.errors.values():
            label.show_message("")
        for key, message in fields.items():
            self.errors.get(key if key in self.errors else "value", self.errors["value"]).show_message(message)

    def preview(self) -> auto_tags.RulePreview | None:
        draft = auto_tags.RuleDraft(str(self.kind.currentData()), self.params(), self.tag_id or 0, self.rule_id)
        try:
            if self.tag_id is None:
                raise ValidationError({"tag_id": tr("请选择要打的标签")})
            with self.ctx.session() as session:
                result = auto_tags.preview_rule(session, draft)
        except ValidationError as exc:
            self._show_errors(exc.fields)
            self.preview_label.setText("")
            return None
        except Exception as exc:
            show_error(self, exc)
            return None
        self._show_errors({})
        self.preview_label.setText(preview_html(result))
        return result

    def save(self, enable: bool) -> None:
        try:
            with self.ctx.session() as session:
                rule_id = auto_tags.save_rule(session, str(self.kind.currentData()), self.params(), self.tag_id,
                                              self.name.text(), self.rule_id)
                if enable:
                    auto_tags.set_enabled(session, rule_id, True)
        except ValidationError as exc:
            self._show_errors(exc.fields)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.rule_id = rule_id
        self.saved.emit(rule_id)
        self.accept()


def preview_html(preview: auto_tags.RulePreview) -> str:
    import html

    text = f"<b>{html.escape(preview.summary())}</b>"
    if preview.sample_add:
        text += "<br>" + html.escape(tr("比如：{names}", names="、".join(preview.sample_add)))
    if preview.sample_remove:
        text += "<br>" + html.escape(tr("会摘掉：{names}", names="、".join(preview.sample_remove)))
    return text


class AutoTagsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rules: list[auto_tags.RuleInfo] = []
        self.dialog: QDialog | None = None
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("ruleTable")
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in {0: 240, 2: 140, 3: 80, 4: 130}.items():  # 已打标签: "26（手动去掉 3）"
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _i: self.edit_rule())
        self.new_button = QPushButton(tr("新建规则…"))
        self.new_button.setObjectName("newRule")
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(lambda: self.new_rule())
        self.edit_button = QPushButton(tr("编辑…"))
        self.edit_button.clicked.connect(lambda: self.edit_rule())
        self.toggle_button = QPushButton(tr("开启"))
        self.toggle_button.setObjectName("toggleRule")
        self.toggle_button.setToolTip(tr("空格键"))
        self.toggle_button.clicked.connect(self.toggle_rule)
        self.preview_button = QPushButton(tr("预览"))
        self.preview_button.setObjectName("previewRule")
        self.preview_button.clicked.connect(self.preview_rule)
        self.delete_button = QPushButton(tr("删除"))
        self.delete_button.clicked.connect(self.delete_rule)
        self.clear_button = QPushButton(tr("恢复手动去掉的"))
        self.clear_button.setObjectName("clearExclusions")
        self.clear_button.setToolTip(tr("手动摘掉的自动标签，规则不会再打上；恢复后，符合条件的客户会重新被打上"))
        self.clear_button.clicked.connect(self.clear_exclusions)
        self.run_button = QPushButton(tr("立即运行"))
        self.run_button.setObjectName("runRules")
        self.run_button.setToolTip(tr("按所有已开启的规则，给全部客户重新打一遍自动标签（每天启动时也会自动做一次）"))
        self.run_button.clicked.connect(self.run_now)
        self.preview_text = QLabel()
        self.preview_text.setObjectName("tabPreview")
        self.preview_text.setWordWrap(True)
        self.preview_text.setTextFormat(Qt.TextFormat.RichText)
        intro = QLabel(tr("客户的需求和行为会变，标签也要跟着变：买过普洱 → 普洱，12个月消费满 ¥5,000 → 高净值，"
                          "90天没买 → 沉睡。规则在导入、记购买、进退群之后和每天启动时自动运行；"
                          "自动打的标签在客户详情里标着“自动”，条件不再成立时自动摘掉，手动打的标签不会被动；"
                          "手动摘掉的自动标签不会再被打上。"))
        intro.setObjectName("sectionHint")
        intro.setWordWrap(True)
        self.empty = EmptyState(tr("还没有自动标签规则"), tr("让标签自己跟着客户变：买过什么、花了多少、多久没买、在哪个群。\n"
                                                              "新规则先预览，确认后再开启。"))
        self.empty.add_button(tr("新建规则…")).clicked.connect(lambda: self.new_rule())
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.toggle_button, self.preview_button, self.delete_button,
                       self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.preview_text)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._shortcut(QKeySequence.StandardKey.New, self, lambda: self.new_rule())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._shortcut(QKeySequence(key), self.table, lambda: self.edit_rule(), widget_only=True)
        self._shortcut(QKeySequence(Qt.Key.Key_Space), self.table, self.toggle_rule, widget_only=True)
        self._shortcut(QKeySequence.StandardKey.Delete, self.table, self.delete_rule, widget_only=True)
        ctx.ui_state.restore_header("loyalty/auto-tags", self.table.horizontalHeader())
        ctx.tags_changed.connect(lambda: self.isVisible() and self.reload())
        self.reload()

    def _shortcut(self, keys: QKeySequence | QKeySequence.StandardKey, owner: QWidget, slot: object, *,
                  widget_only: bool = False) -> None:
        action = QAction(owner)
        action.setShortcut(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if widget_only
                                  else Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        owner.addAction(action)

    def reload(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else (self.current_rule().id if self.current_rule() else None)
        with self.ctx.session() as session:
            self.rules = auto_tags.list_rules(session)
        self.table.setRowCount(len(self.rules))
        for row, rule in enumerate(self.rules):
            state = tr("有问题") if rule.problem else tr("已开启") if rule.enabled else tr("未开启")
            tagged = str(rule.tagged) if rule.enabled or rule.tagged else "—"
            if rule.excluded:
                tagged += tr("（手动去掉 {n}）", n=rule.excluded)
            cells = (rule.name, rule.condition, f"{rule.group_name} / {rule.tag_name}", state, tagged)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setIcon(color_dot(rule.tag_color))
                if column == 3:
                    item.setForeground(QBrush(QColor("#c62828" if rule.problem else "#2e7d32" if rule.enabled
                                                     else "#888888")))
                    item.setToolTip(rule.problem)
                if column == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    if rule.excluded:
                        item.setToolTip(tr("{n} 位客户的这个标签被手动摘掉，规则不会再给他们打上", n=rule.excluded))
                self.table.setItem(row, column, item)
            if keep == rule.id:
                self.table.selectRow(row)
        self.table.setVisible(bool(self.rules))
        self.empty.setVisible(not self.rules)
        self._update_buttons()

    def current_rule(self) -> auto_tags.RuleInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rules[rows[0].row()] if rows and rows[0].row() < len(self.rules) else None

    def select_rule(self, rule_id: int) -> None:
        for row, rule in enumerate(self.rules):
            if rule.id == rule_id:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        rule = self.current_rule()
        for button in (self.edit_button, self.toggle_button, self.preview_button, self.delete_button):
            button.setEnabled(rule is not None)
        self.toggle_button.setText(tr("关闭") if rule and rule.enabled else tr("开启"))
        self.clear_button.setEnabled(rule is not None and rule.excluded > 0)
        self.run_button.setEnabled(any(r.enabled for r in self.rules))
        self.preview_text.setText("")

    def _open(self, dialog: RuleDialog) -> RuleDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.saved.connect(self._rule_saved)  # a bound method: a lambda here crashes PySide on delete
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _rule_saved(self, rule_id: int) -> None:
        self.reload(rule_id)
        self._changed()

    def new_rule(self) -> RuleDialog:
        return self._open(RuleDialog(self.ctx, parent=self))

    def edit_rule(self) -> RuleDialog | None:
        rule = self.current_rule()
        return self._open(RuleDialog(self.ctx, rule.id, parent=self)) if rule else None

    def preview_rule(self) -> auto_tags.RulePreview | None:
        rule = self.current_rule()
        if rule is None:
            return None
        try:
            with self.ctx.session() as session:
                result = auto_tags.preview_rule(session, auto_tags.get_rule(session, rule.id))
        except Exception as exc:
            show_error(self, exc)
            return None
        self.preview_text.setText(tr("“{name}”现在运行的话：", name=rule.name) + preview_html(result))
        return result

    def toggle_rule(self) -> None:
        rule = self.current_rule()
        if rule is None:
            return
        if rule.enabled and rule.tagged and not confirm(self, tr("关闭规则"), tr(
                "关闭“{name}”？\n\n它自动打上的 {n} 个标签会被摘掉（手动打的不动）。", name=rule.name, n=rule.tagged),
                tr("关闭")):
            return
        try:
            with self.ctx.session() as session:
                result = auto_tags.set_enabled(session, rule.id, not rule.enabled)
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload(rule.id)
        self.ctx.status_message.emit(tr("已开启“{name}”：打上 {a} 个标签，摘掉 {r} 个", name=rule.name,
                                        a=result["added"], r=result["removed"]) if not rule.enabled
                                     else tr("已关闭“{name}”，摘掉 {r} 个自动标签", name=rule.name, r=result["removed"]))
        self._changed()

    def delete_rule(self) -> None:
        rule = self.current_rule()
        if rule is None or not confirm(self, tr("删除规则"), tr(
                "删除规则“{name}”？\n\n它自动打上的 {n} 个标签会一起摘掉（手动打的不动）。", name=rule.name,
                n=rule.tagged), tr("删除")):
            return
        try:
            with self.ctx.session() as session:
                auto_tags.delete_rule(session, rule.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload()
        self._changed()

    def clear_exclusions(self) -> None:
        """Let the rule tag again the customers the seller took its tag off by hand."""
        rule = self.current_rule()
        if rule is None or not rule.excluded or not confirm(self, tr("恢复手动去掉的"), tr(
                "“{name}”的标签曾被手动从 {n} 位客户身上摘掉，规则一直没有再打上。\n\n恢复后，其中仍符合条件的客户"
                "会重新被打上（规则开启时立即生效）。", name=rule.name, n=rule.excluded), tr("恢复")):
            return
        try:
            with self.ctx.session() as session:
                cleared = auto_tags.clear_exclusions(session, rule.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload(rule.id)
        self.ctx.status_message.emit(tr("已恢复 {n} 位客户，“{name}”会照常给他们打标签", n=cleared, name=rule.name))
        self._changed()

    def run_now(self) -> None:
        from ui.background import run_in_background

        store = self.ctx.store

        def work(_progress: object) -> dict[str, int]:
            with store.db.session() as session:
                return auto_tags.run_now(session)

        def done(result: dict[str, int]) -> None:
            self.reload()
            self.ctx.status_message.emit(tr("自动标签已更新：打上 {a} 个，摘掉 {r} 个", a=result["added"],
                                            r=result["removed"]))
            self._changed()

        run_in_background(self, work, done, title=tr("正在运行自动标签规则"))

    def _changed(self) -> None:
        self.changed.emit()
        self.ctx.customers_changed.emit([])
        self.ctx.tags_changed.emit()

    def activate(self) -> None:
        self.reload()

    def save_state(self) -> None:
        self.ctx.ui_state.save_header("loyalty/auto-tags", self.table.horizontalHeader())
