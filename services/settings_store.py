"""Settings that belong to the data (thresholds, rules): declared once, read and written typed.

They live in the `app_setting` table (key → JSON value), so they travel with the store — a team
sharing one database shares them — unlike `services.preferences` (theme, language: one laptop).

Declare a setting once, at module level in the service that uses it::

    SLEEPING_DAYS = declare("stage.sleeping_days", int, 180, "沉睡：超过多少天没有购买",
                            unit="天", minimum=1, maximum=3650, group="layers")

and then::

    get(session, SLEEPING_DAYS)                 # 180 until the seller changes it
    get_many(session, [A, B])                   # {key: value}, one query
    save(session, {SLEEPING_DAYS: 200})         # checks type and range of every value, then commits
    reset(session, [SLEEPING_DAYS])             # back to the default (the stored row is deleted)
    declared("layers")                          # what a settings page lists, in declaration order

Rules:
- `kind` is one of int, float, bool, str, list, dict. An int setting refuses True/False; a float
  setting accepts ints. `minimum`/`maximum` bound numbers (inclusive).
- `save` raises ValidationError keyed by setting key, with a Chinese message naming the title,
  and writes nothing when any value is bad. `put` writes one value without committing (for a
  service that keeps derived data, e.g. cached RFM cut points, in its own transaction).
- A stored value that no longer fits its declaration (edited by hand, an older version's type, out
  of range) reads as the default and is logged: a bad row never breaks the app.
- `title`, `unit` and `help` are Chinese source strings; show them through `t()` / `tr()`.
- A setting without a `group` is internal (derived data, caches) and is not listed by `declared`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import AppSetting
from services.errors import ValidationError
from services.i18n import t

log = logging.getLogger("keben")
T = TypeVar("T")
KINDS = (int, float, bool, str, list, dict)


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One declared setting. Compare and hash by key (declarations are unique)."""

    key: str
    kind: type[T]
    default: T
    title: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    group: str = ""

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Setting) and other.key == self.key

    def problem(self, value: object) -> str | None:
        """Why `value` cannot be stored (a Chinese message), or None when it fits."""
        if self.kind is float:
            fits = isinstance(value, int | float) and not isinstance(value, bool)
        elif self.kind is int:
            fits = isinstance(value, int) and not isinstance(value, bool)
        else:
            fits = isinstance(value, self.kind)
        if not fits:
            return t("“{title}”的值不对", title=t(self.title))
        if isinstance(value, int | float) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                return t("“{title}”不能小于 {n}", title=t(self.title), n=_number(self.minimum))
            if self.maximum is not None and value > self.maximum:
                return t("“{title}”不能大于 {n}", title=t(self.title), n=_number(self.maximum))
        return None


_declared: dict[str, Setting[Any]] = {}


def declare(key: str, kind: type[T], default: T, title: str, *, unit: str = "",
            minimum: float | None = None, maximum: float | None = None, help: str = "",
            group: str = "") -> Setting[T]:
    """Declare a setting (once per key, at import time); returns the handle to read and write it."""
    if kind not in KINDS:
        raise TypeError(f"setting {key}: unsupported kind {kind!r}")
    setting = Setting(key, kind, default, title, unit, minimum, maximum, help, group)
    if setting.problem(default) is not None:
        raise ValueError(f"setting {key}: the default {default!r} does not fit its declaration")
    existing = _declared.get(key)
    if existing is not None and astuple(existing) != astuple(setting):  # a re-import may declare it again
        raise ValueError(f"setting {key} is declared twice")
    _declared[key] = setting
    return setting


def declared(group: str) -> list[Setting[Any]]:
    """The settings of one group, in declaration order (what a settings page shows)."""
    return [s for s in _declared.values() if s.group == group]


def all_declared() -> list[Setting[Any]]:
    """Every setting declared so far, whatever its group, in declaration order (the full workbook's 设置)."""
    return list(_declared.values())


def get(session: Session, setting: Setting[T]) -> T:
    row = session.get(AppSetting, setting.key)
    return _read(setting, row.value) if row is not None else setting.default


def get_many(session: Session, settings: Iterable[Setting[Any]]) -> dict[str, Any]:
    """{key: value} for these settings, in one query."""
    wanted = {s.key: s for s in settings}
    rows = session.execute(select(AppSetting.key, AppSetting.value).where(AppSetting.key.in_(wanted)))
    stored = {key: value for key, value in rows}
    return {key: _read(s, stored[key]) if key in stored else s.default for key, s in wanted.items()}


def put(session: Session, setting: Setting[T], value: T) -> None:
    """Write one value (checked; ValidationError when it does not fit) without committing."""
    problem = setting.problem(value)
    if problem is not None:
        raise ValidationError({setting.key: problem})
    row = session.get(AppSetting, setting.key)
    if row is None:
        session.add(AppSetting(key=setting.key, value=value))
    else:
        row.value = value
    session.flush()


def save(session: Session, values: Mapping[Setting[Any], object]) -> None:
    """Check every value first (nothing is written if one is bad), then write them and commit."""
    errors = {s.key: p for s, v in values.items() if (p := s.problem(v)) is not None}
    if errors:
        raise ValidationError(errors)
    for setting, value in values.items():
        put(session, setting, value)
    session.commit()


def reset(session: Session, settings: Iterable[Setting[Any]]) -> None:
    """Back to the declared defaults; commits."""
    session.execute(delete(AppSetting).where(AppSetting.key.in_([s.key for s in settings])))
    session.commit()


def _read(setting: Setting[T], value: object) -> T:
    if setting.problem(value) is not None:
        log.warning("setting %s: stored value %r does not fit, using the default", setting.key, value)
        return setting.default
    if setting.kind is float:
        value = float(value)  # type: ignore[arg-type]
    return value  # type: ignore[return-value]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
