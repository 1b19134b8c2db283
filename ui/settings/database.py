"""数据库: which database this computer's KeBen works on — its own file or a shared PostgreSQL
server (团队模式) — with 测试连接 and 迁移到服务器.

The server address is remembered in preferences.json of the data folder (readable only by the
user: it may carry the password) and used from the next start; `--database-url` still wins.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget

from services.errors import UserError
from services.store import check_server, shown_url
from services.transfer import TransferResult, transfer_to_server
from ui.background import Progress, run_in_background
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr
from ui.settings.form import Section, section_header

PLACEHOLDER = "postgresql+psycopg://用户名:密码@服务器地址:5432/keben"


def ask(parent: QWidget, title: str, text: str) -> bool:
    return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes


def inform(parent: QWidget, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


class DatabaseSection(Section):
    """The mode in use, the server address, and the buttons that test it, move the data and switch."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.mode = QLabel()
        self.mode.setWordWrap(True)
        self.url = QLineEdit()
        self.url.setPlaceholderText(PLACEHOLDER)
        self.url.setMinimumWidth(420)
        self.test_button = QPushButton(tr("测试连接"))
        self.move_button = QPushButton(tr("迁移到服务器"))
        self.use_button = QPushButton(tr("使用这个服务器"))
        self.local_button = QPushButton(tr("改回本机文件"))
        self.result = QLabel()
        self.result.setObjectName("sectionHint")
        self.result.setWordWrap(True)
        hint = QLabel(tr("一个人用：本机文件（最快，自动每日备份）。两三个人共用一本客户本：把数据迁移到一台 "
                         "PostgreSQL 服务器，每台电脑的客本都填同一个地址。改动在重新启动客本后生效。"))
        hint.setObjectName("sectionHint")
        hint.setWordWrap(True)

        buttons = QHBoxLayout()
        for button in (self.test_button, self.move_button, self.use_button, self.local_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(section_header(tr("数据库"), tr("这台电脑的客本把客户本存在哪里。")))
        layout.addWidget(self.mode)
        layout.addWidget(QLabel(tr("服务器地址")))
        layout.addWidget(self.url)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addWidget(hint)
        layout.addStretch(1)

        self.test_button.clicked.connect(self.test_connection)
        self.move_button.clicked.connect(self.move_to_server)
        self.use_button.clicked.connect(self.use_server)
        self.local_button.clicked.connect(self.use_local)

    # ---- showing ---------------------------------------------------------------------------------

    def load(self) -> None:
        store = self.ctx.store
        if store.database_file is not None:
            self.mode.setText(tr("现在用的是本机文件：{path}", path=store.database_file))
        else:
            self.mode.setText(tr("现在用的是服务器（团队模式）：{url}", url=shown_url(store.db.url)))
        remembered = self.ctx.preferences.database_url
        if remembered and not self.url.text():
            self.url.setText(remembered)
        self.move_button.setEnabled(store.database_file is not None)  # the local file is what moves
        self.local_button.setEnabled(bool(remembered))

    def _typed(self) -> str | None:
        url = self.url.text().strip()
        if not url:
            show_error(self, UserError(tr("请先填写服务器地址，例如 {example}", example=PLACEHOLDER)))
            return None
        return url

    # ---- actions ---------------------------------------------------------------------------------

    def test_connection(self) -> None:
        url = self._typed()
        if url is None:
            return
        self.result.setText(tr("正在连接…"))

        def work(_progress: Progress) -> str:
            return check_server(url)

        op = run_in_background(self, work, self._connected, title=tr("正在连接服务器…"), cancellable=False)
        op.failed.connect(lambda _exc: self.result.setText(tr("连接失败。")))

    def _connected(self, version: object) -> None:
        self.result.setText(tr("连接成功：PostgreSQL {version}", version=version))

    def move_to_server(self) -> None:
        url = self._typed()
        if url is None or not ask(self, tr("迁移到服务器"), tr(
                "把这台电脑上的整个客户本复制到服务器 {url}？\n服务器上的数据库必须是空的；本机的数据不会改动。",
                url=shown_url(url))):
            return
        local = self.ctx.store.db

        def work(progress: Progress) -> TransferResult:
            return transfer_to_server(local, url, progress.update, progress.want_cancel)

        self.move_button.setEnabled(False)
        op = run_in_background(self, work, lambda result: self._moved(url, result), title=tr("正在迁移到服务器…"))
        op.done.connect(lambda: self.move_button.setEnabled(self.ctx.store.database_file is not None))

    def _moved(self, url: str, result: object) -> None:
        assert isinstance(result, TransferResult)
        self.result.setText(tr("已迁移 {rows} 行（{tables} 张表，两边行数一致）。",
                               rows=f"{result.total:,}", tables=len(result.counts)))
        if ask(self, tr("迁移完成"), tr("已复制 {n} 位客户，每张表两边行数一致。\n以后这台电脑就用这个服务器吗？",
                                       n=f"{result.counts.get('customer', 0):,}")):
            self._remember(url)

    def use_server(self) -> None:
        url = self._typed()
        if url is None:
            return

        def work(_progress: Progress) -> str:
            return check_server(url)  # never remember an address that does not work

        run_in_background(self, work, lambda _version: self._remember(url), title=tr("正在连接服务器…"),
                          cancellable=False)

    def use_local(self) -> None:
        self._remember("")

    def _remember(self, url: str) -> None:
        self.ctx.preferences.database_url = url
        try:
            self.ctx.save_preferences()
        except OSError as exc:
            show_error(self, UserError(tr("设置没有保存：{error}", error=exc.strerror or exc)))
            return
        self.local_button.setEnabled(bool(url))
        where = shown_url(url) if url else tr("本机文件")
        self.result.setText(tr("已保存：下次启动客本时使用 {where}。", where=where))
        inform(self, tr("数据库"), tr("已保存。请重新启动客本，之后使用 {where}。", where=where))
