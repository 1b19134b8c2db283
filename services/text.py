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
    from pypinyin import lazy_pinyin  # imported on first use: it costs 0.2 s and 60 MB at start

    syllables = [s.lower() for s in lazy_pinyin(name, errors=_split_other) if s.strip()]
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables if s[0].isalnum())
    return full, initials


def search_columns(remark_name: str, real_name: str = "", nickname: str = "", wechat_id: str = "",
                   phone: str = "", extra: Iterable[str] = ()) -> dict[str, str]:
    """The stored search columns of a customer: `pinyin` (the sort key of 备注名), `initials`, and
    `search_text`, the one lower-cased text that searches look in.

    search_text holds one item per line, and starts with a line break, so that a short query of
    letters can be matched at the start of an item ("zl" → the initials of 张丽, not the middle of
    a random WeChat ID): names, WeChat ID, phone, each name's pinyin and initials, custom values.
    """
    names = [n.strip() for n in dict.fromkeys((remark_name, real_name, nickname)) if n and n.strip()]
    spelled = [pinyin_of(name) for name in names]
    full = [f for f, _ in spelled if f]
    initials = [i for _, i in spelled if i]
    parts = [*names, wechat_id, phone, *full, *initials, *extra]
    return {
        "pinyin": pinyin_of(remark_name.strip())[0],
        "initials": " ".join(initials),
        "search_text": "".join("\n" + p.lower() for p in parts if p),
    }


def normalize_query(query: str) -> str:
    """Lower-case; 'zhang li' → 'zhangli'; '138 0013-8000' → '13800138000'."""
    text = fold(query).lower()
    if re.fullmatch(r"[a-z\s]+", text):
        return re.sub(r"\s+", "", text)
    if re.fullmatch(r"[+\d\s\-()]+", text):
        return re.sub(r"[^\d]", "", text)
    return re.sub(r"\s+", " ", text)
