"""Excel kinds of the 社群 page (groups, group-members, group-stats), registered here the way the
Excel registries take them in: import, duplicates, bad cells, undo, export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ChatGroup, GroupDailyStat, GroupMember
from services.excel import columns, kinds, undo
from services.excel.engine import ImportOptions, run_import, suggest_mapping
from services.excel.kinds_groups import (
    GROUP_COLUMNS,
    GROUP_CREATED_TABLES,
    GROUP_KIND_CLASSES,
    GROUP_LABELS,
    export_group_kind,
    parse_auto_replies,
)
from services.excel.undo import undo_import
from services.group_metrics import stats_between
from services.groups import GroupInput, list_members, save_group
from tests.services.helpers import AddCustomer


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    for kind, cols in GROUP_COLUMNS.items():
        monkeypatch.setitem(columns.KINDS, kind, cols)
        monkeypatch.setitem(columns.KIND_LABELS, kind, GROUP_LABELS[kind])
        monkeypatch.setitem(kinds.KIND_CLASSES, kind, GROUP_KIND_CLASSES[kind])
    monkeypatch.setattr(undo, "CREATED_TABLES", (*GROUP_CREATED_TABLES, *undo.CREATED_TABLES))
    for model in GROUP_CREATED_TABLES:
        monkeypatch.setitem(undo.RECORD_TABLES, model.__tablename__, model)


def rows(*cells: list[object]) -> list[tuple[int, list[object]]]:
    return [(2 + i, list(c)) for i, c in enumerate(cells)]


def do_import(session: Session, kind: str, headers: list[str], data: list[tuple[int, list[object]]], **options):
    mapping = suggest_mapping(session, kind, headers)
    return run_import(session, kind, headers, data, ImportOptions(mapping, **options), file_name="社群.xlsx")


def test_groups_import_with_their_texts(session: Session) -> None:
    headers = ["群名", "所属微信", "群类型", "建群日期", "状态", "群规", "常见问题"]
    result = do_import(session, "groups", headers, rows(
        ["茶友福利1群", "工作号1", "福利群", "2024/5/1", "运营中", "1. 不发广告\n2. 友好交流", "怎么下单：接龙\n多久发货:48小时"],
        ["双11快闪", "", "快闪群", "", "已归档", "", ""],
        ["闲聊", "", "聊天群", "", "", "", ""],  # no such type
        ["茶友福利1群", "", "", "", "", "", ""],  # the same group again: merged, nothing lost
    ))
    assert (result.created, result.skipped) == (2, 1)
    assert [(e.row, e.column) for e in result.errors] == [(4, "群类型")]
    groups = {g.name: g for g in session.scalars(select(ChatGroup))}
    tea = groups["茶友福利1群"]
    assert (tea.kind, tea.created_on, tea.status, tea.rules) == ("福利群", date(2024, 5, 1), "active", "1. 不发广告\n2. 友好交流")
    assert tea.auto_replies == [{"q": "怎么下单", "a": "接龙"}, {"q": "多久发货", "a": "48小时"}]
    assert tea.account_id is not None and groups["双11快闪"].status == "archived"


def test_add_as_new_does_not_double_a_group(session: Session) -> None:
    """"Add as new" makes new customers; a group of the same 群名称 is that group (two cannot share a name)."""
    headers = ["群名", "群类型"]
    do_import(session, "groups", headers, rows(["茶友福利1群", "福利群"]))
    result = do_import(session, "groups", headers, rows(["茶友福利1群", "VIP群"]), on_duplicate="add")
    assert [(g.name, g.kind) for g in session.scalars(select(ChatGroup))] == [("茶友福利1群", "VIP群")]
    assert result.errors == []


def test_bad_auto_reply_lines_are_named() -> None:
    with pytest.raises(ValueError, match="第 2 行“只有问题”应写成“问题：回答”"):
        parse_auto_replies("价格：见群公告\n只有问题")


def test_members_import_by_group_and_customer(session: Session, add_customer: AddCustomer) -> None:
    gid = save_group(session, GroupInput(name="VIP群"))
    add_customer("张丽", wechat_id="zhangli88")
    add_customer("王芳")
    add_customer("李娜")
    add_customer("李娜")  # two 李娜: the row must say which
    headers = ["群名称", "客户", "客户微信号", "角色", "进群日期", "退群日期"]
    result = do_import(session, "group-members", headers, rows(
        ["VIP群", "", "zhangli88", "气氛组KOC", "2025-01-02", ""],
        ["VIP群", "王芳", "", "", "", "2025-03-01"],
        ["VIP群", "李娜", "", "成员", "", ""],
        ["吃货群", "王芳", "", "", "", ""],
        ["VIP群", "王芳", "", "群友", "", ""],
    ))
    assert result.created == 2
    problems = {(e.row, e.column): e.message for e in result.errors}
    assert "有 2 位客户都叫“李娜”" in problems[(4, "客户")]
    assert "群“吃货群”在客本里找不到" in problems[(5, "群名称")]
    assert "角色“群友”不对" in problems[(6, "角色")]
    members = {m.name: m for m in list_members(session, gid)}
    assert (members["张丽"].role, members["张丽"].joined_on) == ("koc", date(2025, 1, 2))
    assert (members["王芳"].role, members["王芳"].left_on) == ("member", date(2025, 3, 1))


def test_stats_import_update_and_undo(session: Session) -> None:
    gid = save_group(session, GroupInput(name="福利群"))
    headers = ["群名称", "日期", "群人数", "进群", "退群", "曝光数", "消息数", "发言人数", "下单人数", "订单数", "成交额", "成本"]
    first = do_import(session, "group-stats", headers, rows(
        ["福利群", "2025-03-01", 100, 10, 2, 300, 150, 20, 3, 4, "￥600", 100],
        ["福利群", "2025-03-02", "", 5, 1, "", "", "", "", "", "", ""],
        ["福利群", "2025-03-03", -4, "", "", "", "", "", "", "", "", ""],
    ))
    assert (first.created, first.skipped) == (2, 1)
    assert first.errors[0].column == "群人数" and "不能小于0" in first.errors[0].message
    stats = stats_between(session, gid, date(2025, 3, 1), date(2025, 3, 31))
    assert (stats[0].members, stats[0].revenue_cents, stats[0].cost_cents) == (100, 600_00, 100_00)
    assert (stats[1].members, stats[1].joined) == (None, 5)
    second = do_import(session, "group-stats", headers, rows(["福利群", "2025-03-01", 101, "", "", "", "", "", "", "", "", ""]))
    assert second.updated == 1
    assert stats_between(session, gid, date(2025, 3, 1), date(2025, 3, 1))[0].members == 101
    assert stats_between(session, gid, date(2025, 3, 1), date(2025, 3, 1))[0].joined == 10  # empty cells keep values
    undo_import(session, second.batch_id)
    assert stats_between(session, gid, date(2025, 3, 1), date(2025, 3, 1))[0].members == 100
    undo_import(session, first.batch_id)
    assert list(session.scalars(select(GroupDailyStat))) == []


def test_undo_removes_imported_groups_with_their_members(session: Session, add_customer: AddCustomer) -> None:
    add_customer("张丽")
    made = do_import(session, "groups", ["群名称"], rows(["新群"]))
    do_import(session, "group-members", ["群名称", "客户"], rows(["新群", "张丽"]))
    undo_import(session, made.batch_id, force=True)
    assert list(session.scalars(select(ChatGroup))) == [] and list(session.scalars(select(GroupMember))) == []


def test_export_reimports_to_the_same(session: Session, add_customer: AddCustomer, tmp_path: Path) -> None:
    gid = save_group(session, GroupInput(name="茶友群", kind="VIP群", created_on=date(2025, 1, 1),
                                         auto_replies=[("怎么下单", "接龙")]))
    from services.group_metrics import DayStat, save_stats
    from services.groups import add_members

    add_members(session, gid, [add_customer("张丽", phone="13800138000")], role="admin", joined_on=date(2025, 1, 3))
    save_stats(session, gid, [DayStat(date(2025, 1, 5), members=50, joined=3, revenue_cents=1280_50)])
    for kind in GROUP_COLUMNS:
        assert export_group_kind(session, kind, tmp_path / f"{kind}.xlsx") == 1
    sheet = load_workbook(tmp_path / "groups.xlsx").active
    assert [c.value for c in sheet[1]][:5] == ["群名称", "我的微信号", "类型", "建群日期", "状态"]
    assert [c.value for c in sheet[2]][2:5:2] == ["VIP群", "运营中"]
    assert sheet.cell(2, 10).value == "怎么下单：接龙"
    members = load_workbook(tmp_path / "group-members.xlsx").active
    assert [c.value for c in members[2]][:5] == ["茶友群", "张丽", None, "13800138000", "管理"]
    stats = load_workbook(tmp_path / "group-stats.xlsx").active
    assert [c.value for c in stats[1]][-2:] == ["成交额", "成本"] and stats.cell(2, 11).value == 1280.5
    headers = [c.value for c in stats[1]]
    again = do_import(session, "group-stats", headers, rows([c.value for c in stats[2]]))
    assert (again.updated, again.created, again.errors) == (1, 0, [])
    assert stats_between(session, gid, date(2025, 1, 5), date(2025, 1, 5))[0].revenue_cents == 1280_50
