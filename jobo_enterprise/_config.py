"""Resolution and validation of a client's configuration.

Everything here runs before the C transport exists, so a bad key, base URL or
CA bundle is refused before any socket is opened. No message ever contains the
API key.
"""

from __future__ import annotations

import os
from typing import Optional, Tuple
from urllib.parse import urlsplit

from .exceptions import JoboConfigurationError

ENVIRONMENTS = {
    "production": "https://connect.jobo.world",
    "sandbox": "https://sandbox.connect.jobo.world",
}

_KEY_HELP = (
    "No API key was given. Pass JoboClient(api_key=...) or set the environment "
    "variable JOBO_API_KEY, e.g. `export JOBO_API_KEY=jbe_live_...`."
)


def resolve_api_key(api_key: Optional[str]) -> str:
    """The key from the argument, else ``JOBO_API_KEY``; stripped and checked."""
    if api_key is None:
        api_key = os.environ.get("JOBO_API_KEY")
    if api_key is None:
        raise JoboConfigurationError(_KEY_HELP)
    if isinstance(api_key, bytes):
        raise JoboConfigurationError("the API key must be a str, not bytes")
    if not isinstance(api_key, str):
        raise JoboConfigurationError(
            f"the API key must be a str, not {type(api_key).__name__}"
        )
    key = api_key.strip()
    if not key:
        raise JoboConfigurationError(_KEY_HELP.replace("No API key was given", "The API key is empty"))
    for ch in key:
        if not (0x21 <= ord(ch) <= 0x7E):
            if ord(ch) > 0x7E:
                what = "a non-ASCII character"
            elif ch.isspace():
                what = "whitespace inside it"
            else:
                what = "a control character"
            raise JoboConfigurationError(
                f"the API key contains {what} (position {key.index(ch) + 1} of "
                f"{len(key)}); keys are printable ASCII. Check how it was copied."
            )
    return key


def resolve_base_url(environment: Optional[str], base_url: Optional[str]) -> str:
    """``base_url`` (argument, else ``JOBO_BASE_URL``) wins over ``environment``
    (argument, else ``JOBO_ENVIRONMENT``, else production). https:// only."""
    if base_url is None:
        base_url = os.environ.get("JOBO_BASE_URL") or None
    if base_url is None:
        env = environment if environment is not None else os.environ.get("JOBO_ENVIRONMENT")
        env = (env or "production").strip().lower()
        if env not in ENVIRONMENTS:
            raise JoboConfigurationError(
                f"unknown environment {env!r}; use 'production' or 'sandbox', "
                "or give base_url"
            )
        return ENVIRONMENTS[env]
    if not isinstance(base_url, str):
        raise JoboConfigurationError("base_url must be a str")
    url = base_url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise JoboConfigurationError(f"base_url is not a valid URL: {exc}") from None
    if parts.scheme.lower() != "https":
        raise JoboConfigurationError(
            "base_url must use https:// (plain HTTP would expose the API key); "
            f"got scheme {parts.scheme or '(none)'!r}"
        )
    if not parts.hostname:
        raise JoboConfigurationError("base_url has no host")
    if parts.username is not None or parts.password is not None:
        raise JoboConfigurationError("base_url must not contain credentials")
    if parts.query or parts.fragment:
        raise JoboConfigurationError("base_url must not contain a query or a fragment")
    if any(ord(c) <= 0x20 or ord(c) >= 0x7F for c in url):
        raise JoboConfigurationError("base_url must be ASCII without spaces")
    return url.rstrip("/")


SYSTEM_CA_FILES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Alpine
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/pki/tls/cacert.pem",  # OpenELEC
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # CentOS, RHEL 7
    "/etc/ssl/cert.pem",  # macOS, Alpine, BSDs
    "/usr/local/share/certs/ca-root-nss.crt",  # FreeBSD
)


def _checked(path: str, origin: str) -> str:
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise JoboConfigurationError(f"the CA bundle {path!r} ({origin}) does not exist or is not a file")
    if not os.access(path, os.R_OK):
        raise JoboConfigurationError(f"the CA bundle {path!r} ({origin}) is not readable")
    return path


def resolve_ca_bundle(ca_bundle: Optional[str]) -> Tuple[Optional[str], str]:
    """The CA file to trust and where it came from, in this order:
    ``ca_bundle=``, ``JOBO_CA_BUNDLE``, ``SSL_CERT_FILE``, certifi (if
    installed), the system bundle locations. ``(None, "libcurl default")`` when
    none exists. A file named explicitly (argument or variable) must exist."""
    if ca_bundle is not None:
        return _checked(ca_bundle, "ca_bundle="), "ca_bundle argument"
    for var in ("JOBO_CA_BUNDLE", "SSL_CERT_FILE"):
        value = os.environ.get(var)
        if value:
            return _checked(value, var), var
    try:
        import certifi  # optional

        path = certifi.where()
        if os.path.isfile(path):
            return path, "certifi"
    except Exception:  # not installed, or broken
        pass
    for path in SYSTEM_CA_FILES:
        if os.path.isfile(path):
            return path, "system"
    return None, "libcurl default"


PROXY_SCHEMES = ("http", "https", "socks4", "socks4a", "socks5", "socks5h")


def check_proxy(proxy: Optional[str]) -> Optional[str]:
    """An explicit proxy URL, checked; None leaves libcurl to the standard
    HTTPS_PROXY / NO_PROXY variables."""
    if proxy is None:
        return None
    if not isinstance(proxy, str) or not proxy.strip():
        raise JoboConfigurationError("proxy must be a URL such as http://proxy.internal:3128")
    try:
        parts = urlsplit(proxy.strip())
        parts.port
    except ValueError:
        raise JoboConfigurationError("proxy is not a valid URL") from None
    if parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname:
        raise JoboConfigurationError(
            f"proxy must be a URL with one of the schemes {', '.join(PROXY_SCHEMES)} and a host"
        )
    if any(ord(c) <= 0x20 or ord(c) >= 0x7F for c in proxy.strip()):
        raise JoboConfigurationError("proxy must be ASCII without spaces")
    return proxy.strip()


def check_timeout(name: str, value: Optional[float], *, allow_none: bool = False) -> Optional[float]:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise JoboConfigurationError(f"{name} must be a positive number of seconds, got {value!r}")
    return float(value)
