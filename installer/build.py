"""Build KeBen for the machine this runs on: the PyInstaller bundle, then this platform's installer.

    python -m installer.build                 # what `make package` runs
    python -m installer.build --nsis          # also compile the Windows installer script (a check on Linux)
    python -m installer.build --dist DIR --work DIR --fast --no-installer

Linux: dist/KeBen/ and dist/keben_<version>_<arch>.deb. Windows: dist/KeBen/ (KeBen.exe) and
dist/KeBen-Setup-<version>.exe (needs NSIS's makensis). macOS: dist/KeBen.app and dist/KeBen-<version>.dmg.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from installer import deb  # noqa: E402
from installer.deb import BuildError  # noqa: E402
from resources import app_info  # noqa: E402

SPEC = ROOT / "installer" / "keben.spec"
NSIS_SCRIPT = ROOT / "installer" / "windows" / "keben.nsi"
ICONS = ROOT / "resources" / "icons"


def build_bundle(dist: Path, work: Path) -> Path:
    """Run PyInstaller on installer/keben.spec; returns the bundle folder (KeBen.app on macOS)."""
    started = time.monotonic()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    result = subprocess.run(command, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise BuildError(f"PyInstaller failed (exit {result.returncode}); is requirements-dev.txt installed (make venv)?")
    bundle = dist / (f"{app_info.APP_NAME}.app" if sys.platform == "darwin" else app_info.APP_NAME)
    if not bundle.is_dir():
        raise BuildError(f"PyInstaller finished but {bundle} is missing")
    print(f"bundle: {bundle} ({folder_size(bundle) / 1e6:.0f} MB, built in {time.monotonic() - started:.0f} s)")
    return bundle


def executable(bundle: Path) -> Path:
    if bundle.suffix == ".app":
        return bundle / "Contents" / "MacOS" / app_info.APP_NAME
    return bundle / (f"{app_info.APP_NAME}.exe" if os.name == "nt" else app_info.APP_NAME)


def folder_size(path: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            file = Path(folder, name)
            if not file.is_symlink():
                total += file.stat().st_size
    return total


def numeric_version(version: str) -> str:
    """Windows' four-number file version: "0.2.0rc1" -> "0.2.0.0" (NSIS refuses anything else)."""
    numbers = [re.match(r"\d*", part).group() or "0" for part in version.split(".")[:4]]  # type: ignore[union-attr]
    return ".".join((numbers + ["0"] * 4)[:4])


def build_nsis(bundle: Path, out_dir: Path, *, fast: bool = False) -> Path:
    """Compile installer/windows/keben.nsi around `bundle` (on Linux: the Linux bundle as a stand-in,
    which checks the script)."""
    makensis = shutil.which("makensis")
    if makensis is None:
        raise BuildError("makensis not found: install NSIS (Debian/Ubuntu: scripts/package-deps.sh; "
                         "Windows: choco install nsis)")
    out = out_dir / f"{app_info.APP_NAME}-Setup-{app_info.VERSION}.exe"
    numeric = numeric_version(app_info.VERSION)
    defines = {"VERSION": app_info.VERSION, "VERSION_NUMERIC": numeric, "APP_NAME": app_info.APP_NAME,
               "DISPLAY_NAME": app_info.DISPLAY_NAME, "PUBLISHER": app_info.PUBLISHER,
               "BUNDLE_FILES": str(bundle / "*"), "ICON": str(ICONS / "keben.ico"), "OUTFILE": str(out)}
    option = "/" if os.name == "nt" else "-"
    command = [makensis, f"{option}V2", f"{option}INPUTCHARSET", "UTF8"]
    command += [f"{option}D{key}={value}" for key, value in defines.items()]
    if fast:
        command.append(f"{option}DFAST")
    result = subprocess.run([*command, str(NSIS_SCRIPT)], check=False, capture_output=True, text=True)
    if result.returncode != 0 or not out.is_file():
        raise BuildError(f"makensis failed (exit {result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    print(f"Windows installer: {out} ({out.stat().st_size / 1e6:.0f} MB)")
    return out


def build_dmg(app: Path, out_dir: Path) -> Path:
    """A compressed disk image holding KeBen.app and a link to /Applications (macOS only: hdiutil)."""
    if sys.platform != "darwin":
        raise BuildError("a .dmg can only be built on macOS (hdiutil)")
    staging = out_dir / "dmg"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    subprocess.run(["ditto", str(app), str(staging / app.name)], check=True)  # keeps symlinks, attributes
    (staging / "Applications").symlink_to("/Applications")
    out = out_dir / f"{app_info.APP_NAME}-{app_info.VERSION}.dmg"
    out.unlink(missing_ok=True)
    subprocess.run(["hdiutil", "create", "-volname", f"{app_info.DISPLAY_NAME} {app_info.VERSION}",
                    "-srcfolder", str(staging), "-ov", "-format", "UDZO", str(out)], check=True)
    shutil.rmtree(staging, ignore_errors=True)
    print(f"macOS disk image: {out} ({out.stat().st_size / 1e6:.0f} MB)")
    return out


def build_installer(bundle: Path, out_dir: Path, *, fast: bool = False) -> Path:
    if sys.platform == "darwin":
        return build_dmg(bundle, out_dir)
    if os.name == "nt":
        return build_nsis(bundle, out_dir, fast=fast)
    return deb.build_deb(bundle, out_dir, fast=fast)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="installer.build", description="Build KeBen's bundle and installer.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the bundle and installer go")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's work folder")
    parser.add_argument("--no-installer", action="store_true", help="only the bundle")
    parser.add_argument("--nsis", action="store_true", help="also compile the Windows installer script")
    parser.add_argument("--fast", action="store_true", help="light compression (tests), not for release")
    args = parser.parse_args(argv)
    try:
        bundle = build_bundle(args.dist.resolve(), args.work.resolve())
        if not args.no_installer:
            build_installer(bundle, args.dist.resolve(), fast=args.fast)
        if args.nsis and os.name != "nt":
            build_nsis(bundle, args.dist.resolve(), fast=args.fast)
    except BuildError as exc:
        print(f"installer.build: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
