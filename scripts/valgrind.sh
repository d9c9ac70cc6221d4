#!/usr/bin/env bash
# scripts/valgrind.sh: memcheck over a representative subset of the tests.
#
#   scripts/valgrind.sh [PYTEST ARGS...]   default: the subset in SUBSET below
#
# The extension is built with -g in a copy of the tree in a temporary directory (the
# in-place build is left alone) and the tests run from that copy under
#   valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite
# with PYTHONMALLOC=malloc (so memcheck sees every Python object, and a reference the C
# core forgets to drop shows up as a definitely lost block allocated under _core).
#
# It fails when memcheck reports, with a stack that passes through the C core (a frame
# in the _core*.so or in a csrc/ file):
#   - a definitely lost block, or
#   - a memory error: invalid read/write/free, a bad syscall parameter, overlapping
#     memcpy, or the use of an uninitialised value that the C core used itself or whose
#     memory the C core allocated (--track-origins): the interpreter's own reports in
#     Python code the core calls back (a field's _convert running int()) are not ours.
# Everything else (CPython's and OpenSSL's own leftovers at exit, "possibly lost" and
# "still reachable" blocks) is summed up but does not fail the run: filtering on the
# stack replaces a hand-kept suppression file, which would go stale with every CPython
# and OpenSSL release. Forked children are silenced (--child-silent-after-fork): by
# design, a Transport used after fork() forgets, and so leaks, the parent's handles.
#
# The tests run about 30x slower than normal; the subset (SUBSET) is the transport,
# search, security, hardening (echoed keys, hostile text, iterators on the multi
# handle) and sandbox-fault tests, the decode leak loop and the lazy views
# (record.c: every conversion, materialising, detaching, threads; their tracemalloc
# leak loop is left to the normal run): every C path of a
# request (URL and query building, TLS, headers, the body and header caps, decoding,
# each error class, truncated/reset/malformed/empty bodies, timeouts) against the
# real sandbox or a raw socket server.
# Timing-sensitive tests (deadline checks of interrupts, slow drips) are deselected.
# Run time: see fuzz/RESULTS.md (about 2 minutes on the 2-core CI machine).
# In CI, run it with the interpreter that has the test dependencies:
#   PYTHON=.venv/bin/python scripts/valgrind.sh
# Needs: valgrind (Debian package valgrind), gcc, pkg-config, libcurl4-openssl-dev,
# libcjson-dev, and the test dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
# the interpreter binary itself: valgrind must start python, not a wrapper script
# such as pyenv's shim (it does not follow exec'd children here)
PY=$("$PY" -c 'import sys; print(sys.executable)')
START=$(date +%s)
SUBSET=(tests/test_transport.py tests/test_search.py tests/test_security.py
        sandbox/tests/test_sandbox_faults.py tests/test_c_core_leaks.py tests/test_views.py
        tests/test_hardening.py)

say() { printf '[valgrind] %s\n' "$*" >&2; }

command -v valgrind >/dev/null || { say "error: valgrind not found (apt-get install valgrind)"; exit 2; }

# a copy of the tree without build products, in a scratch folder
. scripts/_tree_copy.sh jobo-valgrind

say "building the extension with -g in $WORK/src"
(
    cd "$WORK/src"
    CFLAGS="-g -fno-omit-frame-pointer" "$PY" setup.py -q build_ext --inplace \
        --build-temp "$WORK/build" >"$WORK/logs/build.log" 2>&1
) || { cat "$WORK/logs/build.log" >&2; say "error: the build failed"; exit 1; }
core=$(cd "$WORK/src" && "$PY" -c 'import jobo_enterprise._core as c; print(c.__file__)')
case "$core" in
    "$WORK/src/"*) ;;
    *) say "error: the tests would import $core, not the build of $WORK/src"; exit 1 ;;
esac

args=("$@")
if [ ${#args[@]} -eq 0 ]; then
    for t in "${SUBSET[@]}"; do
        [ -e "$t" ] && args+=("$t")
    done
    # deadline-sensitive under a 30x slowdown; the tracemalloc plateau loop is slow
    # under memcheck and adds nothing to it (memcheck sees every block itself)
    args+=(-k "not interrupt and not sigint and not drip and not delay and not slow and not deadline and not plateau and not huge_100_mib and not do_not_leak and not threads_sharing and not forked")
fi

say "running under memcheck: pytest ${args[*]}"
export PYTHONMALLOC=malloc PYTHONDONTWRITEBYTECODE=1
rc=0
(
    cd "$WORK/src"
    valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=definite --num-callers=50 --track-origins=yes \
        --child-silent-after-fork=yes --xml=yes --xml-file="$WORK/logs/memcheck.xml" \
        --log-file="$WORK/logs/memcheck.log" \
        "$PY" -m pytest -q -p no:cacheprovider -p no:faulthandler "${args[@]}"
) || rc=$?

verdict=0
"$PY" - "$WORK/logs/memcheck.xml" <<'EOF' || verdict=$?
import re
import sys
import xml.etree.ElementTree as ET

MEMORY_ERRORS = {"InvalidRead", "InvalidWrite", "InvalidFree", "MismatchedFree",
                 "UninitCondition", "UninitValue", "SyscallParam", "Overlap",
                 "InvalidMemPool", "FishyValue"}
CORE_OBJ = re.compile(r"/jobo_enterprise/_core[^/]*\.so$")

def frame_dicts(stack):
    return [{t: (f.findtext(t) or "") for t in ("obj", "fn", "dir", "file", "line")}
            for f in stack.findall("frame")]

def frames(err):
    for stack in err.findall("stack"):
        yield from frame_dicts(stack)

def is_core(f):
    return bool(CORE_OBJ.search(f["obj"]) or f["dir"].rstrip("/").endswith("/csrc"))

# allocator frames at the top of an origin stack (the code that asked is below them)
ALLOCATORS = re.compile(r"^(malloc|calloc|realloc|_?PyObject_(Malloc|Calloc|Realloc)|"
                        r"_?PyMem_(Raw)?(Malloc|Calloc|Realloc)|_PyObject_GC_\w+|gc_alloc|"
                        r"PyType_GenericAlloc)$")

# tracemalloc's own bookkeeping (a traceback per traced block, never freed while a
# trace refers to it) is allocated inside whatever allocates, the C core included
BOOKKEEPING = {"traceback_new", "tracemalloc_add_trace", "_PyTraceMalloc_NewReference"}

def ours(err):
    fs = list(frames(err))
    if any(f["fn"] in BOOKKEEPING for f in fs):
        return False
    if not err.findtext("kind").startswith("Uninit"):
        return any(is_core(f) for f in fs)
    # An uninitialised value is ours if the C core used it, or if the C core made the
    # memory it came from. Python code the core calls back (a field's _convert) runs in
    # the interpreter, whose own reports (e.g. int() digits) are not the core's.
    stacks = err.findall("stack")
    use = frame_dicts(stacks[0]) if stacks else []
    if use and is_core(use[0]):
        return True
    if len(stacks) > 1:  # --track-origins: where the value was created
        origin = [f for f in frame_dicts(stacks[1]) if not ALLOCATORS.match(f["fn"])
                  and "vgpreload" not in f["obj"]]
        return bool(origin) and is_core(origin[0])
    return any(is_core(f) for f in fs)

root = ET.parse(sys.argv[1]).getroot()
bad, other = [], {}
for err in root.iter("error"):
    kind = err.findtext("kind")
    leak = kind == "Leak_DefinitelyLost"
    if (leak or kind in MEMORY_ERRORS) and ours(err):
        bad.append(err)
    else:
        other[kind] = other.get(kind, 0) + 1
for err in bad:
    what = err.find("xwhat")
    text = what.findtext("text") if what is not None else err.findtext("what")
    print(f"\n{err.findtext('kind')}: {text}", file=sys.stderr)
    for f in frames(err):
        where = f"{f['dir']}/{f['file']}:{f['line']}" if f["file"] else f["obj"]
        print(f"    {f['fn'] or '???'}  {where}", file=sys.stderr)
summary = ", ".join(f"{k}: {n}" for k, n in sorted(other.items())) or "none"
print(f"[valgrind] reports outside the C core (not failing): {summary}", file=sys.stderr)
print(f"[valgrind] reports through the C core: {len(bad)}", file=sys.stderr)
sys.exit(1 if bad else 0)
EOF

secs=$(( $(date +%s) - START ))
tail -3 "$WORK/logs/memcheck.log" | sed 's/^/[valgrind] /' >&2 || true
if [ $rc -ne 0 ] || [ $verdict -ne 0 ]; then
    keep=1
    say "FAILED after ${secs} s (pytest exit $rc, memcheck verdict $verdict)"
    exit 1
fi
say "clean: no definitely lost block and no memory error through the C core, ${secs} s"
