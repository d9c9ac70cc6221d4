"""Setting up the benchmark's machine: Debian packages, interpreters, builds, versions."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from typing import Dict, List, Optional

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
WORK = os.path.join(BENCH, "_work")
PEERS_VENV = os.path.join(BENCH, ".venv-peers")
OURS_VENV = os.path.join(WORK, "venv-ours")

#: what goes into the peers' venv (the official SDK pulls httpx and pydantic)
PEER_REQUIREMENTS = ["jobo-enterprise==4.0.0", "requests", "httpx", "orjson", "pydantic",
                     "pandas", "aiohttp", "msgspec"]
PEER_PACKAGES = ["jobo-enterprise", "httpx", "pydantic", "pydantic-core", "requests",
                 "urllib3", "orjson", "h11", "httpcore", "certifi", "pandas", "numpy",
                 "aiohttp", "msgspec"]

#: Debian packages: (package, a file that proves it is there)
DEBIAN = [
    ("gcc", "/usr/bin/gcc"),
    ("pkg-config", "/usr/bin/pkg-config"),
    ("libcurl4-openssl-dev", "/usr/include/x86_64-linux-gnu/curl/curl.h"),
    ("libcjson-dev", "/usr/include/cjson/cJSON.h"),
]

#: nginx comes from Debian's package, unpacked into bench/_work (``apt-get download`` +
#: ``dpkg-deb -x``) unless the machine has it: installing the package would also start
#: and enable the system's nginx service, which the benchmark does not want.
NGINX_LOCAL = os.path.join(WORK, "nginx-deb", "usr", "sbin", "nginx")


def say(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def _installed(pkg: str) -> bool:
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True,
                       text=True)
    return "install ok installed" in r.stdout


def apt_install(packages: List[str]) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    say(f"apt-get install {' '.join(packages)}")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", *packages], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def ensure_debian(extra: Optional[List[str]] = None) -> None:
    """Install the Debian packages the benchmark needs, when missing."""
    missing = []
    for pkg, proof in DEBIAN:
        if _installed(pkg) or (pkg != "libcurl4-openssl-dev" and os.path.exists(proof)):
            continue
        missing.append(pkg)
    for pkg in extra or ():
        if not _installed(pkg):
            missing.append(pkg)
    if not _python_has(sys.executable, "venv") or not _python_has(sys.executable, "ensurepip"):
        missing.append("python3-venv")
    include = subprocess.run([sys.executable, "-c", "import sysconfig;"
                              "print(sysconfig.get_paths()['include'])"],
                             capture_output=True, text=True).stdout.strip()
    if not os.path.exists(os.path.join(include, "Python.h")) and include.startswith("/usr/"):
        missing.append("python3-dev")  # Debian's interpreter: headers to build the C core
    if missing:
        apt_install(missing)
    ensure_nginx()


def nginx_binary() -> Optional[str]:
    for cand in (shutil.which("nginx"), "/usr/sbin/nginx", NGINX_LOCAL):
        if cand and os.path.exists(cand):
            return cand
    return None


def ensure_nginx() -> str:
    """The nginx binary: the system's, else Debian's package unpacked into bench/_work."""
    found = nginx_binary()
    if found:
        return found
    dest = os.path.dirname(os.path.dirname(os.path.dirname(NGINX_LOCAL)))
    dl = os.path.join(WORK, "deb-download")
    os.makedirs(dl, exist_ok=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    say("unpacking Debian's nginx package into bench/_work (no service is installed)")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "download", "-q", "nginx"], cwd=dl, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deb = sorted(f for f in os.listdir(dl) if f.startswith("nginx_") and f.endswith(".deb"))
    if not deb:
        sys.exit("error: apt-get download nginx gave no package")
    subprocess.run(["dpkg-deb", "-x", os.path.join(dl, deb[-1]), dest], check=True)
    ldd = subprocess.run(["ldd", NGINX_LOCAL], capture_output=True, text=True).stdout
    if "not found" in ldd:  # its libraries (pcre2, ssl, zlib) are missing: install them
        apt_install(["libpcre2-8-0", "libssl3", "zlib1g", "libcrypt1"])
    return NGINX_LOCAL


def _python_has(python: str, module: str) -> bool:
    return subprocess.run([python, "-I", "-c", f"import {module}"],
                          capture_output=True).returncode == 0


def _venv(path: str) -> str:
    python = os.path.join(path, "bin", "python")
    if not os.path.exists(python):
        say(f"creating {os.path.relpath(path, os.path.dirname(BENCH))}")
        subprocess.run([sys.executable, "-m", "venv", path], check=True)
    return python


def _pip(python: str, requirements: List[str], stamp_name: str) -> None:
    stamp = os.path.join(os.path.dirname(os.path.dirname(python)), stamp_name)
    want = json.dumps(requirements)
    if os.path.exists(stamp) and open(stamp).read() == want:
        return
    say(f"pip install {' '.join(requirements)}")
    subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    *requirements], check=True)
    with open(stamp, "w") as fh:
        fh.write(want)


def peers_python() -> str:
    """bench/.venv-peers with the official SDK and the peers."""
    python = _venv(PEERS_VENV)
    _pip(python, PEER_REQUIREMENTS, ".bench-installed")
    return python


def ours_python() -> str:
    """The interpreter that runs our SDK and the sandbox from the repository (PYTHONPATH).

    This interpreter itself when it has ``cryptography`` and ``h2`` (the sandbox needs
    them) and ``pandas`` and ``pyarrow`` (part h), else a small venv in bench/_work with
    only those.
    """
    if all(_python_has(sys.executable, m) for m in ("cryptography", "h2", "pandas", "pyarrow")):
        return sys.executable
    python = _venv(OURS_VENV)
    _pip(python, ["cryptography>=3.4", "h2>=4.1", "setuptools>=61", "wheel", "pandas>=2.0",
                  "pyarrow>=14"], ".bench-installed-h2")
    return python


#: trust-store overrides that some libraries read from the environment; each client is
#: given the benchmark's CA explicitly instead
_CA_VARS = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
            "JOBO_CA_BUNDLE", "JOBO_API_KEY", "JOBO_BASE_URL", "JOBO_ENVIRONMENT")


def _clean_env() -> Dict[str, str]:
    env = dict(os.environ)
    for name in _CA_VARS + ("PYTHONPATH",):
        env.pop(name, None)
    return env


def ours_env() -> Dict[str, str]:
    env = _clean_env()
    # the SDK and the sandbox (its own distribution, in sandbox/) from the repository
    env["PYTHONPATH"] = os.pathsep.join([REPO, os.path.join(REPO, "sandbox")])
    return env


def peers_env() -> Dict[str, str]:
    return _clean_env()


def _extension_path() -> Optional[str]:
    pkg = os.path.join(REPO, "jobo_enterprise")
    for name in os.listdir(pkg):
        if name.startswith("_core.") and name.endswith(".so"):
            return os.path.join(pkg, name)
    return None


def build_ours(python: str) -> str:
    """Build the C core in place when it is missing or older than its sources.

    Returns a note for the report ("built", "up to date", or a warning)."""
    so = _extension_path()
    sources = [os.path.join(REPO, "csrc", f) for f in os.listdir(os.path.join(REPO, "csrc"))]
    sources.append(os.path.join(REPO, "setup.py"))
    newest = max(os.path.getmtime(p) for p in sources)
    tag = subprocess.run([python, "-c", "import sysconfig;print(sysconfig.get_config_var('EXT_SUFFIX'))"],
                         capture_output=True, text=True).stdout.strip()
    if so is not None and so.endswith(tag) and os.path.getmtime(so) >= newest:
        return "in-place build up to date"
    say("building the C core in place (JOBO_STRICT=1 setup.py build_ext --inplace)")
    env = dict(os.environ, JOBO_STRICT="1")
    r = subprocess.run([python, "setup.py", "-q", "build_ext", "--inplace"], cwd=REPO, env=env,
                       capture_output=True, text=True)
    if r.returncode != 0:
        if so is None:
            sys.exit("error: the C core does not build:\n" + r.stderr[-3000:])
        say("warning: the C core did not build; measuring the previous build:\n"
            + r.stderr[-1500:])
        return "WARNING: rebuild failed, measured the previous in-place build"
    return "rebuilt in place"


def build_floor() -> str:
    """Compile bench/floor.c with -O2 against libcurl and cJSON."""
    src = os.path.join(BENCH, "floor.c")
    out = os.path.join(WORK, "floor")
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(src):
        return out
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libcurl", "libcjson"],
                           capture_output=True, text=True, check=True).stdout.split()
    cc = os.environ.get("CC", "cc")
    say("compiling the floor (bench/floor.c)")
    subprocess.run([cc, "-O2", "-Wall", "-Wextra", "-o", out, src, *flags], check=True)
    return out


def machine() -> Dict[str, str]:
    info: Dict[str, str] = {}
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info["cores"] = str(os.cpu_count())
    info["kernel"] = platform.release()
    try:
        with open("/proc/meminfo") as fh:
            kb = int(fh.readline().split()[1])
        info["memory"] = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError):
        pass
    try:
        with open("/etc/debian_version") as fh:
            info["debian"] = fh.read().strip()
    except OSError:
        pass
    return info


def dpkg_version(pkg: str) -> str:
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True,
                       text=True)
    return r.stdout.strip() or "?"
