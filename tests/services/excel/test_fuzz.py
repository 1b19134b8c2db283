"""Fuzz: random cell values and random bytes thrown at the importer. The only outcomes allowed are
imported rows or reported problems (a UserError, or errors on the result) — never another exception,
and the store stays consistent: as many customers as the import says it created, and SQLite's own
integrity check passes."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models import Customer, FollowUp, Note, Purchase, Referral
from services.errors import UserError
from services.excel.columns import KINDS
from services.excel.engine import ImportOptions, check_rows, run_import, suggest_mapping
from services.excel.reader import open_spreadsheet

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
MODELS = {"customers": Customer, "notes": Note, "purchases": Purchase, "follow-ups": FollowUp,
          "referrals": Referral}

CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.text(alphabet="张王李丽芳娜0123456789-/.年月日元￥¥,，；、 +=@男女先生农历闰", max_size=14),
    st.sampled_from(["=SUM(A1)", "+86 138 0013 8000", "1.38e10", "1990年5月1日", "5月1日", "2月30日",
                     "农历 1988 八月十五", "￥3,200元", "高；普洱, 宝妈", "#N/A", "\x00", "\u200b", "9" * 40]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
)


def _count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


@FUZZ
@given(kind=st.sampled_from(sorted(MODELS)), data=st.data())
def test_random_cells_give_rows_or_reported_problems(session: Session, kind: str, data: st.DataObject) -> None:
    headers = [c.header for c in KINDS[kind]]
    width = len(headers)
    cells = data.draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), min_size=1, max_size=8))
    rows = [(index + 2, row) for index, row in enumerate(cells)]
    policy = data.draw(st.sampled_from(["update", "skip", "add"]))
    mapping = suggest_mapping(session, kind, headers)
    before = _count(session, MODELS[kind])
    try:
        checked = check_rows(session, kind, headers, rows, ImportOptions(mapping, on_duplicate=policy))
        assert checked is not None
        result = run_import(session, kind, headers, rows, ImportOptions(mapping, on_duplicate=policy))
    except UserError as problem:
        assert problem.message.strip()
        assert _count(session, MODELS[kind]) == before  # refused: nothing written
    else:
        assert result.rows == len(rows)
        assert all(error.message.strip() for error in result.errors)
        after = _count(session, MODELS[kind])
        if policy == "add":
            assert after == before + result.created
        else:
            assert before <= after <= before + result.created
    if session.get_bind().dialect.name == "sqlite":  # (PostgreSQL has no such check; its pass runs the rest)
        assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"


@FUZZ
@given(payload=st.binary(max_size=4096), suffix=st.sampled_from([".xlsx", ".xls", ".ods", ".csv", ".xlsm"]),
       prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "姓名,手机\n".encode("gbk")]))
def test_random_bytes_are_refused_with_a_message_or_read(payload: bytes, suffix: str, prefix: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"客户{suffix}"
        path.write_bytes(prefix + payload)
        try:
            with open_spreadsheet(path) as book:
                for sheet in book.sheet_names[:2]:
                    book.preview_rows(sheet, 10)
                    try:
                        table = book.table(sheet, 1)
                    except UserError:
                        continue
                    assert len(table.rows) == len(table.row_numbers)
        except UserError as problem:
            assert problem.message.strip()
