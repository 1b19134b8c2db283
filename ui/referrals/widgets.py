"""The customer detail's 转介绍 line: 介绍人：X · 介绍了 N 位, with 记录转介绍… and 查看转介绍树.

Signals:
    changed(list): a referral was logged from here (the two customers).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from services import referrals as rf
from ui.context import AppContext
from ui.i18n import tr
from ui.referrals import common
from ui.referrals.dialogs import ReferralDialog


class ReferralLine(QWidget):
    changed = Signal(list)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id: int | None = None
        self.referrer_id: int | None = None
        self.label = QLabel()
        self.label.setObjectName("referralLine")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.linkActivated.connect(self._link)
        self.log_button = QPushButton(tr("记录转介绍…"))
        self.log_button.setObjectName("logReferral")
        menu = QMenu(self)
        self.brought_action = menu.addAction(tr("TA 介绍了一位新客户…"), lambda: self.log(as_referrer=True))
        self.came_action = menu.addAction(tr("TA 是谁介绍来的…"), lambda: self.log(as_referrer=False))
        self.log_button.setMenu(menu)
        self.tree_button = QPushButton(tr("查看转介绍树"))
        self.tree_button.clicked.connect(self.show_tree)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.log_button)
        layout.addWidget(self.tree_button)

    def show_customer(self, customer_id: int) -> None:
        self.customer_id = customer_id
        with self.ctx.session() as session:
            came = rf.referral_of(session, customer_id)
            brought = rf.referred_count(session, customer_id)
        self.referrer_id = came.referrer_id if came else None
        parts = []
        if came is not None:
            link = f'<a href="customer:{came.referrer_id}">{html.escape(came.referrer_name)}</a>'
            parts.append(tr("介绍人：{name}", name=link) + html.escape(f"（{tr(came.method)}）"))
        else:
            parts.append(tr("介绍人：无"))
        parts.append(tr("介绍了 {n} 位", n=f"<b>{brought}</b>") if brought else tr("还没有介绍过新客户"))
        self.label.setText("　·　".join(parts))
        self.came_action.setEnabled(came is None)
        self.came_action.setToolTip("" if came is None else tr("一位客户只能有一位介绍人"))
        self.tree_button.setEnabled(brought > 0)

    def log(self, as_referrer: bool) -> None:
        if self.customer_id is None:
            return
        dialog = ReferralDialog(self.ctx, referrer_id=self.customer_id if as_referrer else None,
                                referee_id=None if as_referrer else self.customer_id, parent=self)
        if common.run_dialog(dialog) and dialog.saved_id is not None:
            data = dialog.value()
            self.show_customer(self.customer_id)
            self.ctx.status_message.emit(tr("已记录转介绍"))
            self.changed.emit([x for x in (data.referrer_id, data.referee_id) if x is not None])

    def show_tree(self) -> None:
        from ui.referrals.tree import ReferralTreeDialog

        if self.customer_id is not None:
            ReferralTreeDialog.open_for(self.ctx, self.customer_id, self.window())

    def _link(self, target: str) -> None:
        if target.startswith("customer:"):
            self.ctx.open_customer.emit(int(target.split(":", 1)[1]))
