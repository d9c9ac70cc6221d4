"""Per-operation costs from two callgrind runs: ``(run with N operations − run with 0) / N``.

The run with 0 operations has the same start-up (interpreter, imports, client, TLS
handshake, warm-up), so the difference is the cost of the N measured operations only:
instruction counts (Ir) per function, self and inclusive, divided by N.

    python3 -m bench.cgdiff OUT_N OUT_0 N [--top 25] [--title T]

prints Markdown tables (used by bench/profile.sh for bench/PROFILE.md).
"""

from __future__ import annotations

import argparse
import re
import subprocess
from typing import Dict, List, Tuple

_LINE = re.compile(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*?)\s*$")


def annotate(path: str, inclusive: bool) -> Tuple[int, Dict[str, int]]:
    r = subprocess.run(["callgrind_annotate", "--auto=no",
                        f"--inclusive={'yes' if inclusive else 'no'}",
                        "--threshold=100", path], capture_output=True, text=True, check=True)
    total = 0
    costs: Dict[str, int] = {}
    for line in r.stdout.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        n = int(m.group(1).replace(",", ""))
        name = m.group(2)
        if name.startswith("PROGRAM TOTALS"):
            total = n
            continue
        if ":" not in name:
            continue
        if inclusive and re.search(r"'\d+(\s|$)", name):
            continue  # a recursive activation: the outermost one has the true inclusive cost
        if "[" not in name:
            continue  # an inlined-header alias of a function listed with its object
        costs[_short(name)] = costs.get(_short(name), 0) + n
    return total, costs


def _short(name: str) -> str:
    """'path/file.c:func'N [obj]' -> 'func (file.c, obj)' with recursion marks folded."""
    obj = ""
    m = re.match(r"^(.*?)\s+\[(.*)\]$", name)
    if m:
        name, obj = m.group(1), m.group(2).rsplit("/", 1)[-1]
    file, _, func = name.rpartition(":")
    func = re.sub(r"'\d+$", "", func)
    file = file.rsplit("/", 1)[-1]
    where = ", ".join(x for x in (file if file not in ("???", "") else "", obj) if x)
    return f"{func} ({where})" if where else func


def diff(path_n: str, path_0: str, n: int, inclusive: bool) -> Tuple[float, List[Tuple[str, float]]]:
    tn, cn = annotate(path_n, inclusive)
    t0, c0 = annotate(path_0, inclusive)
    per = {k: (v - c0.get(k, 0)) / n for k, v in cn.items()}
    return (tn - t0) / n, sorted(per.items(), key=lambda kv: -kv[1])


def table(path_n: str, path_0: str, n: int, top: int, inclusive: bool) -> str:
    total, rows = diff(path_n, path_0, n, inclusive)
    kind = "inclusive" if inclusive else "self"
    out = [f"| {kind} Ir per op | % | function |", "|---:|---:|---|"]
    shown = 0
    for name, v in rows:
        if v <= 0 or shown >= top:
            break
        if inclusive and v > 0.97 * total:
            continue  # the interpreter's main loop and callers of everything
        out.append(f"| {v:,.0f} | {100 * v / total:.1f} | `{name}` |")
        shown += 1
    return "\n".join(out)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("out_n")
    p.add_argument("out_0")
    p.add_argument("n", type=int)
    p.add_argument("--top", type=int, default=25)
    args = p.parse_args()
    total, _ = diff(args.out_n, args.out_0, args.n, False)
    print(f"Total: {total:,.0f} instructions per operation\n")
    print(table(args.out_n, args.out_0, args.n, args.top, False))
    print()
    print(table(args.out_n, args.out_0, args.n, args.top, True))


if __name__ == "__main__":
    main()
