"""The customer detail pane: a header with the key facts, the tags, the timeline and the profile form.

Used by the customers page (next to the list) and by CustomerWindow (in its own window).
"""

from __future__ import annotations

import html
from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models import Customer
from services.accounts import list_accounts
from services.auto_tags import auto_tags_of
from services.custom_fields import list_fields
from services.customers import (
    CustomerInput,
    create_customer,
    custom_values,
    customer_tag_ids,
    get_customer,
    trash_customers,
    update_customer,
)
from services.errors import ConflictError, NotFoundError, ValidationError
from services.tags import GroupInfo, set_customer_tags, tag_tree
from services.timeline import money
from ui.context import AppContext
from ui.customers.profile_form import ProfileForm
from ui.customers.tag_picker import pick_tags, tags_html
from ui.customers.timeline_view import PIN_COLOR, TimelineView, badge, next_follow_up_html
from ui.errors import choose, confirm, show_error
from ui.i18n import tr
from ui.layers.widgets import LayersLine
from ui.referrals.widgets import ReferralLine
from ui.widgets import EmptyState, FieldError


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


class CustomerDetail(QWidget):
    """One customer: header, tags, timeline and profile; or an empty form for a new customer.

    Signals:
        changed(int): the customer's profile, tags, notes, purchases or follow-ups were saved.
        created(int): a new customer was saved (its id).
    """

    changed = Signal(int)
    created = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._customer_id: int | None = None
        self._new = False
        self._baseline: CustomerInput | None = None  # the form as loaded, to tell unsaved edits
        self._opened_at: datetime | None = None  # the customer's updated_at when the form was loaded
        self._tag_ids: list[int] = []
        self._auto_tags: dict[int, str] = {}  # tag id → the 自动标签 rule that gave it
        self._emitting = False
        self._in_pane = True  # False inside CustomerWindow: no 在新窗口打开
        self.empty = EmptyState(tr("未选择客户"), tr("在左侧选择一位客户，或按 Ctrl+N 新建"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._build_content())
        QVBoxLayout(self).addWidget(self.stack)
        self.layout().setContentsMargins(0, 0, 0, 0)
        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        save.setContext(Qt.ShortcutContext.WindowShortcut)
        self._reload_choices()
        ctx.customers_changed.connect(self._on_customers_changed)
        ctx.tags_changed.connect(self._show_tags)
        ctx.settings_changed.connect(self._on_settings_changed)
        self._show_empty()

    # ---- building ------------------------------------------------------------------------------

    def _build_content(self) -> QWidget:
        self.name_label = QLabel()
        self.name_label.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.name_label.setWordWrap(True)  # a long 备注名 wraps instead of widening the pane
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stage_badge = badge("", "#00897b")
        self.script_button = QPushButton(tr("话术…"))
        self.script_button.setObjectName("customerScripts")
        self.script_button.setToolTip(tr("从话术库选一条，自动填好TA的称呼、产品，复制去微信"))
        self.script_button.clicked.connect(self.open_scripts)
        self.care_button = QPushButton(tr("关怀…"))
        self.care_button.setObjectName("customerCare")
        self.care_button.setToolTip(tr("今年为TA做了什么：送礼、拜访、服务、帮忙，记一笔"))
        self.care_button.clicked.connect(self.open_care)
        self.points_button = QPushButton(tr("积分…"))
        self.points_button.setObjectName("customerPoints")
        self.points_button.setToolTip(tr("TA的积分明细：加积分、兑换扣分"))
        self.points_button.clicked.connect(self.open_points)
        self.window_button = QPushButton(tr("在新窗口打开"))
        self.window_button.clicked.connect(self._open_window)
        self.delete_button = QPushButton(tr("删除客户"))
        self.delete_button.setStyleSheet("QPushButton { color: #c62828; border-color: #e57373; }")
        self.delete_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.delete_button.clicked.connect(self.delete_customer)
        self.contact_label = QLabel()
        self.contact_label.setStyleSheet("color: #777;")
        self.contact_label.setTextFormat(Qt.TextFormat.PlainText)
        self.contact_label.setWordWrap(True)
        self.contact_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.spent_label = QLabel()
        self.spent_label.setStyleSheet("font-size: 14px;")
        self.points_label = QLabel()  # 积分 and 会员等级 (services.points, services.tiers)
        self.points_label.setObjectName("customerPointsLine")
        self.points_label.setStyleSheet("font-size: 14px;")
        self.follow_up_label = QLabel()
        self.follow_up_label.setWordWrap(True)
        title_row = QHBoxLayout()
        title_row.addWidget(self.name_label)
        title_row.addWidget(self.stage_badge)
        title_row.addStretch(1)
        title_row.addWidget(self.script_button)
        title_row.addWidget(self.care_button)
        title_row.addWidget(self.window_button)
        title_row.addWidget(self.delete_button)
        facts_row = QHBoxLayout()
        facts_row.addWidget(self.spent_label)
        facts_row.addSpacing(24)
        facts_row.addWidget(self.follow_up_label, 1)
        points_row = QHBoxLayout()  # 积分 · 会员等级 · 积分…
        points_row.addWidget(self.points_label)
        points_row.addWidget(self.points_button)
        points_row.addStretch(1)
        self.layers_line = LayersLine()  # RFM 分群, 忠诚类型, 最近互动: read-only, 自动计算
        self.referral_line = ReferralLine(self.ctx)  # 介绍人 · 介绍了 N 位, 记录转介绍…, 转介绍树
        self.referral_line.changed.connect(self.ctx.customers_changed.emit)

        self.tags_label = QLabel()
        self.tags_label.setWordWrap(True)
        self.tags_label.setTextFormat(Qt.TextFormat.RichText)
        self.tags_button = QPushButton(tr("编辑标签"))
        self.tags_button.clicked.connect(self.edit_tags)
        self.tags_error = FieldError()
        tags_row = QHBoxLayout()
        tags_row.addWidget(self.tags_label, 1)
        tags_row.addWidget(self.tags_button, 0, Qt.AlignmentFlag.AlignTop)

        self.timeline = TimelineView(self.ctx)
        self.timeline.changed.connect(self._on_timeline_changed)
        self.form = ProfileForm()
        self.form.edited.connect(self._update_dirty)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.form)
        self.dirty_label = QLabel(tr("有未保存的修改"))
        self.dirty_label.setStyleSheet(f"color: {PIN_COLOR};")
        self.revert_button = QPushButton(tr("撤销修改"))
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(tr("保存"))
        self.save_button.setToolTip(tr("Ctrl+S"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        save_row = QHBoxLayout()
        save_row.addWidget(self.dirty_label)
        save_row.addStretch(1)
        save_row.addWidget(self.revert_button)
        save_row.addWidget(self.save_button)
        profile = QWidget()
        profile_layout = QVBoxLayout(profile)
        profile_layout.setContentsMargins(0, 4, 0, 0)
        profile_layout.addWidget(self.scroll, 1)
        profile_layout.addLayout(save_row)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.timeline, tr("时间线"))
        self.tabs.addTab(profile, tr("资料"))

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(title_row)
        layout.addWidget(self.contact_label)
        layout.addLayout(facts_row)
        layout.addLayout(points_row)
        layout.addWidget(self.layers_line)
        layout.addWidget(self.referral_line)
        layout.addLayout(tags_row)
        layout.addWidget(self.tags_error)
        layout.addWidget(self.tabs, 1)
        return content

    # ---- the public interface ------------------------------------------------------------------

    def current_customer_id(self) -> int | None:
        return self._customer_id

    def title(self) -> str:
        return self.name_label.text() if self.stack.currentIndex() == 1 else tr("客户")

    def set_open_in_window_visible(self, visible: bool) -> None:
        """CustomerWindow hides 在新窗口打开 (it is that window)."""
        self._in_pane = visible
        self.window_button.setVisible(visible)

    def show_customer(self, customer_id: int | None) -> None:
        if customer_id is not None and customer_id == self._customer_id:
            if self._refresh(keep_form=self.is_dirty()):
                self.timeline.reload()
            return
        if not self.confirm_leave(allow_cancel=False):
            return  # saving failed: the messages are shown next to the fields
        if customer_id is None:
            self._show_empty()
            return
        self._customer_id, self._new = customer_id, False
        if not self._refresh(keep_form=False):
            self._show_empty()
            return
        self.tabs.setTabEnabled(0, True)
        self.timeline.set_customer(customer_id)

    def start_new(self) -> None:
        if not self.confirm_leave(allow_cancel=True):
            return
        self._customer_id, self._new, self._tag_ids = None, True, []
        self.form.load(CustomerInput(added_on=date.today()), None)
        self._baseline = self.form.value()
        self.name_label.setText(tr("新客户"))
        self.contact_label.setText(tr("填好资料后按 保存（Ctrl+S）；保存后就能写笔记、记购买、安排跟进。"))
        self.contact_label.show()
        for widget in (self.stage_badge, self.window_button, self.delete_button, self.spent_label, self.layers_line,
                       self.follow_up_label, self.script_button, self.referral_line, self.care_button,
                       self.points_button, self.points_label):
            widget.hide()
        self.tags_error.show_message("")
        self._show_tags()
        self.timeline.set_customer(None)
        self.tabs.setCurrentIndex(1)
        self.tabs.setTabEnabled(0, False)
        self.stack.setCurrentIndex(1)
        self._update_dirty()
        self.form.remark_name.setFocus()

    # ---- unsaved edits -------------------------------------------------------------------------

    def is_dirty(self) -> bool:
        return self._baseline is not None and self.form.value() != self._baseline

    def _update_dirty(self) -> None:
        dirty = self.is_dirty()
        self.dirty_label.setVisible(dirty)
        self.revert_button.setEnabled(dirty)
        self.save_button.setEnabled(dirty or self._new)

    def confirm_leave(self, allow_cancel: bool) -> bool:
        """Offer to save unsaved profile edits before they are left; False means stay."""
        if not self.is_dirty():
            return True
        box = QMessageBox(QMessageBox.Icon.Question, tr("保存修改？"),
                          tr("“{name}”的资料有未保存的修改，要保存吗？", name=self.title()), parent=self)
        save = box.addButton(tr("保存"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("不保存"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole) if allow_cancel else None
        box.setDefaultButton(save)
        box.exec()
        if box.clickedButton() is save:
            return self.save()
        return cancel is None or box.clickedButton() is not cancel

    def revert(self) -> None:
        if self._new:
            self.form.load(CustomerInput(added_on=date.today()), None)
            self._update_dirty()
        else:
            self._refresh(keep_form=False)

    # ---- loading -------------------------------------------------------------------------------

    def _show_empty(self) -> None:
        self._customer_id, self._new, self._baseline, self._tag_ids = None, False, None, []
        self.timeline.set_customer(None)
        self.stack.setCurrentIndex(0)

    def _reload_choices(self) -> None:
        with self.ctx.session() as session:
            accounts, fields = list_accounts(session, counts=False), list_fields(session)
        self.form.set_choices(accounts, fields)

    def _refresh(self, keep_form: bool) -> bool:
        """Read the shown customer again; False when it is gone (deleted or in the trash)."""
        if self._customer_id is None:
            return False
        with self.ctx.session() as session:
            try:
                customer = get_customer(session, self._customer_id)
            except NotFoundError:
                return False
            if customer.deleted_at is not None:
                return False
            data = CustomerInput.of(customer, custom_values(session, customer.id))
            self._tag_ids = customer_tag_ids(session, customer.id)
            self._auto_tags = auto_tags_of(session, customer.id)
            groups = tag_tree(session, with_counts=False)
        if not keep_form:
            self.form.load(data, customer.stage)
            self._baseline = self.form.value()
            self._opened_at = customer.updated_at
        self._show_facts(customer)
        self._show_tag_chips(groups)
        self.tags_error.show_message("")
        self.stack.setCurrentIndex(1)
        self._update_dirty()
        return True

    def _show_facts(self, customer: Customer) -> None:
        """The header: name, stage, contact, 累计消费 and 下次跟进 (from a detached customer)."""
        self.name_label.setText(customer.display_name)
        if customer.stage_override:
            self.stage_badge.setText(tr("{stage}（手动）", stage=tr(customer.stage_override)))
            self.stage_badge.setToolTip(tr("手动设置的阶段；按购买记录计算是：{stage}", stage=tr(customer.stage)))
        else:
            self.stage_badge.setText(tr(customer.stage))
            self.stage_badge.setToolTip(tr("按购买记录自动计算的阶段"))
        contact = "   ".join(part for part in (
            tr("微信号 {v}", v=customer.wechat_id) if customer.wechat_id else "",
            tr("手机 {v}", v=customer.phone) if customer.phone else "", customer.city) if part)
        self.contact_label.setText(contact)
        self.contact_label.setVisible(bool(contact))
        self.spent_label.setText(tr("累计消费 <b>{money}</b>　购买 {n} 次",
                                    money=money(customer.total_spent_cents), n=customer.purchase_count))
        self.follow_up_label.setText(next_follow_up_html(customer.next_follow_up_on))
        level = tr("　会员等级 <b>{level}</b>", level=html.escape(customer.member_level)) if customer.member_level else ""
        self.points_label.setText(tr("积分 <b>{n}</b>", n=f"{customer.points_balance:,}") + level)
        self.layers_line.show_customer(customer)
        self.referral_line.show_customer(customer.id)
        for widget in (self.stage_badge, self.delete_button, self.spent_label, self.follow_up_label, self.layers_line,
                       self.script_button, self.referral_line, self.care_button, self.points_button,
                       self.points_label):
            widget.show()
        self.window_button.setVisible(self._in_pane)

    def _show_tags(self) -> None:
        with self.ctx.session() as session:
            groups = tag_tree(session, with_counts=False)
        self._show_tag_chips(groups)

    def _show_tag_chips(self, groups: list[GroupInfo]) -> None:
        """The chips, automatic tags (自动标签 rules) marked as such and named in the tooltip."""
        auto = {tag_id: rule for tag_id, rule in self._auto_tags.items() if tag_id in self._tag_ids}
        self.tags_label.setText(tags_html(groups, self._tag_ids, auto))
        names = {tag.id: tag.name for group in groups for tag in group.tags}
        self.tags_label.setToolTip("\n".join(tr("{tag}：自动标签（规则“{rule}”），条件不再成立时会自动摘掉",
                                                tag=names.get(tag_id, ""), rule=rule) for tag_id, rule in auto.items()))

    # ---- saving --------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the profile (Ctrl+S); invalid fields get their message and nothing is written."""
        if self._customer_id is None and not self._new:
            return False
        data = self.form.value()
        self.form.clear_errors()
        self.tags_error.show_message("")
        try:
            with self.ctx.session() as session:
                if self._new:
                    customer_id = create_customer(session, data, self._tag_ids).id
                else:
                    assert self._customer_id is not None
                    customer_id = update_customer(session, self._customer_id, data, self._opened_at).id
        except ValidationError as exc:
            self._show_errors(exc.fields)
            return False
        except ConflictError as exc:
            return self._resolve_conflict(exc)
        except Exception as exc:
            show_error(self, exc)
            return False
        created, self._new, self._customer_id = self._new, False, customer_id
        self._refresh(keep_form=False)
        if created:
            self.tabs.setTabEnabled(0, True)
            self.timeline.set_customer(customer_id)
        self._announce(customer_id, created=created)
        return True

    def _resolve_conflict(self, exc: ConflictError) -> bool:
        """Someone else saved this customer since it was opened (团队模式): 重新载入 shows their version
        (this edit is dropped), 覆盖 saves this one over theirs; 取消 keeps the edit unsaved."""
        chosen = choose(self, tr("资料已被别人修改"), exc.message, [
            (tr("重新载入"), QMessageBox.ButtonRole.ResetRole), (tr("覆盖"), QMessageBox.ButtonRole.DestructiveRole)],
            tr("取消"))
        if chosen == 0:
            if not self._refresh(keep_form=False):
                self._show_empty()
            self.timeline.reload()
            return False
        if chosen == 1:
            opened, self._opened_at = self._opened_at, None  # save without the check, this once
            if self.save():
                return True
            self._opened_at = opened
        return False

    def _show_errors(self, errors: dict[str, str]) -> None:
        self.tags_error.show_message(errors.pop("tags", ""))
        if not errors:
            return
        self.tabs.setCurrentIndex(1)
        first = self.form.show_errors(errors)
        if first is not None:
            self.scroll.ensureWidgetVisible(first)
            first.setFocus()

    def _announce(self, customer_id: int, created: bool = False) -> None:
        self._emitting = True
        try:
            if created:
                self.created.emit(customer_id)
            self.changed.emit(customer_id)
            self.ctx.customers_changed.emit([customer_id])
        finally:
            self._emitting = False

    def edit_tags(self) -> None:
        chosen = pick_tags(self.ctx, self, self._tag_ids, tr("编辑标签 — {name}", name=self.title()))
        if chosen is None:
            return
        self.tags_error.show_message("")
        if self._new:
            self._tag_ids = chosen
            self._show_tags()
            return
        assert self._customer_id is not None
        try:
            with self.ctx.session() as session:
                set_customer_tags(session, self._customer_id, chosen)
        except ValidationError as exc:
            self.tags_error.show_message("\n".join(exc.fields.values()))
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self._refresh(keep_form=self.is_dirty())
        self._announce(self._customer_id)

    def _on_timeline_changed(self) -> None:
        if self._customer_id is not None:
            self._refresh(keep_form=self.is_dirty())
            self._announce(self._customer_id)

    def delete_customer(self) -> None:
        customer_id, name = self._customer_id, self.title()
        if customer_id is None or not confirm(
                self, tr("删除客户"),
                tr("把“{name}”移到回收站吗？\n\nTA的笔记、购买和跟进记录会一起移走，"
                   "在 回收站 里随时可以恢复。", name=name), tr("移到回收站")):
            return
        try:
            with self.ctx.session() as session:
                trash_customers(session, [customer_id])
        except Exception as exc:
            show_error(self, exc)
            return
        self._show_empty()
        self.ctx.customers_changed.emit([customer_id])
        inform(self.window() if self.window().isVisible() else None, tr("已移到回收站"),
               tr("“{name}”已移到回收站，可以在 回收站 页面恢复。", name=name))

    # ---- changes made elsewhere ----------------------------------------------------------------

    def _on_customers_changed(self, ids: list[int]) -> None:
        if self._emitting or self._customer_id is None or (ids and self._customer_id not in ids):
            return
        if self._refresh(keep_form=self.is_dirty()):
            self.timeline.reload()  # e.g. a follow-up done on the 今天 page
        else:
            self._show_empty()

    def _on_settings_changed(self) -> None:
        dirty = self.is_dirty()
        self._reload_choices()
        if self._customer_id is not None and not dirty:
            self._refresh(keep_form=False)

    def open_scripts(self) -> QWidget | None:
        """话术…: the script picker for this customer (filled with TA's 称呼, 产品 …; copying counts a use)."""
        from ui.library.common import open_dialog
        from ui.library.picker import ScriptPickerDialog

        if self._customer_id is None:
            return None
        dialog = ScriptPickerDialog(self.ctx, self._customer_id, parent=self)
        return open_dialog(dialog)

    def open_care(self) -> QWidget | None:
        """关怀…: what the seller did for this customer this year (and other years), with 记一笔关怀."""
        from ui.loyalty.care_dialogs import CareYearDialog

        if self._customer_id is None:
            return None
        dialog = CareYearDialog(self.ctx, self._customer_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.saved.connect(self._care_saved)  # a bound method: a lambda here crashes PySide on delete
        dialog.open()
        return dialog

    def _care_saved(self, _customer_id: int) -> None:
        self.timeline.reload()

    def open_points(self) -> QWidget | None:
        """积分…: this customer's ledger, with 加积分 / 扣积分."""
        from ui.loyalty.points_dialogs import open_ledger

        if self._customer_id is None:
            return None
        dialog = open_ledger(self.ctx, self._customer_id, self)
        dialog.changed.connect(lambda _cid: self._refresh(keep_form=True))
        return dialog

    def _open_window(self) -> None:
        from ui.customers.window import CustomerWindow

        if self._customer_id is not None:
            CustomerWindow.open_for(self.ctx, self._customer_id, self.window())
