"""The sdist builds anywhere, carries what a source build and the tests need, and a
source build finds its libraries or says in one sentence what to install.

The sdist is made with ``python -m build --sdist`` (no isolation: setuptools from
this environment) with neither pkg-config nor a compiler on PATH and, where a private
mount namespace is possible (root), with the libcurl and cJSON headers hidden.
"""

from __future__ import annotations

import glob
import os
import re
import runpy
import shutil
import subprocess
import sys
import tarfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CJSON = os.path.join(ROOT, "third_party", "cjson")
HINT = runpy.run_path(os.path.join(ROOT, "jobo_enterprise", "_install.py"))["LIBRARIES_HINT"]

pytestmark = [
    pytest.mark.skipif(not os.path.isfile(os.path.join(ROOT, "setup.py")),
                       reason="runs from a checkout or an unpacked sdist"),
]


def _can_unshare():
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


UNSHARE = _can_unshare()


def _hiding(paths, cmd):
    """cmd, run in a private mount namespace where each existing path in paths is
    replaced by an empty folder (or an empty file); cmd unchanged without one."""
    if not UNSHARE:
        return cmd
    mount = shutil.which("mount")
    script = ('for p in "$@"; do case "$p" in --) break;; esac; '
              f'if [ -d "$p" ]; then {mount} -t tmpfs none "$p"; elif [ -e "$p" ]; then '
              f'{mount} --bind /dev/null "$p"; fi; shift; done; shift; exec "$@"')
    return [shutil.which("unshare"), "--mount", "--propagation", "private", "/bin/sh", "-c",
            script, "sh", *paths, "--", *cmd]


HEADERS = [d for pattern in ("/usr/include/curl", "/usr/include/*/curl", "/usr/include/cjson",
                             "/usr/include/*/cjson", "/usr/local/include/curl")
           for d in glob.glob(pattern)]


def _bare_path(tmp_path, *tools):
    """A PATH with only the named tools (no pkg-config, no curl-config)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in tools:
        target = sys.executable if tool == "python" else shutil.which(tool)
        if target and not (bin_dir / tool).exists():
            (bin_dir / tool).symlink_to(target)
    return str(bin_dir)


@pytest.fixture(scope="module")
def sdist(tmp_path_factory):
    if not os.path.isfile(os.path.join(CJSON, "cJSON.c")):
        pytest.skip("the cJSON sources are not fetched (scripts/bundle.sh cjson; ./dev test does)")
    tmp = tmp_path_factory.mktemp("sdist")
    env = dict(os.environ, PATH=_bare_path(tmp, "python"))
    out = subprocess.run(
        # (with the dependency check: this environment must satisfy [build-system])
        _hiding(HEADERS, [sys.executable, "-m", "build", "--sdist", "--no-isolation",
                          "--outdir", str(tmp / "dist"), ROOT]),
        capture_output=True, text=True, env=env, timeout=120, cwd=str(tmp))
    assert out.returncode == 0, out.stdout + out.stderr
    (path,) = glob.glob(str(tmp / "dist" / "*.tar.gz"))
    return path


@pytest.fixture(scope="module")
def unpacked(sdist, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp)
    (top,) = tmp.iterdir()
    return top


def test_sdist_builds_without_pkg_config_compiler_or_headers(sdist):
    assert os.path.basename(sdist).startswith("jobo_enterprise_native-")
    if not UNSHARE:
        pytest.skip("built without pkg-config or a compiler, but the headers stayed visible "
                    "(no private mount namespace here)")


def test_sdist_is_named_as_pep_625_asks(sdist):
    """The normalised name (underscores) and version, also for its top folder: PyPI
    refuses other sdist names. setuptools 69.3 is the first to write them, so the
    [build-system] table asks for it."""
    version = runpy.run_path(os.path.join(ROOT, "jobo_enterprise", "_version.py"))["__version__"]
    stem = f"jobo_enterprise_native-{version}"
    assert os.path.basename(sdist) == f"{stem}.tar.gz"
    with tarfile.open(sdist) as tar:
        assert {n.split("/", 1)[0] for n in tar.getnames()} == {stem}
        pkg_info = tar.extractfile(f"{stem}/PKG-INFO").read().decode()
    assert re.search(r"^Name: jobo-enterprise-native$", pkg_info, re.M)
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        requires = re.search(r"^\[build-system\]\s*(?:#.*\n)*requires = (\[.*\])", f.read(), re.M).group(1)
    assert '"setuptools>=69.3"' in requires


def test_sdist_carries_the_tests_cjson_and_its_licence(sdist):
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in ("setup.py", "pyproject.toml", "MANIFEST.in", "README.md",
                   "jobo_enterprise/_install.py", "jobo_enterprise/_core.pyi",
                   "jobo_enterprise/py.typed", "csrc/jobo.h", "csrc/module.c",
                   "third_party/cjson/cJSON.c", "third_party/cjson/cJSON.h",
                   "third_party/cjson/LICENSE", "third_party/cjson/SOURCE",
                   "tests/conftest.py", "tests/rawserver.py", "tests/keys.py",
                   "tests/test_transport.py", "tests/typecheck/correct.py",
                   "examples/explore.ipynb"):
        assert needed in names, needed
    tests_in_checkout = {f"tests/{f}" for f in os.listdir(os.path.join(ROOT, "tests"))
                         if f.endswith(".py")}
    assert tests_in_checkout <= names
    assert not [n for n in names if n.endswith((".so", ".pyc")) or "_bundled" in n]


def test_a_source_build_without_libcurl_names_the_packages_to_install(unpacked, tmp_path):
    """With libcurl's headers hidden and no pkg-config or curl-config on PATH, the
    build stops with the one hint, naming each platform's package."""
    if not UNSHARE:
        pytest.skip("hiding the libcurl headers needs a private mount namespace (root)")
    env = dict(os.environ, PATH=_bare_path(tmp_path, "python", "gcc", "cc", "as", "ld"))
    out = subprocess.run(
        _hiding(HEADERS, [sys.executable, "setup.py", "build_ext", "--build-temp",
                          str(tmp_path / "temp"), "--build-lib", str(tmp_path / "lib")]),
        capture_output=True, text=True, env=env, timeout=120, cwd=str(unpacked))
    assert out.returncode != 0
    last = out.stderr.strip().splitlines()[-1]
    assert last == "error: libcurl's development files were not found. " + HINT
    for package in ("apt-get install libcurl4-openssl-dev", "dnf install libcurl-devel",
                    "apk add curl-dev", "pacman -S curl", "brew install curl"):
        assert package in HINT


@pytest.mark.skipif(shutil.which("gcc") is None or shutil.which("curl-config") is None,
                    reason="needs gcc and libcurl's development files (curl-config)")
def test_a_source_build_without_pkg_config_compiles_the_carried_cjson(unpacked, tmp_path):
    """No pkg-config: libcurl through curl-config, cJSON from the sources the sdist
    carries, compiled in; the module works, links no libcjson, and the sdist's tests
    run on it."""
    env = dict(os.environ, PATH=_bare_path(tmp_path, "python", "gcc", "cc", "as", "ld",
                                           "curl-config", "sed", "sh"))
    out = subprocess.run(
        [sys.executable, "setup.py", "build_ext", "--inplace", "-j", "2",
         "--build-temp", str(tmp_path / "temp")],
        capture_output=True, text=True, env=env, timeout=600, cwd=str(unpacked))
    assert out.returncode == 0, out.stderr[-3000:]
    log = out.stdout + out.stderr
    assert "libcurl from curl-config, cJSON from carried sources" in log
    # cJSON's nesting limit is the C core's depth bound, read from csrc/jobo.h
    with open(os.path.join(ROOT, "csrc", "jobo.h")) as f:
        depth = re.search(r"#define JOBO_MAX_DEPTH (\d+)", f.read()).group(1)
    assert f"-DCJSON_NESTING_LIMIT={depth}" in log
    (core,) = glob.glob(str(unpacked / "jobo_enterprise" / "_core*.so"))
    ldd = subprocess.run(["ldd", core], capture_output=True, text=True).stdout
    assert "libcurl" in ldd and "libcjson" not in ldd
    with open(os.path.join(CJSON, "SOURCE")) as f:
        carried = f.read().split()[-1].split("-")[0]
    probe = subprocess.run(
        [sys.executable, "-I", "-c",
         "import sys; sys.path.insert(0, '.'); import jobo_enterprise._core as c; "
         "print(c.version_info()['cjson']); print(c.decode_json(b'[[1, {\"a\": [2]}]]'))"],
        capture_output=True, text=True, cwd=str(unpacked), timeout=60)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split("\n")[:2] == [carried, "[[1, {'a': [2]}]]"]
    # pytest runs from the unpacked sdist, on the package built there
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_search.py",
         "-k", "not official", "-o", "addopts="],
        capture_output=True, text=True, cwd=str(unpacked), timeout=300,
        env=dict(os.environ, PYTHONPATH=str(unpacked)))
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout and " failed" not in tests.stdout
    where = subprocess.run([sys.executable, "-c", "import jobo_enterprise; print(jobo_enterprise.__file__)"],
                           capture_output=True, text=True, cwd=str(unpacked), timeout=60,
                           env=dict(os.environ, PYTHONPATH=str(unpacked)))
    assert where.stdout.strip().startswith(str(unpacked))


def test_the_checkout_build_takes_cjson_from_pkg_config_when_present():
    if shutil.which("pkg-config") is None or subprocess.run(
            ["pkg-config", "--exists", "libcjson"]).returncode != 0:
        pytest.skip("pkg-config or libcjson-dev is absent")
    import jobo_enterprise._core as core

    if os.path.isfile(os.path.join(os.path.dirname(core.__file__), "_bundled", "bundled.json")):
        pytest.skip("jobo_enterprise is an installed wheel here, with cJSON compiled in")
    ldd = subprocess.run(["ldd", core.__file__], capture_output=True, text=True).stdout
    assert "libcjson" in ldd

