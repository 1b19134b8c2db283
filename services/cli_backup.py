"""The backup commands: `backup [--out FILE]` and `restore FILE`."""

from __future__ import annotations

import argparse
from pathlib import Path

from services.errors import UserError
from services.i18n import t
from services.paths import DataDir
from services.store import Store, restore_store


def cmd_backup(store: Store, args: argparse.Namespace) -> int:
    from services.cli import emit

    out = Path(args.out) if args.out else None
    if out is not None and out.is_dir():
        raise UserError(t("--out 要写一个文件名，而“{f}”是一个文件夹", f=out))
    backup = store.backup("manual", out)
    if backup.method == "sqlite":
        line = t("已备份到 {file}（{size}）", file=backup.path, size=human_size(backup.size))
    else:  # 团队模式: say whether pg_dump or the workbook export made it
        from services.backup_server import backup_message

        line = f"{backup_message(backup)}（{human_size(backup.size)}）"
    emit(args, {"file": str(backup.path), "size": backup.size, "reason": backup.reason,
                "taken_at": backup.taken_at.isoformat(), "method": backup.method}, [line])
    return 0


def cmd_restore(args: argparse.Namespace, data_dir: DataDir) -> int:
    from services.cli import emit

    file = Path(args.file)
    before = restore_store(data_dir, file, args.database_url)
    lines = [t("已从 {file} 恢复数据库", file=file)]
    if before is not None:
        lines.append(t("恢复前的数据已备份为 {file}", file=before.path))
    emit(args, {"restored": str(file), "before_restore": str(before.path) if before else None}, lines)
    return 0


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
