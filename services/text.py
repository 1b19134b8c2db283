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
    syllables = _simple_syllables(name)
    if syllables is None:
        from pypinyin import lazy_pinyin  # imported on first use: it costs 0.2 s and 60 MB at start

        syllables = [s.lower() for s in lazy_pinyin(name, errors=_split_other) if s.strip()]
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables if s[0].isalnum())
    return full, initials


def _simple_syllables(name: str) -> list[str] | None:
    """The syllables of a name one character at a time from a small cache — what lazy_pinyin gives
    for the whole name, at a tenth of its cost (an import of 100,000 customers spells ~40,000
    different names). None when a character reads differently inside some phrase of pypinyin's
    dictionary (长 in 周长, 曾, 单 …: the phrase decides) or is neither ASCII nor Chinese."""
    sensitive = _phrase_sensitive()
    syllables: list[str] = []
    for char in name:
        if char.isascii():
            if not char.isspace():
                syllables.append(char.lower())
            continue
        reading = None if char in sensitive or not "\u3400" <= char <= "\u9fff" else _reading(char)
        if reading is None:
            return None
        syllables.append(reading)
    return syllables


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
    parts = [*names, wechat_id, phone, *full, *initials, *extra]
    search_text = "".join("\n" + p.lower() for p in parts if p)
    return {
        "pinyin": pinyin_of(remark_name.strip())[0],
        "initials": " ".join(initials),
        "search_text": search_text,
        "search_letters": letter_items(search_text),
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
