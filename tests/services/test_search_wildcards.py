"""Search treats every typed character literally, on SQLite (FTS5, instr) and PostgreSQL (ILIKE).

A seller who types 50% or a WeChat ID with an underscore must not get the whole book back: on
PostgreSQL % and _ are LIKE wildcards unless escaped.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from services.timeline import save_note
from tests.services.helpers import AddCustomer, search


@pytest.fixture
def book(add_customer: AddCustomer, session: Session) -> dict[str, int]:
    ids = {
        "underscore": add_customer("小米", wechat_id="mi_88"),
        "plain": add_customer("大米", wechat_id="mix88"),
        "percent": add_customer("折扣客"),
        "other": add_customer("张丽"),
    }
    save_note(session, ids["percent"], "喜好", "只等 50% 折扣才买")
    save_note(session, ids["other"], "喜好", "喜欢 500 克装")
    session.commit()
    return ids


@pytest.mark.parametrize(("typed", "expected"), [
    ("mi_88", {"underscore"}),
    ("i_8", {"underscore"}),
    ("_", {"underscore"}),
    ("50%", {"percent"}),
    ("%", set()),  # one character: names only (notes from 2 on), and no name holds %
    ("0%", {"percent"}),
])
def test_wildcard_characters_match_only_themselves(session: Session, book: dict[str, int], typed: str,
                                                   expected: set[str]) -> None:
    assert search(session, typed) == {book[name] for name in expected}


def test_notes_are_searched_whatever_the_letter_case(session: Session, add_customer: AddCustomer) -> None:
    customer = add_customer("王芳")
    save_note(session, customer, "喜好", "想要 Pu'er 生茶")
    session.commit()
    assert search(session, "pu'er") == {customer}
