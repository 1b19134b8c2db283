"""The Linux package: KeBen's bundle as a .deb (dpkg-deb), with a desktop entry and icons.

Installs the bundle to /opt/keben, a `keben` command in /usr/bin, the menu entry
/usr/share/applications/keben.desktop and the icon in /usr/share/icons/hicolor. The user's data
(~/.local/share/KeBen) is never part of the package: upgrading or removing it leaves the data alone.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path

from resources import ICON_SIZES, SOURCE_ROOT, app_info

PACKAGE = "keben"
INSTALL_DIR = Path("opt") / PACKAGE
# What Qt needs from the system (the bundle carries Qt itself) and a Chinese font: without one,
# Chinese renders as empty boxes. t64 names are Debian 13 / Ubuntu 24.04's, the others older ones.
DEPENDS = (
    "libc6", "libegl1", "libgl1", "libfontconfig1", "libfreetype6", "libxkbcommon0", "libxkbcommon-x11-0",
    "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-shape0", "libxcb-randr0",
    "libxcb-render-util0", "libxcb-image0", "libxcb-xinerama0", "libdbus-1-3",
    "libglib2.0-0t64 | libglib2.0-0",
    "fonts-noto-cjk | fonts-wqy-microhei | fonts-wqy-zenhei",
)


class BuildError(Exception):
    """A build step failed; the message says which and what to do."""


HICOLOR_SIZES = tuple(size for size in ICON_SIZES if size <= 512)

DESKTOP_ENTRY = f"""[Desktop Entry]
Type=Application
Name=KeBen
Name[zh_CN]={app_info.DISPLAY_NAME}
GenericName=Customer book
GenericName[zh_CN]=客户本
Comment=The WeChat seller's customer book
Comment[zh_CN]={app_info.DESCRIPTION}
Exec={PACKAGE}
Icon={PACKAGE}
Terminal=false
Categories=Office;Database;
Keywords=customers;CRM;WeChat;客户;微信;私域;
StartupWMClass=KeBen
"""


def architecture() -> str:
    """The Debian architecture of this machine (dpkg's answer when it is there)."""
    dpkg = shutil.which("dpkg")
    if dpkg:
        return subprocess.run([dpkg, "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def control(arch: str, installed_kb: int) -> str:
    return (f"Package: {PACKAGE}\nVersion: {app_info.VERSION}\nArchitecture: {arch}\n"
            f"Maintainer: {app_info.PUBLISHER}\nInstalled-Size: {installed_kb}\n"
            f"Depends: {', '.join(DEPENDS)}\nSection: office\nPriority: optional\n"
            f"Description: {app_info.DISPLAY_NAME} KeBen - the WeChat seller's customer book\n"
            " Customer notes, tags, purchases and follow-ups in one local SQLite file,\n"
            " and every morning the list of whom to contact. Never automates WeChat.\n")


def _copy_tree(source: Path, target: Path) -> None:
    """Copy the bundle, hard-linking files when on the same file system (a second instead of ten)."""
    def link_or_copy(src: str, dst: str) -> object:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
        return dst

    shutil.copytree(source, target, symlinks=True, copy_function=link_or_copy)


def _normalise_modes(root: Path) -> None:
    """0755 folders and executables, 0644 other files: a package's files must not depend on the
    builder's umask (a temporary folder is 0700)."""
    for folder, _dirs, files in os.walk(root):
        os.chmod(folder, 0o755)
        for name in files:
            path = Path(folder, name)
            if path.is_symlink():
                continue
            mode = path.stat().st_mode
            path.chmod(0o755 if mode & 0o111 else 0o644)


def build_deb(bundle: Path, out_dir: Path, *, fast: bool = False) -> Path:
    """Package `bundle` (PyInstaller's dist/KeBen) as out_dir/keben_<version>_<arch>.deb."""
    dpkg_deb = shutil.which("dpkg-deb")
    if dpkg_deb is None:
        raise BuildError("dpkg-deb not found (Debian/Ubuntu: apt-get install dpkg)")
    arch = architecture()
    out = out_dir / f"{PACKAGE}_{app_info.VERSION}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="keben-deb-", dir=out_dir) as staging:
        root = Path(staging) / "root"
        _copy_tree(bundle, root / INSTALL_DIR)
        bin_dir = root / "usr" / "bin"
        bin_dir.mkdir(parents=True)
        (bin_dir / PACKAGE).symlink_to(Path("..", "..", INSTALL_DIR, app_info.APP_NAME))
        applications = root / "usr" / "share" / "applications"
        applications.mkdir(parents=True)
        (applications / f"{PACKAGE}.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
        for size in HICOLOR_SIZES:
            icon_dir = root / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
            icon_dir.mkdir(parents=True)
            shutil.copyfile(SOURCE_ROOT / "resources" / "icons" / f"keben-{size}.png", icon_dir / f"{PACKAGE}.png")
        doc = root / "usr" / "share" / "doc" / PACKAGE
        doc.mkdir(parents=True)
        (doc / "copyright").write_text(
            f"{app_info.DISPLAY_NAME} KeBen {app_info.VERSION}\n\nThe libraries bundled in /{INSTALL_DIR} and their "
            "licences are listed in KeBen's 关于 (About) dialog; their licence texts are under "
            f"/{INSTALL_DIR}/_internal/resources/licenses and in each library's *.dist-info folder.\n",
            encoding="utf-8")
        installed_kb = sum(f.stat().st_size for f in root.rglob("*") if f.is_file() and not f.is_symlink()) // 1024
        debian = root / "DEBIAN"
        debian.mkdir()
        (debian / "control").write_text(control(arch, installed_kb), encoding="utf-8")
        _normalise_modes(root)
        compression = ["-Zgzip", "-z1"] if fast else ["-Zxz", "-z6"]
        result = subprocess.run([dpkg_deb, "--root-owner-group", *compression, "--build", str(root), str(out)],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BuildError(f"dpkg-deb failed: {result.stderr.strip()[-2000:]}")
    print(f"Linux package: {out} ({out.stat().st_size / 1e6:.0f} MB)")
    return out
