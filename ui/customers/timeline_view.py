"""A customer's timeline: the quick-add note box, 记一笔购买 / 安排跟进, and one card per record.

Notes have a coloured kind badge (pinned ones first), purchases show their amount, follow-ups their
due date (overdue in red) and, once done, the result. Double-click a card to edit it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from models.timeline import NOTE_KINDS
from services import timeline as tl
from services.errors import ValidationError
from services.timeline import TimelineItem
from ui.context import AppContext
from ui.customers.record_dialogs import (
    CompleteFollowUpDialog,
    FollowUpDialog,
    NoteDialog,
    PurchaseDialog,
    RecordDialog,
)
from ui.errors import confirm, show_error
from ui.i18n import tr
from ui.widgets import FieldError

KIND_COLORS = {"身份": "#3949ab", "购买": "#2e7d32", "咨询": "#ef6c00", "喜好": "#d81b60",
               "售后": "#c62828", "其他": "#757575"}
PURCHASE_COLOR, FOLLOW_UP_COLOR, DONE_COLOR, OVERDUE_COLOR, PIN_COLOR = (
    "#2e7d32", "#6a1b9a", "#9e9e9e", "#d32f2f", "#f57c00")
MOMENT_COLOR = "#7cb342"  # 朋友圈 (as on 今天)
CARE_COLOR = "#d81b60"  # 关怀 (as on 今天)
REFERRAL_COLOR = "#00897b"  # 转介绍
READ_ONLY = ("group", "moment", "care", "referral")  # edited on their own pages (社群, 朋友圈, 关怀…, 转介绍)


def badge(text: str, color: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"background-color: {color}; color: white; border-radius: 3px; "
                        "padding: 1px 6px; font-size: 12px;")
    label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return label


def next_follow_up_html(due: date | None) -> str:
    """下次跟进 for a header: grey when none, red when overdue, orange today."""
    if due is None:
        return f'<span style="color:#888;">{tr("下次跟进：未安排")}</span>'
    days = (due - date.today()).days
    if days < 0:
        when, color = tr("{d}（逾期 {n} 天）", d=due.isoformat(), n=-days), OVERDUE_COLOR
    elif days == 0:
        when, color = tr("今天"), PIN_COLOR
    else:
        when, color = tr("{d}（{n} 天后）", d=due.isoformat(), n=days), "#00796b"
    return f'<span style="color:{color}; font-size:14px; font-weight:bold;">{tr("下次跟进：")}{when}</span>'


class TimelineCard(QFrame):
    """One record on the timeline, with its actions (置顶 / 完成 / 编辑 / 删除).

    Signals:
        action(str): "pin", "done", "edit" or "delete" was clicked.
    """

    action = Signal(str)

    def __init__(self, item: TimelineItem, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setObjectName("timelineCard")
        color, badges, when = self._describe(item, today)
        self.setStyleSheet(
            "QFrame#timelineCard { border: 1px solid rgba(127,127,127,70); border-radius: 6px;"
            f" border-left: 4px solid {color}; background-color: rgba(127,127,127,14); }}"
            "QToolButton { border: none; color: #1a9c8c; padding: 0 6px; min-width: 0; max-height: 22px;"
            " background: transparent; }"
            "QToolButton:hover { text-decoration: underline; }")
        header = QHBoxLayout()
        header.setSpacing(6)
        for text, badge_color in badges:
            header.addWidget(badge(text, badge_color))
        self.when = QLabel(when)
        overdue = item.kind == "follow_up" and item.overdue
        self.when.setStyleSheet(f"color: {OVERDUE_COLOR if overdue else '#888'}; font-size: 12px;")
        header.addWidget(self.when)
        header.addStretch(1)
        self.buttons: dict[str, QToolButton] = {}
        for key, label in self._actions(item):
            button = QToolButton()
            button.setText(label)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, k=key: self.action.emit(k))
            header.addWidget(button)
            self.buttons[key] = button
        self.body = QLabel(item.body)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setWordWrap(True)
        self.body.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        if item.done:
            self.body.setStyleSheet("color: #777;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 8)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.body)

    @staticmethod
    def _describe(item: TimelineItem, today: date) -> tuple[str, list[tuple[str, str]], str]:
        """The card's colour, its badges and its date text."""
        if item.kind == "note":
            color = KIND_COLORS.get(item.title, KIND_COLORS["其他"])
            badges = [(tr(item.title), color)]
            if item.pinned:
                badges.insert(0, (tr("置顶"), PIN_COLOR))
            return color, badges, item.when.strftime("%Y-%m-%d %H:%M")
        if item.kind == "purchase":
            return PURCHASE_COLOR, [(item.title, PURCHASE_COLOR)], item.when.strftime("%Y-%m-%d")
        if item.kind == "group":  # 社群: joined or left a group (read-only here)
            return "#0277bd", [(tr("社群"), "#0277bd"), (item.title, DONE_COLOR if item.done else "#0277bd")], \
                item.when.strftime("%Y-%m-%d")
        if item.kind == "moment":  # 朋友圈: liked, commented, asked or ordered from a post (read-only here)
            return MOMENT_COLOR, [(tr("朋友圈"), MOMENT_COLOR)], item.when.strftime("%Y-%m-%d %H:%M")
        if item.kind == "referral":  # 转介绍: who brought her, whom she brought (edited on 转介绍 / 介绍人…)
            owed = [] if item.done else [(tr("奖励待发放"), PIN_COLOR)]
            badges = [(tr("转介绍"), REFERRAL_COLOR), (item.title, REFERRAL_COLOR), *owed]
            return REFERRAL_COLOR, badges, item.when.strftime("%Y-%m-%d")
        if item.kind == "care":  # 关怀: a gift, visit, service or favour (edited through 关怀…)
            return CARE_COLOR, [(tr("关怀"), CARE_COLOR), (item.title, CARE_COLOR)], item.when.strftime("%Y-%m-%d")
        due = item.when.date()
        if item.done:
            status, color = tr("已完成"), DONE_COLOR
        elif item.overdue:
            status, color = tr("逾期 {n} 天", n=(today - due).days), OVERDUE_COLOR
        elif due == today:
            status, color = tr("今天"), PIN_COLOR
        else:
            status, color = tr("待跟进"), FOLLOW_UP_COLOR
        return color, [(item.title, FOLLOW_UP_COLOR), (status, color)], tr("{d} 到期", d=due.isoformat())

    @staticmethod
    def _actions(item: TimelineItem) -> list[tuple[str, str]]:
        if item.kind in READ_ONLY:
            return []  # memberships are edited on the 社群 page, post interactions on the 朋友圈 page
        actions = []
        if item.kind == "note":
            actions.append(("pin", tr("取消置顶") if item.pinned else tr("置顶")))
        if item.kind == "follow_up" and not item.done:
            actions.append(("done", tr("完成")))
        return [*actions, ("edit", tr("编辑")), ("delete", tr("删除"))]


class _CardList(QListWidget):
    """A list of cards whose heights follow the width (word-wrapped text)."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_cards()

    def fit_cards(self) -> None:
        width = max(self.viewport().width() - 2 * self.spacing(), 100)
        for row in range(self.count()):
            item = self.item(row)
            card = self.itemWidget(item)
            height = card.heightForWidth(width)
            item.setSizeHint(QSize(width, height if height > 0 else card.sizeHint().height()))


class TimelineView(QWidget):
    """The timeline of one customer, with the boxes to add to it.

    Signals:
        changed(): a note, purchase or follow-up was added, edited or deleted.
    """

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id: int | None = None
        self.dialog: RecordDialog | None = None  # the record dialog now open, if any
        self.note_text = QPlainTextEdit()
        self.note_text.setPlaceholderText(tr("写下关于TA的一条笔记：身份、买了什么、问了什么、喜欢什么…"
                                             "（Ctrl+Enter 添加）"))
        self.note_text.setFixedHeight(72)
        self.note_text.installEventFilter(self)
        self.note_kind = QComboBox()
        for kind in NOTE_KINDS:
            self.note_kind.addItem(tr(kind), kind)
        self.note_kind.setToolTip(tr("笔记类型"))
        self.note_pinned = QCheckBox(tr("置顶"))
        self.add_button = QPushButton(tr("添加笔记"))
        self.add_button.setToolTip(tr("Ctrl+Enter"))
        self.add_button.clicked.connect(self.add_note)
        self.note_error = FieldError()
        self.purchase_button = QPushButton(tr("记一笔购买"))
        self.purchase_button.clicked.connect(lambda: self._open(PurchaseDialog, self.customer_id))
        self.follow_up_button = QPushButton(tr("安排跟进"))
        self.follow_up_button.clicked.connect(lambda: self._open(FollowUpDialog, self.customer_id))
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #888;")

        self.list = _CardList()
        self.list.setSpacing(4)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.itemDoubleClicked.connect(lambda item: self._act(self._card(item).item, "edit"))
        self.empty_hint = QLabel(tr("还没有记录：在上面写下第一条笔记"))
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty_hint.setStyleSheet("color: #888; font-size: 14px; padding: 24px;")

        controls = QHBoxLayout()
        controls.addWidget(self.note_kind)
        controls.addWidget(self.note_pinned)
        controls.addStretch(1)
        controls.addWidget(self.add_button)
        records = QHBoxLayout()
        records.addWidget(self.purchase_button)
        records.addWidget(self.follow_up_button)
        records.addStretch(1)
        records.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.note_text)
        layout.addWidget(self.note_error)
        layout.addLayout(controls)
        layout.addLayout(records)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_hint, 1)
        self.set_customer(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note_text and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                    and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
                self.add_note()
                return True
        return super().eventFilter(watched, event)

    def set_customer(self, customer_id: int | None) -> None:
        if customer_id != self.customer_id:
            self.note_text.clear()
            self.note_error.show_message("")
            self.note_pinned.setChecked(False)
        self.customer_id = customer_id
        for widget in (self.note_text, self.note_kind, self.note_pinned, self.add_button,
                       self.purchase_button, self.follow_up_button):
            widget.setEnabled(customer_id is not None)
        self.reload()

    def reload(self) -> None:
        """Read the timeline again, keeping the scroll position."""
        items: list[TimelineItem] = []
        if self.customer_id is not None:
            with self.ctx.session() as session:
                items = tl.timeline(session, self.customer_id)
        scroll = self.list.verticalScrollBar().value()
        self.list.clear()
        today = date.today()
        for record in items:
            card = TimelineCard(record, today)
            card.action.connect(lambda key, r=record: self._act(r, key))
            entry = QListWidgetItem()
            self.list.addItem(entry)
            self.list.setItemWidget(entry, card)
        self.list.fit_cards()
        self.list.verticalScrollBar().setValue(scroll)
        self.list.setVisible(bool(items))
        self.empty_hint.setVisible(not items)
        self.count_label.setText(tr("共 {n} 条记录", n=len(items)) if items else "")

    def cards(self) -> list[TimelineCard]:
        return [self._card(self.list.item(row)) for row in range(self.list.count())]

    def _card(self, entry: QListWidgetItem) -> TimelineCard:
        card = self.list.itemWidget(entry)
        assert isinstance(card, TimelineCard)
        return card

    # ---- actions -------------------------------------------------------------------------------

    def add_note(self) -> None:
        if self.customer_id is None:
            return
        self.note_error.show_message("")
        try:
            with self.ctx.session() as session:
                tl.save_note(session, self.customer_id, self.note_kind.currentData(),
                             self.note_text.toPlainText(), pinned=self.note_pinned.isChecked())
        except ValidationError as exc:
            self.note_error.show_message("\n".join(exc.fields.values()))
            self.note_text.setFocus()
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.note_text.clear()
        self.note_pinned.setChecked(False)
        self._after_change()

    def _open(self, dialog_class: type[RecordDialog], *args: object) -> None:
        """Open a record dialog (window-modal); the timeline reloads when it is saved."""
        try:
            dialog = dialog_class(self.ctx, *args, parent=self)  # type: ignore[call-arg]
        except Exception as exc:  # e.g. the record was deleted in another window
            show_error(self, exc)
            self.reload()
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._after_change)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def _act(self, item: TimelineItem, key: str) -> None:
        if item.kind in READ_ONLY:
            return
        if key == "edit":
            dialogs = {"note": NoteDialog, "purchase": PurchaseDialog, "follow_up": FollowUpDialog}
            self._open(dialogs[item.kind], self.customer_id, item.id)
        elif key == "done":
            self._open(CompleteFollowUpDialog, item.id)
        elif key == "pin":
            self._run(lambda s: tl.set_note_pinned(s, item.id, not item.pinned))
        elif key == "delete":
            what = {"note": tr("笔记"), "purchase": tr("购买记录"), "follow_up": tr("跟进")}[item.kind]
            if confirm(self, tr("删除{what}", what=what),
                       tr("删除这条{what}？\n\n{body}\n\n删除后会放进回收站，可以恢复。", what=what,
                          body=item.body[:80]), tr("删除")):
                deleters = {"note": tl.delete_note, "purchase": tl.delete_purchase,
                            "follow_up": tl.delete_follow_up}
                self._run(lambda s: deleters[item.kind](s, item.id))

    def _run(self, change: Callable[[Session], object]) -> None:
        try:
            with self.ctx.session() as session:
                change(session)
        except Exception as exc:
            show_error(self, exc)
            self.reload()
            return
        self._after_change()

    def _after_change(self) -> None:
        self.reload()
        self.changed.emit()
