"""What ``import jobo_enterprise`` says about a broken or doubled installation.

Each test builds the installation it is about in a temporary site directory
(the real package, linked in, beside real metadata directories) or hides a real
library from the loader in a private mount namespace, and imports the package
in a fresh interpreter.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import jobo_enterprise
from jobo_enterprise import _install

PACKAGE_DIR = Path(jobo_enterprise.__path__[0])
DISTROS = ["Debian/Ubuntu", "libcurl4-openssl-dev libcjson-dev", "Fedora/RHEL",
           "libcurl-devel cjson-devel", "Alpine", "curl-dev cjson-dev", "Arch", "pacman -S curl cjson",
           "macOS (Homebrew)", "brew install curl cjson"]


def _site(tmp_path: Path, *dists: tuple[str, str], package: Path = PACKAGE_DIR) -> Path:
    """A site directory holding the package and the metadata of ``dists``."""
    site = tmp_path / "site-packages"
    site.mkdir()
    (site / "jobo_enterprise").symlink_to(package, target_is_directory=True)
    # a repaired wheel's libraries lie beside the package (found through $ORIGIN/..)
    for libs in PACKAGE_DIR.parent.glob("*.libs"):
        (site / libs.name).symlink_to(libs, target_is_directory=True)
    for name, version in dists:
        info = site / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "RECORD").write_text("jobo_enterprise/__init__.py,,\n")
    return site


def _python(site: Path, code: str, *, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter that sees the package only in ``site``
    (``-S``: no site-packages, so no editable-install finder either)."""
    script = f"import sys\nsys.path.insert(0, {str(site)!r})\n{code}"
    return subprocess.run([*prefix, sys.executable, "-I", "-S", "-c", script],
                          capture_output=True, text=True, timeout=120)


def test_both_distributions_installed_warns_once_with_the_safe_fix(tmp_path):
    site = _site(tmp_path, ("jobo-enterprise-native", jobo_enterprise.__version__),
                 ("jobo-enterprise", "4.0.0"))
    run = _python(site, (
        "import warnings\n"
        "warnings.simplefilter('always')\n"  # a second warning would show too
        "import jobo_enterprise, jobo_enterprise.frames, jobo_enterprise.models\n"
        "from jobo_enterprise import JoboClient\n"
        "print(jobo_enterprise.__file__)\n"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(site / "jobo_enterprise" / "__init__.py")
    assert run.stderr.count("UserWarning") == 1, run.stderr
    message = run.stderr
    assert ("both jobo-enterprise-native and the official jobo-enterprise 4.0.0 are installed in "
            f"{site}") in message
    assert ("'pip uninstall -y jobo-enterprise jobo-enterprise-native && "
            "pip install jobo-enterprise-native'") in message


def test_only_this_distribution_installed_imports_without_a_warning(tmp_path):
    # our own dist-info and the sandbox's do not look like the official one
    site = _site(tmp_path, ("jobo-enterprise-native", jobo_enterprise.__version__),
                 ("jobo-enterprise-sandbox", "0.1.0"))
    run = _python(site, "import warnings\nwarnings.simplefilter('error')\nimport jobo_enterprise\n"
                        "print(jobo_enterprise.__file__)\n")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(site / "jobo_enterprise" / "__init__.py")
    assert run.stderr == ""


def test_the_official_metadata_is_found_by_name_and_version_only():
    assert _install.official_installed_beside(str(PACKAGE_DIR)) is None  # the checkout or the venv


def test_an_extension_missing_for_this_python_names_the_reinstall(tmp_path):
    package = tmp_path / "jobo_enterprise"
    shutil.copytree(PACKAGE_DIR, package, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    site = _site(tmp_path, package=package)
    run = _python(site, "import jobo_enterprise\n")
    assert run.returncode == 1
    last = run.stderr.strip().splitlines()[-1]
    assert last == (f"ImportError: the C extension of jobo_enterprise is not built for this Python "
                    f"({sys.implementation.cache_tag}): reinstall it with 'pip install "
                    "--force-reinstall jobo-enterprise-native' (from a checkout, './dev setup' "
                    "builds it)")


def _loaded_libcurl() -> Path:
    """The libcurl file the C extension of this process was loaded with."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if os.path.basename(path).startswith("libcurl") and ".so" in path:
                return Path(path)
    pytest.skip("libcurl is linked into the extension itself: no library file to hide")


def _hidden(tmp_path: Path, library: Path) -> list[str]:
    """A command prefix that runs a command in a private mount namespace where
    every file of ``library``'s directory whose name starts like it (the
    soname link, the real file, the development link) does not exist: an
    overlay of that directory with whiteouts (root only)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("hiding a library needs root and unshare (a private mount namespace)")
    upper, work = tmp_path / "upper", tmp_path / "work"
    upper.mkdir()
    work.mkdir()
    stem = library.name.split(".so")[0]
    for name in os.listdir(library.parent):
        if name.startswith(stem + ".so") or name.startswith(stem + "-"):
            os.mknod(upper / name, 0o600 | 0o020000, os.makedev(0, 0))  # whiteout
    mount = (f"mount -t overlay overlay -o lowerdir={library.parent},upperdir={upper},"
             f"workdir={work} {library.parent}")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"{mount} && test ! -e {library}"],
                           capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip(f"no overlay mount in a private namespace here: {probe.stderr.strip()}")
    return ["unshare", "-m", "sh", "-c", f'{mount} && exec "$0" "$@"']


def test_a_missing_library_raises_import_error_with_the_packages_to_install(tmp_path):
    libcurl = _loaded_libcurl()
    hide = _hidden(tmp_path, libcurl)
    run = _python(PACKAGE_DIR.parent, (
        "try:\n"
        "    import jobo_enterprise\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc.name, exc.path)\n"
        "    print(exc)\n"
        "    raise\n"), prefix=hide)
    assert run.returncode == 1, run.stdout + run.stderr
    kind, message = run.stdout.splitlines()[:2]
    assert kind.startswith("ImportError jobo_enterprise._core " + str(PACKAGE_DIR / "_core."))
    loader_error = f"{libcurl.name.split('.so')[0]}"
    assert message.startswith("the C extension of jobo_enterprise cannot be loaded (")
    assert loader_error in message and "cannot open shared object file" in message
    assert message.endswith("; " + _install.LIBRARIES_HINT)
    for words in DISTROS:
        assert words in message
    # what the user sees last is that sentence, not the loader's
    assert run.stderr.strip().splitlines()[-1] == "ImportError: " + message


def test_the_library_hint_is_one_sentence_for_the_build_too():
    hint = _install.LIBRARIES_HINT
    assert hint.count(". ") == 0 and hint.endswith(".")
    # setup.py reads it without importing the package
    import runpy

    assert runpy.run_path(str(PACKAGE_DIR / "_install.py"))["LIBRARIES_HINT"] == hint
