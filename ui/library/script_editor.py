"""Writing a script: title, category (a default one or a new one typed in), the text with buttons that
insert {称呼} {姓名} {产品} {上次购买} at the cursor, and a live preview for an example customer."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.library import PLACEHOLDERS
from services.errors import ValidationError
from services.library import ScriptInput, ScriptRow, create_script, placeholders_in, update_script
from services.library_fill import CustomerInfo, fill_script
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr
from ui.library.common import PLACEHOLDER_HINTS, filled_html
from ui.widgets import FieldError

EXAMPLE = CustomerInfo("王丽-白茶", "王丽", "女", 1986, "2019年老白茶饼", "2019年老白茶饼", date.today() - timedelta(days=21))


class ScriptDialog(QDialog):
    """New or edited script; OK saves through services.library (errors shown under their field)."""

    def __init__(self, ctx: AppContext, categories: list[str], script: ScriptRow | None = None,
                 category: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.script_id = script.id if script is not None else None
        self.saved_id: int | None = None
        self.setWindowTitle(tr("编辑话术") if script is not None else tr("新建话术"))
        self.setMinimumSize(640, 560)
        self.title = QLineEdit(script.title if script else "")
        self.title.setPlaceholderText(tr("不填就用内容的开头，如“到货后回访”"))
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems(categories)
        self.category.setCurrentText(script.category if script else (category or "其他"))
        self.category.lineEdit().setPlaceholderText(tr("选一个，或输入新的分类"))
        self.body = QPlainTextEdit(script.body if script else "")
        self.body.setPlaceholderText(tr("例如：{称呼}，上次的{产品}用得怎么样？有什么问题随时找我～"))
        self.body.setMinimumHeight(150)
        self.errors = {key: FieldError() for key in ("title", "category", "body")}
        self.unknown = FieldError()
        self.unknown.setStyleSheet("color: #e65100; font-size: 12px;")
        self.preview = QTextBrowser()
        self.preview.setObjectName("scriptPreview")
        self.preview.setMaximumHeight(120)

        inserts = QHBoxLayout()
        inserts.addWidget(QLabel(tr("插入：")))
        self.insert_buttons: dict[str, QPushButton] = {}
        for placeholder in PLACEHOLDERS:
            button = QPushButton(placeholder)
            button.setToolTip(tr(PLACEHOLDER_HINTS[placeholder]))
            button.clicked.connect(lambda _=False, p=placeholder: self.insert(p))
            inserts.addWidget(button)
            self.insert_buttons[placeholder] = button
        inserts.addStretch(1)

        form = QFormLayout()
        form.addRow(tr("标题"), self._with_error(self.title, "title"))
        form.addRow(tr("分类"), self._with_error(self.category, "category"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        hint = QLabel(tr("占位符在给客户使用时自动换成TA的资料；没有资料的会标红提醒，不会乱填。"))
        hint.setObjectName("sectionHint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("内容")))
        layout.addWidget(self.body, 1)
        layout.addWidget(self.errors["body"])
        layout.addLayout(inserts)
        layout.addWidget(hint)
        layout.addWidget(self.unknown)
        layout.addWidget(QLabel(tr("预览（示例客户：王丽，女，最近买过 2019年老白茶饼）")))
        layout.addWidget(self.preview)
        layout.addWidget(buttons)
        self.body.textChanged.connect(self._update_preview)
        self._update_preview()
        self.body.setFocus()

    def _with_error(self, widget: QWidget, key: str) -> QWidget:
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(self.errors[key])
        return cell

    def insert(self, placeholder: str) -> None:
        """Put a placeholder at the cursor (replacing a selection)."""
        self.body.insertPlainText(placeholder)
        self.body.setFocus()

    def _update_preview(self) -> None:
        body = self.body.toPlainText()
        self.preview.setHtml(filled_html(fill_script(body, EXAMPLE).segments) if body.strip()
                             else f'<span style="color:#888;">{tr("写好内容后，这里显示填好名字的样子")}</span>')
        unknown = placeholders_in(body)[1]
        self.unknown.show_message(tr("{words} 不是客本认识的占位符，使用时会原样保留", words="、".join(unknown))
                                  if unknown else "")

    def value(self) -> ScriptInput:
        return ScriptInput(self.title.text(), self.category.currentText(), self.body.toPlainText())

    def accept(self) -> None:
        for label in self.errors.values():
            label.show_message("")
        try:
            with self.ctx.session() as session:
                if self.script_id is None:
                    self.saved_id = create_script(session, self.value())
                else:
                    update_script(session, self.script_id, self.value())
                    self.saved_id = self.script_id
        except ValidationError as exc:
            for key, message in exc.fields.items():
                self.errors.get(key, self.errors["body"]).show_message(message)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        super().accept()
