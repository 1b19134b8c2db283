"""Where the files KeBen reads at run time live, from the source tree or from the installed bundle.

Everything read at run time — the Alembic migrations, the app icon, licence texts — is found
through `resource_path`, so the frozen app (PyInstaller puts them under `sys._MEIPASS`) reads
nothing from the machine it was built on. Pure Python: models/ and services/ use it too.
"""

from __future__ import annotations

import sys
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parent.parent
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)


def is_frozen() -> bool:
    """True inside the installed app (a PyInstaller bundle)."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def bundle_root() -> Path:
    """The folder the resources are under: the bundle's data folder, or the repository."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else SOURCE_ROOT


def resource_path(*parts: str) -> Path:
    """A file or folder shipped with KeBen, e.g. resource_path("models", "migrations")."""
    return bundle_root().joinpath(*parts)


def icon_file(size: int = 256) -> Path:
    """The app icon as a PNG of the nearest size at least `size` pixels (1024 at most)."""
    chosen = next((s for s in ICON_SIZES if s >= size), ICON_SIZES[-1])
    return resource_path("resources", "icons", f"keben-{chosen}.png")
