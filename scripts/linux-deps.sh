#!/bin/sh
# Installs what Qt needs on a bare Debian/Ubuntu: its system libraries, a CJK font (without one,
# Chinese renders as empty boxes with no warning) and a colour emoji font (sellers' scripts use 🎁🍵);
# and PostgreSQL (initdb, pg_ctl, pg_dump, pg_trgm), for `make pytest-pg`'s throwaway test server and
# for 团队模式 backups with pg_dump.
# Does nothing on other systems or when present.
set -e
[ "$(uname -s)" = "Linux" ] || exit 0
command -v dpkg-query >/dev/null 2>&1 || exit 0
needed="fonts-noto-cjk fonts-noto-color-emoji libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 postgresql"
missing=""
for p in $needed; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "客本需要这些系统软件包：$missing（请用管理员身份安装）" >&2; exit 0; fi
echo "Installing system packages for Qt and the PostgreSQL tests:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
