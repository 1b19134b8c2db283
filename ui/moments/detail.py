"""The chosen post beside the calendar: when, which account and pillar, who sees it, its text and
images, its results, and what to do with it (发布助手, 记录效果, 编辑, 复制, 跳过 / 恢复排期, 删除)."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QGridLayout,
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
from services.moments import PostRow
from ui.i18n import tr
from ui.moments import common
from ui.widgets import tag_chip_html

THUMB = 64
ACTIONS = (("publish", "发布助手…"), ("results", "记录效果…"), ("edit", "编辑…"), ("duplicate", "复制一条"),
           ("skip", "跳过"), ("delete", "删除"))


class PostPane(QWidget):
    """Signals:
        action(str): one of the ACTIONS keys (or "reschedule") on the shown post.
    """

    action = Signal(str)

    def __init__(self, data_root: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_root = data_root
        self.post: PostRow | None = None
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.title.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setTextFormat(Qt.TextFormat.RichText)
        self.meta.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.images = QListWidget()
        self.images.setViewMode(QListView.ViewMode.IconMode)
        self.images.setIconSize(QSize(THUMB, THUMB))
        self.images.setGridSize(QSize(THUMB + 8, THUMB + 8))
        self.images.setMovement(QListView.Movement.Static)
        self.images.setResizeMode(QListView.ResizeMode.Adjust)
        self.images.setFixedHeight(2 * (THUMB + 8) + 6)
        self.images.setToolTip(tr("双击用系统看图打开"))
        self.images.itemDoubleClicked.connect(self._open_image)
        self.results = QLabel()
        self.results.setWordWrap(True)
        self.results.setTextFormat(Qt.TextFormat.RichText)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for index, (key, label) in enumerate(ACTIONS):
            button = QPushButton(tr(label))
            button.clicked.connect(lambda _=False, k=key: self.action.emit(self._resolve(k)))
            self.buttons[key] = button
            grid.addWidget(button, index // 2, index % 2)
        self.buttons["duplicate"].setToolTip(tr("复制为新草稿，排在第二天同一时间  Ctrl+D"))
        self.buttons["delete"].setToolTip(tr("移到回收站  Delete"))
        self.buttons["edit"].setToolTip(tr("双击或 Enter 也能打开"))
        self.placeholder = QLabel(tr("在日历或列表里选中一条朋友圈：这里显示它的内容，可以打开发布助手、记录效果。\n\n"
                                     "双击空白的日子新建一条，拖动可以改日期和时间。"))
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: #888; padding: 12px;")
        self.content = QWidget()
        box = QVBoxLayout(self.content)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.title)
        box.addWidget(self.meta)
        box.addWidget(self.text, 1)
        box.addWidget(self.images)
        box.addWidget(self.results)
        box.addLayout(grid)
        layout = QVBoxLayout(self)
        layout.addWidget(self.content, 1)
        layout.addWidget(self.placeholder)
        layout.addStretch(0)
        self.setMinimumWidth(260)
        self.show_post(None)

    def _resolve(self, key: str) -> str:
        if key == "skip" and self.post is not None and self.post.status in ("skipped", "published"):
            return "reschedule"
        return key

    def show_post(self, post: PostRow | None) -> None:
        self.post = post
        self.content.setVisible(post is not None)
        self.placeholder.setVisible(post is None)
        if post is None:
            return
        self.title.setText(common.post_title(post))
        status = (f'<span style="color:{common.status_color(post)}; font-weight:bold;">'
                  f'{html.escape(common.status_text(post))}</span>')
        pillar = tag_chip_html(post.pillar_name or tr("未分类"), common.pillar_color(post))
        when = f"{post.planned_at:%Y-%m-%d %H:%M}"
        if post.status == "published" and post.published_at and post.published_at != post.planned_at:
            when += " " + tr("（实际 {when} 发布）", when=f"{post.published_at:%m-%d %H:%M}")
        lines = [f"{pillar} {status}",
                 f"{when} · {html.escape(post.account_name or tr('未指定微信号'))}",
                 html.escape(common.visibility_text(post.visibility, post.tag_names))]
        if post.series_id is not None and post.repeat_weekly:
            until = post.repeat_until.isoformat() if post.repeat_until else ""
            lines.append(html.escape(tr("每周重复，到 {date}", date=until)))
        if post.note:
            lines.append(f'<span style="color:#888;">{html.escape(tr("备注：{note}", note=post.note))}</span>')
        self.meta.setText("<br>".join(lines))
        self.text.setPlainText(post.text or tr("（没有文字）"))
        self.images.clear()
        for rel in post.images:
            file = m.image_file(self.data_root, rel)
            item = QListWidgetItem(common.thumbnail_icon(file, THUMB), "")
            item.setData(Qt.ItemDataRole.UserRole, str(file))
            item.setToolTip(file.name)
            self.images.addItem(item)
        self.images.setVisible(bool(post.images))
        if post.status == "published":
            parts = [tr("点赞 {n}", n=post.likes), tr("评论 {n}", n=post.comments), tr("咨询 {n}", n=post.inquiries),
                     tr("订单 {n}", n=post.orders)]
            if post.revenue_cents:
                parts.append(common.money(post.revenue_cents))
            self.results.setText(tr("效果：") + " · ".join(parts))
        else:
            self.results.setText(f'<span style="color:#888;">{tr("发布后可以记录点赞、评论、咨询和成交。")}</span>')
        self.buttons["skip"].setText(tr("恢复排期") if post.status in ("skipped", "published") else tr("跳过"))
        self.buttons["skip"].setToolTip(tr("改回“已排期”") if post.status in ("skipped", "published")
                                        else tr("这次不发了（保留记录）"))
        self.buttons["publish"].setDefault(post.status in ("scheduled", "draft"))

    def _open_image(self, item: QListWidgetItem) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(item.data(Qt.ItemDataRole.UserRole))))
