#!/usr/bin/env bash
# scripts/pythons.sh: the wheel of every other CPython the package supports, installed
# and tested as a user gets it.
#
#   scripts/pythons.sh [VERSION ...]     default: 3.9 3.10 3.12 3.13
#
# For each version: its self-contained manylinux wheel from wheelhouse/ (`./dev wheel
# all` makes them, with the C core compiled -Wall -Wextra -Werror from the sdist; one
# that is missing or older than the sources is built here by scripts/wheel.sh, which
# reuses the cached minimal libcurl), installed by scripts/test_wheel.sh into a fresh
# venv outside the checkout, and a fast subset of the suite run against it from a copy
# of tests/, with the system's libcurl, libcjson and libnghttp2 hidden in a private
# mount namespace: the C core (transport, views, decoding, reference counts, Ctrl-C),
# every endpoint through the sandbox over HTTP/1.1 and HTTP/2, the typed errors, the
# import checks, the wheel's own checks (tests/test_wheel.py: every library the
# extension maps comes from the wheel) and the system CA locations. 3.11 is not in the
# default list: `./dev wheel-test` runs a larger part of the suite on its wheel and
# `./dev test` the whole suite on the checkout. pyproject.toml's requires-python and
# classifiers name exactly these versions and 3.11 (tests/test_distribution.py checks
# that they agree).
#
# The interpreters come from pyenv ($PYENV_ROOT, else ~/.pyenv: the newest X.Y.* there),
# else from `pythonX.Y` on PATH; a missing one fails the run.
#
# Time on the 2-core CI machine, per version: about 20 s for the fresh venv (the wheel,
# the sandbox, pytest; pip's cache warm after the first) and 35 s for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

DEFAULT_VERSIONS=(3.9 3.10 3.12 3.13)
SUBSET=(
    tests/test_wheel.py          # the wheel is self-contained: libraries, licences, CA file
    tests/test_transport.py      # the C transport: wire, usage headers, errors, TLS, timeouts
    tests/test_views.py          # record.c: lazy views, typed fields, the module-state lookup
    tests/test_c_core_leaks.py   # reference counts and memory of the decoder
    tests/test_interrupt.py      # Ctrl-C in the handshake, headers, body and retry sleep
    tests/test_surface.py        # every endpoint through our names, HTTP/1.1 and HTTP/2
    tests/test_search.py         # search, filters and each typed API error by key
    tests/test_models.py         # the Python layer's models and conversions
    tests/test_pythons.py        # what the compat.h shims must do
    tests/test_install.py        # the import checks (missing library, both distributions)
    tests/test_system_ca.py      # the bundled libcurl trusts each system CA location
)
# slow loops (a minute and 15 s on a busy machine) that the whole suite on 3.11 runs; the
# quick reference-count tests of the same files stay
DESELECT=(
    --deselect tests/test_views.py::test_reading_materialising_and_cycles_do_not_leak
    --deselect tests/test_c_core_leaks.py::test_decode_loop_memory_plateaus
)

say() { printf '[pythons] %s\n' "$*" >&2; }

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

stale() {  # WHEEL -> true when a source the wheel is built from is newer than it
    local whl=$1
    [ -n "$(find csrc jobo_enterprise setup.py pyproject.toml MANIFEST.in -newer "$whl" \
        -type f ! -name '*.so' ! -name '*.pyc' -print -quit 2>/dev/null)" ]
}

versions=("$@")
((${#versions[@]})) || versions=("${DEFAULT_VERSIONS[@]}")
failed=()
for v in "${versions[@]}"; do
    start=$SECONDS
    py=$(find_python "$v")
    tag="cp${v/./}"
    whl=$(ls wheelhouse/*-"$tag"-"$tag"-manylinux*.whl 2>/dev/null | tail -1 || true)
    if [ -z "$whl" ] || stale "$whl"; then
        say "$v: building the $tag wheel"
        if ! scripts/wheel.sh "$py"; then
            failed+=("$v (wheel)")
            continue
        fi
    fi
    if ! JOBO_WHEEL_PYTHON="$py" scripts/test_wheel.sh "${SUBSET[@]}" "${DESELECT[@]}"; then
        failed+=("$v (tests)")
    fi
    say "$v: $((SECONDS - start)) s"
done
if ((${#failed[@]})); then
    say "FAILED on: ${failed[*]}"
    exit 1
fi
say "passed on CPython ${versions[*]}, each from its installed wheel"
