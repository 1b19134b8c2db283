#!/bin/sh
# What `make package` and the package test need on Debian/Ubuntu besides the venv: binutils
# (PyInstaller reads and strips the bundle's libraries with objdump/strip) and NSIS's makensis
# (compiles the Windows installer script here, so a broken script is caught on Linux). dpkg-deb
# comes with every Debian system. Does nothing on other systems or when present.
set -e
[ "$(uname -s)" = "Linux" ] || exit 0
command -v dpkg-query >/dev/null 2>&1 || exit 0
needed="binutils nsis"
missing=""
for p in $needed; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "打包需要这些系统软件包：$missing（请用管理员身份安装）" >&2; exit 0; fi
echo "Installing system packages for packaging:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
