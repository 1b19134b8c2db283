"""社群: the seller's WeChat groups — the list with each group's detail, one calendar of all groups' SOP
tasks, the daily stats grid, the metrics with charts, and the SOP templates.

Ctrl+N makes a new group (a new task on the calendar, a new template on the templates tab); Delete
moves the selected groups to the 回收站 after asking.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget

from services import groups as g
from services.excel.kinds_groups import GROUP_LABELS
from ui.context import AppContext
from ui.errors import confirm, show_error
from ui.excel.export_actions import export_page_kind
from ui.groups import common
from ui.groups.calendar import CalendarView
from ui.groups.detail import GroupDetail
from ui.groups.group_form import GroupDialog
from ui.groups.group_list import GroupList
from ui.groups.metrics_view import MetricsView
from ui.groups.stats_grid import StatsGrid
from ui.groups.templates import TemplatesPanel
from ui.i18n import tr

TABS = ("groups", "calendar", "stats", "metrics", "templates")


class GroupsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.list = GroupList(ctx)
        self.detail = GroupDetail(ctx)
        self.list.selected.connect(lambda group_id: self.detail.show_group(group_id, keep_tab=True))
        self.list.new_requested.connect(self.new_group)
        self.detail.edit_requested.connect(self.edit_group)
        self.detail.archive_requested.connect(self.archive_group)
        self.detail.delete_requested.connect(lambda group_id: self.delete_groups([group_id]))
        self.detail.restore_requested.connect(self.restore_group)
        self.detail.changed.connect(lambda: self._changed(reload_detail=False))
        self.detail.calendar_requested.connect(self.show_calendar_of)
        self.new_button = QPushButton(tr("新建群"))
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_group)
        self.export_button = QPushButton(tr("导出 Excel"))
        menu = QMenu(self)
        for kind, label in GROUP_LABELS.items():
            menu.addAction(tr(label), partial(self.export, kind))
        self.export_button.setMenu(menu)
        self.import_button = QPushButton(tr("从 Excel 导入"))
        imports = QMenu(self)
        for kind, label in GROUP_LABELS.items():
            imports.addAction(tr(label) + "…", partial(self.import_kind, kind))
        self.import_button.setMenu(imports)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        column.addWidget(self.list, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setSizes([660, 680])
        self.splitter.setChildrenCollapsible(False)
        self.calendar = CalendarView(ctx)
        self.calendar.changed.connect(lambda: self._changed(skip=self.calendar))
        self.stats = StatsGrid(ctx)
        self.stats.saved.connect(lambda _gid: self._changed(skip=self.stats))
        self.metrics = MetricsView(ctx)
        self.templates = TemplatesPanel(ctx)
        self.templates.changed.connect(lambda: self._changed(skip=self.templates))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("groupTabs")
        for widget, label in ((self.splitter, tr("群")), (self.calendar, tr("日历")), (self.stats, tr("日数据")),
                              (self.metrics, tr("数据分析")), (self.templates, tr("SOP模板"))):
            self.tabs.addTab(widget, label)
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        new_action = QAction(self)
        new_action.setShortcut(QKeySequence.StandardKey.New)
        new_action.triggered.connect(self.new_thing)
        self.addAction(new_action)
        delete_action = QAction(self.list.table)
        delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_action.triggered.connect(lambda: self.delete_groups(self.list.selected_ids()))
        self.list.table.addAction(delete_action)
        ctx.ui_state.restore_splitter("groups.list", self.splitter)
        ctx.settings_changed.connect(self._settings_changed)
        ctx.customers_changed.connect(lambda _ids: self.detail.members.reload())
        tab = ctx.ui_state.value("groups/tab", 0)
        self.list.reload()
        self.tabs.setCurrentIndex(int(tab) if str(tab).isdigit() and int(tab) < len(TABS) else 0)

    # ---- state -----------------------------------------------------------------------------------

    def save_state(self) -> None:
        self.ctx.ui_state.save_splitter("groups.list", self.splitter)
        self.ctx.ui_state.set_value("groups/tab", self.tabs.currentIndex())
        for part in (self.calendar, self.metrics, self.templates):
            part.save_state()

    def activate(self) -> None:
        self._tab_changed(self.tabs.currentIndex())

    def show_tab(self, key: str) -> QWidget:
        self.tabs.setCurrentIndex(TABS.index(key))
        return self.tabs.currentWidget()

    def show_calendar_of(self, group_id: int) -> None:
        self.show_tab("calendar")
        self.calendar.show_group(group_id)

    def _tab_changed(self, index: int) -> None:
        key = TABS[index] if 0 <= index < len(TABS) else "groups"
        if key == "groups":
            self.list.reload()
            self.list.table.setFocus()
        elif key == "calendar":
            self.calendar.refresh_filters()
        elif key == "stats" and not self.stats.dirty:
            self.stats.refresh_groups(self.list.current_id())
        elif key == "metrics":
            self.metrics.reload()
        elif key == "templates":
            self.templates.reload()

    def _changed(self, *, skip: QWidget | None = None, reload_detail: bool = True) -> None:
        """Something changed on one tab: the group list (and detail) follow now; other tabs reload when
        they are shown."""
        if skip is not self.splitter:
            self.list.reload()
        if reload_detail:
            self.detail.show_group(self.list.current_id())

    def _settings_changed(self) -> None:
        self.list.refresh_accounts()
        self.list.reload()

    # ---- groups ----------------------------------------------------------------------------------

    def new_thing(self) -> None:
        key = TABS[self.tabs.currentIndex()]
        if key == "calendar":
            self.calendar.new_task()
        elif key == "templates":
            self.templates.new_template()
        else:
            self.new_group()

    def new_group(self) -> None:
        dialog = GroupDialog(self.ctx, None, self)
        if common.run_dialog(dialog) and dialog.saved_id is not None:
            self.tabs.setCurrentIndex(0)
            self.list.clear_filters()
            self.list.reload(dialog.saved_id)
            self.ctx.status_message.emit(tr("已新建群，下一步：添加成员、应用SOP模板"))

    def edit_group(self, group_id: int) -> None:
        dialog = GroupDialog(self.ctx, group_id, self)
        if common.run_dialog(dialog):
            self.list.reload(group_id)
            self.detail.show_group(group_id)

    def archive_group(self, group_id: int, archived: bool) -> None:
        if archived and not confirm(self, tr("归档群"), tr("归档后，这个群的任务不再出现在日历上，群和数据都保留，随时可以取消归档。"),
                                    tr("归档")):
            return
        self._run(lambda s: g.set_archived(s, [group_id], archived), tr("已归档") if archived else tr("已取消归档"))
        self.list.reload(group_id)

    def delete_groups(self, group_ids: list[int]) -> None:
        if not group_ids:
            return
        names = [r.name for r in self.list.rows if r.id in group_ids]
        if self.list.status.currentData() == "trash":
            return
        shown = "、".join(names[:3]) + (tr(" 等 {n} 个群", n=len(names)) if len(names) > 3 else "")
        if not confirm(self, tr("删除群"), tr("把“{names}”移到回收站？\n成员、任务和数据会一起保留，可以在回收站里恢复。", names=shown),
                       tr("移到回收站")):
            return
        self._run(lambda s: g.trash_groups(s, group_ids), tr("已移到回收站：{n} 个群", n=len(group_ids)))
        self.list.reload()

    def restore_group(self, group_id: int) -> None:
        self._run(lambda s: g.restore_groups(s, [group_id]), tr("已恢复"))
        self.list.reload()

    def _run(self, change: object, message: str) -> None:
        assert callable(change)
        try:
            with self.ctx.session() as session:
                change(session)
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.status_message.emit(message)

    # ---- Excel -------------------------------------------------------------------------------------

    def import_kind(self, kind: str) -> None:
        """The import wizard for groups, members or daily stats; the page reloads when it closes."""
        from ui.excel.import_wizard import open_import_wizard

        wizard = open_import_wizard(self.ctx, self, kind)
        wizard.finished.connect(lambda _result: self._changed())

    def export(self, kind: str, path: Path | None = None) -> None:
        export_page_kind(self.ctx, self, kind, path=path)
