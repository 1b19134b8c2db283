"""The Excel commands: import, export, undo-import, imports (history)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.orm import Session

from services.errors import UserError
from services.excel.engine import ImportOptions, ImportResult, missing_required, run_import, suggest_mapping
from services.i18n import t


def _progress(done: int, total: int) -> None:
    shown = f"{done:,}/{total:,}" if total else f"{done:,}"
    print(f"\r{t('已处理')} {shown}", end="", file=sys.stderr, flush=True)


def cmd_import(session: Session, args: argparse.Namespace) -> int:
    from services.cli import emit
    from services.excel.reader import best_sheet, open_spreadsheet

    path = Path(args.file)
    if args.kind == "all":
        return _import_workbook(session, args, path)
    book = open_spreadsheet(path, encoding=args.encoding)
    try:
        if args.sheet is not None and args.sheet not in book.sheet_names:
            raise UserError(t("文件“{f}”里没有叫“{s}”的工作表，有：{all}", f=path.name, s=args.sheet,
                              all="、".join(book.sheet_names)))
        sheet = args.sheet or best_sheet(book, args.kind)[0]
        header_row = args.header_row
        if header_row is not None and header_row < 1:
            raise UserError(t("--header-row 从 1 开始数"))
        headers, rows, approx = book.iter_table(sheet, header_row if header_row else _auto_header(book, sheet, args.kind))
        mapping = suggest_mapping(session, args.kind, headers)
        missing = missing_required(args.kind, mapping)
        if missing:
            raise UserError(t("文件“{f}”的表头里找不到：{cols}（现有表头：{h}）", f=path.name, cols="、".join(missing),
                              h="、".join(h for h in headers if h)))
        quiet = args.json or not sys.stderr.isatty()
        result = run_import(session, args.kind, headers, rows,
                            ImportOptions(mapping, args.on_duplicate, args.dry_run),
                            file_name=path.name, sheet=sheet, total=approx,
                            progress=None if quiet else _progress)
        if not quiet:
            print(file=sys.stderr)
        if args.report:
            from services.excel.report import write_error_report

            write_error_report(Path(args.report), headers, result)
    finally:
        book.close()
    emit(args, result.as_dict(), _summary(result, args.dry_run))
    return 0


def _import_workbook(session: Session, args: argparse.Namespace, path: Path) -> int:
    """--kind all: a full workbook (export --all) into a store with no customers; --json prints the
    import batch and the rows read per sheet."""
    from services.cli import emit
    from services.excel.workbook import import_workbook, sheet_names

    quiet = args.json or not sys.stderr.isatty()
    result = import_workbook(session, path, dry_run=args.dry_run, progress=None if quiet else _progress)
    if not quiet:
        print(file=sys.stderr)
    head = (t("（演练，未写入）：整个工作簿都可以导入") if args.dry_run
            else t("导入批次 {id}：已导入整个工作簿", id=result.batch_id))
    names = sheet_names()
    lines = [head] + [f"  {names[k]}: {n}" for k, n in result.sheets.items()]
    emit(args, result.as_dict(), lines)
    return 0


def _auto_header(book: object, sheet: str, kind: str) -> int:
    from services.excel.reader import find_header_row

    return find_header_row(book.preview_rows(sheet), kind)  # type: ignore[attr-defined]


def _summary(result: ImportResult, dry_run: bool) -> list[str]:
    head = t("（演练，未写入）") if dry_run else t("导入批次 {id}", id=result.batch_id)
    lines = [f"{head}：{t('共 {n} 行，新增 {c}，更新 {u}，跳过 {s}', n=result.rows, c=result.created, u=result.updated, s=result.skipped)}"]
    lines += [t("第 {row} 行 [{col}]：{msg}", row=e.row, col=e.column, msg=e.message) for e in result.errors[:50]]
    if len(result.errors) > 50:
        lines.append(t("……还有 {n} 个问题（用 --report 导出全部）", n=len(result.errors) - 50))
    return lines


def cmd_export(session: Session, args: argparse.Namespace) -> int:
    from services.cli import emit
    from services.excel import export, templates

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UserError(t("导出文件要以 .xlsx 结尾：{f}", f=out.name))
    if args.all:
        counts = export.export_all(session, out)
        emit(args, {"out": str(out), "sheets": counts}, [t("已导出到 {f}", f=out)] + [f"  {k}: {v}" for k, v in counts.items()])
        return 0
    if not args.kind:
        raise UserError(t("请用 --kind 说明导出什么，或用 --all 导出全部"))
    if args.template:
        templates.write_template(args.kind, out)
        emit(args, {"out": str(out), "rows": 0}, [t("模板已保存到 {f}", f=out)])
        return 0
    rows = export.export_kind(session, args.kind, out, tag_names=args.tag)
    emit(args, {"out": str(out), "rows": rows}, [t("已导出 {n} 行到 {f}", n=rows, f=out)])
    return 0


def cmd_undo_import(session: Session, args: argparse.Namespace) -> int:
    from services.cli import emit
    from services.excel.undo import UndoConflict, undo_import

    try:
        result = undo_import(session, args.batch_id, force=args.force)
    except UndoConflict as exc:
        raise UserError(exc.message + t("加 --force 仍然撤销。")) from None
    emit(args, {"batch_id": args.batch_id, "removed": result.removed, "restored": result.restored,
                "edited_since": result.edited_since},
         [t("已撤销第 {id} 次导入：删除 {r} 条新增的记录，还原 {s} 处修改", id=args.batch_id, r=result.removed,
            s=result.restored)])
    return 0


def cmd_imports(session: Session, args: argparse.Namespace) -> int:
    from services.cli import emit
    from services.excel.undo import list_batches

    batches = list_batches(session)
    lines = [f"{b.id}\t{b.started_at:%Y-%m-%d %H:%M}\t{b.kind}\t{b.file_name}\t"
             f"{t('新增 {c} 更新 {u} 跳过 {s}', c=b.created, u=b.updated, s=b.skipped)}"
             f"{t('（已撤销）') if b.undone_at else ''}" for b in batches] or [t("还没有导入过")]
    emit(args, {"imports": [{"id": b.id, "kind": b.kind, "file": b.file_name, "at": b.started_at.isoformat(),
                             "created": b.created, "updated": b.updated, "skipped": b.skipped,
                             "undone": b.undone_at is not None} for b in batches]}, lines)
    return 0
