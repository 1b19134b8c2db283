"""发布助手: KeBen never posts; it lines everything up for the seller to post by hand in WeChat —
① copy the text, ② open the folder of numbered images (or copy them one by one), ③ pick these WeChat
tags for the visibility rule — and then ④ marks the post 已发布 at the actual time (now by default).

After `run_dialog` accepted, the post is published (`published_at` is the time chosen).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services import moments as m
from services.moments import PublishChecklist
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr
from ui.moments import common
from ui.widgets import tag_chip_html

THUMB = 72


def open_folder(folder: Path) -> bool:
    """Show a folder in the system's file manager. (Tests replace this.)"""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class PublishHelperDialog(QDialog):
    def __init__(self, ctx: AppContext, post_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.post_id = post_id
        self.published_at: datetime | None = None
        with ctx.session() as session:
            self.checklist: PublishChecklist = m.publish_checklist(session, ctx.store.data_dir.root, post_id)
        post = self.checklist.post
        self.next_image = 0
        self.setWindowTitle(tr("发布助手"))
        self.setMinimumSize(660, 720)
        head = QLabel(f"{post.planned_at:%Y-%m-%d %H:%M} · {post.account_name or tr('未指定微信号')} · "
                      f"{post.pillar_name or tr('未分类')} · {common.status_text(post)}")
        head.setStyleSheet("font-weight: bold;")
        intro = QLabel(tr("客本不会替你发朋友圈：按下面的顺序在微信里发好，最后点“标记已发布”。"))
        intro.setStyleSheet("color: #888;")
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(intro)
        layout.addWidget(self._text_step())
        layout.addWidget(self._image_step())
        layout.addWidget(self._visibility_step())
        layout.addWidget(self._publish_step())
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        close.rejected.connect(self.reject)
        layout.addWidget(close)

    # ---- the steps ---------------------------------------------------------------------------------

    def _text_step(self) -> QGroupBox:
        box = QGroupBox(tr("① 复制文字"))
        self.text = QPlainTextEdit(self.checklist.text)
        self.text.setReadOnly(True)
        self.text.setMaximumHeight(100)
        self.copy_text_button = QPushButton(tr("复制文字"))
        self.copy_text_button.setDefault(True)
        self.copy_text_button.clicked.connect(self.copy_text)
        self.copy_text_button.setEnabled(bool(self.checklist.text))
        row = QHBoxLayout(box)
        row.addWidget(self.text, 1)
        row.addWidget(self.copy_text_button, 0, Qt.AlignmentFlag.AlignTop)
        return box

    def _image_step(self) -> QGroupBox:
        files = self.checklist.image_files
        box = QGroupBox(tr("② 图片（{n} 张）", n=len(files)) if files else tr("② 图片"))
        column = QVBoxLayout(box)
        self.images = QListWidget()
        self.images.setViewMode(QListView.ViewMode.IconMode)
        self.images.setIconSize(QSize(THUMB, THUMB))
        self.images.setGridSize(QSize(THUMB + 12, THUMB + 24))
        self.images.setMovement(QListView.Movement.Static)
        self.images.setFlow(QListView.Flow.LeftToRight)
        self.images.setWrapping(False)
        self.images.setFixedHeight(THUMB + 44)
        self.images.setToolTip(tr("双击一张图，复制到剪贴板"))
        for number, path in enumerate(files, 1):
            item = QListWidgetItem(common.thumbnail_icon(path, THUMB), str(number))
            item.setToolTip(str(path))
            self.images.addItem(item)
        self.images.itemDoubleClicked.connect(lambda item: self.copy_image(self.images.row(item)))
        self.open_button = QPushButton(tr("打开图片文件夹"))
        self.open_button.setToolTip(tr("图片已按顺序编号（01、02 …），在微信里按这个顺序选图"))
        self.open_button.clicked.connect(self.open_images)
        self.copy_image_button = QPushButton()
        self.copy_image_button.clicked.connect(lambda: self.copy_image(self.next_image))
        self.image_state = QLabel()
        self.image_state.setStyleSheet("color: #888;")
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addWidget(self.copy_image_button)
        row.addWidget(self.image_state, 1)
        if files:
            column.addWidget(self.images)
            column.addLayout(row)
        else:
            self.images.hide()
            none = QLabel(tr("这条朋友圈没有图片（纯文字）。微信里长按右上角相机图标可以发纯文字。"))
            none.setWordWrap(True)
            column.addWidget(none)
        self._update_image_button()
        return box

    def _visibility_step(self) -> QGroupBox:
        checklist = self.checklist
        post = checklist.post
        box = QGroupBox(tr("③ 谁可以看"))
        column = QVBoxLayout(box)
        rule = QLabel()
        rule.setTextFormat(Qt.TextFormat.RichText)
        rule.setWordWrap(True)
        label = common.VISIBILITY_LABELS.get(post.visibility, post.visibility)
        if post.visibility in ("only_tags", "except_tags"):
            chips = " ".join(tag_chip_html(name, "#1976d2") for name in checklist.tag_names)
            how = tr("在微信“谁可以看”里选“{rule}”，再勾选这些标签：", rule=tr(label))
            rule.setText(f"{how}<br>{chips}")
        elif post.visibility == "private":
            rule.setText(tr("在微信“谁可以看”里选“私密”（仅自己可见）。"))
        else:
            rule.setText(tr("公开：“谁可以看”保持默认的“公开”即可。"))
        reach = QLabel(tr("按客本的标签，约 {n} 位客户能看到", n=f"{checklist.reach:,}"))
        reach.setStyleSheet("color: #888;")
        column.addWidget(rule)
        column.addWidget(reach)
        return box

    def _publish_step(self) -> QGroupBox:
        box = QGroupBox(tr("④ 发好以后"))
        row = QHBoxLayout(box)
        self.when = common.datetime_edit(datetime.now().replace(second=0, microsecond=0))
        self.when.setToolTip(tr("实际发布的时间（报表按这个时间统计）"))
        self.publish_button = QPushButton(tr("标记已发布"))
        self.publish_button.clicked.connect(self.mark_published)
        row.addWidget(QLabel(tr("实际发布时间")))
        row.addWidget(self.when)
        row.addStretch(1)
        row.addWidget(self.publish_button)
        if self.checklist.post.status == "published":
            self.publish_button.setText(tr("改发布时间"))
            if self.checklist.post.published_at:
                self.when.setDateTime(QDateTime(self.checklist.post.published_at))
        return box

    # ---- actions -----------------------------------------------------------------------------------

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.checklist.text)
        self.copy_text_button.setText(tr("已复制 ✓"))
        self.ctx.status_message.emit(tr("已复制朋友圈文字，去微信里粘贴"))

    def open_images(self) -> None:
        folder = self.checklist.folder
        if folder is None or not open_folder(folder):
            self.image_state.setText(tr("打不开文件夹：{path}", path=str(folder or "")))

    def copy_image(self, index: int) -> None:
        files = self.checklist.image_files
        if not 0 <= index < len(files):
            return
        image = QImage(str(files[index]))
        if image.isNull():
            self.image_state.setText(tr("第 {n} 张图片读不出来：{path}", n=index + 1, path=str(files[index])))
            return
        QGuiApplication.clipboard().setImage(image)
        self.images.setCurrentRow(index)
        self.next_image = index + 1
        self.image_state.setText(tr("已复制第 {n} 张，去微信里粘贴", n=index + 1))
        self._update_image_button()

    def _update_image_button(self) -> None:
        count = len(self.checklist.image_files)
        self.copy_image_button.setVisible(count > 0)
        if self.next_image >= count:
            self.next_image = 0 if count else self.next_image
            label = tr("从第 1 张再复制") if self.image_state.text() else tr("复制第 1 张")
        else:
            label = tr("复制第 {n}/{total} 张", n=self.next_image + 1, total=count)
        self.copy_image_button.setText(label)

    def mark_published(self) -> None:
        when = common.edit_value(self.when)
        try:
            with self.ctx.session() as session:
                m.publish_post(session, self.post_id, when)
        except Exception as exc:
            show_error(self, exc)
            return
        self.published_at = when
        self.ctx.status_message.emit(tr("已标记为已发布（{when}）。过一两天记得回来记录点赞、评论和咨询。",
                                        when=f"{when:%m-%d %H:%M}"))
        self.accept()
