"""Checks of the installation, run once by ``import jobo_enterprise``.

- A C extension that cannot load a system library (a broken install) raises
  ``ImportError`` with the packages to install, not the loader's raw message.
- Both this distribution (``jobo-enterprise-native``) and the official
  ``jobo-enterprise`` installed in one environment: they hold the same files,
  so one warning says how to repair it.

Only the standard library, and nothing slow to import (the second check reads
one directory listing instead of importing :mod:`importlib.metadata`).
``setup.py`` reads :data:`LIBRARIES_HINT` from this file without importing the
package, so that the build and the import name the same packages.
"""

import os
import sys
from types import ModuleType
from typing import Optional

DISTRIBUTION = "jobo-enterprise-native"
OFFICIAL_DISTRIBUTION = "jobo-enterprise"

#: One sentence: which system packages provide what the C extension links.
LIBRARIES_HINT = (
    "jobo-enterprise-native needs libcurl and cJSON: install them with "
    "'sudo apt-get install libcurl4-openssl-dev libcjson-dev' on Debian/Ubuntu, "
    "'sudo dnf install libcurl-devel cjson-devel' on Fedora/RHEL (cJSON from EPEL on RHEL), "
    "'apk add curl-dev cjson-dev' on Alpine, 'sudo pacman -S curl cjson' on Arch "
    "or 'brew install curl cjson' on macOS (Homebrew)."
)

#: The repair when both distributions are installed. Uninstalling only the
#: official one would delete this package's files too (they are the same paths).
BOTH_INSTALLED_FIX = (
    f"pip uninstall -y {OFFICIAL_DISTRIBUTION} {DISTRIBUTION} && pip install {DISTRIBUTION}"
)

# dist-info (or egg-info) directory names of the official distribution: the
# project name normalised as wheels write it, then "-<version>".
_OFFICIAL_PREFIXES = ("jobo_enterprise-", "jobo-enterprise-")
_METADATA_SUFFIXES = (".dist-info", ".egg-info")


def load_core() -> ModuleType:
    """Import the C extension; a library the loader cannot find or load becomes
    an ``ImportError`` that names the packages to install."""
    name = __package__ + "._core"
    try:
        __import__(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        tag = sys.implementation.cache_tag
        raise ImportError(
            f"the C extension of jobo_enterprise is not built for this Python ({tag}): "
            f"reinstall it with 'pip install --force-reinstall {DISTRIBUTION}' "
            "(from a checkout, './dev setup' builds it)", name=name) from None
    except ImportError as exc:
        if exc.path is None or not os.path.basename(exc.path).startswith("_core."):
            raise  # raised by the extension itself (a version check): clear already
        # the dynamic loader's error: dlopen() could not load _core or a library it links
        raise ImportError(
            f"the C extension of jobo_enterprise cannot be loaded ({exc}); {LIBRARIES_HINT}",
            name=name, path=exc.path) from None
    return sys.modules[name]


def official_installed_beside(package_dir: str) -> Optional[str]:
    """The version of the official distribution whose metadata lies in the
    directory that holds ``package_dir`` (the two then share that directory's
    ``jobo_enterprise/``), or ``None``."""
    site = os.path.dirname(os.path.abspath(package_dir))
    try:
        names = os.listdir(site)
    except OSError:
        return None
    for name in names:
        low = name.lower()
        if low.startswith(_OFFICIAL_PREFIXES) and low.endswith(_METADATA_SUFFIXES):
            return name[len(_OFFICIAL_PREFIXES[0]):].rsplit(".", 1)[0].split("-")[0]
    return None


def warn_if_official_installed(package_dir: str) -> None:
    """Warn (once: a package is imported once per process) when the official
    distribution is installed beside this one."""
    version = official_installed_beside(package_dir)
    if version is None:
        return
    import warnings

    warnings.warn(
        f"both {DISTRIBUTION} and the official {OFFICIAL_DISTRIBUTION} {version} are installed "
        f"in {os.path.dirname(os.path.abspath(package_dir))}; they install the same "
        f"jobo_enterprise files, so uninstalling either one breaks the other: run "
        f"'{BOTH_INSTALLED_FIX}'",
        UserWarning, stacklevel=2)
