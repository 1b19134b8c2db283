"""Small SQL helpers that differ between SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session


@contextlib.contextmanager
def indexes_set_aside(connection: Any, indexes: list[tuple[str, str]]) -> Iterator[None]:
    """Drop these indexes ((name, its CREATE INDEX statement)) while the body writes many rows, and
    build each again once after it, in the same transaction: a failure or Cancel rolls the drops back
    with everything else, so nothing is built again on error."""
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        connection.exec_driver_sql(sql)


def insert_ignore(session: Session, table: Any, rows: list[dict[str, Any]], chunk: int = 5000) -> None:
    """INSERT … ON CONFLICT DO NOTHING, in chunks."""
    if not rows:
        return
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    for start in range(0, len(rows), chunk):
        session.execute(insert(table).values(rows[start:start + chunk]).on_conflict_do_nothing())


def update_all(session: Session, statement: Any, model: Any, everyone: bool) -> int:
    """Run a bulk UPDATE of `model` rows; returns the rows changed.

    On `everyone` (a pass over the whole table: an import, a recompute) without the ORM's
    synchronize step — which, for values it cannot work out in Python (subqueries, CASE), reads
    back the id of every matched row (RETURNING) to expire the updated attributes of the matched
    objects in the session: ~0.3 s per pass over 100,000 customers. Every object of the model may
    be matched then, so all those the session holds are expired instead (the session was flushed
    before the statement ran: nothing unsaved is lost; they are read again when next used). A pass
    over a few ids keeps the ORM's own step."""
    if not everyone:
        return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
    result: Any = session.execute(statement, execution_options={"synchronize_session": False})
    expire_held(session, (model,))
    return int(result.rowcount)


def expire_held(session: Session, models: Any, ids: Any = None, attributes: list[str] | None = None) -> None:
    """The objects of these models the session holds (of these ids, if given) read `attributes` (or
    everything) again when next used: after SQL the ORM does not follow (a table UPDATE, plain SQL)."""
    wanted = None if ids is None else set(ids)
    kinds = tuple(models)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, kinds) and (wanted is None or obj.id in wanted):
            session.expire(obj, attributes)


def chunks(ids: list[int], size: int = 900) -> list[list[int]]:
    """Split id lists for IN (…) clauses (SQLite allows a limited number of variables)."""
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def reserve_ids(session: Session, table: str, count: int) -> list[int]:
    """PostgreSQL: `count` new ids from the table's id sequence, ascending, for rows that are given
    their id before they are inserted (an import's customers): another KeBen on the same server
    adding at the same time gets other ids. Sequences are not rolled back: a cancelled import
    leaves a gap in the ids, nothing else."""
    from sqlalchemy import text

    return [int(i) for i in session.execute(
        text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
        {"table": table, "count": count}).scalars()]
