"""The official ``jobo-enterprise`` 4.x package, in a virtual environment of its own.

Both packages are imported as ``jobo_enterprise``, so the official one never shares an
interpreter with ours: :func:`official_python` makes (once, cached by the pinned
version, under a file lock so parallel test processes build it once) a venv with the
official package from PyPI, and :func:`run_official` runs a script in it, isolated
(``-I``) and from a directory where this checkout is not importable. The official
package is never a dependency of ours; it is our peer and our contract.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import tempfile
from typing import Any, Dict, Optional

OFFICIAL_VERSION = "4.0.0"
REQUIREMENT = f"jobo-enterprise=={OFFICIAL_VERSION}"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.environ.get("JOBO_OFFICIAL_VENV") or os.path.join(ROOT, ".venv-official")


def official_python() -> str:
    """The interpreter of the official package's venv, made on first use."""
    python = os.path.join(VENV, "bin", "python")
    stamp = os.path.join(VENV, ".official-installed")
    os.makedirs(os.path.dirname(VENV) or ".", exist_ok=True)
    with open(VENV + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(stamp) as f:
                if f.read().strip() == REQUIREMENT:
                    return python
        except OSError:
            pass
        subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], check=True)
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", REQUIREMENT],
            check=True,
        )
        with open(stamp, "w") as f:
            f.write(REQUIREMENT)
    return python


def run_official(script: str, env: Optional[Dict[str, str]] = None, timeout: float = 120) -> Any:
    """Run ``script`` with the official package; it prints one JSON document on its
    last line of stdout, which is returned decoded."""
    python = official_python()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("JOBO_")}
    full_env.pop("PYTHONPATH", None)
    full_env.update(env or {})
    with tempfile.TemporaryDirectory() as cwd:
        proc = subprocess.run(
            [python, "-I", "-c", script], cwd=cwd, env=full_env, capture_output=True,
            text=True, timeout=timeout,
        )
    if proc.returncode != 0:
        raise AssertionError(f"the official package's script failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
