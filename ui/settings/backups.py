"""数据与备份: where the data lives, the backups kept, 备份现在 / 从备份恢复… / 打开备份文件夹.

A restore replaces the whole store: after it KeBen reopens the store and the main window
(`ui.app.request_restart`), so no page keeps showing the data from before.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from services.backup import BackupFile, list_backups
from services.cli_backup import human_size
from services.store import restore_store
from ui.background import Progress, run_in_background
from ui.context import AppContext
from ui.errors import confirm
from ui.i18n import tr
from ui.settings.form import Section, button_row, danger_button, make_table, section_header, table_item

REASON_LABELS = {"daily": "每日自动", "before-import": "导入前", "before-migration": "升级前",
                 "before-restore": "恢复前", "manual": "手动"}


def fill_backup_table(table: QTableWidget, backups: list[BackupFile]) -> None:
    table.setRowCount(len(backups))
    for row, backup in enumerate(backups):
        table.setItem(row, 0, table_item(f"{backup.taken_at:%Y-%m-%d %H:%M}", row))
        table.setItem(row, 1, table_item(tr(REASON_LABELS.get(backup.reason, backup.reason))))
        table.setItem(row, 2, table_item(human_size(backup.size), number=True))
        table.setItem(row, 3, table_item(backup.path.name))
    table.resizeColumnsToContents()


def _backup_table() -> QTableWidget:
    return make_table([tr("时间"), tr("原因"), tr("大小"), tr("文件")])


class RestoreDialog(QDialog):
    """Pick a backup from the list, or any file with 选择文件…; `chosen` is the file to restore."""

    def __init__(self, backups: list[BackupFile], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("从备份恢复"))
        self.resize(640, 420)
        self.backups = backups
        self.chosen: Path | None = None
        self.table = _backup_table()
        fill_backup_table(self.table, backups)
        if backups:
            self.table.selectRow(0)
        hint = QLabel(tr("恢复会用所选备份替换现在的全部数据。恢复前，客本会先把现在的数据另存为一个“恢复前”备份。"))
        hint.setWordWrap(True)
        self.pick_file = QPushButton(tr("选择文件…"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton(tr("恢复所选备份"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(bool(backups))
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(button_row(self.pick_file))
        layout.addWidget(buttons)
        self.pick_file.clicked.connect(self._pick_file)
        self.table.doubleClicked.connect(lambda _index: self.accept())
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def accept(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if self.chosen is None and rows:
            self.chosen = self.backups[rows[0].row()].path
        if self.chosen is not None:
            super().accept()

    def _pick_file(self) -> None:
        folder = str(self.backups[0].path.parent) if self.backups else ""
        path, _filter = QFileDialog.getOpenFileName(self, tr("选择备份文件"), folder,
                                                    tr("客本备份 (*.db *.sqlite *.bak);;所有文件 (*)"))
        if path:
            self.chosen = Path(path)
            super().accept()


class BackupsSection(Section):
    """The data folder and its backups.

    Signals:
        restored(str): a backup replaced the store (the file restored from); the app reopens.
    """

    restored = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        data_dir = ctx.store.data_dir
        self.folder_label = QLabel(tr("数据文件夹：{path}", path=data_dir.root))
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("sectionHint")
        self.summary.setWordWrap(True)
        self.backup_now = QPushButton(tr("备份现在"))
        self.restore = danger_button(tr("从备份恢复…"))
        self.open_folder = QPushButton(tr("打开备份文件夹"))
        self.table = _backup_table()
        rules = QLabel(tr("客本每天第一次打开时自动备份，每次导入、升级和恢复之前也会先备份。"
                          "保留最近 7 天、4 周和 12 个月的每日备份，导入、升级和恢复前的备份保留 30 天，手动备份一直保留。"))
        rules.setWordWrap(True)
        rules.setObjectName("sectionHint")

        layout = QVBoxLayout(self)
        layout.addWidget(section_header(tr("数据与备份"), tr("你的全部数据都在这台电脑上的一个文件里。备份是它的完整副本。")))
        layout.addWidget(self.folder_label)
        layout.addWidget(rules)
        layout.addLayout(button_row(self.backup_now, self.restore, self.open_folder))
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

        self.backup_now.clicked.connect(self.make_backup)
        self.restore.clicked.connect(self.choose_restore)
        self.open_folder.clicked.connect(self.show_folder)

    @property
    def folder(self) -> Path:
        database = self.ctx.store.database_file
        return database.parent / "backups" if database is not None else self.ctx.store.data_dir.backups

    def load(self) -> None:
        backups = list_backups(self.folder)
        fill_backup_table(self.table, backups)
        if backups:
            total = sum(b.size for b in backups)
            self.summary.setText(tr("共 {n} 个备份，占用 {size}；最近一次：{time}", n=len(backups),
                                    size=human_size(total), time=f"{backups[0].taken_at:%Y-%m-%d %H:%M}"))
        else:
            self.summary.setText(tr("还没有备份。"))

    def make_backup(self) -> None:
        store = self.ctx.store

        def work(_progress: Progress) -> BackupFile:
            return store.backup("manual")

        self.backup_now.setEnabled(False)
        op = run_in_background(self, work, self._backed_up, title=tr("正在备份…"), cancellable=False)
        op.done.connect(lambda: self.backup_now.setEnabled(True))

    def _backed_up(self, backup: object) -> None:
        assert isinstance(backup, BackupFile)
        self.reload()
        if backup.method != "sqlite":  # 团队模式: say whether pg_dump or the workbook export made it
            from services.backup_server import backup_message

            self.ctx.status_message.emit(backup_message(backup))
            return
        self.ctx.status_message.emit(tr("已备份到 {file}", file=backup.path.name))

    def show_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))

    def choose_restore(self) -> None:
        dialog = RestoreDialog(list_backups(self.folder), self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return
        self.restore_file(dialog.chosen)

    def restore_file(self, file: Path, *, ask: bool = True) -> None:
        """Check `file`, keep the current data as a before-restore backup, replace the store, reopen."""
        if ask and not confirm(self, tr("从备份恢复"),
                               tr("用“{file}”替换现在的全部数据？\n\n现在的数据会先另存为一个“恢复前”备份；"
                                  "恢复后客本会重新打开。", file=file.name), tr("恢复")):
            return
        store, data_dir = self.ctx.store, self.ctx.store.data_dir

        def work(_progress: Progress) -> str:
            restore_store(data_dir, file, store.db.url, store=store)
            return str(file)

        run_in_background(self, work, self._restored, title=tr("正在检查并恢复备份…"), cancellable=False)

    def _restored(self, file: object) -> None:
        from ui.app import request_restart

        self.restored.emit(str(file))
        QMessageBox.information(self, tr("已恢复"), tr("已从“{file}”恢复。客本现在会重新打开。", file=Path(str(file)).name))
        request_restart()
