"""The pages' data (社群, 话术素材, 朋友圈, 会员, 关怀) goes through the full workbook and back into an
empty store with nothing lost, as the customer book does (tests/services/excel/test_workbook.py).

Stores are compared the way a seller would: by names (群名称, 标题, the customer's 备注名 / 微信号 /
手机), never by id.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    CareEntry,
    ChatGroup,
    Customer,
    GroupDailyStat,
    GroupMember,
    Material,
    MomentInteraction,
    MomentPost,
    MomentPostImage,
    MomentPostTag,
    Pillar,
    Script,
    Tag,
    WechatAccount,
)
from models.loyalty import PointEntry, Product
from services.care import save_care
from services.customers import CustomerInput, create_customer
from services.demo import DemoOptions, fill_demo
from services.excel.export import export_all
from services.excel.undo import undo_import
from services.excel.workbook import WorkbookError, import_workbook
from services.excel.workbook_setup import SETUP_SHEET_NAMES
from services.groups import GroupInput, add_members, save_group
from services.library import load_starter_scripts
from services.library_materials import data_root_of
from services.points import add_points

PAGE_SHEETS = ("商品", "社群", "群成员", "群日数据", "话术", "素材", "朋友圈", "积分", "关怀记录")
PAGE_MODELS = (ChatGroup, GroupMember, GroupDailyStat, Script, Material, MomentPost, MomentInteraction, Product,
               PointEntry, CareEntry)


@pytest.fixture
def shop(session: Session) -> Session:
    """The demo shop, small: every page has data (groups with members and stats, posts with images …)."""
    fill_demo(session, DemoOptions(customers=40, seed=3))
    assert all(session.scalar(select(func.count()).select_from(model)) for model in PAGE_MODELS)
    return session


def pages_of(session: Session) -> dict[str, Any]:
    """Everything the pages show, keyed by names."""
    def rows(statement: Any) -> Counter[tuple[Any, ...]]:
        return Counter(tuple(row) for row in session.execute(statement))

    who = (Customer.remark_name, Customer.wechat_id, Customer.phone)
    post_tags: dict[int, list[str]] = {}
    for post_id, name in session.execute(select(MomentPostTag.post_id, Tag.name).join(Tag)):
        post_tags.setdefault(post_id, []).append(name)
    post_images: dict[int, list[str]] = {}
    for post_id, path in session.execute(select(MomentPostImage.post_id, MomentPostImage.path)
                                         .order_by(MomentPostImage.post_id, MomentPostImage.position)):
        post_images.setdefault(post_id, []).append(path)
    posts = Counter(
        (p.planned_at, account, p.text, pillar, p.visibility, tuple(sorted(post_tags.get(p.id, []))), p.status,
         p.likes, p.comments, p.inquiries, p.orders, p.revenue_cents, p.note, tuple(post_images.get(p.id, [])))
        for p, account, pillar in session.execute(
            select(MomentPost, WechatAccount.name, Pillar.name)
            .outerjoin(WechatAccount, WechatAccount.id == MomentPost.account_id)
            .outerjoin(Pillar, Pillar.id == MomentPost.pillar_id).where(MomentPost.deleted_at.is_(None))))
    return {
        "groups": rows(select(ChatGroup.name, WechatAccount.name, ChatGroup.kind, ChatGroup.created_on,
                              ChatGroup.status, ChatGroup.positioning, ChatGroup.rules, ChatGroup.welcome,
                              ChatGroup.announcement)
                       .outerjoin(WechatAccount, WechatAccount.id == ChatGroup.account_id)
                       .where(ChatGroup.deleted_at.is_(None))),
        "auto_replies": {name: replies for name, replies in session.execute(select(ChatGroup.name,
                                                                                   ChatGroup.auto_replies))},
        "members": rows(select(ChatGroup.name, *who, GroupMember.role, GroupMember.joined_on, GroupMember.left_on)
                        .join(ChatGroup, ChatGroup.id == GroupMember.group_id)
                        .join(Customer, Customer.id == GroupMember.customer_id)),
        "stats": rows(select(ChatGroup.name, GroupDailyStat.day, GroupDailyStat.members, GroupDailyStat.joined,
                             GroupDailyStat.left, GroupDailyStat.exposures, GroupDailyStat.messages,
                             GroupDailyStat.active_speakers, GroupDailyStat.buyers, GroupDailyStat.orders,
                             GroupDailyStat.revenue_cents, GroupDailyStat.cost_cents)
                      .join(ChatGroup, ChatGroup.id == GroupDailyStat.group_id)),
        "scripts": rows(select(Script.category, Script.title, Script.body, Script.use_count, Script.last_used_at)
                        .where(Script.deleted_at.is_(None))),
        "materials": rows(select(Material.kind, Material.category, Material.title, Material.body, Material.tags,
                                 Material.path, Material.use_count).where(Material.deleted_at.is_(None))),
        "posts": posts,
        "products": rows(select(Product.name, Product.category, Product.price_cents, Product.cycle_days,
                                Product.active, Product.note).where(Product.deleted_at.is_(None))),
        "points": rows(select(*who, PointEntry.entry_on, PointEntry.points, PointEntry.reason, PointEntry.note,
                              PointEntry.expires_on)
                       .join(Customer, Customer.id == PointEntry.customer_id)
                       .where(PointEntry.deleted_at.is_(None), PointEntry.reason != "expire")),
        "balances": rows(select(*who, Customer.points_balance, Customer.member_level)
                         .where(Customer.deleted_at.is_(None))),
        "interactions": rows(select(MomentPost.planned_at, MomentPost.text, *who, MomentInteraction.kind,
                                    MomentInteraction.note, MomentInteraction.created_at)
                             .join(MomentPost, MomentPost.id == MomentInteraction.post_id)
                             .join(Customer, Customer.id == MomentInteraction.customer_id)),
        "care": rows(select(*who, CareEntry.given_on, CareEntry.kind, CareEntry.cost_cents, CareEntry.note)
                     .join(Customer, Customer.id == CareEntry.customer_id).where(CareEntry.deleted_at.is_(None))),
    }


def count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_pages_come_back_with_the_full_workbook(shop: Session, fresh: Session, tmp_path: Path) -> None:
    zhang = create_customer(shop, CustomerInput(remark_name="张丽", wechat_id="zl_only")).id
    add_points(shop, zhang, 88, note="老客回馈")
    save_care(shop, zhang, date.today() - timedelta(days=3), "visit", "58.8", note="上门送茶")
    out = tmp_path / "全部.xlsx"
    written = export_all(shop, out)
    book = openpyxl.load_workbook(out, read_only=True)  # read-only keeps the file open until closed
    names = book.sheetnames
    book.close()
    assert set(PAGE_SHEETS) <= set(names)
    before = pages_of(shop)

    result = import_workbook(fresh, out)

    assert result.sheets == written and written["group-members"] > 0 and written["posts"] > 0
    after = pages_of(fresh)
    for page, found in before.items():
        assert after[page] == found, page
    assert [key[3] for key in after["balances"] if key[:2] == ("张丽", "zl_only")] == [88]
    assert ("张丽", "zl_only", "", date.today() - timedelta(days=3), "visit", 5880, "上门送茶") in after["care"]


def test_images_keep_their_place_in_media_until_the_folder_is_copied(shop: Session, fresh: Session,
                                                                     tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    export_all(shop, out)
    shown = [p for p, in shop.execute(select(MomentPostImage.path))] + [
        p for p, in shop.execute(select(Material.path).where(Material.path != ""))]
    assert shown and all(p.startswith("media/") for p in shown)

    import_workbook(fresh, out)

    root = data_root_of(fresh)
    assert root is not None
    kept = [p for p, in fresh.execute(select(MomentPostImage.path))] + [
        p for p, in fresh.execute(select(Material.path).where(Material.path != ""))]
    assert sorted(kept) == sorted(shown)
    assert not any((root / p).exists() for p in kept)  # the workbook carries the paths, not the files


def test_a_workbook_without_page_sheets_still_restores(shop: Session, fresh: Session, tmp_path: Path) -> None:
    out = tmp_path / "旧版.xlsx"
    export_all(shop, out)
    wb = openpyxl.load_workbook(out)
    for name in (*PAGE_SHEETS, *SETUP_SHEET_NAMES.values()):  # newer than the pages' sheets, and naming them
        del wb[name]
    wb.save(out)

    result = import_workbook(fresh, out)

    assert set(result.sheets).isdisjoint({"groups", "posts", "care", "points", "products"})
    assert count(fresh, Customer) == count(shop, Customer)
    assert count(fresh, ChatGroup) == count(fresh, Script) == count(fresh, CareEntry) == 0


def test_undo_takes_the_pages_back(shop: Session, fresh: Session, tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    export_all(shop, out)
    result = import_workbook(fresh, out)
    assert result.batch_id is not None and count(fresh, GroupMember) > 0

    undo_import(fresh, result.batch_id)

    assert {model.__tablename__: count(fresh, model) for model in PAGE_MODELS} == {
        model.__tablename__: 0 for model in PAGE_MODELS}
    assert count(fresh, Customer) == 0
    import_workbook(fresh, out)  # and it goes in again
    assert pages_of(fresh)["members"] == pages_of(shop)["members"]


def test_a_broken_page_cell_refuses_the_whole_workbook(shop: Session, fresh: Session, tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    export_all(shop, out)
    wb = openpyxl.load_workbook(out)
    headers = [c.value for c in wb["群日数据"][1]]
    wb["群日数据"].cell(2, headers.index("群人数") + 1, "很多")
    points = [c.value for c in wb["积分"][1]]
    wb["积分"].cell(3, points.index("客户编号") + 1).value = 999999
    wb.save(out)
    empty = {model.__tablename__: count(fresh, model) for model in (*PAGE_MODELS, Customer)}

    with pytest.raises(WorkbookError) as caught:
        import_workbook(fresh, out)

    found = [str(p) for p in caught.value.problems]
    assert len(found) == 2
    assert found[0].startswith("工作表“群日数据”第 2 行［群人数］：")
    assert found[1] == "工作表“积分”第 3 行［客户编号］：“客户”表里没有编号 999999"
    assert {model.__tablename__: count(fresh, model) for model in (*PAGE_MODELS, Customer)} == empty


def test_check_ins_keep_their_group(session: Session, fresh: Session, tmp_path: Path) -> None:
    """A restored check-in is ticked in its 社群 on the 打卡 page, and cannot earn a second time."""
    from services import settings_store
    from services.checkins import checked_in_ids, record_checkins
    from services.points import CHECKIN_POINTS

    settings_store.save(session, {CHECKIN_POINTS: 5})
    zhang = create_customer(session, CustomerInput(remark_name="张丽")).id
    group = save_group(session, GroupInput(name="早起打卡群", kind="服务群"))
    add_members(session, group, [zhang], joined_on=date.today() - timedelta(days=10))
    day = date.today() - timedelta(days=2)
    record_checkins(session, group, [zhang], day)
    out = tmp_path / "全部.xlsx"
    export_all(session, out)
    sheet = openpyxl.load_workbook(out)["积分"]
    assert [c.value for c in sheet[1]][-1] == "打卡社群" and sheet.cell(2, sheet.max_column).value == "早起打卡群"

    import_workbook(fresh, out)

    restored = fresh.scalar(select(ChatGroup.id).where(ChatGroup.name == "早起打卡群"))
    assert restored is not None
    assert {c for c, in fresh.execute(select(Customer.remark_name).where(
        Customer.id.in_(checked_in_ids(fresh, restored, day))))} == {"张丽"}


def test_a_broken_interaction_row_names_its_sheet_row_and_column(shop: Session, fresh: Session,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "全部.xlsx"
    export_all(shop, out)
    wb = openpyxl.load_workbook(out)
    sheet = wb["朋友圈互动"]
    headers = [c.value for c in sheet[1]]
    assert headers == ["朋友圈编号", "客户编号", "互动", "备注", "时间"] and sheet.max_row > 2
    sheet.cell(2, 1).value = 999999
    sheet.cell(3, 3).value = "转发"
    wb.save(out)

    with pytest.raises(WorkbookError) as caught:
        import_workbook(fresh, out)

    assert [str(p) for p in caught.value.problems] == [
        "工作表“朋友圈互动”第 2 行［朋友圈编号］：“朋友圈”表里没有编号 999999",
        "工作表“朋友圈互动”第 3 行［互动］：互动“转发”不对，应为 点赞、评论、私聊咨询 或 下单"]
    assert count(fresh, MomentPost) == count(fresh, MomentInteraction) == 0


def test_namesakes_on_page_sheets_keep_their_own_rows(session: Session, fresh: Session, tmp_path: Path) -> None:
    """Two 张丽 with neither 微信号 nor 手机: the full workbook's 客户编号 tells their rows apart."""
    hangzhou = create_customer(session, CustomerInput(remark_name="张丽", city="杭州")).id
    suzhou = create_customer(session, CustomerInput(remark_name="张丽", city="苏州")).id
    group = save_group(session, GroupInput(name="VIP茶友群", kind="VIP群"))
    add_members(session, group, [hangzhou], role="koc", joined_on=date(2024, 3, 1))
    add_members(session, group, [suzhou], role="member", joined_on=date(2024, 5, 2))
    add_points(session, hangzhou, 30, note="杭州老客回馈")
    add_points(session, suzhou, 70, note="苏州老客回馈")
    save_care(session, hangzhou, date(2024, 9, 15), "gift", "100", note="月饼")
    save_care(session, suzhou, date(2024, 9, 16), "gift", "200", note="茶叶")
    out = tmp_path / "全部.xlsx"
    export_all(session, out)
    sheets = openpyxl.load_workbook(out, read_only=True)
    for name in ("群成员", "积分", "关怀记录"):
        assert "客户编号" in [c.value for c in next(sheets[name].iter_rows(max_row=1))], name
    sheets.close()

    import_workbook(fresh, out)

    city = (Customer.city,)
    assert Counter(fresh.execute(select(*city, GroupMember.role, GroupMember.joined_on).join(Customer))) == Counter(
        [("杭州", "koc", date(2024, 3, 1)), ("苏州", "member", date(2024, 5, 2))])
    assert Counter(fresh.execute(select(*city, PointEntry.points, PointEntry.note).join(Customer))) == Counter(
        [("杭州", 30, "杭州老客回馈"), ("苏州", 70, "苏州老客回馈")])
    assert dict(fresh.execute(select(Customer.city, Customer.points_balance)).all()) == {"杭州": 30, "苏州": 70}
    assert dict(fresh.execute(select(CareEntry.note, Customer.city).join(Customer)).all()) == {
        "月饼": "杭州", "茶叶": "苏州"}


def test_a_hand_made_sheet_without_customer_numbers_cannot_tell_namesakes_apart(
        session: Session, fresh: Session, tmp_path: Path) -> None:
    for city, note in (("杭州", "月饼"), ("苏州", "茶叶")):
        save_care(session, create_customer(session, CustomerInput(remark_name="王芳", city=city)).id,
                  date(2024, 9, 15), "gift", "100", note=note)
    out = tmp_path / "全部.xlsx"
    export_all(session, out)
    wb = openpyxl.load_workbook(out)
    care = wb["关怀记录"]
    care.delete_cols([c.value for c in care[1]].index("客户编号") + 1)
    wb.save(out)

    with pytest.raises(WorkbookError) as caught:
        import_workbook(fresh, out)

    assert "有 2 位客户都叫“王芳”" in str(caught.value.problems[0])
    assert count(fresh, Customer) == 0


def test_every_page_sheet_naming_customers_carries_their_numbers() -> None:
    from services.excel.page_ids import ROW_CUSTOMERS, names_customers
    from services.excel.pages import page_sheets

    naming = {kind for kind in page_sheets() if names_customers(kind)}
    assert naming == {"group-members", "points", "care"}
    assert naming <= set(ROW_CUSTOMERS)


def test_numbers_that_do_not_follow_the_rows_stop_the_export(session: Session, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a page's sheet change its order without page_ids following, no row gets another's number."""
    from services.excel import page_ids

    for name, day in (("张丽", 15), ("王芳", 16)):
        save_care(session, create_customer(session, CustomerInput(remark_name=name)).id, date(2024, 9, day), "gift")
    monkeypatch.setitem(page_ids.ROW_CUSTOMERS, "care", lambda: page_ids._care().order_by(None).order_by(CareEntry.id))

    with pytest.raises(RuntimeError, match="care"):
        export_all(session, tmp_path / "全部.xlsx")


def test_scripts_the_store_already_has_are_not_doubled(shop: Session, fresh: Session, tmp_path: Path) -> None:
    load_starter_scripts(shop)
    load_starter_scripts(fresh)
    starters = count(fresh, Script)
    out = tmp_path / "全部.xlsx"
    export_all(shop, out)

    result = import_workbook(fresh, out)

    assert pages_of(fresh)["scripts"] == pages_of(shop)["scripts"]
    assert result.batch_id is not None
    undo_import(fresh, result.batch_id)
    assert count(fresh, Script) == starters


def test_the_command_line_names_the_page_sheets(shop: Session, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import main

    out = tmp_path / "全部.xlsx"
    written = export_all(shop, out)
    assert main.main(["import", str(out), "--kind", "all", "--data-dir", str(tmp_path / "cli")]) == 0
    printed = capsys.readouterr().out
    assert f"  群成员: {written['group-members']}" in printed and f"  关怀记录: {written['care']}" in printed
