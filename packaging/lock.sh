#!/bin/sh
# Regenerate the two lock files from their sources, for the kit's one target: Linux x86_64 (glibc 2.34 or newer,
# the floor of Qt for Python's wheels), CPython 3.11, wheels only.
#   packaging/lock/runtime.txt  <- pyproject.toml [project.dependencies] + packaging/lock/kit.in   (the kit)
#   packaging/lock/build.txt    <- packaging/lock/build.in, constrained by runtime.txt              (build tools)
# Versions already pinned are kept unless a source asks otherwise, so adding one dependency to pyproject.toml
# changes only what it brings; `make lock-upgrade` passes --upgrade to move everything to the newest release.
# The result depends only on these sources and the index's contents, not on this machine (uv resolves for the
# target platform named below, ignores pip's and uv's user configuration, and hashes every file it pins).
set -eu
cd "$(dirname "$0")/.."
uv=${UV:-build/venv-packaging/bin/uv}
set -- --no-config --quiet --generate-hashes --only-binary :all: \
    --python-version 3.11 --python-platform x86_64-manylinux_2_34 \
    --custom-compile-command "make lock" "$@"
"$uv" pip compile "$@" pyproject.toml packaging/lock/kit.in -o packaging/lock/runtime.txt
"$uv" pip compile "$@" packaging/lock/build.in -c packaging/lock/runtime.txt -o packaging/lock/build.txt
echo "lock files written: packaging/lock/runtime.txt packaging/lock/build.txt"
