"""回收站: deleted customers are listed, can be restored, or deleted for good after a confirmation."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from services.customer_query import CustomerFilter, customer_ids
from services.customers import CustomerInput, create_customer, list_trash, trash_customers


@pytest.fixture
def trashed(ctx):
    with ctx.session() as session:
        ids = [create_customer(session, CustomerInput(remark_name=name, phone=phone)).id
               for name, phone in (("王姐", "13800000001"), ("李姐", "13800000002"))]
        trash_customers(session, ids)
    return ids


@pytest.fixture
def page(qtbot, ctx):
    from ui.trash import TrashPage

    widget = TrashPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    widget.activate()
    return widget


def names(page) -> list[str]:
    return sorted(page.table.item(row, 1).text() for row in range(page.table.rowCount()))


def click_row(qtbot, page, name: str) -> None:
    item = page.table.findItems(name, Qt.MatchFlag.MatchExactly)[0]
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.table.visualItemRect(item).center())


def asking(monkeypatch, answer: bool) -> list[str]:
    asked: list[str] = []
    monkeypatch.setattr("ui.trash.confirm", lambda _p, _t, text, _ok=None: asked.append(text) or answer)
    return asked


def test_empty_trash_explains_itself(page):
    assert page.stack.currentWidget() is page.empty
    assert "可以随时恢复" in page.empty.text.text()
    assert not page.empty_button.isEnabled()


def test_lists_trashed_customers(trashed, page):
    assert names(page) == ["李姐", "王姐"]
    assert page.table.item(0, 2).text().startswith("138")
    assert not page.restore_button.isEnabled()


def test_restore_one(qtbot, ctx, trashed, page):
    click_row(qtbot, page, "王姐")
    assert page.restore_button.isEnabled()
    with qtbot.waitSignal(ctx.customers_changed, timeout=1000) as signal:
        qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)

    assert signal.args == [[trashed[0]]]
    assert names(page) == ["李姐"]
    assert "已恢复 1 项" in page.notice.text()
    with ctx.session() as session:
        assert customer_ids(session, CustomerFilter()) == [trashed[0]]


def test_empty_the_trash_after_confirming(qtbot, ctx, trashed, page, monkeypatch):
    asked = asking(monkeypatch, True)
    qtbot.mouseClick(page.empty_button, Qt.MouseButton.LeftButton)

    assert asked == ["将永久删除 2 位客户及其笔记和购买记录，无法恢复。"]
    assert page.stack.currentWidget() is page.empty
    with ctx.session() as session:
        assert list_trash(session) == []


def test_not_confirming_changes_nothing(qtbot, ctx, trashed, page, monkeypatch):
    asking(monkeypatch, False)
    qtbot.mouseClick(page.empty_button, Qt.MouseButton.LeftButton)
    click_row(qtbot, page, "李姐")
    qtbot.mouseClick(page.purge_button, Qt.MouseButton.LeftButton)

    assert names(page) == ["李姐", "王姐"]
    with ctx.session() as session:
        assert len(list_trash(session)) == 2


def test_delete_selected_for_good(qtbot, ctx, trashed, page, monkeypatch):
    asked = asking(monkeypatch, True)
    click_row(qtbot, page, "李姐")
    qtbot.mouseClick(page.purge_button, Qt.MouseButton.LeftButton)

    assert "1 位客户" in asked[0]
    assert names(page) == ["王姐"]
    with ctx.session() as session:
        assert [c.name for c in list_trash(session)] == ["王姐"]


def test_reloads_when_customers_are_deleted_elsewhere(ctx, trashed, page):
    with ctx.session() as session:
        other = create_customer(session, CustomerInput(remark_name="赵姐")).id
        trash_customers(session, [other])
    ctx.customers_changed.emit([other])
    assert names(page) == ["李姐", "王姐", "赵姐"]


def test_main_window_opens_the_trash(qtbot, ctx, trashed, main_window):
    page = main_window.show_page("trash")
    assert page.isVisible() and names(page) == ["李姐", "王姐"]


def test_selection_survives_a_reload(qtbot, ctx, trashed, page):
    page.table.selectAll()
    ctx.customers_changed.emit([])
    assert sorted(page.selected_ids()) == sorted(trashed)


def test_a_deleted_note_and_purchase_wait_in_the_trash_and_come_back(qtbot, ctx, page, monkeypatch):
    """Nothing is lost: a note or purchase deleted from a timeline can be restored, totals and all."""
    from datetime import date

    import ui.trash as trash_module
    from services.timeline import delete_note, delete_purchase, save_note, save_purchase, timeline
    from services.trash import list_trashed_records

    with ctx.session() as s:
        cid = create_customer(s, CustomerInput(remark_name="周姐")).id
        note = save_note(s, cid, "喜好", "只喝熟普")
        bought = save_purchase(s, cid, date(2026, 5, 1), "冰岛古树", 1, "1200")
        delete_note(s, note)
        delete_purchase(s, bought)
        assert timeline(s, cid) == []
    page.reload()
    kinds = sorted(page.table.item(row, 0).text() for row in range(page.table.rowCount()))
    assert kinds == ["笔记", "购买"]
    page.table.selectAll()
    page.restore_selected()
    with ctx.session() as s:
        assert {item.kind for item in timeline(s, cid)} == {"note", "purchase"}
        from models import Customer

        assert s.get(Customer, cid).total_spent_cents == 120000
        assert list_trashed_records(s) == []
    assert page.stack.currentWidget() is page.empty

    with ctx.session() as s:
        delete_note(s, note)
    page.reload()
    monkeypatch.setattr(trash_module, "confirm", lambda *_a: True)
    page.empty_trash()
    with ctx.session() as s:
        assert list_trashed_records(s) == []
        assert [item.kind for item in timeline(s, cid)] == ["purchase"]


def test_a_deleted_group_waits_in_the_trash_and_comes_back(qtbot, ctx, page, monkeypatch):
    """Pages' records share the one trash: a group deleted on the 社群 page is restored here, then purged."""
    from services import groups as g

    with ctx.session() as s:
        kept = g.save_group(s, g.GroupInput(name="茶友福利1群", kind="福利群"))
        gone = g.save_group(s, g.GroupInput(name="双十一快闪群", kind="快闪群"))
        g.trash_groups(s, [kept, gone])
    page.reload()
    assert names(page) == ["双十一快闪群", "茶友福利1群"]
    assert {page.table.item(r, 0).text() for r in range(page.table.rowCount())} == {"社群"}
    click_row(qtbot, page, "茶友福利1群")
    page.restore_selected()
    with ctx.session() as s:
        assert [r.name for r in g.list_groups(s)] == ["茶友福利1群"]
    assert names(page) == ["双十一快闪群"]
    asked = asking(monkeypatch, True)
    page.empty_trash()
    assert asked
    with ctx.session() as s:
        assert [r.name for r in g.list_groups(s, status="trash")] == []
    assert page.stack.currentWidget() is page.empty


def test_a_deleted_post_comes_back_from_the_trash_and_is_purged_with_its_image(qtbot, ctx, page, monkeypatch, tmp_path):
    from datetime import datetime

    from PySide6.QtGui import QColor, QImage

    from services import moments as m

    picture = tmp_path / "茶饼.png"
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a7d44"))
    assert image.save(str(picture))
    root = ctx.store.data_dir.root
    with ctx.session() as s:
        post = m.create_post(s, m.PostInput(planned_at=datetime(2026, 12, 8, 20, 0), text="新到的冰岛古树，周三会员日试喝"))
        m.set_images(s, root, post, [picture])
        stored = root / m.get_post(s, post).images[0]
        m.trash_posts(s, [post])
    page.reload()
    assert names(page) == ["新到的冰岛古树，周三会员日试喝"]
    assert page.table.item(0, 0).text() == "朋友圈"
    page.table.selectAll()
    page.restore_selected()
    with ctx.session() as s:
        assert m.get_post(s, post).images
        m.trash_posts(s, [post])
    page.reload()
    asking(monkeypatch, True)
    page.empty_trash()
    with ctx.session() as s:
        assert m.list_trashed_posts(s) == []
    assert not stored.exists()
