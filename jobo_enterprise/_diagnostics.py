"""``jobo_enterprise.diagnostics()``: what the SDK runs on, for bug reports."""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List, Optional

from . import _core
from ._config import resolve_ca_bundle
from ._version import __version__


def diagnostics(ca_bundle: Optional[str] = None) -> Dict[str, Any]:
    """The CA file a client would use (and where it comes from: ``ca_bundle
    argument``, ``JOBO_CA_BUNDLE``, ``SSL_CERT_FILE``, ``certifi``, ``system``), the
    libcurl version, its TLS backend and features (HTTP/2, asynchronous DNS), the
    cJSON version, the libraries a binary wheel carries (``bundled``, empty for a
    build against the system's libraries), Python and the platform. Contains no
    secret.

    >>> import jobo_enterprise
    >>> jobo_enterprise.diagnostics()["tls_backend"]
    'OpenSSL/3.0.…'
    """
    import platform  # only here: it is slow to import

    info = _core.version_info()
    ca_file, ca_source = resolve_ca_bundle(ca_bundle)
    return {
        "jobo_enterprise": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "libcurl": info["libcurl"],
        "tls_backend": info["ssl"],
        "http2": info["http2"],
        "async_dns": info["async_dns"],
        "ipv6": info["ipv6"],
        "cjson": info["cjson"],
        "ca_file": ca_file,
        "ca_source": ca_source,
        "bundled": bundled_libraries(),
    }


def bundled_libraries() -> List[str]:
    """"name version" of each library a binary wheel carries, as its build recorded
    them in ``_bundled/bundled.json`` beside their licences; [] otherwise."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_bundled", "bundled.json")
    try:
        with open(path, encoding="utf-8") as f:
            return [f"{lib['name']} {lib['version']}" for lib in json.load(f)]
    except FileNotFoundError:
        return []
