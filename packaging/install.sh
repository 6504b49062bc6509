#!/bin/sh
# Install the workbench from this offline kit, with no network: Python 3.11 from the system, a virtual
# environment filled by pip --no-index --require-hashes from the kit's own wheels, a `workbench` command, a
# desktop entry and its icon.
#
#   sh install.sh [--key PINNED.pub.pem] [--python PYTHON] [--user] [--prefix DIR] [--no-desktop]
#   sh install.sh --uninstall [--user] [--prefix DIR]
#
# Per user by default (~/.local/share/workbench-kit, ~/.local/bin/workbench, ~/.local/share/applications);
# for every user when run as root (/opt/workbench-kit, /usr/local/bin, /usr/local/share) unless --user is given.
# Before installing it checks the kit: the Ed25519 signature of SHA256SUMS with the pinned key (--key, else
# /etc/workbench/kit-signing-key.pub.pem or ~/.config/workbench/kit-signing-key.pub.pem when present), every
# file's SHA-256, and that the kit holds no file SHA256SUMS does not list. Installing a newer kit replaces the
# installed version only once the new one is complete. Workspaces are never touched, by install or uninstall.
set -eu
umask 022

kit=$(cd "$(dirname "$0")" && pwd)
me=workbench-install

die() { echo "$me: $*" >&2; exit 1; }
note() { echo "$me: $*"; }

usage() {
    cat <<'EOF_USAGE'
usage: sh install.sh [--key PINNED.pub.pem] [--python PYTHON] [--user] [--prefix DIR] [--no-desktop]
       sh install.sh --uninstall [--user] [--prefix DIR]
EOF_USAGE
}

action=install
prefix=""
python=""
key=""
desktop=yes
scope=""
while [ $# -gt 0 ]; do
    case $1 in
        --key) [ $# -ge 2 ] || die "--key needs a file"; key=$2; shift 2 ;;
        --key=*) key=${1#*=}; shift ;;
        --python) [ $# -ge 2 ] || die "--python needs a program"; python=$2; shift 2 ;;
        --python=*) python=${1#*=}; shift ;;
        --prefix) [ $# -ge 2 ] || die "--prefix needs a folder"; prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#*=}; shift ;;
        --no-desktop) desktop=no; shift ;;
        --user) scope=user; shift ;;
        --uninstall) action=uninstall; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done

case $prefix in ""|/*) ;; *) prefix=$(pwd)/$prefix ;; esac
# The copy of this script kept in an installation uninstalls that installation by default.
if [ -z "$prefix" ] && [ -f "$kit/installed-files" ] && [ -d "$kit/versions" ]; then prefix=$kit; fi
[ -n "$scope" ] || { [ "$(id -u)" = 0 ] && scope=system || scope=user; }
if [ "$scope" = system ]; then
    prefix=${prefix:-/opt/workbench-kit}
    bindir=/usr/local/bin
    datadir=/usr/local/share
    keys="/etc/workbench/kit-signing-key.pub.pem"
else
    [ -n "${HOME:-}" ] || die "HOME is not set"
    datahome=${XDG_DATA_HOME:-$HOME/.local/share}
    prefix=${prefix:-$datahome/workbench-kit}
    bindir=$HOME/.local/bin
    datadir=$datahome
    keys="${XDG_CONFIG_HOME:-$HOME/.config}/workbench/kit-signing-key.pub.pem /etc/workbench/kit-signing-key.pub.pem"
fi

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$datadir/applications" ]; then
        update-desktop-database -q "$datadir/applications" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -d "$datadir/icons/hicolor" ]; then
        gtk-update-icon-cache -q -t "$datadir/icons/hicolor" 2>/dev/null || true
    fi
}

# -- uninstall ---------------------------------------------------------------------------------------------------
uninstall() {
    [ -e "$prefix" ] || die "nothing is installed in $prefix"
    [ -f "$prefix/installed-files" ] && [ -d "$prefix/versions" ] \
        || die "$prefix was not made by this installer; nothing removed"
    while IFS= read -r file; do
        case $file in
            /*/icons/hicolor/*/apps/workbench.*)
                rm -f "$file"
                rmdir "$(dirname "$file")" "$(dirname "$(dirname "$file")")" 2>/dev/null || true ;;
            /*) rm -f "$file" ;;
        esac
    done < "$prefix/installed-files"
    rm -rf "$prefix"
    refresh_caches
    note "removed the workbench from $prefix; workspaces and keys in them were not touched"
}

if [ "$action" = uninstall ]; then
    uninstall
    exit 0
fi

# -- check the kit before using any of it ----------------------------------------------------------------------
# Names given relative to where the installer was started must survive the change into the kit's folder.
case $key in ""|/*) ;; *) [ -f "$key" ] && key=$(cd "$(dirname "$key")" && pwd)/$(basename "$key") ;; esac
case $python in */*) [ -x "$python" ] && python=$(cd "$(dirname "$python")" && pwd)/$(basename "$python") ;; esac
cd "$kit"
[ -f VERSION ] && [ -f SHA256SUMS ] && [ -f requirements.txt ] && [ -d wheels ] \
    || die "$kit is not a complete workbench kit"
version=$(cat VERSION)

if [ -z "$key" ]; then
    for candidate in $keys; do
        if [ -f "$candidate" ]; then key=$candidate; break; fi
    done
fi
if [ -n "$key" ]; then
    [ -f "$key" ] || die "no such key file: $key"
    command -v openssl >/dev/null 2>&1 || die "openssl is needed to check the kit's signature"
    [ -f SHA256SUMS.sig ] || die "the kit is not signed (SHA256SUMS.sig is missing): do not install it"
    openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig >/dev/null 2>&1 \
        || die "the kit's signature does not verify with $key: do not install it"
    note "signature of SHA256SUMS verified with $key"
else
    note "warning: no pinned key given (--key): the signature was not checked here; check it with openssl first"
fi
sha256sum --check --strict --quiet SHA256SUMS || die "a file of the kit does not match SHA256SUMS: do not install it"
listed=$(mktemp)
trap 'rm -f "$listed"' EXIT
cut -c67- SHA256SUMS | LC_ALL=C sort > "$listed"
unlisted=$(find . ! -type d ! -name SHA256SUMS ! -name SHA256SUMS.sig | sed 's|^\./||' | LC_ALL=C sort \
           | LC_ALL=C comm -23 - "$listed")
rm -f "$listed"
trap - EXIT
[ -z "$unlisted" ] || die "the kit holds files that SHA256SUMS does not list: $(echo $unlisted)"
note "all files of kit $version match SHA256SUMS"

# -- Python 3.11: the kit's compiled wheels are for CPython 3.11 ------------------------------------------------
is_311() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1; }
py=""
for candidate in ${python:-python3.11 python3}; do
    if command -v "$candidate" >/dev/null 2>&1 && is_311 "$candidate"; then py=$(command -v "$candidate"); break; fi
done
[ -n "$py" ] || die "Python 3.11 is needed (python3.11 or python3 of version 3.11; or give --python PROGRAM)"

# -- a new virtual environment, filled from the kit only ---------------------------------------------------------
set -- wheels/pip-*.whl
[ $# -eq 1 ] && [ -f "$1" ] || die "the kit must hold exactly one pip wheel"
pip_wheel=$kit/$1
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target=$prefix/versions/$version-$stamp
mkdir -p "$prefix/versions"
[ ! -e "$target" ] || die "$target already exists"
trap 'rm -rf "$target"' EXIT
note "installing workbench $version into $target"
# --without-pip: Debian's python3 has no ensurepip unless python3-venv is installed; pip runs from its wheel.
"$py" -m venv --without-pip "$target" || die "could not create a virtual environment with $py"
# pip's configuration on this machine (indexes, find-links, constraints) must not change what is installed.
for variable in $(env | sed -n 's/^\(PIP_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$variable"; done
PIP_CONFIG_FILE=/dev/null PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    "$target/bin/python" "$pip_wheel/pip" install --quiet --no-index --find-links "$kit/wheels" \
    --require-hashes --only-binary :all: --no-cache-dir --requirement "$kit/requirements.txt" \
    || die "pip could not install the kit's wheels; the previous installation is unchanged"
installed=$("$target/bin/workbench" --version) || die "the installed workbench does not start"
[ "$installed" = "workbench $version" ] || die "the installed program says '$installed', expected workbench $version"

# -- switch to the new version, then remove the old ones -----------------------------------------------------
ln -sfn "versions/$version-$stamp" "$prefix/current.new"
mv -T "$prefix/current.new" "$prefix/current"
trap - EXIT
for old in "$prefix"/versions/*; do
    [ "$old" = "$target" ] || rm -rf "$old"
done

manifest=$prefix/installed-files
: > "$manifest.new"
mkdir -p "$bindir"
launcher=$bindir/workbench
if [ -e "$launcher" ] && [ ! -L "$launcher" ]; then
    note "warning: $launcher exists and is not ours; start the workbench as $prefix/current/bin/workbench"
else
    ln -sfn "$prefix/current/bin/workbench" "$launcher"
    echo "$launcher" >> "$manifest.new"
fi

if [ "$desktop" = yes ]; then
    resources=$("$target/bin/python" -c 'import importlib.resources as r; print(r.files("workbench") / "resources" / "icons")')
    icons=$datadir/icons/hicolor
    for png in "$resources"/hicolor/*/apps/workbench.png; do
        [ -f "$png" ] || continue
        size=$(basename "$(dirname "$(dirname "$png")")")
        mkdir -p "$icons/$size/apps"
        cp "$png" "$icons/$size/apps/workbench.png"
        echo "$icons/$size/apps/workbench.png" >> "$manifest.new"
    done
    mkdir -p "$icons/scalable/apps" "$datadir/applications"
    cp "$resources/workbench.svg" "$icons/scalable/apps/workbench.svg"
    echo "$icons/scalable/apps/workbench.svg" >> "$manifest.new"
    entry=$datadir/applications/workbench.desktop
    sed "s|@EXEC@|$prefix/current/bin/workbench|g" "$kit/workbench.desktop.in" > "$entry"
    echo "$entry" >> "$manifest.new"
    refresh_caches
fi
mv "$manifest.new" "$manifest"
cp "$kit/install.sh" "$prefix/install.sh.new" && mv "$prefix/install.sh.new" "$prefix/install.sh"

note "installed workbench $version: run 'workbench' (or $prefix/current/bin/workbench)"
case ":${PATH:-}:" in *":$bindir:"*) ;; *) note "note: $bindir is not on your PATH" ;; esac
note "uninstall with: sh $prefix/install.sh --uninstall"
