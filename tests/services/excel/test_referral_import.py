"""转介绍 in and out of Excel: 活动 by name, 奖励类型 and 奖励金额 both ways; one 介绍人 per customer and no
loops as row problems; undo; the full workbook carries the 裂变活动."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Campaign, Referral
from services.campaigns import create_campaign
from services.customers import CustomerInput, create_customer
from services.excel.engine import ImportOptions, check_rows, run_import, suggest_mapping
from services.excel.export import export_all, export_kind
from services.excel.undo import undo_import
from services.excel.workbook import import_workbook
from services.paths import DataDir
from services.referrals import log_referral, referral_of
from services.store import open_store

HEADERS = ["介绍人", "被介绍人", "日期", "方式", "活动", "奖励类型", "奖励金额", "奖励", "奖励状态", "备注"]


def _import(session: Session, rows: list[list[object]], **options: object):
    mapping = suggest_mapping(session, "referrals", HEADERS)
    numbered = [(i + 2, row) for i, row in enumerate(rows)]
    return run_import(session, "referrals", HEADERS, numbered, ImportOptions(mapping, **options),  # type: ignore[arg-type]
                      file_name="转介绍.xlsx")


def _people(session: Session, *names: str) -> dict[str, int]:
    return {n: create_customer(session, CustomerInput(remark_name=n)).id for n in names}


def test_campaign_reward_kind_and_value_are_read(session: Session) -> None:
    ids = _people(session, "王姐", "李老师", "张总")
    camp = create_campaign(session, "春茶拼团", method="拼团")
    result = _import(session, [
        ["王姐", "李老师", "2025-03-05", "拼团", "春茶拼团", "红包", "￥50", "拼团红包", "", "群里"],
        ["王姐", "张总", "2025-03-06", "口碑", "", "", "", "", "", ""],
    ])
    assert (result.created, result.errors) == (2, [])
    row = referral_of(session, ids["李老师"])
    assert row is not None
    assert (row.campaign_id, row.reward_kind, row.reward_value_cents, row.reward_status) == (camp, "红包", 5000, "待发放")
    plain = referral_of(session, ids["张总"])
    assert plain is not None and (plain.campaign_id, plain.reward_status) == (None, "无")


def test_bad_cells_unknown_campaign_second_referrer_and_loops_are_row_problems(session: Session) -> None:
    ids = _people(session, "甲", "乙", "丙", "丁")
    log_referral(session, ids["甲"], ids["乙"])
    result = _import(session, [
        ["丙", "丁", "", "口碑", "没这个活动", "", "", "", "", ""],  # row 2
        ["丙", "丁", "", "口碑", "", "金条", "abc", "", "", ""],  # row 3
        ["丙", "乙", "", "口碑", "", "", "", "", "", ""],  # row 4: 乙 already came through 甲
        ["乙", "甲", "", "口碑", "", "", "", "", "", ""],  # row 5: 甲 → 乙 → 甲
        ["乙", "丙", "", "口碑", "", "", "", "", "", ""],  # row 6: fine
        ["丙", "甲", "", "口碑", "", "", "", "", "", ""],  # row 7: 甲 → 乙 → 丙 → 甲, through row 6
        ["丁", "丙", "", "口碑", "", "", "", "", "", ""],  # row 8: 丙 got 乙 in row 6
    ])
    problems = {(e.row, e.column): e.message for e in result.errors}
    assert "没有叫“没这个活动”的裂变活动" in problems[2, "活动"]
    assert "奖励类型只能是" in problems[3, "奖励类型"] and (3, "奖励金额") in problems
    assert problems[4, "被介绍人"] == "乙已经是甲介绍来的，一位客户只能有一位介绍人"
    assert "甲 → 乙 → 甲" in problems[5, "介绍人"]
    assert "甲 → 乙 → 丙 → 甲" in problems[7, "介绍人"]
    assert problems[8, "被介绍人"] == "丙已经是乙介绍来的，一位客户只能有一位介绍人"
    assert result.created == 1
    assert session.scalar(select(func.count()).select_from(Referral)) == 2


def test_the_preview_sees_problems_within_the_file(session: Session) -> None:
    _people(session, "甲", "乙", "丙")
    mapping = suggest_mapping(session, "referrals", HEADERS)
    checked = check_rows(session, "referrals", HEADERS, [
        (2, ["甲", "乙"]), (3, ["丙", "乙"]), (4, ["乙", "甲"])], ImportOptions(mapping))
    assert [c.action for c in checked] == ["create", "error", "error"]


def test_add_policy_and_a_trashed_referral_do_not_break_the_one_row_per_customer(session: Session) -> None:
    from services.referrals import trash_referrals

    ids = _people(session, "甲", "乙", "丙")
    rid = log_referral(session, ids["甲"], ids["乙"])
    trash_referrals(session, [rid])
    result = _import(session, [["丙", "乙", "", "分销", "", "现金", "88", "", "已发放", ""]], on_duplicate="add")
    assert result.errors == []
    row = referral_of(session, ids["乙"])
    assert row is not None and (row.referrer_name, row.method, row.reward_value_cents) == ("丙", "分销", 8800)


def test_undo_takes_an_import_back(session: Session) -> None:
    ids = _people(session, "甲", "乙", "丙")
    rid = log_referral(session, ids["甲"], ids["乙"], method="口碑")
    result = _import(session, [["甲", "乙", "", "积分", "", "积分", "20", "", "", ""],
                               ["甲", "丙", "", "口碑", "", "", "", "", "", ""]])
    assert (result.created, result.updated) == (1, 1)
    assert referral_of(session, ids["乙"]).method == "积分"  # type: ignore[union-attr]
    undo_import(session, result.batch_id, force=True)  # type: ignore[arg-type]
    session.expire_all()
    back = referral_of(session, ids["乙"])
    assert back is not None and (back.id, back.method, back.reward_kind, back.reward_value_cents) == (rid, "口碑", "", 0)
    assert referral_of(session, ids["丙"]) is None


def test_export_writes_the_new_columns(session: Session, tmp_path: Path) -> None:
    ids = _people(session, "王姐", "李老师")
    camp = create_campaign(session, "老带新", method="口碑")
    log_referral(session, ids["王姐"], ids["李老师"], referred_on=date(2025, 1, 2), campaign_id=camp,
                 reward_kind="礼品", reward_value_cents=6800, reward_status="待发放", reward="小罐熟普")
    out = tmp_path / "转介绍.xlsx"
    export_kind(session, "referrals", out)
    sheet = openpyxl.load_workbook(out)["转介绍"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert rows[1][4:9] == ("老带新", "礼品", 68, "小罐熟普", "待发放")


def test_the_full_workbook_carries_campaigns(session: Session, tmp_path: Path) -> None:
    ids = _people(session, "王姐", "李老师")
    camp = create_campaign(session, "老带新", method="口碑", starts_on=date(2025, 1, 1), ends_on=date(2025, 1, 31),
                           goal="30 位", cost_cents=50000)
    log_referral(session, ids["王姐"], ids["李老师"], referred_on=date(2025, 1, 2), campaign_id=camp,
                 reward_kind="红包", reward_value_cents=2000, reward_status="已发放")
    out = tmp_path / "全部.xlsx"
    assert export_all(session, out)["campaigns"] == 1
    other = open_store(DataDir.at(tmp_path / "other"))
    try:
        with other.db.session() as fresh:
            result = import_workbook(fresh, out)
            assert result.sheets["campaigns"] == 1
            campaign = fresh.scalars(select(Campaign)).one()
            assert (campaign.name, campaign.starts_on, campaign.cost_cents, campaign.goal) == (
                "老带新", date(2025, 1, 1), 50000, "30 位")
            referral = fresh.scalars(select(Referral)).one()
            assert (referral.campaign_id, referral.reward_kind, referral.reward_value_cents) == (campaign.id, "红包", 2000)
    finally:
        other.close()
