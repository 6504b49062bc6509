#!/bin/sh
# Install the Debian packages the workbench needs at run time ("run": Qt's X11 runtime) or in its tests ("test":
# Qt offscreen libraries, openssl, desktop-file-validate, poppler-utils' pdftotext, pdffonts and pdftoppm, which
# read reports back as a recipient's tools do), or to build the frozen folder and the .deb ("package":
# the X11 runtime so that every Qt library resolves, binutils for PyInstaller, dpkg-dev for dpkg-shlibdeps). Installs only what is missing, only where apt-get is available and we may
# use it; otherwise names what is missing in one line and carries on.
set -eu
purpose=${1:-run}

common="libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0"
x11="libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xfixes0 libxcb-xkb1 libx11-xcb1"
wayland="libwayland-client0 libwayland-cursor0 libwayland-egl1"
case "$purpose" in
    run) wanted="$common $x11 $wayland" ;;
    test) wanted="$common openssl desktop-file-utils poppler-utils" ;;
    package) wanted="$common $x11 $wayland binutils dpkg-dev desktop-file-utils" ;;
    *) echo "usage: $0 run|test|package" >&2; exit 2 ;;
esac

command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian: nothing to check here
missing=""
for package in $wanted; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    case "$status" in *" installed") ;; *) missing="$missing $package" ;; esac
done
[ -z "$missing" ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
    if [ "$sudo" != none ]; then
        echo "installing system packages:$missing"
        $sudo apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
        exit 0
    fi
fi
echo "workbench: missing system packages (install them with apt):$missing" >&2
