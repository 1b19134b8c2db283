"""Build tests/data/schemas/keben-<rev>.sqlite: a store at each released schema revision, with a
few rows in every table, written with raw SQL (the models describe only the newest schema).

    .venv/bin/python tests/data/make_schemas.py          # rebuild all
    .venv/bin/python tests/data/make_schemas.py 0004     # one revision

Run it once when a migration is released (add its revision to RELEASED) and keep the files:
tests/services/test_schema_upgrades.py migrates each to the newest schema and checks every row
survived. The rows are deterministic, so a rebuild gives the same data.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

RELEASED = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008")
SCHEMAS = Path(__file__).resolve().parent / "schemas"
ROWS = 3
SKIP = ("alembic_version", "sqlite_")


def build(revision: str, out: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    out.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{out}")
    config = Config()
    config.set_main_option("script_location", str(ROOT / "models" / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()
    conn = sqlite3.connect(out)
    try:
        conn.execute("PRAGMA foreign_keys=ON")
        for table in _fill_order(conn):
            _fill(conn, table)
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()


def data_tables(conn: sqlite3.Connection) -> list[str]:
    """Ordinary tables (no FTS5 virtual tables or their shadow tables, no bookkeeping)."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    virtual = [name for name, sql in rows if "VIRTUAL TABLE" in (sql or "").upper()]
    return [name for name, _sql in rows
            if not name.startswith(SKIP) and not any(name.startswith(v) for v in virtual)]


def _foreign_keys(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    return {row[3]: row[2] for row in conn.execute(f"PRAGMA foreign_key_list({table})")}


def _fill_order(conn: sqlite3.Connection) -> list[str]:
    """Parents before children (a nullable reference to a later table is left empty)."""
    tables = data_tables(conn)
    notnull = {t: {row[1] for row in conn.execute(f"PRAGMA table_info({t})") if row[3]} for t in tables}
    needs = {t: {parent for col, parent in _foreign_keys(conn, t).items() if col in notnull[t] and parent != t}
             for t in tables}
    order: list[str] = []
    while len(order) < len(tables):
        ready = [t for t in tables if t not in order and needs[t] <= set(order)]
        if not ready:
            raise SystemExit(f"foreign-key cycle among {sorted(set(tables) - set(order))}")
        order.extend(ready)
    return order


def _value(table: str, column: str, kind: str, i: int) -> object:
    kind = kind.upper()
    if kind.startswith(("INTEGER", "BIGINT", "SMALLINT")):
        return i
    if kind.startswith("BOOLEAN"):
        return i % 2
    if kind.startswith(("NUMERIC", "FLOAT", "REAL", "DECIMAL")):
        return 10 * i + 0.5
    if kind.startswith("DATETIME"):
        return f"2024-0{i}-1{i} 09:3{i}:00.000000"
    if kind.startswith("DATE"):
        return f"2024-0{i}-1{i}"
    if kind.startswith("TIME"):
        return f"0{i}:30:00.000000"
    if kind.startswith("JSON"):
        return "{}"
    text = f"{table}·{column}·{i}"
    if kind.startswith("VARCHAR("):
        length = int(kind[8:].rstrip(")"))
        text = text[-length:] if length < len(text) else text
    return text


def _fill(conn: sqlite3.Connection, table: str) -> None:
    columns = conn.execute(f"PRAGMA table_info({table})").fetchall()  # cid, name, type, notnull, default, pk
    fks = _foreign_keys(conn, table)
    single_pk = [c for c in columns if c[5]] if sum(1 for c in columns if c[5]) == 1 else []
    for i in range(1, ROWS + 1):
        names, values = [], []
        for _cid, name, kind, notnull, _default, _pk in columns:
            if single_pk and name == single_pk[0][1] and kind.upper() == "INTEGER":
                continue  # the row id
            if name in fks:
                parent_ids = [r[0] for r in conn.execute(f"SELECT rowid FROM {fks[name]} ORDER BY rowid")]
                if not parent_ids:
                    if notnull:
                        raise SystemExit(f"{table}.{name}: no {fks[name]} rows yet")
                    continue
                value: object = parent_ids[(i - 1) % len(parent_ids)]
            else:
                value = _value(table, name, kind, i)
            names.append(name)
            values.append(value)
        marks = ", ".join("?" for _ in names)
        conn.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", values)


def main(argv: list[str]) -> int:
    SCHEMAS.mkdir(parents=True, exist_ok=True)
    for revision in argv or RELEASED:
        out = SCHEMAS / f"keben-{revision}.sqlite"
        build(revision, out)
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
