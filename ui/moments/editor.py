"""新建 / 编辑朋友圈: time, WeChat account, text (with its length), up to 9 images, content pillar,
visibility rule with its reach, status, weekly repeat and a note. 从素材库插入 puts a text material's
words at the cursor or adds an image material. An existing post can also be copied as a new 草稿 or
moved to the 回收站 from here.

After `run_dialog`, `saved_id` is the post's id and `action` says what happened: "saved",
"duplicated" (saved_id is the copy) or "trashed".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.moments import POST_STATUSES
from services import moments as m
from services.accounts import list_accounts
from services.errors import ValidationError
from services.moments import PostInput, PostRow
from ui.context import AppContext
from ui.customers.tag_picker import color_dot
from ui.errors import confirm, show_error
from ui.groups.common import date_edit, qdate
from ui.i18n import tr
from ui.moments import common
from ui.moments.images import ImageStrip
from ui.moments.pillars import PillarDialog
from ui.moments.visibility import VisibilityBox
from ui.widgets import FieldError

FOLD_LINES = 6  # WeChat folds a longer text behind 全文


def next_slot(day: date | None = None) -> datetime:
    """A sensible time for a new post: the next full hour (or 10:00 on another day)."""
    now = datetime.now()
    if day is None or day == now.date():
        return (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return datetime.combine(day, datetime.min.time()).replace(hour=10)


class PostEditor(QDialog):
    def __init__(self, ctx: AppContext, post_id: int | None = None, when: datetime | None = None,
                 account_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.post: PostRow | None = None
        if post_id is not None:
            with ctx.session() as session:
                self.post = m.get_post(session, post_id)
        self.saved_id: int | None = None
        self.action = ""
        self.setWindowTitle(tr("编辑朋友圈") if self.post else tr("新建朋友圈"))
        self.setMinimumSize(760, 720)
        self.errors: dict[str, FieldError] = {}
        self._build(when, account_id)
        self._fill()
        self.text.setFocus()

    # ---- building ----------------------------------------------------------------------------------

    def _build(self, when: datetime | None, account_id: int | None) -> None:
        post = self.post
        self.planned_at = common.datetime_edit(post.planned_at if post else when or next_slot())
        self.account = QComboBox()
        self.account.addItem(tr("未指定微信号"), None)
        with self.ctx.session() as session:
            for account in list_accounts(session, counts=False):
                self.account.addItem(account.name, account.id)
        self.account.setCurrentIndex(max(self.account.findData(post.account_id if post else account_id), 0))
        self.pillar = QComboBox()
        self.pillar_button = QPushButton(tr("管理内容支柱…"))
        self.pillar_button.clicked.connect(self.manage_pillars)
        self.status = QComboBox()
        for status in POST_STATUSES:
            self.status.addItem(color_dot(common.STATUS_COLORS[status]), tr(common.STATUS_LABELS[status]), status)
        self.status.setMinimumWidth(120)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(tr("朋友圈文字：先说对客户有什么用，再说产品；一两句话配好图，比长篇更有人看"))
        self.text.textChanged.connect(self._count)
        self.text_count = QLabel()
        self.text_count.setStyleSheet("color: #888;")
        self.library_button = QPushButton(tr("从素材库插入…"))
        self.library_button.setToolTip(tr("插入素材库里的文字，或添加素材库里的图片"))
        self.library_button.clicked.connect(self.insert_material)
        self.images = ImageStrip(self.ctx.store.data_dir.root)
        self.visibility = VisibilityBox(self.ctx)
        self.repeat = QCheckBox(tr("每周重复，直到"))
        self.repeat_until = date_edit((post.planned_at.date() if post else date.today()) + timedelta(weeks=4))
        self.repeat_until.setEnabled(False)
        self.repeat.toggled.connect(self.repeat_until.setEnabled)
        self.repeat_hint = QLabel()
        self.repeat_hint.setStyleSheet("color: #888;")
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("只给自己看的备注，如：配合周三会员日"))
        for key in ("planned_at", "text", "images", "tag_ids", "status", "until", "note", "account_id", "pillar_id"):
            self.errors[key] = FieldError()
        self.visibility.error = self.errors["tag_ids"]

        form = QFormLayout()
        when_row = QHBoxLayout()
        when_row.addWidget(self.planned_at)
        when_row.addSpacing(12)
        when_row.addWidget(QLabel(tr("微信号")))
        when_row.addWidget(self.account, 1)
        when_row.addSpacing(12)
        when_row.addWidget(QLabel(tr("状态")))
        when_row.addWidget(self.status)
        form.addRow(tr("发布时间"), self._with_error(when_row, "planned_at"))
        pillar_row = QHBoxLayout()
        pillar_row.addWidget(self.pillar, 1)
        pillar_row.addWidget(self.pillar_button)
        form.addRow(tr("内容支柱"), self._with_error(pillar_row, "pillar_id"))
        text_box = QVBoxLayout()
        text_box.addWidget(self.text, 1)
        under = QHBoxLayout()
        under.addWidget(self.text_count, 1)
        under.addWidget(self.library_button)
        text_box.addLayout(under)
        text_box.addWidget(self.errors["text"])
        form.addRow(tr("文字"), text_box)
        image_box = QVBoxLayout()
        image_box.addWidget(self.images)
        image_box.addWidget(self.errors["images"])
        form.addRow(tr("图片"), image_box)
        form.addRow(tr("可见范围"), self._with_error(self.visibility, "tag_ids"))
        repeat_row = QHBoxLayout()
        repeat_row.addWidget(self.repeat)
        repeat_row.addWidget(self.repeat_until)
        repeat_row.addWidget(self.repeat_hint, 1)
        form.addRow(tr("重复"), self._with_error(repeat_row, "until"))
        form.addRow(tr("备注"), self._with_error(self.note, "note"))

        self.duplicate_button = QPushButton(tr("复制为新草稿"))
        self.duplicate_button.setToolTip("Ctrl+D")
        self.duplicate_button.clicked.connect(self.duplicate)
        self.trash_button = QPushButton(tr("移到回收站"))
        self.trash_button.clicked.connect(self.trash)
        for button in (self.duplicate_button, self.trash_button):
            button.setVisible(self.post is not None)
        QShortcut(QKeySequence("Ctrl+D"), self, self.duplicate)
        buttons = common.dialog_buttons(self, tr("保存"), ok_slot=self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.duplicate_button)
        bottom.addWidget(self.trash_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addLayout(bottom)

    def _with_error(self, part: QWidget | QHBoxLayout, key: str) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if isinstance(part, QWidget):
            column.addWidget(part)
        else:
            column.addLayout(part)
        column.addWidget(self.errors[key])
        return box

    def _fill(self) -> None:
        post = self.post
        common.fill_pillar_combo(self.ctx, self.pillar, everyone=tr("未分类"))
        if post is None:
            self.status.setCurrentIndex(POST_STATUSES.index("scheduled"))
            self.repeat_hint.setText(tr("每周同一时间再发一条（如每周三会员日）"))
            self._count()
            return
        self.pillar.setCurrentIndex(max(self.pillar.findData(post.pillar_id), 0))
        self.status.setCurrentIndex(max(POST_STATUSES.index(post.status) if post.status in POST_STATUSES else 1, 0))
        self.text.setPlainText(post.text)
        self.images.set_images(list(post.images))
        self.visibility.set_rule(post.visibility, post.tag_ids)
        self.note.setText(post.note)
        if post.series_id is not None and post.repeat_weekly:
            self.repeat.setChecked(True)
            if post.repeat_until:
                self.repeat_until.setDate(QDate(post.repeat_until))
            self.repeat_hint.setText(tr("这条属于每周重复的一组；取消勾选会把这条之后还没发布的都移到回收站"))
        else:
            self.repeat_hint.setText(tr("每周同一时间再发一条（如每周三会员日）"))
        self._count()

    def _count(self) -> None:
        text = self.text.toPlainText()
        lines = len(text.splitlines())
        count = tr("{n} 字", n=len(text.strip()))
        if lines > FOLD_LINES:
            count += tr("　·　{n} 行，微信里超过 {k} 行会折叠成“全文”", n=lines, k=FOLD_LINES)
        self.text_count.setText(count)

    # ---- helpers -----------------------------------------------------------------------------------

    def manage_pillars(self) -> None:
        dialog = PillarDialog(self.ctx, self)
        common.run_dialog(dialog)
        common.fill_pillar_combo(self.ctx, self.pillar, everyone=tr("未分类"))

    def insert_material(self) -> None:
        from services.library_materials import material_file
        from ui.library.material_picker import MaterialPickerDialog

        dialog = MaterialPickerDialog(self.ctx, parent=self)
        if not common.run_dialog(dialog):
            return
        files = []
        for info in dialog.chosen():
            if info.kind == "image":
                path = material_file(self.ctx.store.data_dir.root, info)
                if path is not None:
                    files.append(path)
            elif info.body:
                self.text.insertPlainText(info.body)
        if files:
            self.images.add_files(files)

    def value(self) -> PostInput:
        return PostInput(
            planned_at=common.edit_value(self.planned_at), text=self.text.toPlainText(),
            account_id=self.account.currentData(), pillar_id=self.pillar.currentData(),
            visibility=self.visibility.visibility(), tag_ids=self.visibility.rule_tag_ids(),
            status=self.status.currentData(), note=self.note.text())

    def _show_errors(self, fields: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(fields.get(key, ""))
        unknown = [message for key, message in fields.items() if key not in self.errors]
        if unknown:
            self.errors["text"].show_message("；".join(unknown))

    # ---- actions -----------------------------------------------------------------------------------

    def save(self) -> None:
        data = self.value()
        images = self.images.images()
        repeat_until = qdate(self.repeat_until) if self.repeat.isChecked() else None
        was_series = self.post is not None and self.post.series_id is not None and self.post.repeat_weekly
        if was_series and repeat_until is None and not confirm(
                self, tr("停止每周重复"), tr("停止重复后，这条之后还没发布的几条会移到回收站（可以恢复）。"), tr("停止重复")):
            return
        root = self.ctx.store.data_dir.root
        try:
            with self.ctx.session() as session:
                if self.post is None:
                    post_id = m.create_post(session, data)
                    self.post = m.get_post(session, post_id)  # saving again from here edits it
                else:
                    post_id = self.post.id
                    m.update_post(session, post_id, data)
                if images != list(self.post.images):
                    m.set_images(session, root, post_id, images)
                if repeat_until is not None:
                    m.repeat_weekly(session, post_id, repeat_until)
                elif was_series:
                    m.stop_repeat(session, post_id)
        except ValidationError as exc:
            self._show_errors(exc.fields)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.saved_id, self.action = post_id, "saved"
        self.accept()

    def duplicate(self) -> None:
        if self.post is None:
            return
        post_id = self.post.id
        copy = common.run_change(self, self.ctx, lambda s: m.duplicate_post(s, post_id))
        if isinstance(copy, int) and not isinstance(copy, bool):
            self.saved_id, self.action = copy, "duplicated"
            self.accept()

    def trash(self) -> None:
        if self.post is None or not confirm(self, tr("删除朋友圈"), tr("把这条朋友圈移到回收站？可以在回收站里恢复。"),
                                            tr("移到回收站")):
            return
        post_id = self.post.id
        if common.run_change(self, self.ctx, lambda s: m.trash_posts(s, [post_id])):
            self.saved_id, self.action = post_id, "trashed"
            self.accept()
