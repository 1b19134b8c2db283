"""Normalising what people type: phone numbers, pinyin, and the stored search text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from services.i18n import t

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{9,11}")
_INTERNATIONAL = re.compile(r"\+\d{7,15}")


def fold(text: str) -> str:
    """Full-width to half-width, stripped; ＡＢＣ１２３ → ABC123."""
    return unicodedata.normalize("NFKC", text).strip()


def normalize_phone(raw: str) -> str:
    """Return the phone as stored (digits, or +digits abroad); raise ValueError with a message."""
    text = fold(raw)
    if not text:
        return ""
    compact = re.sub(r"[\s\-()（）.]", "", text)
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    if _MOBILE.fullmatch(compact) or _LANDLINE.fullmatch(compact):
        return compact
    if _INTERNATIONAL.fullmatch(compact):
        return compact
    raise ValueError(t("手机号“{raw}”格式不对：应为11位手机号（如 13800138000）或带区号的座机号", raw=raw))


def _split_other(text: str) -> Any:
    """Letters, digits and symbols pass through one character at a time."""
    return list(text)


@lru_cache(maxsize=65536)
def pinyin_of(name: str) -> tuple[str, str]:
    """('zhangli', 'zl') for 张丽; letters and digits pass through lower-cased."""
    if not name:
        return "", ""
    if _SIMPLE.issuperset(name) or _learn(name) or (_SPELLED.issuperset(name) and not _has_phrase(name)):
        # Each character reads as it does alone: spelled by str.translate from tables, what
        # lazy_pinyin gives for the whole name at a twentieth of its cost (an import of 100,000
        # customers spells ~100,000 different names).
        return name.translate(_FULL), name.translate(_INITIAL)
    from pypinyin import lazy_pinyin  # imported on first use: it costs 0.2 s and 60 MB at start

    syllables = [s.lower() for s in lazy_pinyin(name, errors=_split_other) if s.strip()]
    return "".join(syllables), "".join(s[0] for s in syllables if s[0].isalnum())


# Characters pinyin_of spells one at a time, and their spellings for str.translate: the syllable,
# and its first letter for the initials (ASCII letters and digits lower-cased, spaces dropped, other
# ASCII in the full spelling only). Filled as names bring new characters (_learn). _SIMPLE: those
# that read alike in every phrase of pypinyin's dictionary; the others (_SPELLED only: 长 in 周长,
# 曾, 叶, 强 …) are spelled alone only in a name that holds no phrase (_has_phrase).
_SIMPLE: set[str] = set()
_SPELLED: set[str] = set()
_FULL: dict[int, str | None] = {}
_INITIAL: dict[int, str | None] = {}


def _learn(name: str) -> bool:
    """Add the name's new characters to the tables; True when all of them are simple. A character
    neither ASCII nor Chinese with a reading stays out: the name goes to lazy_pinyin."""
    sensitive = _phrase_sensitive()
    simple = True
    for char in set(name) - _SPELLED:
        if char.isascii():
            syllable = "" if char.isspace() else char.lower()
        else:
            reading = _reading(char) if "\u3400" <= char <= "\u9fff" else None
            if reading is None:
                simple = False
                continue
            syllable = reading
        _FULL[ord(char)] = syllable or None
        _INITIAL[ord(char)] = syllable[0] if syllable and syllable[0].isalnum() else None
        _SPELLED.add(char)
        if char in sensitive:
            simple = False
        else:
            _SIMPLE.add(char)
    return simple and _SIMPLE.issuperset(name)


def _has_phrase(name: str) -> bool:
    """Whether some part of the name (two characters or more) is a phrase of pypinyin's dictionary:
    then its segmentation, not each character alone, decides the reading."""
    from pypinyin.constants import PHRASES_DICT

    size = len(name)
    return any(name[i:j] in PHRASES_DICT for i in range(size - 1) for j in range(i + 2, size + 1))


@lru_cache(maxsize=16384)
def _reading(char: str) -> str | None:
    """A character's reading alone, as lazy_pinyin gives it (its dictionary's first reading, toneless)."""
    from pypinyin.pinyin_dict import pinyin_dict

    readings = pinyin_dict.get(ord(char))
    return _toneless(readings.split(",")[0]) if readings else None


@lru_cache(maxsize=1)
def _phrase_sensitive() -> frozenset[str]:
    """The characters some phrase of pypinyin's dictionary reads otherwise than alone (~430 of them;
    found once, in ~0.1 s)."""
    from pypinyin.phrases_dict import phrases_dict

    sensitive: set[str] = set()
    for phrase, readings in phrases_dict.items():
        if len(phrase) != len(readings):
            sensitive.update(phrase)
            continue
        for char, reading in zip(phrase, readings, strict=True):
            if char not in sensitive and _toneless(reading[0]) != _reading(char):
                sensitive.add(char)
    return frozenset(sensitive)


@lru_cache(maxsize=4096)
def _toneless(syllable: str) -> str:
    """'lǚ' → 'lv', 'zhāng' → 'zhang' (lazy_pinyin's spelling)."""
    decomposed = unicodedata.normalize("NFD", syllable).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def search_columns(remark_name: str, real_name: str = "", nickname: str = "", wechat_id: str = "",
                   phone: str = "", extra: Iterable[str] = ()) -> dict[str, str]:
    """The stored search columns of a customer: `pinyin` (the sort key of 备注名), `initials`, and
    `search_text`, the one lower-cased text that searches look in, and `search_letters`, its items
    that start with a Latin letter (pinyin, initials, most WeChat IDs, English names): a short query
    of letters scans that narrower column (services.customer_query), about twice as fast.

    search_text holds one item per line, and starts with a line break, so that a short query of
    letters can be matched at the start of an item ("zl" → the initials of 张丽, not the middle of
    a random WeChat ID): names, WeChat ID, phone, each name's pinyin and initials, custom values.
    """
    names = [n.strip() for n in dict.fromkeys((remark_name, real_name, nickname)) if n and n.strip()]
    spelled = [pinyin_of(name) for name in names]
    full = [f for f, _ in spelled if f]
    initials = [i for _, i in spelled if i]
    # Lower-cased whole, split again into items (an item may hold a line break of its own):
    # 100,000 customers of an import go through here.
    items = "\n".join([p for p in (*names, wechat_id, phone, *full, *initials, *extra) if p]).lower().split("\n")
    return {
        "pinyin": pinyin_of(remark_name.strip())[0],
        "initials": " ".join(initials),
        "search_text": "".join(["\n" + item for item in items]) if items != [""] else "",
        "search_letters": "".join(["\n" + item for item in items if item[:1].isascii() and item[:1].isalpha()]),
    }


def letter_items(search_text: str) -> str:
    """The items of a search text that start with a Latin letter, in the same one-per-line form."""
    return "".join("\n" + item for item in search_text.split("\n") if item[:1].isascii() and item[:1].isalpha())


def normalize_query(query: str) -> str:
    """Lower-case; 'zhang li' → 'zhangli'; '138 0013-8000' → '13800138000'."""
    text = fold(query).lower()
    if re.fullmatch(r"[a-z\s]+", text):
        return re.sub(r"\s+", "", text)
    if re.fullmatch(r"[+\d\s\-()]+", text):
        return re.sub(r"[^\d]", "", text)
    return re.sub(r"\s+", " ", text)
