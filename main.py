"""KeBen entry point: parse the command line, open the store, start the GUI or run a command.

Exit codes: 0 done, 2 bad input or usage (one clear line on stderr), 1 a bug (one line on
stderr, the traceback in the log file in the data folder).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from services.errors import UserError
from services.paths import DataDir

log = logging.getLogger("keben")


class UsageError(UserError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Accepted before or after the command name; the sub-parser must not reset the top's value.
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--data-dir", metavar="DIR", default=default, help="数据文件夹（默认：系统的用户数据目录）")
    parser.add_argument("--database-url", metavar="URL", default=default, help="SQLAlchemy 数据库地址，如 postgresql+psycopg://…")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="keben", description="客本 KeBen — 微信私域客户本")
    _global_options(parser, top=True)
    parser.add_argument("--smoke", action="store_true", help="离屏启动界面，打开每个页面后退出")
    from resources.app_info import APP_NAME, VERSION  # pyproject.toml's version (bundled when frozen)

    parser.add_argument("--version", action="version", version=f"{APP_NAME} {VERSION}", help="显示版本后退出")
    parser.add_argument("--bench-start", metavar="PAGE", default=None, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    demo = commands.add_parser("demo", help="填入演示数据")
    _global_options(demo, top=False)
    demo.add_argument("--customers", type=int, default=2000, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument("--notes-per-customer", type=float, default=None, metavar="K", help=argparse.SUPPRESS)
    demo.add_argument("--json", action="store_true")

    find = commands.add_parser("find", help="查找客户")
    _global_options(find, top=False)
    find.add_argument("query", nargs="?", default="")
    find.add_argument("--tag", action="append", default=[], metavar="T", help="必须有这个标签（可重复）")
    find.add_argument("--any-tag", action="append", default=[], metavar="T", help="有其中任一标签")
    find.add_argument("--not-tag", action="append", default=[], metavar="T", help="没有这个标签")
    find.add_argument("--limit", type=int, default=20, metavar="N")
    find.add_argument("--json", action="store_true")

    kinds = ("customers", "notes", "purchases", "follow-ups", "referrals", "groups", "group-members", "group-stats",
             "scripts", "materials", "posts", "care", "products", "points")
    imp = commands.add_parser("import", help="从 Excel/CSV 导入")
    _global_options(imp, top=False)
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--kind", required=True, choices=(*kinds, "all"),
                     help="导入什么；all = 客本导出的完整工作簿")
    imp.add_argument("--sheet", metavar="NAME", default=None)
    imp.add_argument("--header-row", type=int, metavar="N", default=None, help="表头在第几行（默认自动找）")
    imp.add_argument("--encoding", metavar="E", default=None, help="CSV 的编码，如 gbk、utf-8")
    imp.add_argument("--on-duplicate", choices=("update", "skip", "add"), default="update")
    imp.add_argument("--dry-run", action="store_true", help="检查并统计，但不写入")
    imp.add_argument("--report", metavar="OUT.xlsx", default=None, help="把有问题的行写成一个 Excel")
    imp.add_argument("--json", action="store_true")

    exp = commands.add_parser("export", help="导出到 Excel")
    _global_options(exp, top=False)
    exp.add_argument("--kind", choices=kinds, default=None)
    exp.add_argument("--all", action="store_true", help="整个客户本，每类一张表")
    exp.add_argument("--template", action="store_true", help="只导出带下拉选项的空白模板")
    exp.add_argument("--out", required=True, metavar="FILE")
    exp.add_argument("--tag", action="append", default=[], metavar="T", help="只导出有这个标签的客户（可重复）")
    exp.add_argument("--json", action="store_true")

    undo = commands.add_parser("undo-import", help="撤销一次导入")
    _global_options(undo, top=False)
    undo.add_argument("batch_id", type=int, metavar="BATCH_ID")
    undo.add_argument("--force", action="store_true", help="即使导入后又修改过，也撤销")
    undo.add_argument("--json", action="store_true")

    today = commands.add_parser("today", help="今天要做的事：跟进、客户SOP、生日、复购…")
    _global_options(today, top=False)
    today.add_argument("--date", default=None, metavar="YYYY-MM-DD", help="哪一天（默认今天）")
    today.add_argument("--json", action="store_true")

    history = commands.add_parser("imports", help="导入记录")
    _global_options(history, top=False)
    history.add_argument("--json", action="store_true")

    report = commands.add_parser("report", help="报表：moments、groups …")
    _global_options(report, top=False)
    report.add_argument("what", metavar="WHAT", help="哪个报表")
    report.add_argument("--weeks", type=int, default=8, metavar="N", help="最近几周（moments）")
    report.add_argument("--from", dest="date_from", default=None, metavar="YYYY-MM-DD", help="从哪天起")
    report.add_argument("--to", dest="date_to", default=None, metavar="YYYY-MM-DD", help="到哪天止")
    report.add_argument("--json", action="store_true")

    backup = commands.add_parser("backup", help="备份数据库（默认放进数据文件夹的 backups/）")
    _global_options(backup, top=False)
    backup.add_argument("--out", metavar="FILE", default=None, help="备份到这个文件，而不是 backups/")
    backup.add_argument("--json", action="store_true")

    restore = commands.add_parser("restore", help="从备份文件恢复（先备份现在的数据）")
    _global_options(restore, top=False)
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--json", action="store_true")

    move = commands.add_parser("transfer", help="迁移到服务器（团队模式），或从服务器复制回本机")
    _global_options(move, top=False)
    direction = move.add_mutually_exclusive_group(required=True)
    direction.add_argument("--to", metavar="URL", default=None, help="把本机数据复制到这个空的 PostgreSQL 数据库")
    direction.add_argument("--from", dest="source", metavar="URL", default=None,
                           help="把服务器上的数据复制到本机（数据文件夹必须是空的）")
    move.add_argument("--json", action="store_true")

    shot = commands.add_parser("screenshot", help="把每个页面截图到文件夹")
    _global_options(shot, top=False)
    shot.add_argument("--out", required=True, metavar="DIR")
    shot.add_argument("--size", default="1440x900", metavar="WxH")
    shot.add_argument("--theme", choices=("light", "dark"), default=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    data_dir = DataDir.at(args.data_dir)
    runners: dict[str | None, Callable[[argparse.Namespace, DataDir], int]] = {
        None: _run_gui, "screenshot": _run_gui,
        **dict.fromkeys(("demo", "find", "today", "import", "export", "undo-import", "imports", "report",
                         "backup", "restore", "transfer"), _run_command),
    }
    try:
        return runners[args.command](args, data_dir)
    except UserError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one line for the user, the traceback in the log
        log.exception("unexpected error")
        first_line = (str(exc).strip().splitlines() or [""])[0][:200]
        print(f"客本出错了：{type(exc).__name__}: {first_line}（详情见 {data_dir.log_file}）", file=sys.stderr)
        return 1


def _run_command(args: argparse.Namespace, data_dir: DataDir) -> int:
    from services import cli

    return cli.run(args, data_dir)


def _run_gui(args: argparse.Namespace, data_dir: DataDir) -> int:
    from ui.app import run_app

    return run_app(args, data_dir)


if __name__ == "__main__":
    sys.exit(main())
