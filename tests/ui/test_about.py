"""The main window's 关于 (F1): version, data folder and licences; the window carries KeBen's icon."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_f1_opens_about_with_this_data_folder(main_window, ctx, qtbot, monkeypatch) -> None:
    from ui.about import AboutDialog

    shown: list[AboutDialog] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self) or 0)
    qtbot.keyClick(main_window, Qt.Key.Key_F1)
    assert len(shown) == 1
    dialog = shown[0]
    qtbot.addWidget(dialog)
    assert str(ctx.store.data_dir.root) in dialog.data_label.text()
    assert dialog.table.rowCount() >= 15


def test_main_window_has_the_app_icon(main_window) -> None:
    sizes = main_window.windowIcon().availableSizes()
    assert sizes and max(size.width() for size in sizes) >= 256
