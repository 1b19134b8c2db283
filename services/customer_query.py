"""Finding customers: text search, tag filters, custom-field conditions, sorting — all in SQL.

The list asks for the matching ids in order (`customer_ids`), then for the rows it is about to
show (`customer_rows`), a page at a time: never a query per cell.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    any_,
    cast,
    exists,
    func,
    intersect,
    literal_column,
    not_,
    or_,
    select,
    text,
    union,
)
from sqlalchemy.orm import Session

from models import Customer, CustomerTag, CustomFieldValue, Note, Tag, TagGroup
from services.layers import layer_condition
from services.sqlutil import chunks
from services.text import normalize_query

NO_LEVEL = "未定级"  # CustomerFilter.member_level of the customers no 会员等级 holds
FTS_MIN = 3  # the trigram tokenizer needs 3+ characters; shorter queries scan


@dataclass
class FieldCondition:
    field_id: int
    op: str  # "eq" | "contains" | "empty" | "filled"
    value: str = ""


@dataclass
class CustomerFilter:
    text: str = ""
    tags_all: list[int] = field(default_factory=list)
    tags_any: list[int] = field(default_factory=list)
    tags_none: list[int] = field(default_factory=list)
    fields: list[FieldCondition] = field(default_factory=list)
    stage: str = ""
    wechat_account_id: int | None = None
    rfm_segment: str = ""  # 分层 (services.layers): one RFM segment, or "未购买"
    loyalty_type: str = ""  # one loyalty type, or "未归类"
    member_level: str = ""  # 会员等级: a tier's name, or NO_LEVEL (services.tiers)

    def to_spec(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> CustomerFilter:
        data = dict(spec)
        data["fields"] = [FieldCondition(**c) for c in data.get("fields", [])]
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def is_empty(self) -> bool:
        return self == CustomerFilter()


# Sortable list columns → the stored column (indexed) they sort by.
SORT_KEYS: dict[str, Any] = {
    "remark_name": Customer.pinyin,
    "wechat_id": Customer.wechat_id,
    "phone": Customer.phone,
    "stage": Customer.stage,
    "last_purchase": Customer.last_purchase_on,
    "total_spent": Customer.total_spent_cents,
    "next_follow_up": Customer.next_follow_up_on,
    "source": Customer.source,
    "added_on": Customer.added_on,
    "rfm_segment": Customer.rfm_segment,
    "loyalty_type": Customer.loyalty_type,
    "points_balance": Customer.points_balance,  # 积分 (services.points)
    "member_level": Customer.member_level,  # 会员等级: in tier order once tiers exist (services.tiers.rank_key)
}


def _fts_phrase(query: str) -> str:
    return '"' + query.replace('"', '""') + '"'


def is_short(query: str) -> bool:
    """Queries the trigram index cannot serve (most Chinese names are two characters)."""
    return 0 < len(normalize_query(query)) < FTS_MIN


def text_condition(session: Session, query: str, *, notes: bool = True) -> ColumnElement[bool] | None:
    """Customers whose names, WeChat ID, phone, pinyin, custom text — or notes — contain `query`.

    3+ characters use the FTS5 trigram indexes (PostgreSQL: ILIKE over the pg_trgm indexes, see
    _ilike_contains; two characters the keben_bigrams index). Shorter queries scan: the customer side
    scans a narrow covering index (fast); the notes side scans every note, so the list can first show the
    customer-side matches (`notes=False`) and add the note matches when that finishes.
    """
    q = normalize_query(query)
    if not q:
        return None
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite and len(q) >= FTS_MIN:
        phrase = _fts_phrase(q)
        in_customer = Customer.id.in_(
            select(text("rowid")).select_from(text("customer_fts")).where(text("customer_fts MATCH :customer_q").bindparams(customer_q=phrase))
        )
        in_notes = Customer.id.in_(
            select(Note.customer_id).where(Note.deleted_at.is_(None), Note.id.in_(
                select(text("rowid")).select_from(text("note_fts")).where(text("note_fts MATCH :note_q").bindparams(note_q=phrase))
            ))
        )
        return or_(in_customer, in_notes)
    # Letters match at the start of an item (names, pinyin, initials, WeChat ID; see
    # services.text.search_columns); digits and Chinese anywhere (phone fragments, 丽 in 张丽).
    letters = q.isascii() and q.isalpha()
    needle = "\n" + q if letters else q
    if not sqlite:
        return _postgres_condition(q, needle, notes=notes)
    # A scan of a narrow (deleted_at, search_…) index, named: SQLAlchemy renders no INDEXED BY hint
    # for SQLite, and left to itself SQLite walks another (deleted_at, …) index row by row (45 ms
    # instead of 17 ms at 100,000 customers). The matches are then read by rowid. Letters scan only
    # the items that start with a letter (search_letters: 12 ms instead of 22 ms), with GLOB, a little
    # faster than instr; a query of letters holds none of GLOB's wildcards.
    where = ("deleted_at IS NULL AND search_letters GLOB :pattern" if letters
             else "deleted_at IS NULL AND instr(search_text, :needle) > 0")
    index = "ix_customer_search_letters" if letters else "ix_customer_search"
    bound = text(where).bindparams(pattern=f"*{needle}*") if letters else text(where).bindparams(needle=needle)
    scan: Select[Any] = select(literal_column("id")).select_from(text(f"customer INDEXED BY {index}")).where(bound)
    condition: Any = Customer.id.in_(scan)
    if notes and len(q) >= 2:
        # LIKE (as fast as instr here) ignores the case of ASCII letters, as the FTS5 trigram tables
        # do from three characters on: "a级" finds a note saying "A级".
        condition = or_(condition, Customer.id.in_(
            select(Note.customer_id).where(_ilike_contains(Note.body, q, lowered=True), Note.deleted_at.is_(None))))
    return condition  # type: ignore[no-any-return]


def _postgres_condition(q: str, needle: str, *, notes: bool) -> ColumnElement[bool]:
    """text_condition on PostgreSQL: the ids matched through the indexes, customer side and notes side
    in one UNION, whose customers are then fetched by primary key (_id_among). An OR of the two tested
    every customer row (LIKE on each search text): 敏感肌 with its notes took 60 ms, now 29 ms at
    100,000 customers (bench/bench_pg.py)."""
    if _bigram_query(needle):
        # Two characters (张丽, 13): pg_trgm takes no trigram from them; the bigram index (migration
        # 0008) holds every two-character piece of the search text but those of two ASCII letters,
        # which text_condition turned into three-character needles ("\n" + letters).
        customer_side = _has_bigram(Customer.search_text, needle)
    else:  # search_text is stored lower-cased: LIKE, 4-5x faster than ILIKE where no index helps
        customer_side = _ilike_contains(Customer.search_text, needle, lowered=True)
    matches: Any = select(Customer.id).where(customer_side)
    if notes and len(q) >= 2:
        # Note bodies keep their case: their bigram index is over lower(body), as ILIKE matches.
        in_body = _has_bigram(func.lower(Note.body), q) if _bigram_query(q) else _ilike_contains(Note.body, q)
        matches = union(matches, select(Note.customer_id).where(in_body, Note.deleted_at.is_(None)))
    return _id_among(matches, postgres=True)


def _bigram_query(needle: str) -> bool:
    """Can the keben_bigrams indexes answer this needle? Two characters, not two ASCII letters (the
    function leaves those out, and pieces across a line break)."""
    return len(needle) == 2 and "\n" not in needle and not (needle.isascii() and needle.isalpha())


def _has_bigram(column: Any, needle: str) -> ColumnElement[bool]:
    """`keben_bigrams(column) @> ARRAY[needle]`, the expression of the indexes of migration 0008."""
    from sqlalchemy.dialects.postgresql import ARRAY, array  # PostgreSQL only: not imported for SQLite
    from sqlalchemy.types import Text

    bigrams = func.keben_bigrams(column, type_=ARRAY(Text))
    return bigrams.contains(cast(array([needle]), ARRAY(Text)))  # cast: psycopg binds str as varchar


def _id_among(ids: Any, *, postgres: bool) -> ColumnElement[bool]:
    """Customer.id IN (ids). PostgreSQL: `id = ANY(ARRAY(ids))`, which it reads as "first collect
    the ids, then fetch those customers by primary key"; for IN it joins by hash against a scan of
    every customer row (6,000 note matches: 27 ms instead of 45 at 100,000 customers)."""
    if not postgres:
        return Customer.id.in_(ids)
    return Customer.id == any_(func.array(ids.scalar_subquery()))


def _ilike_contains(column: Any, query: str, *, lowered: bool = False) -> ColumnElement[bool]:
    """PostgreSQL: ILIKE '%…%' (LIKE on a column stored `lowered`), which the pg_trgm GIN indexes serve
    from 3 characters on; % and _ in the query are plain characters, as with SQLite's instr.
    SQLite: `lowered` only, its LIKE ignores the case of ASCII letters."""
    escaped = query.replace("/", "//").replace("%", "/%").replace("_", "/_")
    if lowered:
        return column.like(f"%{escaped}%", escape="/")  # type: ignore[no-any-return]
    return column.ilike(f"%{escaped}%", escape="/")  # type: ignore[no-any-return]


def _tag_conditions(flt: CustomerFilter, *, postgres: bool) -> list[ColumnElement[bool]]:
    # IN / NOT IN over the (tag_id, customer_id) index: each tag's customers are read once, instead
    # of probing every customer (45 ms → a few ms at 100,000 customers).
    def having(tag_ids: list[int]) -> Any:
        return select(CustomerTag.customer_id).where(CustomerTag.tag_id.in_(tag_ids))

    conditions: list[ColumnElement[bool]] = []
    all_of = list(dict.fromkeys(flt.tags_all))
    if all_of:
        conditions.append(_id_among(intersect(*(having([tag_id]) for tag_id in all_of))
                                    if len(all_of) > 1 else having(all_of), postgres=postgres))
    if flt.tags_any:
        conditions.append(_id_among(having(flt.tags_any), postgres=postgres))
    if flt.tags_none:
        conditions.append(Customer.id.not_in(having(flt.tags_none)))
    return conditions


BY_ID_MAX = 25_000  # at 100,000 customers, sorting up to ~25,000 ids beats walking the whole sort index


def _few_tagged(session: Session, flt: CustomerFilter) -> bool:
    """Do the filter's all-of / any-of tags hold few enough customers to read them by id?"""
    if flt.tags_all:
        sizes = [_tag_size(session, [tag_id]) for tag_id in dict.fromkeys(flt.tags_all)]
        return min(sizes) <= BY_ID_MAX
    return bool(flt.tags_any) and _tag_size(session, flt.tags_any) <= BY_ID_MAX


def _tag_size(session: Session, tag_ids: list[int]) -> int:
    return int(session.scalar(select(func.count()).select_from(CustomerTag).where(CustomerTag.tag_id.in_(tag_ids))) or 0)


def _field_condition(cond: FieldCondition) -> ColumnElement[bool]:
    value = CustomFieldValue.value
    base = and_(CustomFieldValue.customer_id == Customer.id, CustomFieldValue.field_id == cond.field_id)
    if cond.op == "eq":
        return exists().where(base, value == cond.value)
    if cond.op == "contains":
        return exists().where(base, value.contains(cond.value))
    filled = exists().where(base, value != "")
    return filled if cond.op == "filled" else not_(filled)


def filtered(session: Session, flt: CustomerFilter, columns: Any = None, *, notes: bool = True) -> Select[Any]:
    condition = text_condition(session, flt.text, notes=notes)
    sqlite = session.get_bind().dialect.name == "sqlite"
    by_id = sqlite and (condition is not None or _few_tagged(session, flt))
    # A search on SQLite names its customers by id (text_condition: the FTS5 tables, or the named
    # index scan), and so does a filter on tags few customers carry: "not in the trash" must not pull
    # SQLite onto a (deleted_at, …) index, walked for all 100,000 customers, instead of those
    # primary-key lookups.
    live = (func.coalesce(Customer.deleted_at, Customer.deleted_at).is_(None) if by_id  # as birthday_dates.live_unindexed
            else Customer.deleted_at.is_(None))
    statement = select(*(columns if columns is not None else [Customer.id])).where(live)
    if condition is not None:
        statement = statement.where(condition)
    for tag_condition in _tag_conditions(flt, postgres=not sqlite):
        statement = statement.where(tag_condition)
    for cond in flt.fields:
        statement = statement.where(_field_condition(cond))
    if flt.stage:
        statement = statement.where(func.coalesce(func.nullif(Customer.stage_override, ""), Customer.stage) == flt.stage)
    if flt.wechat_account_id is not None:
        statement = statement.where(Customer.wechat_account_id == flt.wechat_account_id)
    if flt.rfm_segment or flt.loyalty_type:
        statement = statement.where(layer_condition(flt.rfm_segment, flt.loyalty_type))
    if flt.member_level:  # the stored level (services.tiers keeps it), "" for no level
        statement = statement.where(Customer.member_level == ("" if flt.member_level == NO_LEVEL else flt.member_level))
    return statement


def customer_ids(session: Session, flt: CustomerFilter, sort: str = "added_on",
                 descending: bool = True, limit: int | None = None, *, notes: bool = True) -> list[int]:
    """The ids of the matching live customers, in display order (`notes`: see text_condition)."""
    key = SORT_KEYS.get(sort, Customer.added_on)
    if sort == "member_level":
        from services.tiers import rank_key

        ranked = rank_key(session)
        key = ranked if ranked is not None else key
    order = [key.desc(), Customer.id.desc()] if descending else [key.asc(), Customer.id.asc()]
    order.insert(0, _is_empty(key))  # empty values last, whichever way
    statement = filtered(session, flt, notes=notes).order_by(*order)
    if limit is not None:
        statement = statement.limit(limit)
    # Straight from the DBAPI cursor: 100,000 ids in ~20 ms instead of ~50 ms through Row objects.
    return [row[0] for row in session.connection().execute(statement).cursor.fetchall()]


def _is_empty(key: Any) -> ColumnElement[bool]:
    """NULL dates, "" texts, ¥0 totals and no points count as empty."""
    if key is Customer.total_spent_cents or key is Customer.points_balance:
        return key == 0
    if key.type.python_type is str:
        return or_(key.is_(None), key == "")
    return key.is_(None)  # type: ignore[no-any-return]


def count(session: Session, flt: CustomerFilter) -> int:
    return int(session.scalar(select(func.count()).select_from(filtered(session, flt).subquery())) or 0)


@dataclass(frozen=True)
class CustomerRow:
    """What one line of the customer list shows."""

    id: int
    remark_name: str
    wechat_id: str
    phone: str
    stage: str
    stage_is_manual: bool
    last_purchase_on: date | None
    total_spent_cents: int
    next_follow_up_on: date | None
    source: str
    tags: tuple[tuple[str, str], ...]  # (name, colour)
    custom: dict[int, str]
    rfm_segment: str = ""
    loyalty_type: str = ""
    points_balance: int = 0
    member_level: str = ""


def customer_rows(session: Session, ids: list[int], custom_field_ids: list[int] | tuple[int, ...] = ()) -> dict[int, CustomerRow]:
    """The rows for these ids in three queries, whatever their number."""
    tags: dict[int, list[tuple[str, str]]] = {}
    custom: dict[int, dict[int, str]] = {}
    found: dict[int, CustomerRow] = {}
    for chunk in chunks(ids):
        for cid, name, color, group_color in session.execute(
            select(CustomerTag.customer_id, Tag.name, Tag.color, TagGroup.color)
            .join(Tag, Tag.id == CustomerTag.tag_id).join(TagGroup, TagGroup.id == Tag.group_id)
            .where(CustomerTag.customer_id.in_(chunk)).order_by(TagGroup.sort, Tag.sort, Tag.id)
        ):
            tags.setdefault(cid, []).append((name, color or group_color))
        if custom_field_ids:
            for cid, fid, value in session.execute(
                select(CustomFieldValue.customer_id, CustomFieldValue.field_id, CustomFieldValue.value)
                .where(CustomFieldValue.customer_id.in_(chunk), CustomFieldValue.field_id.in_(custom_field_ids))
            ):
                custom.setdefault(cid, {})[fid] = value
        for r in session.execute(
            select(Customer.id, Customer.remark_name, Customer.wechat_id, Customer.phone, Customer.stage,
                   Customer.stage_override, Customer.last_purchase_on, Customer.total_spent_cents,
                   Customer.next_follow_up_on, Customer.source, Customer.rfm_segment,
                   Customer.loyalty_type, Customer.points_balance, Customer.member_level).where(Customer.id.in_(chunk))
        ):
            found[r.id] = CustomerRow(
                r.id, r.remark_name, r.wechat_id, r.phone, r.stage_override or r.stage,
                bool(r.stage_override), r.last_purchase_on, r.total_spent_cents, r.next_follow_up_on,
                r.source, tuple(tags.get(r.id, ())), custom.get(r.id, {}), r.rfm_segment, r.loyalty_type,
                r.points_balance or 0, r.member_level or "",
            )
    return found


@dataclass(frozen=True)
class FoundCustomer:
    id: int
    name: str
    wechat_id: str
    phone: str
    tags: list[str]


def find(session: Session, flt: CustomerFilter, limit: int = 50) -> tuple[int, list[FoundCustomer]]:
    """What `main.py find` and the global search show: the total and the first `limit` matches."""
    ids = customer_ids(session, flt, sort="remark_name", descending=False)
    rows = customer_rows(session, ids[:limit])
    return len(ids), [
        FoundCustomer(i, rows[i].remark_name, rows[i].wechat_id, rows[i].phone, [n for n, _ in rows[i].tags])
        for i in ids[:limit]
    ]
