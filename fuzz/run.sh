#!/usr/bin/env bash
# fuzz/run.sh: build the libFuzzer harnesses of the C core and run them.
#
#   fuzz/run.sh [SECONDS] [HARNESS...]   build, then fuzz each harness for SECONDS
#                                         (default 20) over fuzz/corpus/<harness>/;
#                                         exit 1 on any crash, leak, UB or oracle failure
#   fuzz/run.sh --build                  only build (fuzz/build/)
#   fuzz/run.sh --seeds                  regenerate the seed inputs (fuzz/make_seeds.py,
#                                         with a local sandbox) into fuzz/build/seeds/
#   fuzz/run.sh --merge [HARNESS...]     minimise fuzz/corpus/<harness>/ together with
#                                         fuzz/build/seeds/ and what runs found (-merge=1)
#   fuzz/run.sh --repro FILE HARNESS     run one input (e.g. a crash-* artifact)
#
# Harnesses: fuzz_headers, fuzz_response, fuzz_decode, fuzz_view, fuzz_text (see each .c file).
# Needs Debian's clang and libclang-rt-14-dev (libFuzzer), libcurl4-openssl-dev,
# libcjson-dev, pkg-config, and a Python built with a shared libpython (pyenv's and
# Debian's are); PYTHON picks the interpreter (default python3).
# New inputs go to fuzz/build/corpus/<harness>/, crashes to fuzz/build/artifacts/;
# the committed corpus changes only with --merge.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
F=$ROOT/fuzz
B=$F/build
PY=${PYTHON:-python3}
CC=${FUZZ_CC:-clang}
ALL=(fuzz_headers fuzz_response fuzz_decode fuzz_view fuzz_text)

say() { printf '[fuzz] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }

build() {
    command -v "$CC" >/dev/null || die "$CC not found: apt-get install clang libclang-rt-14-dev"
    local pyinc pylibdir pyver pyshared
    read -r pyinc pylibdir pyver pyshared < <("$PY" -c '
import sysconfig as s
v = s.get_config_var
print(v("INCLUDEPY"), v("LIBDIR"), v("VERSION"), v("Py_ENABLE_SHARED") or 0)')
    [ "$pyshared" = 1 ] || die "$PY has no shared libpython (needed to embed it)"
    local cflags=(-g -O1 -fno-omit-frame-pointer -std=c99 -D_GNU_SOURCE
                  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                  -I"$pyinc" $(pkg-config --cflags libcurl libcjson)
                  "-DJOBO_FUZZ_ROOT=\"$ROOT\"")
    local libs=(-L"$pylibdir" -lpython"$pyver" -Wl,-rpath,"$pylibdir"
                $(pkg-config --libs libcurl libcjson) -lm -ldl -lpthread)
    mkdir -p "$B/obj"
    # rebuild only what changed (csrc/ is edited by others all the time)
    local objs=() src obj
    for src in "$ROOT"/csrc/*.c "$F/common.c"; do
        obj=$B/obj/$(basename "${src%.c}").o
        if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$ROOT/csrc/jobo.h" -nt "$obj" ] ||
           [ "$F/common.h" -nt "$obj" ] || [ "$0" -nt "$obj" ]; then
            "$CC" "${cflags[@]}" -c "$src" -o "$obj"
        fi
        objs+=("$obj")
    done
    local h
    for h in "${ALL[@]}"; do
        "$CC" "${cflags[@]}" -c "$F/$h.c" -o "$B/obj/$h.o"
        "$CC" -fsanitize=fuzzer,address,undefined -o "$B/$h" "$B/obj/$h.o" "${objs[@]}" "${libs[@]}"
    done
    say "built ${ALL[*]} in $B"
}

sanitizer_env() {
    # Leak checking stays on: the embedded interpreter is never finalised, so all it
    # holds is reachable and a report is a real leak (a lost reference of the C core
    # shows up as an unreachable object). halt_on_error: any UBSan report is a crash.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:handle_abort=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
    export PYTHONMALLOC=malloc
}

run() {
    local secs=$1; shift
    local harnesses=("$@") h rc=0 log execs
    [ ${#harnesses[@]} -gt 0 ] || harnesses=("${ALL[@]}")
    sanitizer_env
    mkdir -p "$B/artifacts" "$B/logs"
    for h in "${harnesses[@]}"; do
        [ -d "$F/corpus/$h" ] || die "no corpus fuzz/corpus/$h"
        mkdir -p "$B/corpus/$h"
        log=$B/logs/$h.log
        say "$h: ${secs}s over fuzz/corpus/$h ($(ls "$F/corpus/$h" | wc -l) files)"
        # -detect_leaks=0: no LSan pass after each input that allocated more than it
        # freed (with an interpreter, most do: a 20-50x slowdown); LSan still runs at
        # exit over everything the run did, and fails the run on any leak.
        if "$B/$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -detect_leaks=0 \
            -dict="$F/jobo.dict" -print_final_stats=1 \
            -artifact_prefix="$B/artifacts/$h-" \
            "$B/corpus/$h" "$F/corpus/$h" >"$log" 2>&1; then
            execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
            say "$h: ok, $execs executions, $(sed -n 's/^stat::average_exec_per_sec: *//p' "$log") exec/s," \
                "coverage $(grep -o 'cov: [0-9]*' "$log" | tail -1)"
        else
            rc=1
            say "$h: FAILED (log: $log); the input is in $B/artifacts/"
            if grep -qE 'ERROR: |runtime error|FINDING' "$log"; then
                grep -E -A 40 'ERROR: |runtime error|FINDING' "$log" | head -80 >&2
            else
                tail -40 "$log" >&2
            fi
            if grep -q LeakSanitizer "$log"; then
                say "$h: a leak, found by LSan at exit (not tied to one input). Full stacks:" \
                    "ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 fuzz/run.sh $secs $h"
            fi
        fi
    done
    return $rc
}

merge() {
    # The seeds (seed-*) are kept whole: most of what makes them interesting
    # happens inside cJSON, which is not instrumented, so coverage alone would
    # drop them. Everything else (found by fuzzing) is minimised against them, on
    # edges only (-use_counters=0), which keeps the committed corpus small.
    local harnesses=("$@") h new
    [ ${#harnesses[@]} -gt 0 ] || harnesses=("${ALL[@]}")
    sanitizer_env
    for h in "${harnesses[@]}"; do
        new=$B/merged/$h
        rm -rf "$new"
        mkdir -p "$new" "$B/corpus/$h" "$F/corpus/$h"
        if [ -d "$B/seeds/$h" ]; then
            cp "$B/seeds/$h"/seed-* "$new/"
        else
            find "$F/corpus/$h" -name 'seed-*' -exec cp {} "$new/" \;
        fi
        "$B/$h" -merge=1 -use_counters=0 -detect_leaks=0 -timeout=10 -rss_limit_mb=4096 \
            "$new" "$F/corpus/$h" "$B/corpus/$h" >"$B/logs/$h.merge.log" 2>&1 ||
            { tail -30 "$B/logs/$h.merge.log" >&2; die "merge of $h failed"; }
        rm -rf "$F/corpus/$h"
        mkdir -p "$F/corpus/$h"
        cp "$new"/* "$F/corpus/$h/"
        say "$h: fuzz/corpus/$h now $(ls "$F/corpus/$h" | wc -l) files" \
            "($(ls "$F/corpus/$h" | grep -c '^seed-') seeds), $(du -sh "$F/corpus/$h" | cut -f1)"
    done
}

mkdir -p "$B/logs"
case "${1:-}" in
    --build) build ;;
    --seeds) "$PY" "$F/make_seeds.py" "$B/seeds" ;;
    --merge) shift; build; merge "$@" ;;
    --repro)
        [ $# -eq 3 ] || die "usage: fuzz/run.sh --repro FILE HARNESS"
        build; sanitizer_env; exec "$B/$3" "$2" ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' ;;
    *)
        secs=${1:-20}
        [[ $secs =~ ^[0-9]+$ ]] || die "SECONDS must be a number"
        [ $# -gt 0 ] && shift
        build
        run "$secs" "$@"
        ;;
esac
