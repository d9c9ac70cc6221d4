# Sourced by scripts/asan.sh and scripts/valgrind.sh: a scratch folder $WORK (removed
# at exit unless keep=1) holding $WORK/src, a copy of the tree without build products
# (the files git tracks or would track), and $WORK/logs. Needs say() and $1, the
# scratch folder's name stem.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
keep=0
cleanup() { if [ "$keep" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

mkdir -p "$WORK/src" "$WORK/logs"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do
        [ -f "$f" ] && printf '%s\0' "$f"
    done | tar --null -T - -cf - | tar -C "$WORK/src" -xf -
else
    cp -a csrc jobo_enterprise tests setup.py pyproject.toml README.md "$WORK/src/"
fi
find "$WORK/src" \( -name '*.so' -o -name '__pycache__' \) -prune -exec rm -rf {} +
