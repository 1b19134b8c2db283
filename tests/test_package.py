"""The installed app: one resource path, one version, the 关于 dialog, and (slow) the real bundle.

The slow tests build KeBen with PyInstaller into a temporary folder (installer/build.py, ~45 s),
then start the frozen app the way a shop owner's machine would: from `/`, with `env -i` (no Python
on PATH), a fresh HOME and the offscreen Qt platform. The .deb is built, unpacked into a temporary
root and started the same way; the Windows installer script is compiled around the Linux bundle.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from resources import ICON_SIZES, SOURCE_ROOT, app_info, icon_file, resource_path

PYPROJECT_VERSION = tomllib.loads((SOURCE_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


# ---- resource_path and app_info -------------------------------------------------------------------


def test_resources_come_from_the_source_tree_when_not_frozen() -> None:
    from models.db import MIGRATIONS

    assert MIGRATIONS == SOURCE_ROOT / "models" / "migrations"
    assert (MIGRATIONS / "env.py").is_file() and any((MIGRATIONS / "versions").glob("0001_*.py"))
    assert resource_path("resources", "licenses", "LGPL-3.0.txt").is_file()


def test_frozen_resources_and_version_come_from_the_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Inside the bundle (sys._MEIPASS) nothing is read from the source tree: not even the version."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "keben"\nversion = "9.8.7"\n', encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("models", "migrations") == tmp_path / "models" / "migrations"
    assert icon_file(40) == tmp_path / "resources" / "icons" / "keben-48.png"
    assert app_info._project_version() == "9.8.7"


def test_one_version_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    import main

    assert app_info.VERSION == PYPROJECT_VERSION
    with pytest.raises(SystemExit) as exited:
        main.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"KeBen {PYPROJECT_VERSION}"


def _requirement_names(file: Path) -> set[str]:
    names = set()
    for line in file.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[=<>!~;\[ ]", line)[0].lower().replace("_", "-"))
    return names


def test_every_runtime_requirement_has_its_licence_listed() -> None:
    """A library added to requirements.txt must be named in 关于 with its licence text."""
    listed = {library.dist for library in app_info.LIBRARIES}
    missing = _requirement_names(SOURCE_ROOT / "requirements.txt") - listed
    assert not missing, f"add to resources/app_info.LIBRARIES: {sorted(missing)}"
    for library in app_info.bundled_libraries():
        if library.name != "SQLite":  # public domain: no text to show
            assert len(app_info.licence_text(library)) > 200, library.name
    # The charts are our own (ui/charts.py): nothing GPL-only (Qt Charts, PySide6 Addons) is bundled.
    assert not [lib.name for lib in app_info.LIBRARIES if lib.licence.startswith("GPL-3.0")]
    assert "pyside6-addons" not in _requirement_names(SOURCE_ROOT / "requirements.txt")


def test_icons_exist_in_every_size() -> None:
    from PySide6.QtGui import QImage

    for size in ICON_SIZES:
        image = QImage(str(icon_file(size)))
        assert (image.width(), image.height()) == (size, size)
    icons = SOURCE_ROOT / "resources" / "icons"
    assert (icons / "keben.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (icons / "keben.icns").read_bytes()[:4] == b"icns"


def test_about_dialog_shows_version_data_folder_and_licences(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ui.about import AboutDialog

    dialog = AboutDialog(tmp_path, None)
    qtbot.addWidget(dialog)
    assert app_info.VERSION in dialog.title.text()
    assert str(tmp_path) in dialog.data_label.text()
    table = dialog.table
    rows = {table.item(row, 0).text(): table.item(row, 2).text() for row in range(table.rowCount())}
    assert rows["SQLAlchemy"] == "MIT" and rows["qt-material"] == "BSD-2-Clause"
    assert rows["Qt 6 / PySide6 (Essentials)"] == "LGPL-3.0"
    assert not any("Charts" in name for name in rows)
    qt_row = next(row for row in range(table.rowCount()) if table.item(row, 0).text().startswith("Qt 6"))
    table.setCurrentCell(qt_row, 0)
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in dialog.licence.toPlainText()
    table.setCurrentCell(next(row for row in range(table.rowCount()) if table.item(row, 0).text() == "SQLite"), 0)
    assert "Public domain" in dialog.licence.toPlainText()


# ---- the real bundle (slow) -------------------------------------------------------------------------

needs_linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle and .deb")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/KeBen built by installer/build.py into a temporary folder (PyInstaller's cache there too)."""
    base = tmp_path_factory.mktemp("package")
    env = {**os.environ, "HOME": str(base / "home"), "XDG_CACHE_HOME": str(base / "cache"),
           "PYINSTALLER_CONFIG_DIR": str(base / "pyinstaller")}
    result = subprocess.run([sys.executable, "-m", "installer.build", "--dist", str(base / "dist"),
                             "--work", str(base / "work"), "--no-installer"],
                            cwd=SOURCE_ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "bundle:" in result.stdout and " MB" in result.stdout  # make package prints the size
    return base / "dist" / app_info.APP_NAME


def run_frozen(executable: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Start the frozen app as from a desktop: from /, nothing inherited but a HOME and a locale."""
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["env", "-i", f"HOME={home}", "LANG=C.UTF-8", "QT_QPA_PLATFORM=offscreen",
                           str(executable), *args], cwd="/", capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
@needs_linux
def test_frozen_app_starts_and_renders_every_page(bundle: Path, tmp_path: Path) -> None:
    from ui.main_window import PAGES

    executable = bundle / app_info.APP_NAME
    home = tmp_path / "home"
    assert run_frozen(executable, home, "--version").stdout.strip() == f"KeBen {PYPROJECT_VERSION}"
    smoke = run_frozen(executable, home, "--smoke")
    assert smoke.returncode == 0, smoke.stderr[-3000:]
    assert (home / ".local" / "share" / "KeBen" / "keben.db").is_file()
    shots = tmp_path / "shots"
    result = run_frozen(executable, home, "screenshot", "--out", str(shots))
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(p.stem for p in shots.glob("*.png")) == sorted(key for key, _title, _where in PAGES)
    # 团队模式's driver is in the bundle: an unreachable server is a clear message, not a missing module.
    team = run_frozen(executable, home, "--database-url", "postgresql+psycopg://u@127.0.0.1:9/x", "find")
    assert team.returncode == 2 and "无法连接数据库服务器" in team.stderr, team.stderr
    # Nothing from the build machine's Qt that KeBen never uses.
    internal = bundle / "_internal" / "PySide6"
    assert not list(internal.glob("QtWebEngine*")) and not list(internal.glob("QtQml*"))
    assert not list(internal.rglob("libQt6Quick*")) and not list(internal.rglob("libQt6Pdf*"))


@pytest.mark.slow
@needs_linux
def test_deb_installs_a_desktop_entry_icon_and_a_working_app(bundle: Path, tmp_path: Path) -> None:
    from installer.deb import build_deb

    package = build_deb(bundle, tmp_path, fast=True)
    listing = subprocess.run(["dpkg-deb", "-c", str(package)], capture_output=True, text=True, check=True).stdout
    for member in ("./usr/share/applications/keben.desktop", "./usr/share/icons/hicolor/256x256/apps/keben.png",
                   "./usr/share/icons/hicolor/48x48/apps/keben.png", "./opt/keben/KeBen", "./usr/bin/keben"):
        assert re.search(rf" {re.escape(member)}( ->|$)", listing, re.MULTILINE), member
    depends = subprocess.run(["dpkg-deb", "-f", str(package), "Depends", "Version"], capture_output=True,
                             text=True, check=True).stdout
    for needed in ("fonts-noto-cjk", "libegl1", "libfontconfig1", "libxkbcommon-x11-0", "libxcb-cursor0",
                   "libxcb-icccm4", "libxcb-keysyms1"):
        assert needed in depends
    assert f"Version: {PYPROJECT_VERSION}" in depends
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(package), str(root)], check=True)
    desktop = (root / "usr" / "share" / "applications" / "keben.desktop").read_text(encoding="utf-8")
    assert "Exec=keben" in desktop and "Icon=keben" in desktop and "Name[zh_CN]=客本" in desktop
    home = tmp_path / "home"
    smoke = run_frozen(root / "usr" / "bin" / "keben", home, "--smoke")
    assert smoke.returncode == 0, smoke.stderr[-3000:]
    assert (home / ".local" / "share" / "KeBen" / "keben.db").is_file()


@pytest.mark.slow
@needs_linux
def test_windows_installer_script_compiles(bundle: Path, tmp_path: Path) -> None:
    """NSIS's makensis compiles installer/windows/keben.nsi around the Linux bundle as a stand-in."""
    import shutil

    if shutil.which("makensis") is None:
        pytest.skip("makensis missing: run `make packagedeps` (Debian's nsis)")
    from installer.build import build_nsis

    setup = build_nsis(bundle, tmp_path, fast=True)
    assert setup.name == f"KeBen-Setup-{PYPROJECT_VERSION}.exe"
    assert setup.read_bytes()[:2] == b"MZ"  # a Windows executable
