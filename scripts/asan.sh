#!/usr/bin/env bash
# scripts/asan.sh: the whole test suite against an ASan + UBSan build of the C core.
#
#   scripts/asan.sh [PYTEST ARGS...]     e.g. scripts/asan.sh -x -k transport
#
# The extension is built (JOBO_SANITIZE=1, gcc: -fsanitize=address,undefined -O1 -g,
# plus -fno-sanitize-recover=all and -fno-wrapv, see below) in a copy of the tree in
# a temporary directory, so the normal in-place build is left alone, and pytest runs
# from that copy: the script checks that the _core it imports is the sanitized one.
#
# Run time: see fuzz/RESULTS.md (on the 2-core CI machine about 1.9x the plain suite,
# which is mostly sleeps and timeouts: 5.5 min for a 3 min suite), so it fits in CI.
# In CI, run it with the interpreter that has the test dependencies:
#   PYTHON=.venv/bin/python scripts/asan.sh Exit status: non-zero when the build fails, a test fails, or ASan/UBSan
# reported anything in any process (the test process or a child it started): reports
# go to log files (log_path), which are printed and fail the run even when the
# process that hit them was a subprocess whose failure a test tolerated.
#
# Environment of the run:
#   LD_PRELOAD=$(gcc -print-file-name=libasan.so)  the ASan runtime must come first, and
#                                 python itself is not built with ASan
#   PYTHONMALLOC=malloc           every Python object through malloc, so ASan sees
#                                 overflows and use-after-free of objects too
#   ASAN_OPTIONS=detect_leaks=0   LeakSanitizer is off: CPython never frees much of
#                                 what it allocates at exit (interned strings, static
#                                 types, module state of other extensions), which LSan
#                                 reports as thousands of leaks that are not ours. Leaks
#                                 of the C core are checked by scripts/valgrind.sh (only
#                                 stacks through _core count), by fuzz/run.sh (LSan on,
#                                 interpreter never finalised) and tests/test_c_core_leaks.py.
#   UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# Needs: gcc (libasan8, libubsan1 come with it), pkg-config, libcurl4-openssl-dev,
# libcjson-dev, and the test dependencies (pytest, cryptography).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}
START=$(date +%s)

say() { printf '[asan] %s\n' "$*" >&2; }

LIBASAN=$(gcc -print-file-name=libasan.so)
[ -f "$LIBASAN" ] || { say "error: no libasan.so from gcc (apt-get install gcc)"; exit 2; }

# a copy of the tree without build products, in a scratch folder
. scripts/_tree_copy.sh jobo-asan

# 2. the sanitized build. Python's own CFLAGS carry -fwrapv, under which gcc does not
# check signed overflow: -fno-wrapv (later on the command line) turns the check back on.
# -fno-sanitize-recover=all: every UBSan report aborts, whatever UBSAN_OPTIONS says.
say "building the ASan/UBSan extension in $WORK/src"
(
    cd "$WORK/src"
    CC=gcc JOBO_SANITIZE=1 CFLAGS="-fno-sanitize-recover=all -fno-wrapv" \
        "$PY" setup.py -q build_ext --inplace --build-temp "$WORK/build" >"$WORK/logs/build.log" 2>&1
) || { cat "$WORK/logs/build.log" >&2; say "error: the build failed"; exit 1; }

export LD_PRELOAD=$LIBASAN${LD_PRELOAD:+:$LD_PRELOAD}
export PYTHONMALLOC=malloc
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=0:log_path=$WORK/logs/asan:print_summary=1${ASAN_EXTRA:+:$ASAN_EXTRA}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$WORK/logs/ubsan"
export PYTHONDONTWRITEBYTECODE=1

# 3. the tests must import the sanitized _core of the copy, not an in-place build
core=$(cd "$WORK/src" && "$PY" -c 'import jobo_enterprise._core as c; print(c.__file__)')
case "$core" in
    "$WORK/src/"*) ;;
    *) say "error: the tests would import $core, not the ASan build"; keep=1; exit 1 ;;
esac
if ! grep -q __asan_init "$core" || ! grep -q __ubsan_handle "$core"; then
    say "error: $core is not built with ASan and UBSan"; exit 1
fi
say "imports $core (ASan+UBSan); build took $(( $(date +%s) - START )) s"

# 4. the whole suite. Sanitizer reports fail the run outright. A failed test is run
# once more: ASan makes every allocation several times slower, and a few tests
# assert on timing (the GIL-release heartbeat ratio, 0.25 s interrupt deadlines) and
# fail now and then under it (about one run in three). A test that fails twice fails
# the run. JOBO_SANITIZER=asan tells tests that want to relax such bounds.
export JOBO_SANITIZER=asan
rc=0
(cd "$WORK/src" && "$PY" -m pytest -q "$@") || rc=$?
reports=$(find "$WORK/logs" -name 'asan.*' -o -name 'ubsan.*' | sort)
if [ $rc -eq 1 ] && [ -z "$reports" ]; then
    say "rerunning the failed tests once (timing under ASan):"
    rc=0
    (cd "$WORK/src" && "$PY" -m pytest -q --lf "$@") || rc=$?
    [ $rc -eq 0 ] && say "the failed tests passed on the rerun: timing-sensitive under ASan, not a sanitizer finding"
    reports=$(find "$WORK/logs" -name 'asan.*' -o -name 'ubsan.*' | sort)
fi

if [ -n "$reports" ]; then
    say "sanitizer reports:"
    for f in $reports; do
        echo "---- $f" >&2
        cat "$f" >&2
    done
    [ $rc -ne 0 ] || rc=1
fi
if [ $rc -ne 0 ]; then
    keep=1
    say "FAILED (exit $rc) after $(( $(date +%s) - START )) s"
else
    say "clean: no ASan/UBSan report, all tests passed, $(( $(date +%s) - START )) s"
fi
exit $rc
