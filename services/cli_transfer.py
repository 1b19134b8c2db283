"""`python main.py transfer --to URL` / `--from URL`: 迁移到服务器 and back, from the command line.

--to copies the data folder's own SQLite file into the empty PostgreSQL database at URL; --from
copies the server's database into the data folder's file, which must be empty (a new data folder).
The data folder's lock is held throughout, so the GUI cannot write to the local file meanwhile.
"""

from __future__ import annotations

import argparse
import sys

from services.errors import UserError
from services.i18n import t
from services.paths import DataDir
from services.store import LOCAL, open_database, open_store, shown_url
from services.transfer import TransferResult, transfer


def cmd_transfer(args: argparse.Namespace, data_dir: DataDir) -> int:
    from services.cli import emit

    server_url = (args.to or args.source or "").strip()
    if not server_url or server_url == LOCAL:
        raise UserError(t("请给出服务器数据库的地址，例如 postgresql+psycopg://用户名:密码@服务器/keben"))
    local = open_store(data_dir, LOCAL)  # the data folder's own file, migrated, its lock taken
    try:
        server = open_database(server_url)
        try:
            source, target = (local.db, server) if args.to else (server, local.db)
            result = transfer(source, target, progress=None if args.json else _show_progress)
        finally:
            server.dispose()
    finally:
        local.close()
    if not args.json:
        print(file=sys.stderr)
    where = shown_url(server_url)
    lines = [t("已迁移到服务器 {url}", url=where) if args.to else t("已从服务器 {url} 复制到本机", url=where)]
    lines += _count_lines(result)
    if args.to:
        lines.append(t("以后在每台电脑上用 python main.py --database-url {url} 打开，或在 设置 → 数据库 里填写", url=where))
    emit(args, {"direction": "to" if args.to else "from", "url": where, "rows": result.total,
                "tables": result.counts}, lines)
    return 0


def _count_lines(result: TransferResult) -> list[str]:
    copied = {name: n for name, n in result.counts.items() if n}
    return [t("共 {rows} 行，{tables} 张表，每张表两边行数一致", rows=f"{result.total:,}", tables=len(result.counts)),
            *(f"  {name}\t{n:,}" for name, n in copied.items())]


def _show_progress(done: int, total: int) -> None:
    print(f"\r{done:,}/{total:,}", end="", file=sys.stderr, flush=True)
