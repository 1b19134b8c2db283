"""The import wizard, driven as a seller would: pick the file, check the header, the mapping, the
preview (fix a cell, drop a row), import, read the summary, undo — or cancel half way."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from sqlalchemy import select

from models import Customer
from services.excel.undo import list_batches

HEADERS = ["客户姓名", "微信号", "手机号码", "性别", "生日", "所在城市", "客户标签", "累计消费", "备注"]
ROWS = [
    ["张丽", "zhangli88", 13800138000, "女", "1990/5/1", "杭州", "老客；普洱", "￥3,200元", "怕凉"],
    ["王芳", "wangfang_hz", "139-0013-9000", "女士", "5月1日", "上海", "白茶", 1200, ""],
    ["赵磊", "", "1380013800", "先生", "1985.3.12", "南京", "", "", ""],  # one digit short
    ["李娜", "lina_1992", "+86 137 0013 7000", "女", "1992年8月8日", "苏州", "宝妈、红茶", "¥860", ""],
    ["陈静", "", "15900159000", "女", "", "杭州", "", "", "朋友介绍"],
]


def customer_sheet(path: Path, rows: list[list[object]] = ROWS) -> Path:
    """The kind of sheet sellers keep: a merged title, a blank row, then the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户名单"
    sheet["A1"] = "2024 年老客户名单"
    sheet.merge_cells("A1:I1")
    sheet.append([])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.create_sheet("说明")["A1"] = "从微信里整理的"
    book.save(path)
    return path


def names(ctx) -> dict[str, Customer]:
    with ctx.session() as session:
        return {c.remark_name: c for c in session.scalars(select(Customer).where(Customer.deleted_at.is_(None)))}


@pytest.fixture
def wizard(qtbot, ctx):
    from ui.excel.import_wizard import ImportWizard

    widget = ImportWizard(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def click(qtbot, button) -> None:
    assert button.isEnabled() and button.isVisible(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def to_preview(qtbot, wizard, path: Path) -> None:
    from ui.excel.import_wizard import MAPPING, PREVIEW

    assert wizard.set_file(path)
    click(qtbot, wizard.next_button)
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.step() == MAPPING)
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.step() == PREVIEW)


def cell(wizard, name: str, header: str):
    """The preview cell of the row whose 客户姓名 is `name`, in the column titled `header`."""
    model = wizard.model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    for row in range(model.rowCount()):
        if model.index(row, titles.index("客户姓名")).data() == name:
            return model.index(row, titles.index(header))
    raise AssertionError(name)


def test_a_realistic_sheet_is_checked_fixed_and_imported(qtbot, ctx, wizard, tmp_path):
    from ui.excel.import_wizard import MAPPING, PREVIEW, SHEET

    path = customer_sheet(tmp_path / "老客户.xlsx")
    assert not wizard.next_button.isEnabled()
    assert wizard.set_file(path)
    assert wizard.file_page.zone_title.text() == "老客户.xlsx"
    assert "2 个工作表" in wizard.file_page.zone_detail.text()

    click(qtbot, wizard.next_button)
    assert wizard.step() == SHEET
    assert wizard.sheet_page.sheet.currentText() == "客户名单"
    assert wizard.sheet_page.header_row.value() == 3  # the title and the blank row passed over
    assert "第 3 行" in wizard.sheet_page.hint.text()

    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.step() == MAPPING)
    chosen = [combo.currentText() for combo in wizard.mapping_page.combos]
    assert chosen[:3] == ["备注名 *", "微信号", "手机"]
    assert chosen[5:8] == ["城市", "标签", "累计消费"]
    assert "将导入 9 列" in wizard.mapping_page.status.text()

    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.step() == PREVIEW)
    model, page = wizard.model, wizard.preview_page
    assert model.rowCount() == 5
    phone = cell(wizard, "赵磊", "手机号码")
    assert phone.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "1380013800" in phone.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(phone.row(), 0).data() == "有问题"
    assert cell(wizard, "张丽", "手机号码").data(Qt.ItemDataRole.BackgroundRole) is None
    assert "将新增 4" in page.counts.text() and "有问题 1" in page.counts.text()

    page.only_problems.click()
    assert model.rowCount() == 1
    assert model.headerData(0, Qt.Orientation.Vertical) == "6"  # the row number the seller sees in Excel

    phone = cell(wizard, "赵磊", "手机号码")
    page.table.setCurrentIndex(phone)
    assert "第 6 行" in page.row_problems.text()
    qtbot.keyClick(page.table, Qt.Key.Key_F2)  # or a double click: edit in place
    editor = page.table.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "1380013800"
    editor.selectAll()
    qtbot.keyClicks(editor, "13800138001")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: phone.data() == "13800138001")  # the view commits the edit queued
    assert phone.data(Qt.ItemDataRole.BackgroundRole) is None
    assert phone.data(Qt.ItemDataRole.ToolTipRole) is None
    assert model.index(phone.row(), 0).data() == "新增"
    assert "将新增 5" in page.counts.text() and "有问题 0" in page.counts.text()

    assert wizard.next_button.text().startswith("开始导入")
    counts: list[str] = []
    wizard.run_page.progressed.connect(lambda *_: counts.append(wizard.run_page.count.text()))
    with qtbot.waitSignal(ctx.customers_changed, timeout=5000) as changed:
        click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.run_page.finished)
    assert changed.args == [[]]
    # every row read, the totals are being worked out: the page says so (not "5 / 5" for a while)
    assert counts[-1] == "已处理全部 5 行，正在计算累计消费、阶段和分层并保存…"
    assert wizard.run_page.title.text() == "导入完成"
    assert wizard.run_page.tile_values["created"].text() == "5"
    tile = wizard.run_page.tile_values["created"].parentWidget()
    assert tile.height() < wizard.height() / 4  # a card, not a column down the page when nothing went wrong
    assert wizard.run_page.tile_values["errors"].text() == "0"
    assert wizard.close_button.text() == "完成"
    book = names(ctx)
    assert set(book) == {"张丽", "王芳", "赵磊", "李娜", "陈静"}
    assert book["赵磊"].phone == "13800138001"
    assert book["王芳"].phone == "13900139000"
    with ctx.session() as session:
        assert [(b.file_name, b.created) for b in list_batches(session)] == [("老客户.xlsx", 5)]


def test_problem_rows_are_reported_and_the_import_can_be_undone(qtbot, ctx, wizard, tmp_path, monkeypatch):
    to_preview(qtbot, wizard, customer_sheet(tmp_path / "老客户.xlsx"))
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.run_page.finished)
    run = wizard.run_page
    assert run.title.text() == "导入完成，有 1 行没有导入"
    assert (run.tile_values["created"].text(), run.tile_values["errors"].text()) == ("4", "1")
    first = run.problems.topLevelItem(0)
    assert (first.text(0), first.text(1)) == ("6", "手机号码") and "1380013800" in first.text(2)

    report = run.save_report(tmp_path / "问题.xlsx")
    note = wizard.findChild(QMessageBox, "savedNote")
    assert note is not None and note.isVisible()
    note.close()
    sheet = openpyxl.load_workbook(report).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][-2:] == ["原行号", "问题"]
    assert values[1][0] == "赵磊" and values[1][-2] == 6 and "1380013800" in values[1][-1]

    asked: list[str] = []
    monkeypatch.setattr("ui.excel.history.confirm", lambda _p, _t, text, _ok=None: asked.append(text) or True)
    with qtbot.waitSignal(ctx.customers_changed, timeout=5000):
        click(qtbot, run.undo_button)
    qtbot.waitUntil(lambda: not run.undo_button.isEnabled())
    assert "老客户.xlsx" in asked[0]
    assert run.title.text() == "这次导入已撤销"
    assert names(ctx) == {}


def test_removed_rows_are_not_imported(qtbot, ctx, wizard, tmp_path):
    to_preview(qtbot, wizard, customer_sheet(tmp_path / "老客户.xlsx"))
    page = wizard.preview_page
    page.table.setCurrentIndex(cell(wizard, "陈静", "微信号"))
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert wizard.model.rowCount() == 4
    assert "已去掉 1 行" in page.counts.text()
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.run_page.finished)
    assert set(names(ctx)) == {"张丽", "王芳", "李娜"}


def test_the_duplicate_policy_decides_what_matching_rows_do(qtbot, ctx, wizard, tmp_path):
    from services.customers import CustomerInput, create_customer

    with ctx.session() as session:
        create_customer(session, CustomerInput(remark_name="丽丽", wechat_id="zhangli88"))
    to_preview(qtbot, wizard, customer_sheet(tmp_path / "老客户.xlsx"))
    page = wizard.preview_page
    assert cell(wizard, "张丽", "操作").data() == "更新"
    assert "按 微信号 → 手机 → 备注名" in page.match_rule.text()
    page.policy_buttons["skip"].click()
    assert cell(wizard, "张丽", "操作").data() == "跳过"
    assert "跳过 1" in page.counts.text()
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.run_page.finished)
    assert wizard.run_page.tile_values["skipped"].text() == "1"
    assert "丽丽" in names(ctx) and "张丽" not in names(ctx)  # the existing customer left as it was


def test_cancel_half_way_leaves_the_store_as_it_was(qtbot, ctx, wizard, tmp_path, monkeypatch):
    import ui.excel.run_page as module

    many = [[f"客户{i}", f"wx{i}", f"139{i:08d}", "", "", "", "", "", ""] for i in range(1200)]
    to_preview(qtbot, wizard, customer_sheet(tmp_path / "很多客户.xlsx", many))
    real = module.run_import

    def cancelling(*args, progress, cancelled, **options):
        def press_cancel(done: int, total: int) -> None:
            progress(done, total)
            cancelled.__self__.cancel()  # what the 取消导入 button does, as soon as progress shows

        return real(*args, progress=press_cancel, cancelled=cancelled, **options)

    monkeypatch.setattr(module, "run_import", cancelling)
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.run_page.cancelled, timeout=10000)
    assert wizard.run_page.title.text() == "已取消，客户本没有任何改动"
    assert names(ctx) == {}
    with ctx.session() as session:
        assert list_batches(session) == []
    assert wizard.back_button.isVisible() and wizard.back_button.isEnabled()
    click(qtbot, wizard.back_button)
    assert wizard.model.rowCount() == 1200  # back at the preview, ready to try again


def test_the_cancel_button_stops_a_running_import(qtbot, ctx, wizard, tmp_path):
    to_preview(qtbot, wizard, customer_sheet(tmp_path / "老客户.xlsx"))
    click(qtbot, wizard.next_button)
    assert wizard.run_page.running and not wizard.close_button.isEnabled()
    wizard.cancel_import()
    qtbot.waitUntil(lambda: not wizard.run_page.running)
    # Five rows may finish before the Cancel is seen: either way the page says what happened.
    assert wizard.run_page.finished or wizard.run_page.cancelled


def test_a_renamed_pdf_is_explained_and_next_stays_off(qtbot, wizard, tmp_path):
    fake = tmp_path / "客户名单.xlsx"
    fake.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    assert not wizard.set_file(fake)
    message = wizard.file_page.error.text()
    assert "客户名单.xlsx" in message and "PDF" in message
    assert wizard.file_page.error.isVisible()
    assert not wizard.next_button.isEnabled()
    wizard.go_next()
    assert wizard.step() == 0


def test_a_dropped_file_is_opened(qtbot, wizard, tmp_path):
    path = customer_sheet(tmp_path / "拖进来的.xlsx")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    with warnings.catch_warnings():  # PySide marks the QPoint constructor deprecated; Qt has no other
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(wizard.file_page, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(wizard.file_page, drop)
    assert wizard.path == path
    assert wizard.next_button.isEnabled()


def test_a_gbk_csv_is_read_and_its_encoding_can_be_chosen(qtbot, wizard, tmp_path):
    from ui.excel.import_wizard import MAPPING

    path = tmp_path / "客户.csv"
    path.write_bytes("姓名,手机,城市\n张丽,13800138000,杭州\n王芳,13900139000,上海\n".encode("gbk"))
    assert wizard.set_file(path)
    page = wizard.file_page
    assert page.csv_options.isVisible()
    assert "GB" in page.encoding.itemText(0)
    page.encoding.setCurrentIndex(page.encoding.findData("gbk"))
    page.options_changed.emit()
    assert wizard.book is not None and wizard.book.encoding.lower().startswith("gb")
    click(qtbot, wizard.next_button)
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.step() == MAPPING)
    assert wizard.mapping_page.mapping() == {0: "remark_name", 1: "phone", 2: "city"}


def test_the_mapping_needs_the_required_field_once(qtbot, wizard, tmp_path):
    from ui.excel.import_wizard import MAPPING

    assert wizard.set_file(customer_sheet(tmp_path / "老客户.xlsx"))
    click(qtbot, wizard.next_button)
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.step() == MAPPING)
    page = wizard.mapping_page
    page.set_field(0, "")
    assert "备注名" in page.status.text() and not wizard.next_button.isEnabled()
    page.set_field(0, "remark_name")
    assert wizard.next_button.isEnabled()
    page.set_field(8, "phone")  # 备注 mapped to 手机 as well
    assert "“手机”对应了 2 列" in page.status.text()
    assert page.combos[8].property("doubled") and page.combos[2].property("doubled")
    assert not wizard.next_button.isEnabled()


def test_the_mapping_is_remembered_for_the_same_headers(qtbot, ctx, wizard, tmp_path):
    from ui.excel.import_wizard import ImportWizard

    path = customer_sheet(tmp_path / "老客户.xlsx")
    assert wizard.set_file(path)
    click(qtbot, wizard.next_button)
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.mapping_page.combos != [])
    wizard.mapping_page.set_field(8, "")  # 备注: do not import
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.model.rowCount() == 5)

    again = ImportWizard(ctx)
    qtbot.addWidget(again)
    again.show()
    assert again.set_file(path)
    click(qtbot, again.next_button)
    click(qtbot, again.next_button)
    qtbot.waitUntil(lambda: again.mapping_page.combos != [])
    assert again.mapping_page.combos[8].currentText() == "不导入"


def test_the_template_link_saves_a_template(qtbot, ctx, wizard, tmp_path, monkeypatch):
    target = tmp_path / "模板.xlsx"
    monkeypatch.setattr("ui.excel.export_actions.ask_save_path", lambda *_a: target)
    wizard.file_page.set_kind("purchases")
    assert "购买记录" in wizard.file_page.template_link.text()
    wizard.file_page.template_link.linkActivated.emit("template")
    headers = [c.value for c in next(openpyxl.load_workbook(target).worksheets[0].iter_rows(max_row=1))]
    assert "商品" in headers
    note = wizard.findChild(QMessageBox, "savedNote")
    note.close()


def test_the_wizard_remembers_its_size(qtbot, ctx, tmp_path):
    from ui.excel.import_wizard import open_import_wizard

    first = open_import_wizard(ctx, None, "notes")
    assert first.file_page.current_kind() == "notes"
    first.resize(777, 555)
    first.close()
    second = open_import_wizard(ctx, None)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (777, 555)


def test_the_header_row_can_be_set_by_hand(qtbot, wizard, tmp_path):
    from ui.excel.import_wizard import MAPPING

    assert wizard.set_file(customer_sheet(tmp_path / "老客户.xlsx"))
    click(qtbot, wizard.next_button)
    page = wizard.sheet_page
    header = page.model.index(2, 0)
    assert header.data(Qt.ItemDataRole.BackgroundRole) is not None  # the found header is highlighted
    assert page.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is not None  # the title greyed
    page.header_row.setValue(2)  # a blank row: it cannot be the header
    assert wizard.header_row == 2
    assert page.model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert header.data(Qt.ItemDataRole.BackgroundRole) is None
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: bool(page.empty_note.text()))
    assert "第 2 行是空的" in page.empty_note.text() and wizard.step() != MAPPING
    page.grid.doubleClicked.emit(page.model.index(2, 4))  # double-click the real header row
    assert page.header_row.value() == 3
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.step() == MAPPING)
    assert wizard.mapping_page.table.item(0, 0).text() == "客户姓名"


def test_notes_are_imported_for_the_customers_they_name(qtbot, ctx, tmp_path):
    from models import Note
    from services.customers import CustomerInput, create_customer
    from ui.excel.import_wizard import ImportWizard

    with ctx.session() as session:
        zl = create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zhangli88")).id
    book = openpyxl.Workbook()
    book.active.append(["客户微信号", "类型", "内容"])
    book.active.append(["zhangli88", "喜好", "喜欢熟普"])
    book.active.append(["nobody", "喜好", "找不到的人"])
    book.save(tmp_path / "笔记.xlsx")
    wizard = ImportWizard(ctx, None, "notes")
    qtbot.addWidget(wizard)
    wizard.show()
    to_preview(qtbot, wizard, tmp_path / "笔记.xlsx")
    assert "同一位客户、内容相同的笔记" in wizard.preview_page.match_rule.text()
    assert [wizard.model.index(r, 0).data() for r in range(2)] == ["新增", "有问题"]
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.run_page.finished)
    with ctx.session() as session:
        assert list(session.scalars(select(Note.body).where(Note.customer_id == zl))) == ["喜欢熟普"]
