"""Exports, opened the way a user would open them: what the cells show, how they look, what is left on disk."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from models import Customer, CustomerTag, Referral
from services.accounts import save_account
from services.birthday import Birthday
from services.custom_fields import save_field
from services.customer_query import CustomerFilter
from services.customers import CustomerInput, create_customer, trash_customers
from services.errors import UserError
from services.excel import writer
from services.excel.columns import KINDS, header_index, normalize_header
from services.excel.export import export_all, export_customers, export_kind
from services.excel.workbook_setup import carried_settings
from services.excel.writer import OutColumn, SheetSpec, write_sheets
from services.sop import list_templates
from services.tags import save_group, save_tag
from services.timeline import complete_follow_up, save_follow_up, save_note, save_purchase


def headers(ws: Worksheet) -> list[str]:
    return [c.value for c in ws[1]]


def rows_by_name(ws: Worksheet) -> dict[str, dict[str, Any]]:
    """备注名 (or 客户) → {header: cell} for every data row."""
    names = headers(ws)
    key = "备注名" if "备注名" in names else "客户"
    found = {}
    for row in ws.iter_rows(min_row=2):
        cells = dict(zip(names, row, strict=False))
        found[cells[key].value] = cells
    return found


def book(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder to export into; XlsxWriter's own row files go to `scratch` beside it."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / "out"
    out.mkdir()
    return out


def leftovers(folder: Path) -> list[str]:
    """Every file in the export folder and the temp folder."""
    return sorted(p.name for p in [*folder.iterdir(), *(folder.parent / "scratch").iterdir()])


@pytest.fixture
def shop(session: Session) -> dict[str, int]:
    """A small shop: tags, custom fields, an account, five customers (one in the trash), records."""
    level = save_group(session, "消费能力", multi=False)
    interest = save_group(session, "兴趣")
    tags = {name: save_tag(session, level, name) for name in ("高", "中", "低")}
    tags |= {name: save_tag(session, interest, name) for name in ("普洱", "白茶")}
    skin = save_field(session, "肤质", "choice", ["干", "油"], show_in_list=True)
    height = save_field(session, "身高", "number")
    day = save_field(session, "纪念日", "date")
    old = save_field(session, "老客", "bool")
    account = save_account(session, "工作号1", "shop01", "主号")

    def add(name: str, tag_names: tuple[str, ...] = (), **fields: Any) -> int:
        return create_customer(session, CustomerInput(remark_name=name, **fields),
                               [tags[n] for n in tag_names]).id

    ids = {
        "张丽": add("张丽", ("普洱", "高"), wechat_id="zhangli_1988", phone="13800138000", gender="女",
                    birthday=Birthday(8, 15, 1988), city="杭州", wechat_account_id=account, source="朋友圈",
                    added_on=date(2023, 3, 2), custom={skin: "干", height: "165", day: "2020-05-20", old: "是"}),
        "王芳": add("王芳", ("高",), wechat_id="wangfang", phone="13900139000",
                    birthday=Birthday(8, 15, 1988, lunar=True), stage_override="VIP"),
        "=SUM(A1)": add("=SUM(A1)", ("低",), wechat_id="@foo", address="+86 138", occupation="-1",
                        birthday=Birthday(5, 1)),
        "李娜": add("李娜", ("白茶",), phone="02087654321"),
        "回收站里": add("回收站里", ("高",)),
    }
    zl = ids["张丽"]
    save_purchase(session, zl, date(2024, 3, 10), "熟普", 1, "380")
    save_purchase(session, zl, date(2024, 11, 2), "白茶饼", 2, "900.50", channel="微信转账")
    save_note(session, zl, "喜好", "喜欢熟普", pinned=True, noted_at=datetime(2024, 11, 2, 14, 30))
    save_note(session, ids["李娜"], "其他", "@别忘了")
    follow = save_follow_up(session, zl, date(2024, 12, 1), "问问喝完没有")
    complete_follow_up(session, follow, "还剩一半")
    save_follow_up(session, ids["王芳"], date(2099, 1, 1), "生日")
    save_note(session, ids["回收站里"], "其他", "看不见")
    session.add(Referral(referrer_id=ids["王芳"], referee_id=zl, referred_on=date(2023, 3, 2), method="口碑",
                         reward="50 元券", reward_status="已发放"))
    session.add(Referral(referrer_id=ids["回收站里"], referee_id=ids["李娜"]))
    session.commit()
    trash_customers(session, [ids["回收站里"]])
    return ids | {f"tag:{k}": v for k, v in tags.items()}


def test_a_customer_export_looks_finished(session: Session, shop: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "客户.xlsx"
    assert export_customers(session, out) == 4
    ws = book(out)["客户"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}5"
    assert all(c.font.b for c in ws[1]) and ws["A1"].fill.fgColor.rgb.endswith("DDE7F0")
    assert ws.column_dimensions["A"].width >= 14  # 备注名
    assert ws.column_dimensions["J"].width > ws.column_dimensions["G"].width  # 地址 wider than 性别
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == ["=SUM(A1)", "李娜", "王芳", "张丽"]  # pinyin order
    assert not list(tmp_path.glob(".*keben-tmp"))
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # like any file the user saves, not private


def test_every_header_reimports_without_mapping(session: Session, shop: dict[str, int], tmp_path: Path) -> None:
    for kind in KINDS:
        out = tmp_path / f"{kind}.xlsx"
        export_kind(session, kind, out)
        known = header_index(kind)
        names = [h for h in headers(book(out).worksheets[0]) if h not in ("肤质", "身高", "纪念日", "老客")]
        assert names and all(normalize_header(h) in known for h in names), kind
        assert [known[normalize_header(h)] for h in names] == [c.key for c in KINDS[kind] if c.key != "remark"]


def test_texts_stay_text_never_formulas(session: Session, shop: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "客户.xlsx"
    export_customers(session, out)
    row = rows_by_name(book(out)["客户"])
    formula = row["=SUM(A1)"]
    for header, text in (("备注名", "=SUM(A1)"), ("微信号", "@foo"), ("地址", "+86 138"), ("职业", "-1")):
        assert formula[header].data_type == "s" and formula[header].value == text
    phone = row["张丽"]["手机"]
    assert phone.value == "13800138000" and phone.data_type == "s" and phone.number_format == "@"
    assert row["李娜"]["手机"].value == "02087654321"  # the leading 0 is kept


def test_dates_and_money_are_real_values(session: Session, shop: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "客户.xlsx"
    export_customers(session, out)
    row = rows_by_name(book(out)["客户"])
    zl = row["张丽"]
    assert zl["生日"].value == datetime(1988, 8, 15) and zl["生日"].number_format == "yyyy-mm-dd"
    assert zl["添加日期"].value == datetime(2023, 3, 2)
    assert zl["最近购买日期"].value == datetime(2024, 11, 2)
    assert zl["累计消费"].value == 1280.5 and zl["累计消费"].number_format == "#,##0.00"
    assert row["王芳"]["生日"].value == "农历 1988 八月十五"
    assert row["=SUM(A1)"]["生日"].value == "05-01"  # no year: kept as the app shows it
    assert row["李娜"]["累计消费"].value == 0


def test_tags_referrer_stage_and_custom_fields(session: Session, shop: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "客户.xlsx"
    export_customers(session, out)
    ws = book(out)["客户"]
    assert headers(ws)[-4:] == ["肤质", "身高", "纪念日", "老客"]
    assert "备注" not in headers(ws)  # import-only
    zl, wf = rows_by_name(ws)["张丽"], rows_by_name(ws)["王芳"]
    assert zl["标签"].value == "高、普洱"  # group order, then tag order
    assert zl["介绍人"].value == "王芳"
    assert zl["我的微信号"].value == "工作号1"
    assert (zl["肤质"].value, zl["身高"].value, zl["纪念日"].value, zl["老客"].value) == (
        "干", 165, datetime(2020, 5, 20), "是")
    assert wf["阶段"].value == "VIP"
    assert rows_by_name(ws)["李娜"]["介绍人"].value is None  # the referrer is in the trash


def test_the_list_exports_what_it_shows(session: Session, shop: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "高.xlsx"
    flt = CustomerFilter(tags_all=[shop["tag:高"]])
    count = export_customers(session, out, flt, columns=["remark_name", "stage", "last_purchase", "total_spent"],
                             sort="total_spent", descending=True)
    ws = book(out)["客户"]
    assert count == 2
    assert headers(ws) == ["备注名", "阶段", "最近购买日期", "累计消费", "微信号", "手机", "标签", "介绍人"]
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == ["张丽", "王芳"]
    custom = tmp_path / "肤质.xlsx"
    export_customers(session, custom, columns=["remark_name", f"custom:{_field_id(session, '肤质')}"])
    assert "肤质" in headers(book(custom)["客户"]) and "身高" not in headers(book(custom)["客户"])


def test_the_layer_columns_export_when_the_list_shows_them(session: Session, shop: dict[str, int],
                                                          tmp_path: Path) -> None:
    from services.layers import recompute_layers

    recompute_layers(session)
    out = tmp_path / "分层.xlsx"
    export_customers(session, out, columns=["remark_name", "rfm_segment", "loyalty_type"])
    ws = book(out)["客户"]
    assert headers(ws)[:3] == ["备注名", "RFM分群", "忠诚类型"]
    values = {r[0].value: (r[1].value, r[2].value) for r in ws.iter_rows(min_row=2)}
    stored = {c.remark_name: (c.rfm_segment or None, c.loyalty_type or None)
              for c in session.scalars(select(Customer).where(Customer.deleted_at.is_(None)))}
    assert values == stored and any(v != (None, None) for v in values.values())


def _field_id(session: Session, name: str) -> int:
    from models import CustomField

    return int(session.scalar(select(CustomField.id).where(CustomField.name == name)) or 0)


def test_records_export_with_their_customer(session: Session, shop: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "笔记.xlsx"
    assert export_kind(session, "notes", out) == 2  # the trashed customer's note is left out
    ws = book(out)["笔记"]
    assert headers(ws)[:3] == ["客户", "客户微信号", "客户手机"]
    notes = rows_by_name(ws)
    assert notes["张丽"]["时间"].value == datetime(2024, 11, 2, 14, 30)
    assert notes["张丽"]["时间"].number_format == "yyyy-mm-dd hh:mm"
    assert notes["张丽"]["置顶"].value == "是" and notes["李娜"]["内容"].data_type == "s"

    export_kind(session, "purchases", out)
    purchases = list(book(out)["购买记录"].iter_rows(min_row=2, values_only=True))
    assert purchases == [("张丽", "zhangli_1988", "13800138000", datetime(2024, 3, 10), "熟普", 1, 380, None, None),
                         ("张丽", "zhangli_1988", "13800138000", datetime(2024, 11, 2), "白茶饼", 2, 900.5,
                          "微信转账", None)]

    export_kind(session, "follow-ups", out)
    follow = {r[4]: r for r in book(out)["跟进"].iter_rows(min_row=2, values_only=True)}
    assert follow["问问喝完没有"][5:] == ("是", "还剩一半") and follow["生日"][5] == "否"

    assert export_kind(session, "referrals", out) == 1  # 回收站里 → 李娜 is left out
    assert list(book(out)["转介绍"].iter_rows(min_row=2, values_only=True)) == [
        ("王芳", "张丽", datetime(2023, 3, 2), "口碑", None, None, None, "50 元券", "已发放", None)]


def test_export_by_tag(session: Session, shop: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    assert export_kind(session, "customers", out, tag_names=["高"]) == 2
    assert export_kind(session, "purchases", out, tag_names=["普洱", "高"]) == 2
    assert export_kind(session, "notes", out, tag_names=["低"]) == 0
    assert headers(book(out)["笔记"])[0] == "客户"  # an empty export still has its header
    assert export_kind(session, "referrals", out, tag_names=["普洱"]) == 1
    with pytest.raises(UserError, match="没有叫“紫砂”的标签"):
        export_kind(session, "notes", out, tag_names=["紫砂"])


def test_the_whole_store_in_one_workbook(session: Session, shop: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    counts = export_all(session, out)
    assert counts == {"customers": 4, "notes": 2, "purchases": 2, "follow-ups": 2, "referrals": 1, "tags": 5,
                      "accounts": 1, "custom-fields": 4, "campaigns": 0,
                      **dict.fromkeys(("products", "groups", "group-members", "group-stats", "scripts", "materials",
                                       "posts", "points", "care"), 0),  # the pages' sheets: test_workbook_pages
                      "settings": len(carried_settings()), "pillars": 6,  # settings and rules: test_workbook_setup
                      "sop-templates": sum(max(len(tpl.steps), 1) for tpl in list_templates(session)),
                      **dict.fromkeys(("tiers", "cycles", "smart-lists", "journeys", "auto-tags", "auto-tagged",
                                       "group-sops", "group-tasks", "reminders", "interactions"), 0)}
    wb = book(out)
    assert wb.sheetnames == ["客户", "笔记", "购买记录", "跟进", "转介绍", "标签", "我的微信号", "自定义字段", "裂变活动",
                             "商品", "社群", "群成员", "群日数据", "话术", "素材", "朋友圈", "积分", "关怀记录",
                             "设置", "会员等级", "复购周期", "内容支柱", "智能列表", "客户SOP", "自动标签规则", "自动标签",
                             "SOP模板", "群SOP", "群任务", "提醒状态", "朋友圈互动"]
    assert all(wb[name].max_row == n + 1 for name, n in zip(wb.sheetnames, counts.values(), strict=True))
    customers = rows_by_name(wb["客户"])
    assert headers(wb["客户"])[0] == "编号"
    assert {name: c["编号"].value for name, c in customers.items()} == {
        n: shop[n] for n in ("张丽", "王芳", "=SUM(A1)", "李娜")}
    assert customers["王芳"]["手动阶段"].value == "VIP" and customers["张丽"]["手动阶段"].value is None
    notes = rows_by_name(wb["笔记"])
    assert notes["张丽"]["客户编号"].value == shop["张丽"]
    follow = {r[5]: r for r in wb["跟进"].iter_rows(min_row=2, values_only=True)}
    assert isinstance(follow["问问喝完没有"][-1], datetime) and follow["生日"][-1] is None  # 完成时间
    assert headers(wb["转介绍"])[:4] == ["介绍人编号", "介绍人", "被介绍人编号", "被介绍人"]
    assert next(wb["转介绍"].iter_rows(min_row=2, max_col=4, values_only=True)) == (
        shop["王芳"], "王芳", shop["张丽"], "张丽")
    assert list(wb["标签"].iter_rows(values_only=True))[:2] == [
        ("标签组", "单选", "组颜色", "标签", "标签颜色"), ("消费能力", "是", "#e91e63", "高", None)]
    assert list(wb["我的微信号"].iter_rows(min_row=2, values_only=True)) == [("工作号1", "shop01", "主号")]
    assert list(wb["自定义字段"].iter_rows(min_row=2, values_only=True))[0] == ("肤质", "单选", "干、油", "是")


@pytest.fixture
def many(session: Session) -> int:
    """2,000 customers with two tags each, a custom value and a referrer, inserted in bulk."""
    group = save_group(session, "兴趣")
    tags = [save_tag(session, group, name) for name in ("普洱", "白茶")]
    field = save_field(session, "肤质", "text")
    session.execute(insert(Customer), [
        {"remark_name": f"客户{i:04d}", "pinyin": f"kehu{i:04d}", "phone": f"138{i:08d}", "wechat_id": f"wx{i}",
         "added_on": date(2024, 1, 1), "total_spent_cents": i * 100} for i in range(2000)])
    ids = list(session.scalars(select(Customer.id).order_by(Customer.id)))
    session.execute(insert(CustomerTag), [{"customer_id": cid, "tag_id": tag} for cid in ids for tag in tags])
    from models import CustomFieldValue

    session.execute(insert(CustomFieldValue), [{"customer_id": cid, "field_id": field, "value": "干"} for cid in ids])
    session.execute(insert(Referral), [{"referrer_id": ids[0], "referee_id": cid} for cid in ids[1:]])
    session.commit()
    return len(ids)


@pytest.fixture
def queries(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    yield statements
    event.remove(engine, "before_cursor_execute", count)


def test_export_queries_by_chunk_not_by_customer(session: Session, many: int, queries: list[str],
                                                 tmp_path: Path) -> None:
    out = tmp_path / "2000.xlsx"
    reports: list[tuple[int, int]] = []
    assert export_customers(session, out, progress=lambda done, total: reports.append((done, total))) == many
    assert len(queries) <= 20, queries
    assert reports[-1] == (2000, 2000)
    row = next(book(out)["客户"].iter_rows(min_row=3, max_row=3))
    values = {h: c.value for h, c in zip(headers(book(out)["客户"]), row, strict=True)}
    assert (values["标签"], values["介绍人"], values["肤质"]) == ("普洱、白茶", "客户0000", "干")


def test_cancel_leaves_no_file(session: Session, many: int, folder: Path) -> None:
    out = folder / "cancel.xlsx"
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 1  # the check after the first 2,000 rows

    with pytest.raises(UserError, match="已取消导出"):
        export_customers(session, out, cancelled=cancelled)
    assert len(calls) == 2
    assert leftovers(folder) == []


def _rows(n: int) -> SheetSpec:
    return SheetSpec("表", [OutColumn("名字")], ([f"客户{i}"] for i in range(n)), total=n)


def test_cancel_midway_through_a_big_sheet(folder: Path) -> None:
    out = folder / "big.xlsx"
    out.write_bytes(b"an older export")
    progress: list[int] = []
    with pytest.raises(UserError, match="已取消导出"):
        write_sheets(out, [_rows(10_000)], progress=lambda done, _total: progress.append(done),
                     cancelled=lambda: len(progress) >= 2)
    assert progress == [2000, 4000]
    assert out.read_bytes() == b"an older export"  # untouched
    assert leftovers(folder) == ["big.xlsx"]


def test_a_file_open_in_excel_is_a_clear_message(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(_src: Any, _dst: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(UserError, match="文件“客户.xlsx”正被其他程序（如 Excel）打开，请关闭后重试"):
        write_sheets(folder / "客户.xlsx", [_rows(3)])
    assert leftovers(folder) == []


def test_unwritable_targets_are_clear_messages(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "导出.xlsx").mkdir()
    with pytest.raises(UserError, match="是一个文件夹"):
        write_sheets(folder / "导出.xlsx", [_rows(3)])
    with pytest.raises(UserError, match="不存在"):
        write_sheets(folder / "没有这个文件夹" / "x.xlsx", [_rows(3)])

    def full(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(UserError, match="磁盘空间不足"):
        write_sheets(folder / "满.xlsx", [_rows(3)])
    assert leftovers(folder) == ["导出.xlsx"]


def test_widths_count_chinese_double() -> None:
    assert writer.text_width("abc") == 3
    assert writer.text_width("张丽") == 4
    assert writer.text_width("张丽 13800138000") == 16


def test_a_tag_name_two_groups_share_goes_out_and_back_in_to_the_right_group(session: Session, tmp_path: Path) -> None:
    """The export writes 组/标签 for a name two groups share; re-importing it tags the same tag, and
    a plain 普洱/白茶 still means two tags."""
    from services.excel.engine import ImportOptions, run_import, suggest_mapping
    from services.excel.reader import open_spreadsheet
    from services.tags import add_tag

    tea = save_group(session, "茶类")
    level = save_group(session, "客户等级")
    tea_gold = save_tag(session, tea, "金")
    save_tag(session, level, "金")
    puer, white = save_tag(session, tea, "普洱"), save_tag(session, tea, "白茶")
    cid = create_customer(session, CustomerInput(remark_name="张丽", wechat_id="zhangli88")).id
    add_tag(session, [cid], tea_gold)
    out = tmp_path / "客户.xlsx"
    export_customers(session, out)
    assert rows_by_name(openpyxl.load_workbook(out).active)["张丽"]["标签"].value == "茶类/金"

    sheet = openpyxl.load_workbook(out)
    sheet.active.append(["王芳"] + [None] * (sheet.active.max_column - 1))
    column = headers(sheet.active).index("标签") + 1
    sheet.active.cell(sheet.active.max_row, column, "普洱/白茶")
    sheet.save(out)
    session.execute(CustomerTag.__table__.delete())
    session.commit()
    book = open_spreadsheet(out)
    heads, rows, _ = book.iter_table(book.sheet_names[0], 1)
    rows = list(rows)
    book.close()
    options = ImportOptions(mapping=suggest_mapping(session, "customers", heads), on_duplicate="update")
    run_import(session, "customers", heads, rows, options)
    tagged = {(c, t) for c, t in session.execute(select(CustomerTag.customer_id, CustomerTag.tag_id))}
    wang = session.scalar(select(Customer.id).where(Customer.remark_name == "王芳"))
    assert tagged == {(cid, tea_gold), (wang, puer), (wang, white)}
