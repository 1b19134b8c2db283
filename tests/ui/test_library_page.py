"""The 话术素材 page: write a script with placeholders, fill it for a customer and copy it; add an image
material from a file, copy it, search; delete to the 回收站 and restore there; the 话术… button in the
customer detail; the material picker other pages use."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QDialog

from services import library as lib
from services.customers import CustomerInput, create_customer
from services.library_defaults import STARTER_SCRIPTS
from services.timeline import save_purchase


@pytest.fixture
def page(qtbot, ctx):
    from ui.library.page import LibraryPage

    widget = LibraryPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 860)
    widget.show()
    widget.activate()
    return widget


@pytest.fixture
def customer_id(ctx) -> int:
    with ctx.session() as s:
        cid = create_customer(s, CustomerInput(remark_name="王丽-白茶", real_name="王丽", gender="女",
                                               wechat_id="wangli2024")).id
        save_purchase(s, cid, date.today() - timedelta(days=20), "2019年老白茶饼", 1, "680")
    return cid


@pytest.fixture
def png(tmp_path: Path) -> Path:
    path = tmp_path / "新品 小青柑.png"
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#2e7d32"))
    assert image.save(str(path))
    return path


@pytest.fixture
def no_questions(monkeypatch):
    """Say yes to every 确认 (delete / purge) and remember what was asked."""
    asked: list[str] = []
    for module in ("ui.library.scripts_tab", "ui.library.materials_tab", "ui.trash"):
        monkeypatch.setattr(f"{module}.confirm", lambda _p, _t, text, _ok=None: asked.append(text) or True)
    return asked


def test_empty_library_explains_itself_and_offers_starters(qtbot, page):
    assert page.scripts.stack.currentWidget() is page.scripts.empty
    assert "{称呼}" in page.scripts.empty.text.text()
    qtbot.mouseClick(page.scripts.starter_button, Qt.MouseButton.LeftButton)
    assert page.scripts.stack.currentWidget() is page.scripts.splitter
    assert page.scripts.table.rowCount() == len(STARTER_SCRIPTS)
    page.show_tab("materials")
    assert page.materials.stack.currentWidget() is page.materials.empty
    assert "拖进来" in page.materials.empty.text.text()


def test_write_a_script_fill_it_for_a_customer_and_copy(qtbot, page, customer_id, type_text):
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Ctrl+N: the editor
    dialog = page.scripts.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.title.setText("到货后回访")
    dialog.category.setCurrentText("回访")
    qtbot.mouseClick(dialog.insert_buttons["{称呼}"], Qt.MouseButton.LeftButton)
    type_text(dialog.body, "，")
    qtbot.mouseClick(dialog.insert_buttons["{产品}"], Qt.MouseButton.LeftButton)
    type_text(dialog.body, "收到了吧？")
    assert dialog.body.toPlainText() == "{称呼}，{产品}收到了吧？"
    assert "王姐" in dialog.preview.toPlainText()  # the example customer in the live preview
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted

    script = page.scripts.current()
    assert script is not None and (script.title, script.category, script.use_count) == ("到货后回访", "回访", 0)

    picker = page.scripts.use_script()  # 给客户使用…: pick the customer in the dialog
    assert picker is not None
    picker.activateWindow()  # as the window system does: keys go to the dialog, not the page's shortcuts
    qtbot.waitUntil(lambda: QApplication.activeWindow() is picker)
    type_text(picker.chooser.search, "wl")  # pinyin initials of 王丽
    qtbot.keyClick(picker.chooser.search, Qt.Key.Key_Return)  # Enter: the first match
    assert picker.chooser.customer_id == customer_id
    assert picker.text() == "王姐，2019年老白茶饼收到了吧？"
    qtbot.mouseClick(picker.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "王姐，2019年老白茶饼收到了吧？"
    qtbot.waitUntil(lambda: page.scripts.current() is not None and page.scripts.current().use_count == 1)
    assert page.scripts.table.item(0, 3).text() == "1"


def test_a_gap_is_named_when_the_customer_has_no_value(qtbot, page, ctx):
    with ctx.session() as s:
        cid = create_customer(s, CustomerInput(remark_name="丽丽")).id
        lib.create_script(s, lib.ScriptInput("催复购", "催复购", "{称呼}，上次的{产品}快喝完了吧？"))
    page.activate()
    picker = page.scripts.use_script(cid)
    assert picker is not None
    assert "丽丽" in picker.text()
    assert "产品" in picker.missing.text()


def test_add_an_image_material_copy_it_and_search(qtbot, page, ctx, png, type_text):
    tab = page.show_tab("materials")
    dialog = tab.new_material("image")
    assert dialog.picture_box.isVisibleTo(dialog) and not dialog.link.isVisibleTo(dialog)
    dialog.accept()  # no picture yet: said under the picture, nothing saved
    assert dialog.errors["image"].text() == "请选择一张图片" and dialog.isVisible()
    dialog.set_image(png)  # as a file chosen or dropped
    assert dialog.picture.pixmap() is not None and not dialog.picture.pixmap().isNull()
    dialog.category.setCurrentText("产品种草")
    dialog.tags.setText("新品 普洱")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted

    info = tab.current()
    assert info is not None and (info.kind, info.title, info.tags) == ("image", "新品 小青柑", ("新品", "普洱"))
    copied = ctx.store.data_dir.root / info.path
    assert copied.is_file() and copied.parent == ctx.store.data_dir.root / "media" / "materials"
    assert copied.read_bytes() == png.read_bytes()
    assert not tab.table.item(0, 0).icon().isNull()  # the thumbnail in the list
    assert tab.picture.isVisible() and tab.picture.pixmap().width() > 0
    assert tab.copy_button.text() == "复制图片"

    QGuiApplication.clipboard().clear()
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)  # Enter: copy
    assert QGuiApplication.clipboard().image().size().width() == 320
    assert tab.current().use_count == 1 and tab.table.item(0, 3).text() == "1"

    with ctx.session() as s:
        lib.create_material(s, ctx.store.data_dir.root, lib.MaterialInput("text", "白茶怎么存", "专业知识", "密封避光"))
        lib.create_material(s, ctx.store.data_dir.root, lib.MaterialInput("link", "", "", "mp.weixin.qq.com/s/x"))
    tab.reload()
    assert tab.table.rowCount() == 3
    qtbot.keyClick(page, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Ctrl+F: the search box
    assert tab.search.hasFocus()
    type_text(tab.search, "白茶")
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1)
    assert tab.table.item(0, 0).text() == "白茶怎么存"
    tab.copy_material()
    assert QGuiApplication.clipboard().text() == "密封避光"
    tab.search.clear()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 3)
    tab.tag.setCurrentIndex(tab.tag.findData("普洱"))
    assert [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())] == ["新品 小青柑"]


def test_a_bad_link_is_explained_under_the_field(page):
    dialog = page.show_tab("materials").new_material("link")
    dialog.link.setText("ftp://example.com/a")
    dialog.accept()
    assert "http" in dialog.errors["body"].text() and dialog.isVisible()
    dialog.reject()


def test_trash_from_the_library_and_restore_in_the_trash_page(qtbot, page, ctx, no_questions):
    from ui.trash import TrashPage

    with ctx.session() as s:
        script_id = lib.create_script(s, lib.ScriptInput("节日问候", "其他", "{称呼}节日快乐！"))
        lib.create_material(s, ctx.store.data_dir.root, lib.MaterialInput("text", "品牌故事", "品牌故事", "十年做茶"))
    page.activate()
    page.scripts.table.setFocus()
    qtbot.keyClick(page.scripts.table, Qt.Key.Key_Delete)
    assert "节日问候" in no_questions[-1]
    tab = page.show_tab("materials")
    tab.table.selectRow(0)
    tab.delete_selected()
    assert tab.stack.currentWidget() is tab.splitter and tab.table.rowCount() == 0  # the 回收站 entry stays
    with ctx.session() as s:
        assert lib.list_scripts(s) == [] and lib.list_materials(s) == []

    trash = TrashPage(ctx)
    qtbot.addWidget(trash)
    trash.show()
    trash.activate()
    kinds = {trash.table.item(r, 0).text(): trash.table.item(r, 1).text() for r in range(trash.table.rowCount())}
    assert kinds == {"话术": "节日问候", "素材": "品牌故事"}
    trash.table.selectAll()
    trash.restore_selected()
    with ctx.session() as s:
        assert [r.id for r in lib.list_scripts(s)] == [script_id]
        assert [m.title for m in lib.list_materials(s)] == ["品牌故事"]
    page.activate()
    assert tab.table.rowCount() == 1

    tab.table.selectRow(0)
    tab.delete_selected()
    trash.activate()
    trash.table.selectAll()
    trash.purge_selected()  # for good
    with ctx.session() as s:
        assert lib.list_trashed_materials(s) == []


def test_scripts_button_in_the_customer_detail(qtbot, ctx, customer_id):
    from ui.customers.detail import CustomerDetail

    with ctx.session() as s:
        lib.create_script(s, lib.ScriptInput("首单感谢", "回访", "谢谢{称呼}的信任！"))
    detail = CustomerDetail(ctx)
    qtbot.addWidget(detail)
    detail.show()
    detail.show_customer(customer_id)
    assert detail.script_button.isVisible()
    detail.script_button.click()
    picker = next(w for w in detail.findChildren(QDialog) if w.isVisible())
    assert picker.chooser.customer_id == customer_id
    assert picker.text() == "谢谢王姐的信任！"
    picker.copy()
    assert QGuiApplication.clipboard().text() == "谢谢王姐的信任！"
    with ctx.session() as s:
        assert lib.list_scripts(s)[0].use_count == 1
    detail.start_new()
    assert not detail.script_button.isVisible()  # a customer not saved yet has nothing to fill


def test_material_picker_multi_select_and_counts_uses(qtbot, ctx, png):
    from ui.library.material_picker import MaterialPickerDialog

    root = ctx.store.data_dir.root
    with ctx.session() as s:
        image = lib.create_material(s, root, lib.MaterialInput("image", "小青柑", "产品种草", "", "", png))
        text = lib.create_material(s, root, lib.MaterialInput("text", "开场文案", "", "今天到了一批新茶"))
        lib.create_material(s, root, lib.MaterialInput("link", "文章", "", "https://mp.weixin.qq.com/s/y"))
    dialog = MaterialPickerDialog(ctx, ("image", "text"))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.list.count() == 2  # links are not offered
    assert not dialog.ok_button.isEnabled()
    for row in range(dialog.list.count()):
        dialog.list.item(row).setSelected(True)
    assert dialog.ok_button.text() == "使用所选（2）"
    dialog.accept()
    assert sorted(m.id for m in dialog.chosen()) == sorted([image, text])
    assert lib.material_file(root, next(m for m in dialog.chosen() if m.kind == "image")) is not None
    with ctx.session() as s:
        assert {m.id: m.use_count for m in lib.list_materials(s)}[image] == 1


def test_main_window_has_the_library_page(main_window):
    keys = main_window.page_keys()
    assert keys.index("library") == keys.index("groups") + 1
    page = main_window.show_page("library")
    assert page.tabs.tabText(0) == "话术库" and page.tabs.tabText(1) == "素材库"
