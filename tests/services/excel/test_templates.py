"""Import templates, opened as a user would: headers, the example row, drop-downs, the 说明 sheet."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from services.errors import UserError
from services.excel.columns import KIND_LABELS, KINDS
from services.excel.templates import HELP_SHEET, TEMPLATE_KINDS, VALIDATED_ROWS, example_row, write_template


def validations(ws: Worksheet) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Column letter → (validation type, list source, input message)."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
        found[letter] = (dv.type, dv.formula1, dv.prompt)
    return found


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_every_template_has_its_headers_example_and_help(kind: str, tmp_path: Path) -> None:
    out = tmp_path / f"{kind}.xlsx"
    write_template(kind, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [KIND_LABELS[kind], HELP_SHEET]
    ws = wb[KIND_LABELS[kind]]
    columns = KINDS[kind]
    assert [c.value for c in ws[1]] == [c.header for c in columns]
    assert ws.freeze_panes == "A2" and all(c.font.b for c in ws[1])
    for column, cell in zip(columns, ws[1], strict=True):
        assert cell.comment is not None
        assert cell.comment.text.startswith("必填") == column.required
    example = ws[2]
    assert example[0].value == example_row(kind)[columns[0].key]
    assert all(c.font.i and c.font.color.rgb.endswith("808080") for c in example if c.value is not None)
    assert ws.max_row == 2  # only the example

    found = validations(ws)
    for index, column in enumerate(columns):
        letter = ws.cell(1, index + 1).column_letter
        if column.choices:
            kind_, source, message = found[letter]
            assert kind_ == "list" and source == '"' + ",".join(column.choices) + '"' and message
        rule = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(letter + "2"))
        assert str(rule.sqref) == f"{letter}2:{letter}{VALIDATED_ROWS + 1}"

    help_rows = {r[0]: r for r in wb[HELP_SHEET].iter_rows(min_row=2, values_only=True) if r[0]}
    for column in columns:
        header, required, how, what = help_rows[column.header]
        assert required == ("必填" if column.required else "选填") and how and what


def test_the_customer_template_reads_like_a_real_customer(tmp_path: Path) -> None:
    out = tmp_path / "客户模板.xlsx"
    write_template("customers", out)
    ws = openpyxl.load_workbook(out)["客户"]
    example = {h.value: c for h, c in zip(ws[1], ws[2], strict=True)}
    assert (example["备注名"].value, example["微信号"].value, example["手机"].value) == (
        "张丽", "zhangli_1988", "13800138000")
    assert example["手机"].data_type == "s" and example["手机"].number_format == "@"
    assert example["生日"].value == datetime(1988, 8, 15) and example["累计消费"].value == 1280.5
    assert example["下次跟进"].value == datetime.combine(date.today() + timedelta(days=7), time())
    found = validations(ws)
    assert found["G"][:2] == ("list", '"男,女"')  # 性别
    assert found["M"][0] == "date" and "2024-05-01" in (found["M"][2] or "")  # 添加日期, with an input message
    assert found["H"][0] is None and "5月1日" in (found["H"][2] or "")  # 生日 also takes 5月1日: a hint only
    letters = {h.value: h.column_letter for h in ws[1]}
    assert {name for name, letter in letters.items() if found.get(letter, (None,))[0] == "list"} == {
        "性别", "来源", "阶段"}
    assert ws.column_dimensions["F"].number_format == "@"  # what is typed into 手机 stays text


def test_choice_columns_of_the_other_kinds_drop_down(tmp_path: Path) -> None:
    expected = {"notes": {"类型", "置顶"}, "follow-ups": {"已完成"}, "referrals": {"方式", "奖励类型", "奖励状态"},
                "purchases": set()}
    for kind, names in expected.items():
        out = tmp_path / f"{kind}.xlsx"
        write_template(kind, out)
        ws = openpyxl.load_workbook(out)[KIND_LABELS[kind]]
        found = validations(ws)
        lists = {h.value for h in ws[1] if found.get(h.column_letter, (None,))[0] == "list"}
        assert lists == names, kind


def test_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="没有“invoices”的模板"):
        write_template("invoices", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
