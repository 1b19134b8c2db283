"""The import engine on rows as a spreadsheet gives them: mapping, checking, one transaction, undo."""

from __future__ import annotations

import sys
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Customer, FollowUp, Note, Purchase, Referral
from services.customer_query import CustomerFilter, customer_ids
from services.customers import CustomerInput, create_customer
from services.errors import UserError
from services.excel.engine import ImportCancelled, ImportOptions, check_rows, run_import, suggest_mapping
from services.excel.undo import UndoConflict, list_batches, undo_import
from services.tags import save_group, save_tag

HEADERS = ["客户姓名", "微信", "手机号码", "生日", "所在城市", "客户标签", "累计消费", "备注", "介绍人"]


def rows(*cells: list[object]) -> list[tuple[int, list[object]]]:
    """Data rows as they sit under a header on sheet row 3 (row 1 a title, row 2 blank)."""
    return [(4 + i, list(c)) for i, c in enumerate(cells)]


def customers(session: Session) -> dict[str, Customer]:
    return {c.remark_name: c for c in session.scalars(select(Customer).where(Customer.deleted_at.is_(None)))}


def do_import(session: Session, data, headers=HEADERS, kind="customers", **options):
    mapping = suggest_mapping(session, kind, headers)
    return run_import(session, kind, headers, data, ImportOptions(mapping, **options), file_name="老客户.xlsx")


def test_headers_are_matched_in_chinese_and_english(session: Session) -> None:
    mapping = suggest_mapping(session, "customers", HEADERS)
    assert [mapping.get(i) for i in range(len(HEADERS))] == [
        "remark_name", "wechat_id", "phone", "birthday", "city", "tags", "total_spent", "remark", "referrer"]
    english = suggest_mapping(session, "customers", ["Name", "WeChat", "Mobile", "Birthday", "City", "Tags", "Foo"])
    assert english == {0: "remark_name", 1: "wechat_id", 2: "phone", 3: "birthday", 4: "city", 5: "tags"}


def test_a_realistic_sheet_imports_with_its_quirks(session: Session) -> None:
    result = do_import(session, rows(
        ["张丽 ", "zhangli88", 13800138000, "1990/5/1", "杭州", "高；普洱, 宝妈", "￥3,200元", "怕凉", ""],
        ["王芳", "", "+86 139-0013-9000", "5月1日", "上海", "普洱", 1200.0, "", "张丽"],
        ["赵磊", "", "1380013800", "", "", "", "", "", ""],  # phone one digit short
        ["李娜", "", "", "2月30日", "", "", "", "", ""],  # no such day
        ["张丽", "zhangli88", "", "", "", "白茶", "", "", ""],  # the same person again: merged
    ))
    assert (result.rows, result.created, result.skipped) == (5, 2, 2)
    assert [(e.row, e.column) for e in result.errors] == [(6, "手机号码"), (7, "生日")]
    assert "1380013800" in result.errors[0].message
    book = customers(session)
    assert set(book) == {"张丽", "王芳"}
    zl, wf = book["张丽"], book["王芳"]
    assert zl.phone == "13800138000" and zl.birthday_year == 1990 and zl.total_spent_cents == 320000
    assert wf.phone == "13900139000" and (wf.birthday_month, wf.birthday_day, wf.birthday_year) == (5, 1, None)
    from services.customer_query import customer_rows

    row = customer_rows(session, [zl.id])[zl.id]
    assert {name for name, _ in row.tags} == {"高", "普洱", "宝妈", "白茶"}
    assert session.scalar(select(Note.body).where(Note.customer_id == zl.id)) == "怕凉"
    assert session.scalar(select(Referral.referrer_id).where(Referral.referee_id == wf.id)) == zl.id
    assert customer_ids(session, CustomerFilter(text="zl")) == [zl.id]  # searchable at once


def test_duplicates_update_skip_or_add(session: Session) -> None:
    existing = create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zhangli88", city="杭州"))
    data = rows(["张丽", "ZhangLi88", "13800138000", "", "宁波", "", "", "", ""])
    skipped = do_import(session, data, on_duplicate="skip")
    assert (skipped.created, skipped.updated, skipped.skipped) == (0, 0, 1)
    updated = do_import(session, data, on_duplicate="update")
    assert (updated.created, updated.updated) == (0, 1)
    session.expire_all()
    again = session.get(Customer, existing.id)
    assert again.city == "宁波" and again.phone == "13800138000"
    added = do_import(session, data, on_duplicate="add")
    assert added.created == 1
    assert session.scalar(select(func.count()).select_from(Customer)) == 2  # two 张丽 now, as asked


def test_a_row_matches_by_name_only_a_namesake_its_wechat_id_and_phone_do_not_contradict(session: Session) -> None:
    full = create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zl_a", phone="13800000001"))
    bare = create_customer(session, CustomerInput(remark_name="张丽"))
    both = create_customer(session, CustomerInput(remark_name="王芳", wechat_id="wf_a", phone="13800000002"))
    result = do_import(session, rows(["张丽", "zl_new", "", "", "宁波", "", "", "", ""],
                                     ["王芳", "wf_new", "", "", "苏州", "", "", "", ""],
                                     ["李娜", "", "", "", "", "", "", "", ""],
                                     ["李娜", "", "13900000003", "", "温州", "", "", "", ""]))
    # 张丽 fills in the one without a WeChat ID; a second 王芳 (hers has another); 李娜 once, then updated
    assert (result.created, result.updated) == (2, 2)
    session.expire_all()
    assert session.get(Customer, bare.id).wechat_id == "zl_new"
    assert session.get(Customer, full.id).wechat_id == "zl_a"
    assert session.get(Customer, both.id).city == ""
    lina = session.scalars(select(Customer).where(Customer.remark_name == "李娜")).all()
    assert [(c.phone, c.city) for c in lina] == [("13900000003", "温州")]


def test_dry_run_writes_nothing(session: Session) -> None:
    result = do_import(session, rows(["张丽", "", "", "", "", "", "", "", ""]), dry_run=True)
    assert result.created == 1 and result.batch_id is None
    assert customers(session) == {} and list_batches(session) == []


def test_cancel_leaves_the_store_exactly_as_it_was(session: Session) -> None:
    create_customer(session, CustomerInput(remark_name="老客户"))
    many = [(i + 2, [f"客户{i}", "", "", "", "", "", "", "", ""]) for i in range(1000)]
    calls = []
    with pytest.raises(ImportCancelled):
        run_import(session, "customers", HEADERS, many, ImportOptions(suggest_mapping(session, "customers", HEADERS)),
                   cancelled=lambda: calls.append(1) or len(calls) > 2)
    assert set(customers(session)) == {"老客户"}
    assert list_batches(session) == []


def test_unknown_referrer_is_reported_and_the_row_left_out(session: Session) -> None:
    result = do_import(session, rows(["王芳", "", "", "", "", "", "", "", "不认识的人"]))
    assert result.created == 0 and result.errors[0].column == "介绍人"
    assert "不认识的人" in result.errors[0].message


def test_missing_required_column_is_refused_before_anything(session: Session) -> None:
    with pytest.raises(UserError, match="备注名"):
        do_import(session, [(2, ["13800138000"])], headers=["手机"])


def test_preview_marks_each_bad_cell_and_the_action(session: Session) -> None:
    create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zhangli88"))
    mapping = suggest_mapping(session, "customers", HEADERS)
    checked = check_rows(session, "customers", HEADERS, rows(
        ["张丽", "zhangli88", "", "", "", "", "", "", ""],
        ["王芳", "", "12345", "", "", "", "abc", "", ""],
        ["李娜", "", "", "", "", "", "", "", ""],
        ["李娜", "", "", "", "", "", "", "", ""],
    ), ImportOptions(mapping))
    assert [c.action for c in checked] == ["update", "error", "create", "merge"]
    assert {p.column for p in checked[1].problems} == {"手机号码", "累计消费"}
    assert customers(session).keys() == {"张丽"}  # checking wrote nothing


def test_undo_removes_what_was_created_and_restores_what_was_changed(session: Session) -> None:
    existing = create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zhangli88", city="杭州"))
    result = do_import(session, rows(
        ["张丽", "zhangli88", "", "", "宁波", "VIP", "", "", ""],
        ["王芳", "", "", "", "", "", "800", "", "张丽"],
    ))
    assert (result.created, result.updated) == (1, 1)
    undo = undo_import(session, result.batch_id)
    assert undo.removed >= 1
    session.expire_all()
    assert set(customers(session)) == {"张丽"}
    assert session.get(Customer, existing.id).city == "杭州"
    from services.customer_query import customer_rows

    assert customer_rows(session, [existing.id])[existing.id].tags == ()
    assert session.scalar(select(func.count()).select_from(Purchase)) == 0
    assert session.scalar(select(func.count()).select_from(Referral)) == 0
    with pytest.raises(UserError, match="撤销过"):
        undo_import(session, result.batch_id)


def test_repeated_cells_are_judged_alike_on_every_row(session: Session) -> None:
    """A column's repeated cells are parsed once (CellMemo), yet every row with a bad one is reported,
    and a TRUE cell is not taken for the number 1 it equals in Python."""
    result = do_import(session, rows(
        ["张丽", "", "", "1990/2/30", "", "", 1, "", ""],
        ["王芳", "", "", "1990/2/30", "", "", True, "", ""],
        ["李娜", "", "", "1990/5/1", "", "", 1.0, "", ""],
        ["赵敏", "", "", "1990/5/1", "", "", 1, "", ""],
    ))
    assert [(e.row, e.column) for e in result.errors] == [(4, "生日"), (5, "生日"), (5, "累计消费")]
    book = customers(session)
    assert set(book) == {"李娜", "赵敏"}
    assert book["李娜"].total_spent_cents == book["赵敏"].total_spent_cents == 100
    assert (book["李娜"].birthday_month, book["赵敏"].birthday_day) == (5, 1)


def test_undo_takes_back_the_tags_the_import_made(session: Session) -> None:
    """导入的标签: tags a file named that the store lacked are made by the import, and go with its undo —
    unless the seller has given one to a customer of her own since."""
    from models import Tag, TagGroup
    from services.tags import add_tag

    own = create_customer(session, CustomerInput(remark_name="陈晨"))
    result = do_import(session, rows(["王芳", "", "", "", "", "新客；复购", "", "", ""]))
    tags = {t.name: t.id for t in session.scalars(select(Tag))}
    assert {"新客", "复购"} <= tags.keys()
    assert session.scalar(select(TagGroup.id).where(TagGroup.name == "导入的标签")) is not None
    undo_import(session, result.batch_id)
    names = set(session.scalars(select(Tag.name)))
    assert not {"新客", "复购"} & names
    assert session.scalar(select(TagGroup.id).where(TagGroup.name == "导入的标签")) is None

    again = do_import(session, rows(["李娜", "", "", "", "", "新客；复购", "", "", ""]))
    used = session.scalar(select(Tag.id).where(Tag.name == "新客"))
    add_tag(session, [own.id], used)
    undo_import(session, again.batch_id, force=True)
    assert set(session.scalars(select(Tag.name))) & {"新客", "复购"} == {"新客"}  # 陈晨 keeps hers


def test_undo_says_so_when_a_record_was_edited_since(session: Session) -> None:
    from services.timeline import save_note

    result = do_import(session, rows(["王芳", "", "", "", "", "", "", "", ""]))
    wf = customers(session)["王芳"]
    save_note(session, wf.id, "喜好", "导入以后加的笔记")
    with pytest.raises(UndoConflict) as conflict:
        undo_import(session, result.batch_id)
    assert conflict.value.names == ["王芳"]
    assert customers(session).keys() == {"王芳"}  # nothing undone yet
    undo_import(session, result.batch_id, force=True)
    assert customers(session) == {}


def test_notes_purchases_and_follow_ups_find_their_customer(session: Session) -> None:
    zl = create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zhangli88", phone="13800138000")).id
    notes = do_import(session, [(2, ["zhangli88", "喜好", "喜欢熟普"]), (3, ["不存在", "喜好", "x"])],
                      headers=["微信号", "类型", "内容"], kind="notes")
    assert (notes.created, notes.skipped) == (1, 1) and "不存在" in notes.errors[0].message
    bought = do_import(session, [(2, ["13800138000", "2026/3/1", "白茶饼", 2, "¥1,280"])],
                       headers=["手机", "购买日期", "商品", "数量", "金额"], kind="purchases")
    assert bought.created == 1
    assert session.get(Customer, zl).total_spent_cents == 128000
    assert session.get(Customer, zl).last_purchase_on == date(2026, 3, 1)
    follow = do_import(session, [(2, ["张丽", "2030-01-05", "回访"])], headers=["客户", "跟进日期", "事由"],
                       kind="follow-ups")
    assert follow.created == 1 and session.get(Customer, zl).next_follow_up_on == date(2030, 1, 5)
    assert session.scalar(select(func.count()).select_from(FollowUp)) == 1


def test_purchases_match_the_stores_own_never_an_identical_row_of_the_same_file(session: Session, monkeypatch) -> None:
    """Matching reads a window's purchases at once (PREFETCH_ROWS, made small here): a purchase
    already in the store is updated or skipped; two identical rows of one file stay two purchases,
    however far apart."""
    from models import Purchase
    from services.excel import engine, writing

    monkeypatch.setattr(engine, "PREFETCH_ROWS", 2)
    monkeypatch.setattr(writing, "INSERT_CHUNK", 1)  # each row in the store before the next window is read
    zl = create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zhangli88")).id
    headers = ["微信号", "购买日期", "商品", "数量", "金额", "渠道"]
    first = do_import(session, [(2, ["zhangli88", "2026/3/1", "白茶饼", 1, 280, "门店"])], headers=headers,
                      kind="purchases")
    assert first.created == 1
    data = [(2, ["zhangli88", "2026/3/1", "白茶饼", 2, 280, "微信"]),  # the store's own: updated
            (3, ["zhangli88", "2026/4/1", "熟普", 1, 120, ""]),
            (4, ["zhangli88", "2026/5/1", "岩茶", 1, 300, ""]),
            (5, ["zhangli88", "2026/4/1", "熟普", 1, 120, ""])]  # the same as row 3, two windows on
    result = do_import(session, data, headers=headers, kind="purchases")
    assert (result.created, result.updated) == (3, 1)
    bought = session.execute(select(Purchase.product, Purchase.quantity, Purchase.channel)
                             .where(Purchase.customer_id == zl).order_by(Purchase.purchased_on)).all()
    assert bought == [("白茶饼", 2, "微信"), ("熟普", 1, ""), ("熟普", 1, ""), ("岩茶", 1, "")]
    again = do_import(session, data, headers=headers, kind="purchases", on_duplicate="skip")
    assert (again.created, again.skipped) == (0, 4)


def test_notes_imported_again_update_the_stores_own_window_by_window_and_undo(session: Session, monkeypatch) -> None:
    from services.excel import engine

    monkeypatch.setattr(engine, "PREFETCH_ROWS", 2)
    zl = create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zhangli88")).id
    headers = ["微信号", "类型", "内容", "置顶"]
    bodies = ["怕凉", "喜欢熟普", "孩子上小学", "想要小罐装", "生日在五月"]
    do_import(session, [(i + 2, ["zhangli88", "其他", body, "否"]) for i, body in enumerate(bodies)],
              headers=headers, kind="notes")
    again = do_import(session, [(i + 2, ["zhangli88", "喜好", body, "是" if i % 2 else "否"])
                                for i, body in enumerate(bodies)], headers=headers, kind="notes")
    assert (again.created, again.updated) == (0, 5)

    def notes() -> list[tuple[str, str, bool]]:
        session.expire_all()
        return session.execute(select(Note.body, Note.kind, Note.pinned).where(Note.customer_id == zl)
                               .order_by(Note.id)).all()

    assert notes() == [(body, "喜好", bool(i % 2)) for i, body in enumerate(bodies)]
    undo_import(session, again.batch_id)
    assert notes() == [(body, "其他", False) for body in bodies]


def test_referrals_refuse_a_cycle(session: Session) -> None:
    a = create_customer(session, CustomerInput(remark_name="甲")).id
    b = create_customer(session, CustomerInput(remark_name="乙")).id
    first = do_import(session, [(2, ["甲", "乙", "口碑"])], headers=["介绍人", "被介绍人", "方式"], kind="referrals")
    assert first.created == 1
    cycle = do_import(session, [(2, ["乙", "甲", "口碑"])], headers=["介绍人", "被介绍人", "方式"], kind="referrals")
    assert cycle.created == 0 and "循环" in cycle.errors[0].message
    assert session.scalar(select(Referral.referrer_id).where(Referral.referee_id == b)) == a


def test_tags_respect_single_choice_groups(session: Session) -> None:
    level = save_group(session, "消费能力", multi=False)
    save_tag(session, level, "高")
    save_tag(session, level, "低")
    do_import(session, rows(["张丽", "", "", "", "", "高、低", "", "", ""]))
    from services.customer_query import customer_rows

    zl = customers(session)["张丽"]
    assert [name for name, _ in customer_rows(session, [zl.id])[zl.id].tags] == ["高"]


def _customer_indexes(session: Session) -> set[str]:
    return set(session.connection().exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer'").scalars())


@pytest.mark.sqlite_only("SQLite's indexes, set aside during a large import")
def test_a_big_import_is_searchable_sorted_and_leaves_search_working(session: Session, monkeypatch) -> None:
    """Past BULK_FTS_ROWS new customers (and notes) the search index is filled in one statement, and
    a large file into an empty store writes with the customer indexes set aside (BULK_ROWS, made
    small here): every imported name and 备注 is found, the list sorts by 累计消费, every index is
    back afterwards, and customers added afterwards are found too."""
    import gc

    from services.excel import engine
    from services.excel.writing import BULK_FTS_ROWS

    monkeypatch.setattr(engine, "BULK_ROWS", 100)
    indexes = _customer_indexes(session)
    many = [(i + 2, [f"客户{i:05d}号", f"wx_bulk_{i}", "", "", "", "", str(i), f"备注{i:05d}条", ""])
            for i in range(BULK_FTS_ROWS + 500)]
    mapping = suggest_mapping(session, "customers", HEADERS)
    assert run_import(session, "customers", HEADERS, many, ImportOptions(mapping), total=len(many)).created == len(many)
    assert _customer_indexes(session) == indexes
    assert gc.isenabled()
    assert len(customer_ids(session, CustomerFilter(text="01234号"))) == 1
    assert len(customer_ids(session, CustomerFilter(text="wx_bulk_"))) == len(many)
    assert len(customer_ids(session, CustomerFilter(text="备注01234"))) == 1  # the 备注 notes, indexed in bulk
    top = customer_ids(session, CustomerFilter(), "total_spent", True, limit=2)
    by_name = customers(session)
    assert top == [by_name[f"客户{len(many) - 1:05d}号"].id, by_name[f"客户{len(many) - 2:05d}号"].id]
    create_customer(session, CustomerInput(remark_name="后来加的客户甲乙"))
    assert len(customer_ids(session, CustomerFilter(text="加的客户甲"))) == 1


@pytest.fixture
def switch_interval():
    """How often Python switches threads, set apart from what an earlier import may have left."""
    was = sys.getswitchinterval()
    sys.setswitchinterval(0.004)
    yield 0.004
    sys.setswitchinterval(was)


@pytest.mark.sqlite_only("the search index filled on a worker thread (writing.Behind) is SQLite's")
def test_search_index_filled_behind_the_rows_finds_every_chunk(session: Session, monkeypatch,
                                                                switch_interval: float) -> None:
    """Several chunks, each indexed for search on a worker thread while the next rows are read: a tag
    first met in a later chunk is made (SQL of its own) while the worker runs, and lands on its rows."""
    from services.customer_query import customer_rows
    from services.excel import writing

    monkeypatch.setattr(writing, "INSERT_CHUNK", writing.BULK_FTS_ROWS + 200)
    count = 3 * writing.INSERT_CHUNK
    many = [(i + 2, [f"分批{i:05d}号", "", "", "", "", f"第{i // writing.INSERT_CHUNK}批", "", "", ""])
            for i in range(count)]
    mapping = suggest_mapping(session, "customers", HEADERS)
    assert run_import(session, "customers", HEADERS, many, ImportOptions(mapping), total=count).created == count
    for i in (0, writing.INSERT_CHUNK - 1, writing.INSERT_CHUNK, count - 1):
        found = customer_ids(session, CustomerFilter(text=f"{i:05d}号"))
        assert len(found) == 1
        assert [name for name, _ in customer_rows(session, found)[found[0]].tags] == [f"第{i // writing.INSERT_CHUNK}批"]
    assert sys.getswitchinterval() == switch_interval


@pytest.mark.sqlite_only("SQLite's limit on the values of one statement")
def test_an_older_sqlite_taking_999_values_per_statement_imports_as_well(session: Session) -> None:
    import sqlite3

    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    was = raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)  # SQLite before 3.32
    try:
        many = [(i + 2, [f"旧版{i:04d}", f"wx_old_{i}", "", "", "", "高", "100", "备注", ""]) for i in range(1500)]
        result = run_import(session, "customers", HEADERS, many,
                            ImportOptions(suggest_mapping(session, "customers", HEADERS)), total=len(many))
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, was)
    assert (result.created, result.errors) == (1500, [])
    assert len(customer_ids(session, CustomerFilter(text="wx_old_1499"))) == 1


@pytest.mark.sqlite_only("the search index filled on a worker thread (writing.Behind) is SQLite's")
def test_a_failure_behind_the_rows_fails_the_import_and_changes_nothing(session: Session, monkeypatch,
                                                                        switch_interval: float) -> None:
    from services.excel import writing

    monkeypatch.setitem(writing.SEARCH_INDEXED, "customer", ("customer_fts_ai", "no_such_index", "search_text"))
    create_customer(session, CustomerInput(remark_name="原来的客户"))
    many = [(i + 2, [f"失败{i:05d}", "", "", "", "", "", "", "", ""]) for i in range(writing.BULK_FTS_ROWS + 10)]
    with pytest.raises(Exception, match="no_such_index"):
        run_import(session, "customers", HEADERS, many, ImportOptions(suggest_mapping(session, "customers", HEADERS)),
                   total=len(many))
    assert set(customers(session)) == {"原来的客户"}
    assert sys.getswitchinterval() == switch_interval  # the worker's shorter turns end with the import
    monkeypatch.undo()
    create_customer(session, CustomerInput(remark_name="失败以后的客户"))  # the insert trigger is back
    assert len(customer_ids(session, CustomerFilter(text="以后的"))) == 1


def test_cancelling_a_big_import_keeps_search_working(session: Session, monkeypatch) -> None:
    import gc

    from services.excel import engine
    from services.excel.writing import BULK_FTS_ROWS

    monkeypatch.setattr(engine, "BULK_ROWS", 100)
    indexes = _customer_indexes(session) if session.get_bind().dialect.name == "sqlite" else set()
    many = [(i + 2, [f"取消{i:05d}", "", "", "", "", "", "", "", ""]) for i in range(6 * BULK_FTS_ROWS)]
    calls: list[int] = []
    with pytest.raises(ImportCancelled):
        run_import(session, "customers", HEADERS, many, ImportOptions(suggest_mapping(session, "customers", HEADERS)),
                   total=len(many), cancelled=lambda: calls.append(1) or len(calls) > 27)  # after 5,000 were written
    assert customers(session) == {}
    assert gc.isenabled()
    if indexes:
        assert _customer_indexes(session) == indexes  # the drops rolled back with the rest
    create_customer(session, CustomerInput(remark_name="取消以后的客户"))
    assert len(customer_ids(session, CustomerFilter(text="以后的"))) == 1


def test_a_list_imported_again_updates_each_customer_window_by_window_and_undoes(session: Session, monkeypatch) -> None:
    """The customers a re-imported list matches are read a few rows at a time (PREFETCH_ROWS, made
    small here): each gets her new tags and 备注 once, a changed city, her custom value; a customer
    twice in one window keeps both rows' tags; undo puts every one back."""
    from services.custom_fields import save_field
    from services.customer_query import customer_rows
    from services.excel import engine

    monkeypatch.setattr(engine, "PREFETCH_ROWS", 3)
    field = save_field(session, "茶龄", "text")
    headers = ["客户姓名", "微信", "所在城市", "客户标签", "备注", "茶龄"]
    first = [[f"老客{i}", f"wx_old_{i}", "杭州", "普洱", "怕凉", "三年"] for i in range(7)]
    do_import(session, rows(*first), headers=headers)
    again = [[f"老客{i}", f"wx_old_{i}", "宁波" if i % 2 else "杭州", "白茶", "怕凉" if i < 4 else "改喝生普",
              "五年" if i == 5 else "三年"] for i in range(7)]
    again[1][4] = "想试试岩茶"
    again.insert(2, ["老客1", "wx_old_1", "", "岩茶、白茶", "想试试岩茶", ""])  # 老客1 twice in the first window
    result = do_import(session, rows(*again), headers=headers)
    assert (result.created, result.updated, result.errors) == (0, 7, [])  # the second 老客1 row merges
    session.expire_all()
    book = customers(session)
    listed = customer_rows(session, [c.id for c in book.values()])
    tags = {c.remark_name: sorted(name for name, _ in listed[c.id].tags) for c in book.values()}
    assert tags["老客1"] == ["岩茶", "普洱", "白茶"] and tags["老客6"] == ["普洱", "白茶"]
    assert [book[f"老客{i}"].city for i in range(7)] == ["杭州", "宁波", "杭州", "宁波", "杭州", "宁波", "杭州"]

    def notes(name: str) -> list[str]:
        return sorted(session.scalars(select(Note.body).where(Note.customer_id == book[name].id)))

    assert notes("老客0") == ["怕凉"] and notes("老客6") == ["怕凉", "改喝生普"]
    assert notes("老客1") == ["怕凉", "想试试岩茶"]  # once, though two rows say it
    from models import CustomFieldValue

    values = dict(session.execute(select(CustomFieldValue.customer_id, CustomFieldValue.value)
                                  .where(CustomFieldValue.field_id == field)).all())
    assert values[book["老客5"].id] == "五年" and values[book["老客4"].id] == "三年"
    undo_import(session, result.batch_id)
    session.expire_all()
    book = customers(session)
    assert {c.city for c in book.values()} == {"杭州"}
    listed = customer_rows(session, [c.id for c in book.values()])
    assert {tuple(name for name, _ in listed[c.id].tags) for c in book.values()} == {("普洱",)}
    assert notes("老客6") == ["怕凉"]
    values = dict(session.execute(select(CustomFieldValue.customer_id, CustomFieldValue.value)
                                  .where(CustomFieldValue.field_id == field)).all())
    assert set(values.values()) == {"三年"}


def test_a_changed_phone_or_custom_value_is_found_by_search_after_the_import_and_not_after_undo(
        session: Session) -> None:
    from services.custom_fields import save_field

    save_field(session, "喜好", "text")
    zl = create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zhangli88"))
    create_customer(session, CustomerInput(remark_name="王芳", wechat_id="wangfang"))
    headers = ["客户姓名", "微信", "手机号码", "所在城市", "喜好"]
    result = do_import(session, rows(["张丽", "zhangli88", "13912345678", "宁波", "熟普洱"],
                                     ["王芳", "wangfang", "", "苏州", ""]), headers=headers)
    assert result.updated == 2
    assert customer_ids(session, CustomerFilter(text="13912345678")) == [zl.id]
    assert customer_ids(session, CustomerFilter(text="熟普洱")) == [zl.id]
    undo_import(session, result.batch_id)
    assert customer_ids(session, CustomerFilter(text="13912345678")) == []
    assert customer_ids(session, CustomerFilter(text="熟普洱")) == []
    assert customer_ids(session, CustomerFilter(text="zhangli88")) == [zl.id]


def test_undo_shows_the_old_values_on_a_customer_the_session_holds(session: Session) -> None:
    zl = create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zhangli88", city="杭州"))
    result = do_import(session, rows(["张丽", "zhangli88", "", "", "宁波", "", "", "", ""]))
    assert zl.city == "宁波"  # the object the page holds (the session keeps objects over commits)
    undo_import(session, result.batch_id)
    assert zl.city == "杭州"


def test_importing_the_same_list_again_repeats_no_notes_or_follow_ups(session: Session) -> None:
    headers = ["客户姓名", "微信", "备注", "下次跟进"]
    data = rows(["张丽", "zhangli88", "怕凉，喜欢熟普", "2026-12-01"], ["王芳", "wangfang", "", ""])
    first = do_import(session, data, headers=headers)
    again = do_import(session, data, headers=headers)
    assert (first.created, again.created, again.updated) == (2, 0, 2)
    zl = customers(session)["张丽"]
    assert session.scalar(select(func.count()).select_from(Note).where(Note.customer_id == zl.id)) == 1
    assert session.scalar(select(func.count()).select_from(FollowUp).where(FollowUp.customer_id == zl.id)) == 1
    changed = do_import(session, rows(["张丽", "zhangli88", "换成了生普", ""]), headers=headers)
    assert changed.updated == 1
    assert session.scalar(select(func.count()).select_from(Note).where(Note.customer_id == zl.id)) == 2


def test_a_follow_up_done_on_that_day_is_asked_again_by_the_re_imported_list(session: Session) -> None:
    headers = ["客户姓名", "微信", "备注", "下次跟进"]
    data = rows(["张丽", "zhangli88", "", "2026-12-01"], ["王芳", "wangfang", "", "2026-12-01"],
                ["赵敏", "zhaomin", "", "2026-12-03"])
    do_import(session, data, headers=headers)
    people = customers(session)
    done = session.scalar(select(FollowUp).where(FollowUp.customer_id == people["王芳"].id))
    done.done_at = datetime(2026, 12, 1, 10, 0)
    session.commit()
    # 赵敏's row twice: her second row reads the store after the first wrote to it.
    again = do_import(session, data + rows(["赵敏", "zhaomin", "", "2026-12-03"]), headers=headers)
    assert again.updated == 3 and not again.errors

    def open_ones(name: str) -> int:
        return int(session.scalar(select(func.count()).select_from(FollowUp).where(
            FollowUp.customer_id == people[name].id, FollowUp.done_at.is_(None))) or 0)

    assert (open_ones("张丽"), open_ones("王芳"), open_ones("赵敏")) == (1, 1, 1)
    assert session.get(Customer, people["王芳"].id).next_follow_up_on == date(2026, 12, 1)


def test_custom_fields_named_like_built_in_columns_get_their_own_column(session: Session) -> None:
    """The export writes 城市 twice when the seller made a custom field 城市: the first is the built-in
    city, the second the custom field; a custom field 渠道 wins over 渠道 as a variant of 来源渠道."""
    from services.custom_fields import save_field

    city = save_field(session, "城市", "text")
    channel = save_field(session, "渠道", "text")
    assert suggest_mapping(session, "customers", ["备注名", "城市", "城市", "渠道", "来源渠道"]) == {
        0: "remark_name", 1: "city", 2: f"custom:{city}", 3: f"custom:{channel}", 4: "source"}
    assert suggest_mapping(session, "notes", ["客户", "渠道", "内容"]).get(1) != f"custom:{channel}"


def test_a_referrer_named_by_a_name_two_customers_share_is_not_guessed(session: Session) -> None:
    create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zl_hz"))
    create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zl_sh"))
    result = do_import(session, rows(["王芳", "", "", "", "", "", "", "", "张丽"]))
    assert result.created == 0 and result.errors[0].column == "介绍人"
    assert "2 位客户都叫“张丽”" in result.errors[0].message
    # Written as her WeChat ID, the same referrer is found.
    again = do_import(session, rows(["王芳", "", "", "", "", "", "", "", "zl_sh"]))
    assert again.created == 1 and not again.errors
    referrer = session.scalar(select(Referral.referrer_id).where(Referral.referee_id == customers(session)["王芳"].id))
    assert session.get(Customer, referrer).wechat_id == "zl_sh"


def test_a_referrals_sheet_naming_a_shared_name_is_reported(session: Session) -> None:
    create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zl_hz"))
    create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zl_sh"))
    create_customer(session, CustomerInput(remark_name="王芳"))
    result = do_import(session, [(2, ["张丽", "王芳", "口碑"])], headers=["介绍人", "被介绍人", "方式"], kind="referrals")
    assert result.created == 0 and "2 位客户都叫“张丽”" in result.errors[0].message
    assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_a_referrer_in_the_file_sharing_a_name_with_the_store_is_left_out_and_named(session: Session) -> None:
    create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zl_hz"))
    result = do_import(session, rows(
        ["张丽", "zl_new", "", "", "", "", "", "", ""],  # a second 张丽, new in the file
        ["王芳", "", "", "", "", "", "", "", "张丽"],
    ))
    assert result.created == 2
    [problem] = result.errors
    assert problem.column == "介绍人" and "王芳" in problem.message and "2 位客户都叫“张丽”" in problem.message
    assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_the_lean_preview_judges_every_row_as_the_full_one(session: Session) -> None:
    create_customer(session, CustomerInput(remark_name="老客户", wechat_id="old_1"))
    data = rows(["张丽", "zl1", 13800138000, "", "", "", "", "", ""], ["赵磊", "", "1380013800", "", "", "", "", "", ""],
                ["老客户", "old_1", "", "", "", "", "", "", ""], ["张丽", "zl1", "", "", "", "", "", "", ""])
    headers = HEADERS[:-1] + ["备用"]  # no 介绍人 column: the lean preview parses row by row
    options = ImportOptions(suggest_mapping(session, "customers", headers))
    full = check_rows(session, "customers", headers, data, options)
    lean = check_rows(session, "customers", headers, data, options, keep_values=False)
    assert [r.action for r in lean] == [r.action for r in full] == ["create", "error", "update", "merge"]
    assert [r.problems for r in lean] == [r.problems for r in full]
    assert all(r.values == {} for r in lean) and full[0].values["remark_name"] == "张丽"
