"""The Excel kind `posts` (朋友圈): import with tags by name, problem rows, duplicates, undo, export
and a round trip."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import MomentPost, Pillar
from services import moments as m
from services.demo_library import product_card
from services.excel import columns, export, kinds, templates, undo
from services.excel.engine import ImportOptions, run_import, suggest_mapping
from services.excel.kinds_moments import MOMENT_COLUMNS, export_moment_kind
from services.excel.undo import undo_import
from services.paths import DataDir
from services.tags import save_group, save_tag

HEADERS = ["计划时间", "账号", "内容", "内容支柱", "可见范围", "可见标签", "状态", "点赞", "评论", "咨询", "订单", "成交金额",
           "备注"]


def rows(*cells: list[object]) -> list[tuple[int, list[object]]]:
    return [(2 + i, list(c)) for i, c in enumerate(cells)]


def do_import(session: Session, headers: list[str], data: list[tuple[int, list[object]]], **options: object):
    mapping = suggest_mapping(session, "posts", headers)
    return run_import(session, "posts", headers, data, ImportOptions(mapping, **options),  # type: ignore[arg-type]
                      file_name="朋友圈.xlsx")


@pytest.fixture
def tags(session: Session) -> dict[str, int]:
    interest = save_group(session, "兴趣")
    level = save_group(session, "消费能力", multi=False)
    found = {name: save_tag(session, interest, name) for name in ("白茶", "护肤")}
    found["高"] = save_tag(session, level, "高")
    found["兴趣/高"] = save_tag(session, interest, "高")  # two groups both have 高
    return found


def test_registered_everywhere() -> None:
    assert "posts" in columns.KINDS and "posts" in kinds.KIND_CLASSES and MomentPost in undo.CREATED_TABLES
    assert "posts" in export.EXPORT_KINDS and "posts" in templates.TEMPLATE_KINDS


def test_import_posts_with_rules_and_problems(session: Session, tags: dict[str, int]) -> None:
    result = do_import(session, HEADERS, rows(
        ["2026-03-02 20:30", "工作号1", "会员日今晚八点", "活动福利", "不给谁看", "白茶、护肤", "", "", "", "", "", "", ""],
        ["2026/3/3 8:00", "工作号1", "早安", "生活人设", "", "", "已发布", 30, 5, 0, 0, "", "发了"],
        ["2026-03-04 12:00", "", "新栏目", "节日问候", "", "白茶", "", "", "", "", "", "", ""],
        ["2026-03-05 09:00", "", "只有结果", "", "", "", "", 8, 1, 2, 1, "￥298", ""],
        ["", "", "没有时间", "", "", "", "", "", "", "", "", "", ""],
        ["2026-03-06 09:00", "", "x", "", "部分可见", "", "", "", "", "", "", "", ""],
        ["2026-03-06 10:00", "", "x", "", "朋友可见", "", "", "", "", "", "", "", ""],
        ["2026-03-06 11:00", "", "x", "", "", "不存在的标签", "", "", "", "", "", "", ""],
        ["2026-03-06 12:00", "", "x", "", "", "高", "", "", "", "", "", "", ""],
        ["2026-03-06 13:00", "", "x", "", "", "", "发完了", -1, "", "", "", "", ""],
    ))
    assert (result.created, result.skipped) == (4, 6)
    problems = {(e.row, e.column): e.message for e in result.errors}
    assert "计划时间为空" in problems[(6, "计划时间")]
    assert "“部分可见”至少要写一个可见标签" in problems[(7, "可见标签")]
    assert "可见范围“朋友可见”不对" in problems[(8, "可见范围")]
    assert "标签“不存在的标签”在客本里找不到" in problems[(9, "可见标签")]
    assert "请写成“标签组/高”" in problems[(10, "可见标签")]
    assert "状态“发完了”不对" in problems[(11, "状态")] and (11, "点赞") in problems

    posts = {p.text: p for p in m.list_posts(session)}
    promo = posts["会员日今晚八点"]
    assert (promo.planned_at, promo.account_name, promo.pillar_name) == (datetime(2026, 3, 2, 20, 30), "工作号1", "活动福利")
    assert (promo.visibility, set(promo.tag_names), promo.status) == ("except_tags", {"白茶", "护肤"}, "scheduled")
    morning = posts["早安"]
    assert (morning.status, morning.published_at, morning.likes, morning.note) == (
        "published", datetime(2026, 3, 3, 8, 0), 30, "发了")
    assert (posts["新栏目"].pillar_name, posts["新栏目"].visibility) == ("节日问候", "only_tags")  # new pillar
    results = posts["只有结果"]
    assert (results.status, results.orders, results.revenue_cents) == ("published", 1, 29800)


def test_duplicates_update_and_undo(session: Session, tags: dict[str, int]) -> None:
    first = do_import(session, HEADERS, rows(
        ["2026-03-02 20:30", "工作号1", "会员日", "活动福利", "部分可见", "白茶", "", "", "", "", "", "", ""]))
    pid = m.list_posts(session)[0].id
    second = do_import(session, HEADERS, rows(
        ["2026-03-02 20:30", "工作号1", "", "", "不给谁看", "护肤", "已发布", 12, 3, 1, 1, 199, ""],
        ["2026-03-02 20:30", "工作号1", "", "", "", "", "", 15, "", "", "", "", ""],  # same post again in the file
    ))
    assert (second.created, second.updated) == (0, 1)
    row = m.get_post(session, pid)
    assert (row.text, row.visibility, row.tag_names, row.status, row.likes, row.comments) == (
        "会员日", "except_tags", ("护肤",), "published", 15, 3)
    undo_import(session, second.batch_id)
    row = m.get_post(session, pid)
    assert (row.visibility, row.tag_names, row.status, row.likes, row.published_at) == (
        "only_tags", ("白茶",), "scheduled", 0, None)
    skipped = do_import(session, HEADERS, rows(["2026-03-02 20:30", "工作号1", "改", "", "", "", "", "", "", "", "", "",
                                                ""]), on_duplicate="skip")
    assert (skipped.skipped, m.get_post(session, pid).text) == (1, "会员日")
    undo_import(session, first.batch_id)
    assert m.list_posts(session) == [] and session.scalars(select(Pillar)).first() is not None


def test_undo_takes_back_the_pillars_and_accounts_the_import_made(session: Session) -> None:
    from models import WechatAccount

    seeded = {p.name for p in m.list_pillars(session)}
    result = do_import(session, HEADERS, rows(
        ["2026-03-02 20:30", "工作号9", "中秋快乐", "节日问候", "", "", "", "", "", "", "", "", ""]))
    assert result.created == 1 and "节日问候" in {p.name for p in m.list_pillars(session)}
    assert session.scalar(select(WechatAccount.id).where(WechatAccount.name == "工作号9")) is not None
    undo_import(session, result.batch_id)
    assert {p.name for p in m.list_pillars(session)} == seeded
    assert session.scalar(select(WechatAccount.id).where(WechatAccount.name == "工作号9")) is None

    again = do_import(session, HEADERS, rows(
        ["2026-03-02 20:30", "工作号9", "中秋快乐", "节日问候", "", "", "", "", "", "", "", "", ""]))
    pillar = next(p.id for p in m.list_pillars(session) if p.name == "节日问候")
    m.create_post(session, m.PostInput(datetime(2026, 3, 9, 20, 0), "自己写的", pillar_id=pillar))
    undo_import(session, again.batch_id)
    assert "节日问候" in {p.name for p in m.list_pillars(session)}  # her own post still uses it
    assert session.scalar(select(WechatAccount.id).where(WechatAccount.name == "工作号9")) is None


def test_export_round_trip(session: Session, data_dir: DataDir, tags: dict[str, int], tmp_path: Path) -> None:
    picture = tmp_path / "in" / "a.png"
    picture.parent.mkdir()
    picture.write_bytes(product_card((240, 240, 240), (90, 60, 40), (200, 180, 150), "jar", size=16))
    pillar = next(p.id for p in m.list_pillars(session) if p.name == "产品种草")
    pid = m.create_post(session, m.PostInput(datetime(2026, 3, 2, 20, 30), "新茶\n第二行", pillar_id=pillar,
                                             visibility="only_tags", tag_ids=(tags["白茶"], tags["兴趣/高"])))
    m.set_images(session, data_dir.root, pid, [picture])
    m.publish_post(session, pid, datetime(2026, 3, 2, 20, 35))
    m.record_results(session, pid, 9, 2, 1, 1, 12850, note="好评")
    path = tmp_path / "posts.xlsx"
    assert export_moment_kind(session, "posts", path) == 1

    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert header == [c.header for c in MOMENT_COLUMNS["posts"]]
    values = [c.value for c in sheet[2]]
    by = dict(zip(header, values, strict=True))
    assert (by["内容"], by["可见范围"], by["可见标签"], by["状态"]) == ("新茶\n第二行", "部分可见", "白茶、兴趣/高", "已发布")
    assert by["图片"].startswith("media/moments/")

    m.trash_posts(session, [pid])
    result = do_import(session, header, [(2, values)])
    assert (result.created, result.errors) == (1, [])
    again = m.list_posts(session)[0]
    before = m.list_trashed_posts(session)[0]
    assert again.id != pid
    for field in ("planned_at", "text", "pillar_name", "visibility", "tag_ids", "status", "likes", "comments",
                  "inquiries", "orders", "revenue_cents", "note", "images"):
        assert getattr(again, field) == getattr(before, field), field
