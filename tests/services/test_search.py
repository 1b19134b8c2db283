"""The search box: names, pinyin, initials, WeChat ID, phone digits and the text of notes."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from services.customer_query import CustomerFilter, count
from services.customers import CustomerInput, trash_customers, update_customer
from services.timeline import delete_note, save_note
from tests.services.helpers import AddCustomer, search


@pytest.fixture
def book(add_customer: AddCustomer) -> dict[str, int]:
    return {
        "张丽": add_customer("张丽", wechat_id="Lily_88", phone="13800138000"),
        "李娜": add_customer("李娜", real_name="李小娜", phone="13912345678"),
        "王芳": add_customer("王芳", nickname="芳芳"),
    }


@pytest.mark.parametrize("typed", ["zl", "ZL", "zhangli", "zhang li", "张丽", "丽", "lily_88", "LILY"])
def test_finds_zhang_li_by_what_people_type(session: Session, book: dict[str, int], typed: str) -> None:
    assert search(session, typed) == {book["张丽"]}


@pytest.mark.parametrize("typed", ["0013", "138 0013", "13800138000", "１３８００１３８０００"])
def test_partial_phone_digits_find_the_customer(session: Session, book: dict[str, int], typed: str) -> None:
    assert search(session, typed) == {book["张丽"]}


def test_real_name_and_nickname_are_searched(session: Session, book: dict[str, int]) -> None:
    assert search(session, "李小娜") == {book["李娜"]}
    assert search(session, "芳芳") == {book["王芳"]}
    assert search(session, "ff") == {book["王芳"]}  # initials of 芳芳


def test_a_note_phrase_finds_the_customer(session: Session, book: dict[str, int]) -> None:
    save_note(session, book["王芳"], "喜好", "喜欢普洱熟茶，不喝绿茶")
    assert search(session, "普洱熟") == {book["王芳"]}
    assert search(session, "喜欢普洱熟茶") == {book["王芳"]}
    assert search(session, "普洱生") == set()


def test_a_deleted_note_no_longer_finds_the_customer(session: Session, book: dict[str, int]) -> None:
    note = save_note(session, book["王芳"], "喜好", "喜欢普洱熟茶")
    delete_note(session, note)
    assert search(session, "普洱熟") == set()


def test_an_edited_note_is_found_by_its_new_text(session: Session, book: dict[str, int]) -> None:
    note = save_note(session, book["王芳"], "喜好", "喜欢普洱熟茶")
    save_note(session, book["王芳"], "喜好", "改喝白茶老寿眉", note_id=note)
    assert search(session, "普洱熟") == set()
    assert search(session, "老寿眉") == {book["王芳"]}


def test_two_character_query_finds_names(session: Session, book: dict[str, int]) -> None:
    assert search(session, "李娜") == {book["李娜"]}
    assert search(session, "王芳") == {book["王芳"]}


def test_search_ignores_trashed_customers(session: Session, book: dict[str, int]) -> None:
    save_note(session, book["张丽"], "身份", "杭州开美容院的老板")
    trash_customers(session, [book["张丽"]])
    for typed in ("张丽", "zl", "zhangli", "0013", "美容院"):
        assert search(session, typed) == set(), typed


def test_search_after_renaming_finds_the_new_name_only(session: Session, book: dict[str, int]) -> None:
    update_customer(session, book["张丽"], CustomerInput(remark_name="陈晓燕", phone="13800138000"))
    assert search(session, "陈晓燕") == {book["张丽"]}
    assert search(session, "cxy") == {book["张丽"]}
    assert search(session, "chenxiaoyan") == {book["张丽"]}
    assert search(session, "张丽") == set()
    assert search(session, "zhangli") == set()
    assert search(session, "zl") == set()  # short letters look in the letter items, renewed too
    assert search(session, "cx") == {book["张丽"]}


def test_nothing_typed_shows_everyone(session: Session, book: dict[str, int]) -> None:
    assert search(session, "   ") == set(book.values())
    assert count(session, CustomerFilter()) == 3


@pytest.mark.parametrize("typed", ['"', '"张丽', "张丽 OR 李娜", "a*b", "NEAR(x)", "(李", "李娜'"])
def test_odd_characters_in_the_query_do_not_break_search(
        session: Session, book: dict[str, int], typed: str) -> None:
    assert search(session, typed) <= set(book.values())


def test_no_match_finds_nobody(session: Session, book: dict[str, int]) -> None:
    assert search(session, "赵敏") == set()
    assert search(session, "99999") == set()


def test_short_letter_queries_match_at_the_start_of_a_name_or_id_only(session, add_customer) -> None:
    """'zl' means the initials of 张丽, not two letters in the middle of a random WeChat ID."""
    zl = add_customer("张丽")
    noise = add_customer("王芳", wechat_id="wxid_q9fsofllzlo9o")
    zl_id = add_customer("陈晨", wechat_id="zl_studio")
    assert search(session, "zl") == {zl, zl_id}
    assert noise not in search(session, "zl")
    assert search(session, "0013") == set()  # digits still match anywhere: none here


def test_two_characters_inside_a_longer_name_find_it(session: Session, book: dict[str, int], add_customer) -> None:
    """Most Chinese names are two characters: 张丽 finds 张丽华 too, and 丽华 finds only her
    (PostgreSQL answers two characters from its bigram index, SQLite by a scan: the same customers)."""
    lihua = add_customer("张丽华", phone="021-5555 6677")
    assert search(session, "张丽") == {book["张丽"], lihua}
    assert search(session, "丽华") == {lihua}
    assert search(session, "00") == {book["张丽"]}  # 13800138000
    assert search(session, "66") == {lihua}
    assert search(session, "华l") == set()  # 张丽华 then zhanglihua: two items, nothing across them


def test_two_characters_of_a_note_find_the_customer(session: Session, book: dict[str, int]) -> None:
    note = save_note(session, book["王芳"], "喜好", "只喝熟普，要A级货")
    assert search(session, "熟普") == {book["王芳"]}
    assert search(session, "a级") == search(session, "A级") == {book["王芳"]}  # letter case as in the notes
    save_note(session, book["王芳"], "喜好", "改喝白茶", note_id=note)
    assert search(session, "熟普") == set()
    assert search(session, "白茶") == {book["王芳"]}
    delete_note(session, note)
    assert search(session, "白茶") == set()
