"""The full workbook goes back into an empty store with nothing lost; the customer export round-trips.

Stores are compared the way a seller would: customer by customer (by 备注名, 微信号 and 手机, never
by id), with their tags, custom values, notes, purchases, follow-ups and 介绍人, and the setup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Customer,
    CustomerTag,
    CustomField,
    CustomFieldValue,
    FollowUp,
    ImportBatch,
    Note,
    Purchase,
    Referral,
    Tag,
    TagGroup,
    WechatAccount,
)
from services.accounts import save_account
from services.birthday import Birthday
from services.custom_fields import save_field
from services.customers import CustomerInput, create_customer
from services.demo import DemoOptions, fill_demo
from services.errors import UserError
from services.excel.engine import (
    ImportCancelled,
    ImportOptions,
    missing_required,
    run_import,
    suggest_mapping,
)
from services.excel.export import export_all, export_kind
from services.excel.reader import open_spreadsheet
from services.excel.undo import undo_import
from services.excel.workbook import WorkbookError, import_workbook
from services.tags import save_group, save_tag
from services.timeline import complete_follow_up, save_follow_up, save_note, save_purchase

Key = tuple[str, str, str]  # 备注名, 微信号, 手机: how a seller tells customers apart


@pytest.fixture
def shop(session: Session) -> dict[str, int]:
    """Hand-made customers with every kind of birthday, tags, custom values, records and referrals."""
    level = save_group(session, "消费能力", multi=False, color="#e91e63")
    interest = save_group(session, "兴趣", color="#3f51b5")
    tags = {name: save_tag(session, level, name) for name in ("高", "中", "低")}
    tags |= {"普洱": save_tag(session, interest, "普洱", color="#795548"), "白茶": save_tag(session, interest, "白茶")}
    skin = save_field(session, "肤质", "choice", ["干", "油"], show_in_list=True)
    height = save_field(session, "身高", "number")
    day = save_field(session, "纪念日", "date")
    old = save_field(session, "老客", "bool")
    memo = save_field(session, "备忘", "text")
    account = save_account(session, "工作号1", "shop01", "主号")

    def add(name: str, tag_names: tuple[str, ...] = (), **fields: Any) -> int:
        return create_customer(session, CustomerInput(remark_name=name, **fields), [tags[n] for n in tag_names]).id

    ids = {
        "张丽": add("张丽", ("普洱", "高"), wechat_id="zhangli_1988", phone="13800138000", gender="女",
                    birthday=Birthday(8, 15, 1988, lunar=True), city="杭州", wechat_account_id=account,
                    source="朋友圈", added_on=date(2023, 3, 2), occupation="教师", address="西湖区1号",
                    real_name="张丽丽", nickname="丽丽", member_level="金卡",
                    custom={skin: "干", height: "165.5", day: "2020-05-20", old: "是", memo: "老家在苏州"}),
        "王芳": add("王芳", ("中", "白茶", "普洱"), wechat_id="wangfang", phone="13900139000",
                    birthday=Birthday(4, 3, lunar=True, leap_month=True), stage_override="VIP",
                    added_on=date(2022, 1, 5), custom={height: "170"}),
        "李娜": add("李娜", ("低",), phone="02087654321", birthday=Birthday(5, 1), added_on=date(2024, 6, 1)),
        "赵敏": add("赵敏", wechat_id="zhaomin", birthday=Birthday(2, 10, 2023, lunar=True, leap_month=True),
                    added_on=date(2024, 2, 1)),
        "孙悦": add("孙悦", wechat_id="sunyue", birthday=Birthday(12, 31, 1990), added_on=date(2024, 2, 2)),
        "=SUM(A1)": add("=SUM(A1)", wechat_id="@foo", birthday=Birthday(2, 29), added_on=date(2024, 2, 3)),
        # two customers with the same 备注名: a restore keeps them two
        "陈静1": add("陈静", wechat_id="chenjing_a", added_on=date(2024, 3, 1)),
        "陈静2": add("陈静", wechat_id="chenjing_b", phone="13700137000", added_on=date(2024, 3, 2)),
    }
    zl, wf = ids["张丽"], ids["王芳"]
    save_purchase(session, zl, date(2024, 3, 10), "熟普", 1, "380")
    save_purchase(session, zl, date(2024, 11, 2), "白茶饼", 2, "900.50", channel="微信转账", note="送礼")
    save_purchase(session, zl, date(2024, 11, 2), "白茶饼", 2, "900.50", channel="微信转账", note="送礼")  # twice
    save_purchase(session, ids["陈静2"], date(2025, 1, 8), "岩茶", 3, "1,280")
    save_note(session, zl, "喜好", "喜欢熟普", pinned=True, noted_at=datetime(2024, 11, 2, 14, 30, 15))
    save_note(session, zl, "身份", "中学老师", noted_at=datetime(2023, 3, 2, 9, 0))
    save_note(session, ids["陈静1"], "咨询", "问白茶", noted_at=datetime(2024, 5, 6, 7, 8, 9))
    save_note(session, ids["陈静2"], "咨询", "问白茶", noted_at=datetime(2024, 5, 6, 7, 8, 9))
    done = save_follow_up(session, zl, date(2024, 12, 1), "问问喝完没有")
    complete_follow_up(session, done, "还剩一半")
    save_follow_up(session, wf, date(2099, 1, 1), "生日")
    save_follow_up(session, ids["陈静1"], date(2026, 1, 1), "回访")
    session.add_all([
        Referral(referrer_id=wf, referee_id=zl, referred_on=date(2023, 3, 2), method="口碑", reward="50 元券",
                 reward_status="已发放", note="老同事"),
        Referral(referrer_id=zl, referee_id=ids["陈静2"], referred_on=date(2024, 3, 2), method="分销"),
        Referral(referrer_id=zl, referee_id=ids["李娜"]),
    ])
    session.commit()
    return ids


# ---- what a seller would compare -------------------------------------------------------------------

def _key(customer: Any) -> Key:
    return (customer.remark_name, customer.wechat_id, customer.phone)


def customer_book(session: Session) -> dict[Key, dict[str, Any]]:
    """Every live customer by (备注名, 微信号, 手机): profile, tags, custom values, records, 介绍人."""
    accounts = {aid: name for aid, name in session.execute(select(WechatAccount.id, WechatAccount.name))}
    customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.deleted_at.is_(None)))}
    book: dict[Key, dict[str, Any]] = {}
    for c in customers.values():
        book[_key(c)] = {
            "profile": (c.real_name, c.nickname, accounts.get(c.wechat_account_id or 0), c.gender, c.city,
                        c.address, c.occupation, c.source, c.added_on, c.member_level, c.stage_override),
            "birthday": (c.birthday_year, c.birthday_month, c.birthday_day, c.birthday_lunar, c.birthday_leap_month),
            "worked_out": (c.stage, c.total_spent_cents, c.purchase_count, c.first_purchase_on, c.last_purchase_on,
                           c.next_follow_up_on, c.last_interaction_on, c.loyalty_type, c.rfm_segment),
            "tags": set(), "custom": {}, "notes": [], "purchases": [], "follow_ups": [], "referrer": None,
        }
    by_id = {cid: book[_key(c)] for cid, c in customers.items()}
    for cid, group, tag in session.execute(select(CustomerTag.customer_id, TagGroup.name, Tag.name)
                                           .join(Tag, Tag.id == CustomerTag.tag_id).join(TagGroup)):
        if cid in by_id:
            by_id[cid]["tags"].add(f"{group}/{tag}")
    for cid, name, value in session.execute(select(CustomFieldValue.customer_id, CustomField.name,
                                                   CustomFieldValue.value).join(CustomField)):
        if cid in by_id and value:
            by_id[cid]["custom"][name] = value
    for note in session.scalars(select(Note).where(Note.deleted_at.is_(None))):
        by_id[note.customer_id]["notes"].append((note.kind, note.body, note.pinned, note.noted_at))
    for p in session.scalars(select(Purchase).where(Purchase.deleted_at.is_(None))):
        by_id[p.customer_id]["purchases"].append((p.purchased_on, p.product, p.quantity, p.amount_cents, p.channel,
                                                  p.note))
    for f in session.scalars(select(FollowUp).where(FollowUp.deleted_at.is_(None))):
        by_id[f.customer_id]["follow_ups"].append((f.due_on, f.reason, f.done_at, f.result))
    for r in session.scalars(select(Referral).where(Referral.deleted_at.is_(None))):
        by_id[r.referee_id]["referrer"] = (_key(customers[r.referrer_id]), r.referred_on, r.method, r.reward,
                                           r.reward_status, r.note)
    for entry in book.values():
        for records in ("notes", "purchases", "follow_ups"):
            entry[records].sort(key=repr)
    return book


def setup_of(session: Session) -> dict[str, Any]:
    return {
        "tags": [(g.name, g.multi, g.color, t.name if t else None, t.color if t else None)
                 for g, t in session.execute(select(TagGroup, Tag).outerjoin(Tag).order_by(TagGroup.sort, Tag.sort))],
        "accounts": list(session.execute(select(WechatAccount.name, WechatAccount.wechat_id, WechatAccount.note)
                                         .order_by(WechatAccount.sort))),
        "fields": list(session.execute(select(CustomField.name, CustomField.kind, CustomField.choices,
                                              CustomField.show_in_list).order_by(CustomField.sort))),
    }


def counts(session: Session) -> dict[str, int]:
    return {model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Customer, Note, Purchase, FollowUp, Referral, CustomerTag, CustomFieldValue, TagGroup, Tag,
                          WechatAccount, CustomField, ImportBatch)}


# ---- the full workbook ------------------------------------------------------------------------------

def test_the_full_workbook_restores_everything(session: Session, shop: dict[str, int], fresh: Session,
                                               tmp_path: Path) -> None:
    # a second group with a tag of the same name: the export calls those tags 组/标签
    loyal = save_group(session, "忠诚度", multi=False, color="#009688")
    high = save_tag(session, loyal, "高")
    session.add(CustomerTag(customer_id=shop["王芳"], tag_id=high))
    # a custom field named like a built-in column: two 城市 columns
    hometown = save_field(session, "城市", "text")
    session.add(CustomFieldValue(customer_id=shop["张丽"], field_id=hometown, value="苏州"))
    session.commit()
    fill_demo(session, DemoOptions(customers=60, seed=7))
    out = tmp_path / "全部.xlsx"
    written = export_all(session, out)
    before = customer_book(session)
    assert len(before) == 68 and before[("王芳", "wangfang", "13900139000")]["tags"] == {
        "消费能力/中", "兴趣/白茶", "兴趣/普洱", "忠诚度/高"}

    reports: list[tuple[int, int]] = []
    result = import_workbook(fresh, out, progress=lambda done, total: reports.append((done, total)))

    assert result.sheets == written  # every row of every sheet read
    assert customer_book(fresh) == before
    assert setup_of(fresh) == setup_of(session)
    assert counts(fresh)["customer"] == 68 and counts(fresh)["import_batch"] == 1
    assert reports[-1][0] == reports[-1][1] == sum(written.values())
    restored = customer_book(fresh)
    assert restored[("张丽", "zhangli_1988", "13800138000")]["custom"] == {
        "肤质": "干", "身高": "165.5", "纪念日": "2020-05-20", "老客": "1", "备忘": "老家在苏州", "城市": "苏州"}
    assert restored[("张丽", "zhangli_1988", "13800138000")]["profile"][4] == "杭州"
    assert restored[("王芳", "wangfang", "13900139000")]["profile"][-1] == "VIP"
    assert restored[("赵敏", "zhaomin", "")]["birthday"] == (2023, 2, 10, True, True)
    assert restored[("陈静", "chenjing_b", "13700137000")]["referrer"][0] == ("张丽", "zhangli_1988", "13800138000")


def test_a_restored_store_can_be_searched_and_exported_again(session: Session, shop: dict[str, int],
                                                             fresh: Session, tmp_path: Path) -> None:
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    export_all(session, first)
    import_workbook(fresh, first)
    export_all(fresh, second)
    sheets = openpyxl.load_workbook(first).sheetnames
    for name in sheets:  # the same file again, but for the 编号 (new ids)
        rows = [list(r) for r in openpyxl.load_workbook(first)[name].iter_rows(values_only=True)]
        again = [list(r) for r in openpyxl.load_workbook(second)[name].iter_rows(values_only=True)]
        id_columns = [i for i, h in enumerate(rows[0]) if h and str(h).endswith("编号")]
        for row in rows + again:
            for i in id_columns:
                row[i] = None
        assert again == rows, name
    from tests.services.helpers import search

    assert len(search(fresh, "zl")) == 1  # pinyin initials of 张丽


def test_undo_takes_the_whole_workbook_back(session: Session, shop: dict[str, int], fresh: Session,
                                            tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    export_all(session, out)
    before = setup_of(fresh)
    result = import_workbook(fresh, out)
    assert result.batch_id is not None
    undo_import(fresh, result.batch_id)
    left = counts(fresh)
    assert {k: left[k] for k in ("customer", "note", "purchase", "follow_up", "referral", "customer_tag",
                                 "custom_field_value")} == dict.fromkeys(
        ("customer", "note", "purchase", "follow_up", "referral", "customer_tag", "custom_field_value"), 0)
    # The tag groups, tags, accounts and fields it made are gone too; importing again brings them back.
    assert setup_of(fresh) == before
    import_workbook(fresh, out)
    assert customer_book(fresh) == customer_book(session)
    assert setup_of(fresh) == setup_of(session)


def test_a_dry_run_writes_nothing(session: Session, shop: dict[str, int], fresh: Session, tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    written = export_all(session, out)
    empty = counts(fresh)
    result = import_workbook(fresh, out, dry_run=True)
    assert result.batch_id is None and result.sheets == written
    assert counts(fresh) == empty


def test_cancel_leaves_the_store_as_it_was(session: Session, fresh: Session, tmp_path: Path) -> None:
    fill_demo(session, DemoOptions(customers=60, seed=2))
    out = tmp_path / "全部.xlsx"
    export_all(session, out)
    empty = counts(fresh)
    with pytest.raises(ImportCancelled, match="已取消导入"):
        import_workbook(fresh, out, cancel=lambda: True)
    assert counts(fresh) == empty
    import gc

    assert gc.isenabled()  # the collector, paused for the restore, is back after Cancel


# ---- refused ------------------------------------------------------------------------------------------

def test_a_workbook_that_is_not_a_full_export_is_refused(session: Session, shop: dict[str, int], fresh: Session,
                                                          tmp_path: Path) -> None:
    customers_only = tmp_path / "客户.xlsx"
    export_kind(session, "customers", customers_only)
    other = tmp_path / "别的.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["张丽", "13800138000"])
    wb.save(other)
    empty = counts(fresh)
    for path in (customers_only, other):
        with pytest.raises(UserError, match=f"“{path.name}”不是客本导出的完整工作簿：缺少工作表“.*笔记"):
            import_workbook(fresh, path)
        assert counts(fresh) == empty


def test_a_sheet_without_its_ids_is_refused(session: Session, shop: dict[str, int], fresh: Session,
                                            tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    export_all(session, out)
    wb = openpyxl.load_workbook(out)
    wb["笔记"].delete_cols(1)  # 客户编号
    wb.save(out)
    empty = counts(fresh)
    with pytest.raises(UserError, match="工作表“笔记”没有“客户编号”列"):
        import_workbook(fresh, out)
    assert counts(fresh) == empty  # not even the tags of the 标签 sheet


def test_a_column_it_would_drop_is_refused(session: Session, shop: dict[str, int], fresh: Session,
                                           tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    export_all(session, out)
    wb = openpyxl.load_workbook(out)
    wb["客户"].cell(1, wb["客户"].max_column + 1, "星座")
    wb.save(out)
    with pytest.raises(UserError, match="工作表“客户”的“星座”列不是客本导出的列"):
        import_workbook(fresh, out)
    assert counts(fresh)["tag_group"] == 0


def test_invalid_cells_refuse_the_whole_workbook_and_name_each(session: Session, shop: dict[str, int],
                                                               fresh: Session, tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    export_all(session, out)
    wb = openpyxl.load_workbook(out)
    headers = [c.value for c in wb["客户"][1]]
    zhang_li = next(row[0].row for row in wb["客户"].iter_rows(min_row=2) if row[1].value == "张丽")
    wb["客户"].cell(zhang_li, headers.index("生日") + 1, "2月30日")  # her notes, purchases … are not told again
    purchase_headers = [c.value for c in wb["购买记录"][1]]
    wb["购买记录"].cell(2, purchase_headers.index("金额") + 1, "很多")
    for column, value in enumerate((999, "没这个人", None, None), 1):  # 客户编号, 客户, 客户微信号, 客户手机
        wb["笔记"].cell(2, column).value = value  # of no customer in the book
    wb.save(out)
    empty = counts(fresh)
    with pytest.raises(WorkbookError) as caught:
        import_workbook(fresh, out)
    found = [str(p) for p in caught.value.problems]
    assert f"工作表“客户”第 {zhang_li} 行［生日］：生日“2月30日”不对：2月没有30日" in found
    assert any(p.startswith("工作表“购买记录”第 2 行［金额］：金额“很多”") for p in found)
    assert any(p.startswith("工作表“笔记”第 2 行［客户］：客户“没这个人”") for p in found)
    assert caught.value.count == len(found) == 3
    assert "完整工作簿里有 3 处问题，没有导入任何内容" in caught.value.message
    assert counts(fresh) == empty


def test_a_store_with_customers_is_refused(session: Session, shop: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    export_all(session, out)
    before = counts(session)
    with pytest.raises(UserError, match="只能导入到没有客户的客户本：这里已有 8 位客户"):
        import_workbook(session, out)
    assert counts(session) == before


def test_referral_loops_and_second_referrers_are_refused(session: Session, shop: dict[str, int], fresh: Session,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    export_all(session, out)
    wb = openpyxl.load_workbook(out)
    ids = {row[1]: row[0] for row in wb["客户"].iter_rows(min_row=2, values_only=True) if row[1] != "陈静"}
    wb["转介绍"].append([ids["张丽"], "张丽", ids["王芳"], "王芳"])  # 王芳 brought 张丽: a loop
    wb["转介绍"].append([ids["孙悦"], "孙悦", ids["李娜"], "李娜"])  # 李娜 came through 张丽 already
    wb.save(out)
    with pytest.raises(WorkbookError) as caught:
        import_workbook(fresh, out)
    assert [p.message for p in caught.value.problems] == ["会形成循环：王芳 本来就是 张丽 介绍来的", "李娜 已经有介绍人了"]
    assert counts(fresh)["customer"] == 0


# ---- the customer export alone --------------------------------------------------------------------------

def test_a_customer_export_reimports_with_no_mapping_work(session: Session, shop: dict[str, int],
                                                          open_fresh: Callable[[str], Session],
                                                          tmp_path: Path) -> None:
    out = tmp_path / "客户.xlsx"
    export_kind(session, "customers", out)
    target = open_fresh("other")
    for name, kind, choices in (("肤质", "choice", ["干", "油"]), ("身高", "number", None), ("纪念日", "date", None),
                                ("老客", "bool", None), ("备忘", "text", None)):
        save_field(target, name, kind, choices)
    with open_spreadsheet(out) as sheet:
        headers, rows, total = sheet.iter_table("客户", 1)
        mapping = suggest_mapping(target, "customers", headers)
        assert sorted(mapping) == list(range(len(headers))) and not missing_required("customers", mapping)
        result = run_import(target, "customers", headers, rows, ImportOptions(mapping), file_name=out.name)
    assert not result.errors and result.created == 8

    def simple(book: dict[Key, dict[str, Any]]) -> dict[Key, tuple[Any, ...]]:
        """What a customer sheet carries: tags by name (their groups are not in it), 介绍人 by key."""
        return {key: (c["birthday"], c["profile"][:-1], {tag.split("/")[1] for tag in c["tags"]}, c["custom"],
                      c["referrer"][0] if c["referrer"] else None, c["worked_out"][1], c["worked_out"][3:5])
                for key, c in book.items()}

    assert simple(customer_book(target)) == simple(customer_book(session))
    restored = customer_book(target)
    assert restored[("王芳", "wangfang", "13900139000")]["birthday"] == (None, 4, 3, True, True)
    assert restored[("李娜", "", "02087654321")]["referrer"][0] == ("张丽", "zhangli_1988", "13800138000")


def test_the_workbook_import_runs_from_the_command_line(session: Session, shop: dict[str, int], tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    import json

    import main

    out = tmp_path / "全部.xlsx"
    written = export_all(session, out)
    target = str(tmp_path / "cli")
    assert main.main(["import", str(out), "--kind", "all", "--data-dir", target, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {"batch_id": 1, "sheets": written}
    assert main.main(["import", str(out), "--kind", "all", "--data-dir", target]) == 2
    assert "只能导入到没有客户的客户本" in capsys.readouterr().err


def test_undo_keeps_the_setup_the_seller_has_used_since(session: Session, shop: dict[str, int], fresh: Session,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    export_all(session, out)
    result = import_workbook(fresh, out)
    assert result.batch_id is not None
    pu_er = fresh.scalar(select(Tag.id).where(Tag.name == "普洱"))
    create_customer(fresh, CustomerInput(remark_name="新客人"), [pu_er])  # her own customer, after the import
    undo_import(fresh, result.batch_id)
    assert [c.remark_name for c in fresh.scalars(select(Customer))] == ["新客人"]
    assert fresh.scalars(select(Tag.name).order_by(Tag.name)).all() == ["普洱"]  # still on 新客人
    assert fresh.scalars(select(TagGroup.name)).all() == ["兴趣"]  # the group of a tag kept
