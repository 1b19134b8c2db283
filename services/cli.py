"""The headless commands behind `python main.py COMMAND`: the same services the GUI uses."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from services import cli_backup, cli_reports, cli_today
from services.customer_query import CustomerFilter, find
from services.errors import UserError
from services.i18n import t
from services.paths import DataDir
from services.store import damaged_store_error, explain_database_error, is_damage, open_store
from services.tags import tag_by_name

WRITING = {"demo", "import", "undo-import"}
READING = {"find", "today", "report"}  # commands that only read the store
READ_MAP_BYTES = 512 * 1024 * 1024


def run(args: argparse.Namespace, data_dir: DataDir) -> int:
    if args.command == "restore":  # works on a damaged store too: it never opens it
        return cli_backup.cmd_restore(args, data_dir)
    if args.command == "transfer":  # opens the local file and the server itself
        from services.cli_transfer import cmd_transfer

        return cmd_transfer(args, data_dir)
    store = open_store(data_dir, args.database_url, exclusive=args.command in WRITING)
    try:
        if args.command == "backup":
            return cli_backup.cmd_backup(store, args)
        with store.db.session() as session:
            if args.command in READING and store.database_file is not None:
                # Reads through a memory map: no copy of each page from the OS into SQLite's cache
                # (`today --json` at 100,000 customers ~50 ms sooner). Only for commands that write
                # nothing: a disk error under a map ends the process, which cannot leave a half write.
                session.connection().exec_driver_sql(f"PRAGMA mmap_size={READ_MAP_BYTES}")
            handler = COMMANDS[args.command]
            return int(handler(session, args))
    except DatabaseError as exc:  # damage found only now, deep in the file; a full disk
        if store.database_file is not None and is_damage(exc.orig):
            raise damaged_store_error(store.database_file, str(exc.orig)) from exc
        known = explain_database_error(exc, store.database_file)
        if known is None:
            raise
        raise known from exc
    finally:
        store.close()


def emit(args: argparse.Namespace, payload: dict[str, Any], lines: list[str]) -> None:
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False, default=str))
    else:
        print("\n".join(lines))


def _tag_ids(session: Session, names: list[str]) -> list[int]:
    ids = []
    for name in names:
        tag = tag_by_name(session, name)
        if tag is None:
            raise UserError(t("没有叫“{name}”的标签", name=name))
        ids.append(tag.id)
    return ids


def cmd_find(session: Session, args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise UserError(t("--limit 不能是负数"))
    flt = CustomerFilter(text=args.query, tags_all=_tag_ids(session, args.tag),
                         tags_any=_tag_ids(session, args.any_tag), tags_none=_tag_ids(session, args.not_tag))
    started = time.perf_counter()
    total, results = find(session, flt, limit=args.limit)
    elapsed_ms = (time.perf_counter() - started) * 1000
    lines = [t("找到 {total} 位客户（{ms:.1f} 毫秒）", total=total, ms=elapsed_ms)]
    lines += [f"{r.id}\t{r.name}\t{r.wechat_id}\t{r.phone}\t{'、'.join(r.tags)}" for r in results]
    emit(args, {"elapsed_ms": round(elapsed_ms, 3), "total": total,
                "results": [{"id": r.id, "name": r.name, "wechat_id": r.wechat_id, "phone": r.phone,
                             "tags": r.tags} for r in results]}, lines)
    return 0


def _show_progress(done: int, total: int) -> None:
    print(f"\r{done:,}/{total:,}", end="", file=sys.stderr, flush=True)


def cmd_demo(session: Session, args: argparse.Namespace) -> int:
    from services.demo import DemoOptions, fill_demo

    if args.customers < 0:
        raise UserError(t("--customers 不能是负数"))
    started = time.perf_counter()
    counts = fill_demo(session, DemoOptions(customers=args.customers, seed=args.seed,
                                            notes_per_customer=args.notes_per_customer),
                       progress=None if args.json else _show_progress)
    if not args.json:
        print(file=sys.stderr)
    seconds = time.perf_counter() - started
    emit(args, {**counts, "seconds": round(seconds, 2)},
         [t("演示数据已生成（{s:.1f} 秒）：", s=seconds)] + [f"  {k}: {v}" for k, v in counts.items()])
    return 0


def _excel(name: str) -> Any:
    """A command of services.cli_excel, imported when run: the Excel engine and every page's kinds
    take a while to load, and `today` or `find` need none of it."""
    def command(session: Session, args: argparse.Namespace) -> int:
        from services import cli_excel

        return int(getattr(cli_excel, name)(session, args))
    return command


COMMANDS = {"find": cmd_find, "today": cli_today.cmd_today, "demo": cmd_demo, "import": _excel("cmd_import"),
            "export": _excel("cmd_export"), "undo-import": _excel("cmd_undo_import"), "imports": _excel("cmd_imports"),
            "report": cli_reports.cmd_report}
