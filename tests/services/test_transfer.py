"""迁移到服务器: a seller's local store moves to an empty PostgreSQL database and back without loss.

The moves need a PostgreSQL server: they run in the PostgreSQL pass (`make pytest-pg`), on the
server that pass starts (tests/pg.py). What needs no server runs in both passes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from main import main
from models import Base, Customer
from models.db import Database
from services.customer_query import CustomerFilter, customer_ids
from services.customers import CustomerInput, create_customer
from services.demo import DemoOptions, fill_demo
from services.errors import UserError
from services.paths import DataDir
from services.store import open_store
from services.transfer import SEEDED_TABLES, transfer
from tests.pg import PgServer, on_postgres

needs_server = pytest.mark.skipif(not on_postgres(), reason="needs the PostgreSQL pass (make pytest-pg)")


def table_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
                for t in Base.metadata.sorted_tables}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local store with the 10,000-customer demo (made once: it takes a while)."""
    folder = tmp_path_factory.mktemp("demo") / "data"
    logger = logging.getLogger("keben")
    before = list(logger.handlers)
    store = open_store(DataDir.at(folder), "local")
    try:
        with store.db.session() as session:
            fill_demo(session, DemoOptions(customers=10_000, seed=3))
    finally:
        store.close()
        for handler in [h for h in logger.handlers if h not in before]:  # made before the per-test cleanup
            logger.removeHandler(handler)
            handler.close()
    return folder


@pytest.fixture
def empty_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a new, empty database (no schema) on the run's server."""
    server: PgServer = request.getfixturevalue("_pg_server")
    name = server.create(template=None)
    yield server.url(name)
    server.drop(name)


SEARCH_INDEXES = {"ix_customer_search_trgm", "ix_note_body_trgm", "ix_customer_search_bigrams", "ix_note_body_bigrams"}


def search_indexes(db: Database) -> set[str]:
    return {i["name"] for table in ("customer", "note") for i in inspect(db.engine).get_indexes(table)} & SEARCH_INDEXES


def test_seeded_tables_are_what_a_new_store_holds(tmp_path: Path) -> None:
    store = open_store(DataDir.at(tmp_path / "new"), "local")
    try:
        filled = {name for name, n in table_counts(store.db).items() if n}
    finally:
        store.close()
    assert filled == set(SEEDED_TABLES)


def test_a_bad_server_address_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "d"), "transfer", "--to", "不是地址")
    assert code == 2 and "数据库地址无效" in err and len(err.strip().splitlines()) == 1


@needs_server
def test_a_10000_customer_store_moves_to_the_server_and_back_with_equal_counts(
        demo_folder: Path, empty_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    local = Database(f"sqlite:///{demo_folder / 'keben.db'}")
    try:
        before = table_counts(local)
    finally:
        local.dispose()
    assert before["customer"] == 10_000 and before["note"] > 10_000 and before["purchase"] > 0

    code, out, err = run(capsys, "--data-dir", str(demo_folder), "transfer", "--to", empty_database, "--json")
    assert code == 0, err
    assert json.loads(out)["tables"] == before

    server = Database(empty_database)
    try:
        assert table_counts(server) == before
        with server.session() as session:
            name = session.scalar(select(Customer.remark_name).order_by(Customer.id.desc()).limit(1))
            assert name
            found = set(customer_ids(session, CustomerFilter(text=name)))  # search on the server's trgm indexes
            assert found
            # The copy set the search indexes aside and built them again at the end: all there, and
            # two characters (the bigram index) find her too.
            assert search_indexes(server) == SEARCH_INDEXES
            assert found <= set(customer_ids(session, CustomerFilter(text=name[:2])))
            added = create_customer(session, CustomerInput(remark_name="新来的"))  # ids continue past the copied
            assert added.id > 10_000
            session.rollback()
            session.execute(text("DELETE FROM customer WHERE remark_name = '新来的'"))
            session.commit()
    finally:
        server.dispose()

    back = tmp_path / "back"
    code, out, err = run(capsys, "--data-dir", str(back), "transfer", "--from", empty_database)
    assert code == 0, err
    assert "每张表两边行数一致" in out
    returned = Database(f"sqlite:///{back / 'keben.db'}")
    try:
        assert table_counts(returned) == before
        with returned.session() as session:  # the FTS5 index was filled as the rows came in
            assert set(customer_ids(session, CustomerFilter(text=name))) == found
    finally:
        returned.dispose()


@needs_server
def test_a_target_that_holds_data_is_refused_and_left_alone(empty_database: str, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    first = DataDir.at(tmp_path / "first")
    store = open_store(first, "local")
    with store.db.session() as session:
        create_customer(session, CustomerInput(remark_name="张丽"))
    store.close()
    assert run(capsys, "--data-dir", str(first.root), "transfer", "--to", empty_database)[0] == 0

    second = DataDir.at(tmp_path / "second")
    store = open_store(second, "local")
    with store.db.session() as session:
        create_customer(session, CustomerInput(remark_name="李姐"))
    store.close()
    code, _, err = run(capsys, "--data-dir", str(second.root), "transfer", "--to", empty_database)
    assert code == 2 and "已经有数据" in err
    server = Database(empty_database)
    try:
        with server.session() as session:
            assert list(session.scalars(select(Customer.remark_name))) == ["张丽"]
    finally:
        server.dispose()


@needs_server
def test_copying_back_into_a_folder_with_data_is_refused(empty_database: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = DataDir.at(tmp_path / "mine")
    store = open_store(folder, "local")
    with store.db.session() as session:
        create_customer(session, CustomerInput(remark_name="张丽"))
    store.close()
    code, _, err = run(capsys, "--data-dir", str(folder.root), "transfer", "--from", empty_database)
    assert code == 2 and "已经有数据" in err and "空的数据文件夹" in err


@needs_server
def test_cancel_leaves_the_server_database_empty(empty_database: str, tmp_path: Path) -> None:
    store = open_store(DataDir.at(tmp_path / "mine"), "local")
    try:
        with store.db.session() as session:
            for name in ("张丽", "李姐", "王芳"):
                create_customer(session, CustomerInput(remark_name=name))
        server = Database(empty_database)
        try:
            with pytest.raises(UserError, match="已取消迁移"):
                transfer(store.db, server, cancelled=lambda: True)
            assert all(n == 0 for name, n in table_counts(server).items() if name not in SEEDED_TABLES)
            assert "customer" in inspect(server.engine).get_table_names()  # the schema is there, no rows
            assert search_indexes(server) == SEARCH_INDEXES  # set aside during the copy, back after the rollback
        finally:
            server.dispose()
    finally:
        store.close()
