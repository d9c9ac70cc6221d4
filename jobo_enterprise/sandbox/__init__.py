"""A local emulation of the Jobo Enterprise API, over HTTPS, with synthetic data.

Needs the ``cryptography`` package (``pip install jobo-enterprise[sandbox]``).

In-process::

    from jobo_enterprise.sandbox import Sandbox

    with Sandbox(seed=1) as sb:
        print(sb.base_url, sb.ca_cert, sb.keys["full"])

As a process: ``python -m jobo_enterprise.sandbox --port 0`` prints one JSON line
(``base_url``, ``http_url``, ``ca_cert``, ``keys``) and serves until SIGTERM/SIGINT.

Modules: :mod:`.server` (``Sandbox``), :mod:`.app` (request pipeline: auth, rate
limits, credits, headers), :mod:`.routing` (routing table), :mod:`.endpoints`
(handlers), :mod:`.search` (filters, ordering, facets), :mod:`.data` (synthetic
dataset), :mod:`.gazetteer` (cities), :mod:`.certs` (throwaway certificates),
:mod:`.http11` (HTTP/1.1 + TLS transport), :mod:`.accounts` (keys and plans).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Sandbox"]

if TYPE_CHECKING:  # pragma: no cover
    from .server import Sandbox


def __getattr__(name: str) -> Any:
    # Lazy, so that .data, .search and .gazetteer import without ``cryptography``.
    if name == "Sandbox":
        try:
            from .server import Sandbox
        except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
            if exc.name and exc.name.split(".")[0] == "cryptography":
                raise ModuleNotFoundError(
                    "jobo_enterprise.sandbox needs the 'cryptography' package: "
                    "pip install 'jobo-enterprise[sandbox]'", name=exc.name) from exc
            raise
        return Sandbox
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
