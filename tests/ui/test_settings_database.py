"""设置 → 数据库: test a server address, 迁移到服务器, and remember which database to use.

The move runs against the PostgreSQL server the tests start themselves (tests/pg.py).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from models import Customer
from models.db import Database
from services.customers import CustomerInput, create_customer


@pytest.fixture
def section(qtbot, ctx):
    from ui.settings.database import DatabaseSection

    widget = DatabaseSection(ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.reload()
    return widget


@pytest.fixture
def told(monkeypatch) -> list[str]:
    """Messages shown by show_error (background failures and bad input)."""
    shown: list[str] = []
    record = lambda _parent, exc: shown.append(getattr(exc, "message", str(exc)))  # noqa: E731
    monkeypatch.setattr("ui.background.show_error", record)
    monkeypatch.setattr("ui.settings.database.show_error", record)
    return shown


@pytest.fixture
def empty_database(request):
    server = request.getfixturevalue("_pg_server")
    name = server.create(template=None)
    yield server.url(name)
    server.drop(name)


def test_the_local_file_is_shown_and_can_be_moved(section, ctx) -> None:
    if ctx.store.database_file is None:
        pytest.skip("the UI tests' store is on a server")
    assert str(ctx.store.database_file) in section.mode.text()
    assert section.move_button.isEnabled() and not section.local_button.isEnabled()


def test_an_empty_address_is_asked_for(section, told) -> None:
    section.test_button.click()
    assert told and "请先填写服务器地址" in told[0]


def test_a_server_that_cannot_be_reached_is_told_without_the_password(qtbot, section, told) -> None:
    section.url.setText("postgresql+psycopg://keben:secret-pw@127.0.0.1:1/keben")
    section.test_button.click()
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert "无法连接数据库服务器" in told[0] and "secret-pw" not in told[0]
    assert "连接失败" in section.result.text()


def test_move_to_server_copies_every_customer_and_remembers_the_server(qtbot, ctx, section, told, monkeypatch,
                                                                      empty_database) -> None:
    with ctx.session() as session:
        for name in ("张丽", "李姐", "王芳"):
            create_customer(session, CustomerInput(remark_name=name))
    monkeypatch.setattr("ui.settings.database.ask", lambda *_a: True)
    monkeypatch.setattr("ui.settings.database.inform", lambda *_a: None)

    section.url.setText(empty_database)
    section.test_button.click()
    qtbot.waitUntil(lambda: "连接成功" in section.result.text(), timeout=20_000)
    section.move_button.click()
    qtbot.waitUntil(lambda: ctx.preferences.database_url == empty_database, timeout=60_000)
    assert told == []
    assert "两边行数一致" in section.result.text() or "下次启动" in section.result.text()
    server = Database(empty_database)
    try:
        with server.session() as session:
            assert session.scalar(select(func.count()).select_from(Customer)) == 3
    finally:
        server.dispose()
    saved = json.loads(ctx.store.data_dir.preferences.read_text(encoding="utf-8"))
    assert saved["database_url"] == empty_database

    section.local_button.click()  # 改回本机文件
    assert ctx.preferences.database_url == ""
    assert json.loads(ctx.store.data_dir.preferences.read_text(encoding="utf-8"))["database_url"] == ""
