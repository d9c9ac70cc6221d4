#!/usr/bin/env bash
# scripts/pythons.sh: the C core on every CPython the package supports.
#
#   scripts/pythons.sh [VERSION ...]     default: 3.9 3.10 3.12 3.13
#
# For each version: a virtual environment of its own (.venv-pythons/), the C extension
# built there with -Wall -Wextra -Werror, then a fast subset of the suite that covers the C
# core (transport, views, decoding, reference counts, Ctrl-C), every endpoint through the
# sandbox over HTTP/1.1 and HTTP/2, the typed errors and the import checks. 3.11 is not in
# the default list: `./dev test` builds the core on it the same way and runs the whole
# suite there. pyproject.toml's requires-python and classifiers name exactly these
# versions and 3.11 (tests/test_distribution.py checks that they agree).
#
# The interpreters come from pyenv ($PYENV_ROOT, else ~/.pyenv: the newest X.Y.* there),
# else from `pythonX.Y` on PATH; a missing one fails the run.
#
# What is expensive is cached, keyed by the hash of its inputs:
#   .venv-pythons/<X.Y>-<hash>/          the venv with the test requirements (hash of the
#                                        interpreter's version and REQUIREMENTS below)
#   .venv-pythons/ext/<X.Y>-<hash>/      the built extension (hash of csrc/, setup.py,
#                                        the interpreter, the compiler, libcurl and cJSON)
# The checkout is put on each venv's path by a .pth file. The extension is built in place
# (one file per interpreter: _core.cpython-39-....so beside _core.cpython-311-....so) and
# removed from the tree again at the end, so that no build of another Python is left in
# jobo_enterprise/ for a wheel or an sdist to pick up; its cached copy stays.
#
# Time on the 2-core CI machine (fresh, nothing cached): per version about 25 s for the
# venv, 30 s for the build and 40 s for the tests; cached, about 45 s per version.
set -euo pipefail
cd "$(dirname "$0")/.."

DEFAULT_VERSIONS=(3.9 3.10 3.12 3.13)
# what the subset needs: pytest, the sandbox's dependencies, setuptools to build
REQUIREMENTS=(pytest "cryptography>=3.4" "h2>=4.1" "setuptools>=61" wheel)
SUBSET=(
    tests/test_transport.py      # the C transport: wire, usage headers, errors, TLS, timeouts
    tests/test_views.py          # record.c: lazy views, typed fields, the module-state lookup
    tests/test_c_core_leaks.py   # reference counts and memory of the decoder
    tests/test_interrupt.py      # Ctrl-C in the handshake, headers, body and retry sleep
    tests/test_surface.py        # every endpoint through our names, HTTP/1.1 and HTTP/2
    tests/test_search.py         # search, filters and each typed API error by key
    tests/test_models.py         # the Python layer's models and conversions
    tests/test_pythons.py        # what the compat.h shims must do
    tests/test_install.py        # the import checks (missing library, both distributions)
)
# slow loops (a minute and 15 s on a busy machine) that the whole suite on 3.11 runs; the
# quick reference-count tests of the same files stay
DESELECT=(
    --deselect tests/test_views.py::test_reading_materialising_and_cycles_do_not_leak
    --deselect tests/test_c_core_leaks.py::test_decode_loop_memory_plateaus
)
CACHE=.venv-pythons

say() { printf '[pythons] %s\n' "$*" >&2; }
hash_of() { sha256sum | cut -c1-16; }

find_python() {  # X.Y -> the path of a CPython X.Y interpreter
    local v=$1 root=${PYENV_ROOT:-$HOME/.pyenv} dir
    for dir in $(ls -d "$root/versions/$v".* 2>/dev/null | sort -V -r); do
        if [ -x "$dir/bin/python$v" ] && [[ $(basename "$dir") =~ ^$v\.[0-9]+$ ]]; then
            echo "$dir/bin/python$v"
            return
        fi
    done
    command -v "python$v" || { say "no CPython $v (pyenv or python$v on PATH)"; return 1; }
}

venv_for() {  # X.Y PYTHON -> the path of a venv with REQUIREMENTS, made once per hash
    local v=$1 py=$2 key dir
    key=$({ "$py" -VV; printf '%s\n' "${REQUIREMENTS[@]}"; } | hash_of)
    dir="$CACHE/$v-$key"
    if [ ! -f "$dir/.complete" ]; then
        rm -rf "$CACHE/$v"-*
        say "$v: creating $dir"
        "$py" -m venv "$dir"
        "$dir/bin/python" -m pip install -q --disable-pip-version-check "${REQUIREMENTS[@]}"
        touch "$dir/.complete"
    fi
    # the checkout and the sandbox (a pure-Python distribution) on the path, also for
    # the subprocesses of the tests (python -I keeps site-packages)
    local site
    site=$("$dir/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    printf '%s\n%s\n' "$PWD" "$PWD/sandbox" >"$site/jobo-enterprise-checkout.pth"
    echo "$dir"
}

build_for() {  # X.Y VENV -> the extension built in place for that venv's interpreter
    local v=$1 venv=$2 py key dir suffix
    py="$venv/bin/python"
    suffix=$("$py" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
    key=$({
        cat csrc/*.c csrc/*.h setup.py
        "$py" -VV
        gcc --version | head -1
        pkg-config --modversion libcurl libcjson 2>/dev/null || true
    } | hash_of)
    dir="$CACHE/ext/$v-$key"
    if [ ! -f "$dir/_core$suffix" ]; then
        rm -rf "$CACHE/ext/$v"-*
        say "$v: building the C extension (-Wall -Wextra -Werror)"
        mkdir -p "$dir"
        JOBO_STRICT=1 "$py" setup.py -q build_ext --inplace --force -j 2 \
            --build-temp "$CACHE/ext/tmp-$v" >"$dir/build.log" 2>&1 || {
            cat "$dir/build.log" >&2
            say "$v: the C extension does not build"
            return 1
        }
        cp "jobo_enterprise/_core$suffix" "$dir/"
    else
        cp "$dir/_core$suffix" "jobo_enterprise/_core$suffix"
    fi
}

placed=()
remove_placed() { ((${#placed[@]})) && rm -f "${placed[@]}"; return 0; }
trap remove_placed EXIT

versions=("$@")
((${#versions[@]})) || versions=("${DEFAULT_VERSIONS[@]}")
mkdir -p "$CACHE/ext"
failed=()
for v in "${versions[@]}"; do
    start=$SECONDS
    py=$(find_python "$v")
    venv=$(venv_for "$v" "$py")
    ext="jobo_enterprise/_core$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')"
    [ -e "$ext" ] || placed+=("$ext")  # a build that was there before (./dev setup's) stays
    if ! build_for "$v" "$venv"; then
        failed+=("$v (build)")
        continue
    fi
    say "$v: $("$venv/bin/python" -c 'import sys, jobo_enterprise as j; print(sys.version.split()[0], "imports jobo_enterprise", j.__version__)')"
    if ! "$venv/bin/python" -m pytest -q -p no:cacheprovider "${SUBSET[@]}" "${DESELECT[@]}"; then
        failed+=("$v (tests)")
    fi
    say "$v: $((SECONDS - start)) s"
done
if ((${#failed[@]})); then
    say "FAILED on: ${failed[*]}"
    exit 1
fi
say "passed on CPython ${versions[*]}"
