#!/usr/bin/env bash
# bench/profile.sh: callgrind (and cProfile) over benchmarks (a) and (b) for our SDK;
# writes bench/PROFILE.md. Installs valgrind with apt-get when missing.
#
#   bench/profile.sh [--calls 200] [--pages 2] [--top 20]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v valgrind >/dev/null 2>&1; then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq valgrind >/dev/null
fi
exec "${PYTHON:-python3}" -m bench.profile "$@"
