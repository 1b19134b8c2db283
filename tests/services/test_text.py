"""Normalising what people type: phones, pinyin, queries."""

from __future__ import annotations

import pytest

from services.text import fold, normalize_phone, normalize_query, pinyin_of, search_columns


@pytest.mark.parametrize(("typed", "stored"), [
    ("+86 138-0013-8000", "13800138000"),
    ("１３８００１３８０００", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("0086-138-0013-8000", "13800138000"),
    ("（0571）8888-8888", "057188888888"),
    ("", ""),
    ("   ", ""),
])
def test_normalize_phone(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["123", "1380013800", "12800138000", "138001380001", "abc", "+86"])
def test_normalize_phone_refuses(typed: str) -> None:
    with pytest.raises(ValueError, match="格式不对"):
        normalize_phone(typed)


def test_names_are_spelled_as_pypinyin_spells_them_whole() -> None:
    # Names are spelled a character at a time when no phrase could change a character's reading; a
    # name with such a character (长 in 周长, 曾, 单, 吕 …) is spelled whole, as before.
    from pypinyin import lazy_pinyin

    for name in ("周长丽", "曾小贤", "单田芳", "吕丽", "王姐（杭州）", "Amy 张", "张丽123", "欧阳娜娜", "解晓东"):
        expected = [s.lower() for s in lazy_pinyin(name, errors=list) if s.strip()]
        assert pinyin_of(name)[0] == "".join(expected), name
    assert pinyin_of("周长丽") == ("zhouchangli", "zcl")


def test_random_names_are_spelled_as_pypinyin_spells_them() -> None:
    # Characters that read otherwise inside some phrase (长, 曾, 叶, 强, 红, 行, 重, 乐 …) beside
    # plain ones, so that some names hold a phrase (长城, 银行, 快乐) and most do not; with Latin
    # letters, digits, spaces and symbols in between.
    import random

    from pypinyin import lazy_pinyin

    pool = "长曾叶强红行重乐单解朝城银快江张丽王芳李娜陈静刘敏赵燕 Aa1-·"
    rng = random.Random(7)
    for _ in range(3000):
        name = "".join(rng.choice(pool) for _ in range(rng.randint(1, 5)))
        syllables = [s.lower() for s in lazy_pinyin(name, errors=list) if s.strip()]
        expected = ("".join(syllables), "".join(s[0] for s in syllables if s[0].isalnum()))
        assert pinyin_of(name) == expected, name


def test_pinyin_and_initials() -> None:
    assert pinyin_of("张丽") == ("zhangli", "zl")
    assert pinyin_of("陈晓燕") == ("chenxiaoyan", "cxy")
    columns = search_columns("张丽", "", "丽丽", "WXID_88", "13800138000", ["油性肌"])
    assert columns["pinyin"] == "zhangli"  # the 备注名's pinyin: the list sorts by it
    assert columns["initials"] == "zl ll"
    assert columns["search_text"] == "\n张丽\n丽丽\nwxid_88\n13800138000\nzhangli\nlili\nzl\nll\n油性肌"


@pytest.mark.parametrize(("typed", "query"), [
    ("Zhang Li", "zhangli"),
    ("138 0013-8000", "13800138000"),
    ("  张丽  ", "张丽"),
    ("张丽   李娜", "张丽 李娜"),
    ("ＺＬ", "zl"),
])
def test_normalize_query(typed: str, query: str) -> None:
    assert normalize_query(typed) == query


def test_fold() -> None:
    assert fold(" ＡＢＣ１２３　") == "ABC123"
