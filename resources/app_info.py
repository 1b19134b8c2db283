"""The one place for what identifies KeBen: name, version, bundle identifier, and the libraries
shipped inside the installed app with their licences (shown in 关于, copied into the bundle).

The version is pyproject.toml's: the bundle carries a copy of that file (installer/keben.spec), so
the source tree, the frozen app and the installers built from it never disagree.
"""

from __future__ import annotations

import contextlib
import platform
import sys
import tomllib
from dataclasses import dataclass

from resources import resource_path

APP_NAME = "KeBen"  # the executable, the bundle folder, the data folder's name
DISPLAY_NAME = "客本"
BUNDLE_ID = "app.keben.KeBen"  # macOS bundle identifier; the Linux desktop entry is keben.desktop
PUBLISHER = "KeBen"
DESCRIPTION = "微信私域客户本"


def _project_version() -> str:
    """[project] version of pyproject.toml (beside the code from source, in the bundle when frozen)."""
    try:
        with resource_path("pyproject.toml").open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):  # a broken bundle: tests/test_package.py catches it
        return "0+unknown"


VERSION = _project_version()


@dataclass(frozen=True)
class Library:
    name: str
    dist: str  # the distribution whose metadata (version, licence files) the bundle carries; "" for none
    licence: str
    url: str
    licence_files: tuple[str, ...] = ()  # texts under resources/licenses/ when the distribution ships none
    platform: str = ""  # a sys.platform prefix when only that platform's bundle carries it


_LGPL = ("LGPL-3.0.txt", "GPL-3.0.txt")  # the LGPL is a set of permissions on top of the GPL

# Everything requirements.txt brings into the bundle, its own dependencies included, and what the
# bundle is made of (Python, PyInstaller's bootloader). tests/test_package.py checks this list
# against requirements.txt.
LIBRARIES = (
    Library("Python", "", "PSF-2.0", "https://www.python.org/", ("Python-PSF-2.0.txt",)),
    Library("Qt 6 / PySide6 (Essentials)", "pyside6-essentials", "LGPL-3.0",
            "https://www.qt.io/qt-for-python", _LGPL),
    Library("Shiboken6", "shiboken6", "LGPL-3.0", "https://www.qt.io/qt-for-python", _LGPL),
    Library("qt-material", "qt-material", "BSD-2-Clause", "https://github.com/UN-GCPDS/qt-material"),
    Library("SQLAlchemy", "sqlalchemy", "MIT", "https://www.sqlalchemy.org/"),
    Library("Alembic", "alembic", "MIT", "https://alembic.sqlalchemy.org/"),
    Library("Mako", "mako", "MIT", "https://www.makotemplates.org/"),
    Library("Jinja2", "jinja2", "BSD-3-Clause", "https://palletsprojects.com/p/jinja/"),
    Library("MarkupSafe", "markupsafe", "BSD-3-Clause", "https://palletsprojects.com/p/markupsafe/"),
    Library("typing_extensions", "typing-extensions", "PSF-2.0", "https://github.com/python/typing_extensions"),
    Library("platformdirs", "platformdirs", "MIT", "https://github.com/tox-dev/platformdirs"),
    Library("pypinyin", "pypinyin", "MIT", "https://github.com/mozillazg/python-pinyin"),
    Library("lunar-python", "lunar-python", "MIT", "https://github.com/6tail/lunar-python"),
    Library("python-calamine", "python-calamine", "MIT", "https://github.com/dimastbk/python-calamine"),
    Library("XlsxWriter", "xlsxwriter", "BSD-2-Clause", "https://github.com/jmcnamara/XlsxWriter"),
    # 团队模式 (--database-url postgresql+psycopg://…): the driver and its own libpq and OpenSSL.
    Library("psycopg", "psycopg", "LGPL-3.0", "https://www.psycopg.org/", _LGPL),
    Library("psycopg-binary（含 libpq、OpenSSL）", "psycopg-binary", "LGPL-3.0; libpq: PostgreSQL; OpenSSL: Apache-2.0",
            "https://www.psycopg.org/", _LGPL),
    Library("tzdata", "tzdata", "Apache-2.0", "https://github.com/python/tzdata", platform="win32"),
    Library("SQLite", "", "Public domain", "https://sqlite.org/copyright.html"),
    # The bundle's launcher; its dist-info (with COPYING.txt) is copied into the bundle by the spec.
    Library("PyInstaller（启动程序）", "pyinstaller", "GPL-2.0-or-later WITH Bootloader-exception",
            "https://pyinstaller.org/"),
)
# Qt's own third-party parts (ICU, HarfBuzz, FreeType, PCRE2, zlib, libpng …): listed by Qt.
QT_THIRD_PARTY_URL = "https://doc.qt.io/qt-6/licenses-used-in-qt.html"


def bundled_libraries() -> tuple[Library, ...]:
    """LIBRARIES as this platform's bundle carries them (tzdata only on Windows, where psycopg needs it)."""
    return tuple(library for library in LIBRARIES if sys.platform.startswith(library.platform))


def library_version(library: Library) -> str:
    """The bundled version, from the distribution's metadata ("" when it is not there)."""
    if library.name == "Python":
        return platform.python_version()
    if library.name == "SQLite":
        import sqlite3

        return sqlite3.sqlite_version
    if not library.dist:
        return ""
    import importlib.metadata  # here, not at the top: `keben --version` should not pay for it

    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        return importlib.metadata.version(library.dist)
    return ""


def licence_text(library: Library) -> str:
    """The full licence text: the distribution's own licence files, else the one KeBen ships."""
    import importlib.metadata

    texts: list[str] = []
    if library.dist:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            for file in importlib.metadata.distribution(library.dist).files or ():
                parts = file.parts
                if ".dist-info" in parts[0] and (len(parts) > 2 and parts[1] == "licenses"
                                                  or parts[-1].upper().startswith(("LICENSE", "COPYING"))):
                    with contextlib.suppress(OSError, UnicodeDecodeError):
                        texts.append(file.read_text(encoding="utf-8"))
    if not texts:
        for name in library.licence_files:
            with contextlib.suppress(OSError):
                texts.append(resource_path("resources", "licenses", name).read_text(encoding="utf-8"))
    return "\n\n".join(text.strip() for text in texts)
