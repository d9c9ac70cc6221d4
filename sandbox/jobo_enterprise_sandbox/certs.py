"""Throwaway X.509 certificates for the sandbox (and for TLS failure tests).

The sandbox makes a fresh CA at every start and a server certificate signed by it.
The same two functions also make *bad* certificates on purpose::

    ca = make_ca()
    good = issue_cert(ca, ["127.0.0.1", "localhost"])
    expired = issue_cert(ca, ["127.0.0.1"], not_before=days_from_now(-30),
                         not_after=days_from_now(-1))
    wrong_host = issue_cert(ca, ["wrong.invalid"])
    other_ca = issue_cert(make_ca("Some Other CA"), ["127.0.0.1"])
    write_pem_files(good, "/tmp/state", "server")   # server.pem, server.key

Keys are EC P-256 (fast to generate). Certificates follow RFC 5280 closely enough for
strict verifiers (OpenSSL's X509_STRICT, Python 3.13's default context): the CA has a
critical basicConstraints and keyUsage, both carry subject/authority key identifiers,
and the leaf has subjectAltName and serverAuth extended key usage.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import os
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Tuple, Union

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "CertificateAuthority",
    "IssuedCert",
    "make_ca",
    "issue_cert",
    "write_pem_files",
    "days_from_now",
]

_UTC = _dt.timezone.utc


def days_from_now(days: float) -> _dt.datetime:
    """An aware UTC datetime ``days`` from now (negative = in the past)."""
    return _dt.datetime.now(_UTC) + _dt.timedelta(days=days)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class _Pem:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return _key_pem(self.key)


@dataclass
class CertificateAuthority(_Pem):
    """A CA: its private key and self-signed certificate."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


@dataclass
class IssuedCert(_Pem):
    """A leaf certificate, its key, and the CA that signed it."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    ca: CertificateAuthority

    @property
    def chain_pem(self) -> bytes:
        """Leaf followed by the CA certificate."""
        return self.cert_pem + self.ca.cert_pem


def _key_usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False,
    )


def _serial() -> int:
    return int.from_bytes(os.urandom(16), "big") >> 1  # positive, < 2**127


def make_ca(
    common_name: str = "Jobo Sandbox Test CA",
    not_before: Optional[_dt.datetime] = None,
    not_after: Optional[_dt.datetime] = None,
) -> CertificateAuthority:
    """A fresh self-signed CA (valid from 1 day ago for 30 days by default)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Jobo Enterprise SDK sandbox"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(_serial())
        .not_valid_before(not_before or days_from_now(-1))
        .not_valid_after(not_after or days_from_now(30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(key=key, cert=cert)


def _san_entry(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return x509.DNSName(host)


def issue_cert(
    ca: CertificateAuthority,
    hosts: Sequence[str] = ("127.0.0.1", "localhost"),
    not_before: Optional[_dt.datetime] = None,
    not_after: Optional[_dt.datetime] = None,
    common_name: Optional[str] = None,
) -> IssuedCert:
    """A server certificate for ``hosts`` (IP addresses become IP SANs, names DNS SANs)
    signed by ``ca``. Validity defaults to 1 day ago .. 30 days from now; pass dates in
    the past for an expired certificate, other hosts for a name mismatch, or another CA
    for an untrusted chain."""
    hosts = list(hosts)
    if not hosts:
        raise ValueError("issue_cert needs at least one host")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Jobo Enterprise SDK sandbox"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name or hosts[0]),
    ])
    ca_ski = ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(_serial())
        .not_valid_before(not_before or days_from_now(-1))
        .not_valid_after(not_after or days_from_now(30))
        .add_extension(x509.SubjectAlternativeName([_san_entry(h) for h in _dedupe(hosts)]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                       critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    return IssuedCert(key=key, cert=cert, ca=ca)


def _dedupe(items: Iterable[str]) -> list:
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _write(path: str, data: bytes, private: bool = False) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def write_pem_files(
    issued: Union[IssuedCert, CertificateAuthority], directory: str, stem: str
) -> Tuple[str, str]:
    """Write ``<stem>.pem`` (certificate; for a leaf, leaf + CA chain) and ``<stem>.key``
    (private key, mode 0600) into ``directory``. Returns ``(cert_path, key_path)``."""
    os.makedirs(directory, exist_ok=True)
    cert_path = os.path.join(directory, stem + ".pem")
    key_path = os.path.join(directory, stem + ".key")
    pem = issued.chain_pem if isinstance(issued, IssuedCert) else issued.cert_pem
    _write(cert_path, pem)
    _write(key_path, issued.key_pem, private=True)
    return cert_path, key_path
