"""Resolution and validation of a client's configuration.

Everything here runs before the C transport exists, so a bad key, base URL or
CA bundle is refused before any socket is opened. No message ever contains the
API key.
"""

from __future__ import annotations

import binascii
import os
import re
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


MAX_KEY_LENGTH = 1024  # characters; real keys are far shorter


class Secret:
    """An API key on its way to the C transport.

    The constructor wraps the key at once, so no frame of the SDK holds the raw
    string in a local while anything can raise: a traceback formatted with
    ``capture_locals=True`` (what Sentry records) shows only this object's
    repr. It cannot be pickled."""

    __slots__ = ("_value",)

    def __init__(self, value: object) -> None:
        self._value = value

    def reveal(self) -> object:
        return self._value

    def __repr__(self) -> str:
        return "<API key, hidden>"

    def __reduce__(self) -> object:
        raise TypeError("an API key cannot be pickled")


def resolve_api_key(api_key: Secret) -> Secret:
    """The key from the argument, else ``JOBO_API_KEY``; stripped and checked.
    A refusal is raised from this frame, which holds no raw key."""
    problem, key = _check_key(api_key)
    if problem is not None:
        raise JoboConfigurationError(problem)
    return key


def _check_key(api_key: Secret) -> Tuple[Optional[str], Secret]:
    """(message of the refusal or None, the stripped key). Never raises."""
    raw = api_key.reveal()
    if raw is None:
        raw = os.environ.get("JOBO_API_KEY")
    if raw is None:
        return _KEY_HELP, Secret(None)
    if isinstance(raw, bytes):
        return "the API key must be a str, not bytes", Secret(None)
    if not isinstance(raw, str):
        return f"the API key must be a str, not {type(raw).__name__}", Secret(None)
    key = raw.strip()
    if not key:
        return _KEY_HELP.replace("No API key was given", "The API key is empty"), Secret(None)
    if len(key) > MAX_KEY_LENGTH:
        return (f"the API key is {len(key)} characters long, more than the limit of "
                f"{MAX_KEY_LENGTH}; check how it was copied"), Secret(None)
    for ch in key:
        if not (0x21 <= ord(ch) <= 0x7E):
            if ord(ch) > 0x7E:
                what = "a non-ASCII character"
            elif ch.isspace():
                what = "whitespace inside it"
            else:
                what = "a control character"
            return (f"the API key contains {what} (position {key.index(ch) + 1} of "
                    f"{len(key)}); keys are printable ASCII. Check how it was copied."), Secret(None)
    return None, Secret(key)


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
    if "?" in url or "#" in url:
        # even a bare "?" or "#" would end up inside every request's path
        raise JoboConfigurationError("base_url must not contain a query or a fragment")
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


MAX_CA_BUNDLE_BYTES = 16 * 1024 * 1024
_PEM_CERT = re.compile(
    rb"-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----\r?\n([A-Za-z0-9+/=\s]+?)-----END (?:TRUSTED |X509 )?CERTIFICATE-----"
)


def _checked(path: str, origin: str) -> str:
    """A CA bundle named explicitly: a readable file holding at least one PEM
    certificate, else JoboConfigurationError now (not a JoboTLSError on every
    call later)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise JoboConfigurationError(f"the CA bundle {path!r} ({origin}) does not exist or is not a file")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_CA_BUNDLE_BYTES + 1)
    except OSError as exc:
        raise JoboConfigurationError(
            f"the CA bundle {path!r} ({origin}) is not readable: {exc.strerror}") from None
    problem = None
    if not data.strip():
        problem = "it is empty"
    elif len(data) > MAX_CA_BUNDLE_BYTES:
        problem = f"it is larger than {MAX_CA_BUNDLE_BYTES} bytes"
    elif b"-----BEGIN " not in data:
        problem = ("it is not PEM (no -----BEGIN line); convert a DER file with "
                   "`openssl x509 -inform der -in ca.der -out ca.pem`")
    elif not any(_is_der_certificate(m.group(1)) for m in _PEM_CERT.finditer(data)):
        problem = "it holds no certificate (PEM -----BEGIN CERTIFICATE----- blocks are needed)"
    if problem is not None:
        raise JoboConfigurationError(f"the CA bundle {path!r} ({origin}) is not usable: {problem}")
    return path


def _is_der_certificate(b64: bytes) -> bool:
    """The base64 body of a PEM block decodes to a DER SEQUENCE."""
    try:
        der = binascii.a2b_base64(b"".join(b64.split()))
    except (binascii.Error, ValueError):
        return False
    return len(der) > 64 and der[0] == 0x30


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
