"""The error report of an import: the rows that were not imported, as they were, plus a 问题 column."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from services.excel.values import cell_text
from services.excel.writer import OutColumn, SheetSpec, write_sheets
from services.i18n import t

if TYPE_CHECKING:
    from services.excel.engine import ImportResult


def write_error_report(path: Path, headers: list[str], result: ImportResult) -> int:
    """Write the skipped rows (original cells, sheet row number, and what is wrong) to `path`.

    The file can be corrected and imported again: its headers are the original ones."""
    problems: dict[int, list[str]] = {}
    for error in result.errors:
        problems.setdefault(error.row, []).append(f"{error.column}：{error.message}")
    rows: list[list[object]] = []
    for row in sorted(result.error_cells):
        cells = [cell_text(c) for c in result.error_cells[row]] + [""] * len(headers)
        rows.append([*cells[:len(headers)], row, "；".join(problems.get(row, []))])
    others = problems.get(0, [])  # problems not tied to one row (a 介绍人 that formed a cycle …)
    for text in others:
        rows.append([*([""] * len(headers)), "", text])
    columns = [OutColumn(h or t("（空表头）"), "text", 12) for h in headers]
    columns += [OutColumn(t("原行号"), "int", 8), OutColumn(t("问题"), "text", 60)]
    return write_sheets(path, [SheetSpec(t("未导入的行"), columns, rows, total=len(rows))])
