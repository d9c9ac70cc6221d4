#!/usr/bin/env bash
# test_wheel.sh [PYTEST ARGS]: the tests against the installed wheel, not the checkout.
#
# The wheel for .venv's CPython (./dev wheel) goes into a fresh virtual environment
# outside the checkout, with the sandbox and pytest. The tests run from a copy
# of tests/ (with README.md and examples/, which they read) in a folder where the
# checkout is not importable, inside a private mount namespace where the system's
# libcurl, libcjson and libnghttp2 are bound over by empty files: a library the wheel
# failed to carry cannot load. tests/test_wheel.py then checks, among others, that
# every shared library the extension maps comes from the wheel or the base system.
#
# Without PYTEST ARGS: the tests of the C core and what drives it (transport, HTTP/1.1
# and HTTP/2, decoding, views, errors, hardening, Ctrl-C, threads, leaks, the async
# client on asyncio and uvloop, call options, prefetching, logging, the sandbox
# endpoints, faults and pytest plugin, the CLI, the system CA locations, the C column
# builder behind to_pandas/to_arrow) plus tests/test_wheel.py: about 1100 tests, 5 min
# on 2 cores.
# Left out: what needs large dependencies or tools beside the SDK (mirror, Dask,
# notebook, browser, type checkers, the official package, the canary run), or tests
# the checkout itself (packaging), which ./dev test runs there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# the CPython whose wheel is tested: .venv's, or JOBO_WHEEL_PYTHON (./dev wheel all makes them)
PY=${JOBO_WHEEL_PYTHON:-$ROOT/.venv/bin/python}

say() { printf '[wheel-test] %s\n' "$*" >&2; }

tag=$("$PY" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
whl=$(ls wheelhouse/*-"$tag"-"$tag"-manylinux*.whl 2>/dev/null | tail -1 || true)
if [ -z "$whl" ]; then
    echo "no $tag wheel in wheelhouse/: run ./dev wheel first" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/jobo-wheel-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
say "installing $(basename "$whl") into a fresh venv in $work"
"$PY" -m venv "$work/venv"
# the sandbox, pytest, tqdm (progress bars), uvloop, pytest-asyncio and anyio (the
# async client's tests, the sandbox plugin's with both async plugins): the chosen tests
# need nothing else; the default set also runs the DataFrame/Arrow tests (the C column
# builder), so it adds the pandas extra's pandas and pyarrow
frames=()
if (($# == 0)); then frames=("pandas>=2.1" "pyarrow>=14"); fi
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check ./sandbox "$whl" "pytest>=7" "tqdm>=4.60" \
    "uvloop>=0.17" "pytest-asyncio>=0.23" "anyio>=4" "${frames[@]}" 2> >(grep -v "^WARNING: Location" >&2)
mkdir "$work/src"
# pyproject.toml for pytest's settings only: there is no package beside it to import
cp -r tests README.md examples pyproject.toml "$work/src/"
mkdir "$work/src/sandbox" && cp -r sandbox/tests "$work/src/sandbox/"
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +

# the system's copies of the libraries the wheel must carry
hidden=()
for f in /usr/lib/*/libcurl.so.* /usr/lib/*/libcurl-*.so.* /usr/lib/*/libcjson.so.* \
         /usr/lib/*/libnghttp2.so.*; do
    [ -f "$f" ] && [ ! -L "$f" ] && hidden+=("$f")
done

if (($# == 0)); then
    set -- tests/test_wheel.py tests/test_transport.py tests/test_http2.py \
        tests/test_hardening.py tests/test_hardening_process.py tests/test_views.py \
        tests/test_models.py tests/test_search.py tests/test_security.py \
        tests/test_reliability.py tests/test_interrupt.py tests/test_concurrency.py \
        sandbox/tests/test_sandbox_endpoints.py sandbox/tests/test_sandbox_faults.py tests/test_config.py \
        tests/test_c_core_leaks.py tests/test_cli.py tests/test_surface.py tests/test_system_ca.py \
        tests/test_async.py tests/test_call_options.py tests/test_leaks.py tests/test_prefetch.py \
        tests/test_logging.py tests/test_prescan.py tests/test_typos.py tests/test_resource_layer.py \
        tests/test_official_compat.py sandbox/tests/test_pytest_plugin.py tests/test_frames.py
fi
say "running ${*:-} with ${hidden[*]:-nothing} hidden"
cd "$work/src"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
"${sudo[@]}" env JOBO_HIDDEN="${hidden[*]}" unshare --mount --propagation private -- sh -c '
    for f in $JOBO_HIDDEN; do mount --bind /dev/null "$f"; done
    # the hiding works: the dynamic linker no longer finds a usable system libcurl
    if "$0" -c "import ctypes; ctypes.CDLL(\"libcurl.so.4\")" 2>/dev/null; then
        echo "the system libcurl is still loadable" >&2; exit 1
    fi
    exec env JOBO_WHEEL_TEST=1 "$0" -m pytest -p no:cacheprovider -q "$@"
' "$work/venv/bin/python" "$@"
