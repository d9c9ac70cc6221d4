"""The routing table: (method, path pattern) -> handler, with a plan group.

Patterns are literal paths with ``{name}`` segments (``/api/jobs/{id}``). Among the
routes whose pattern matches a path, the one with the request's method and the most
literal segments wins, so ``/api/jobs/expired`` beats ``/api/jobs/{id}`` whatever the
registration order (registering the same method and pattern again replaces the route).
A path that matches no pattern is 404; one that matches only with
other methods is 405 (with ``Allow``).

Groups: ``search``, ``feed``, ``free`` and ``managed`` are checked against the key's
plan (:mod:`.accounts`); ``internal`` routes (test hooks such as ``/__stats``) need no
key, cost nothing and are not counted in the statistics.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Tuple

from .wire import ApiError, Request, Response

__all__ = ["Route", "Router", "GROUPS"]

GROUPS = ("search", "feed", "free", "managed", "internal")
Handler = Callable[[Request], Response]


class Route:
    __slots__ = ("method", "pattern", "group", "handler", "name", "regex", "literals")

    def __init__(self, method: str, pattern: str, group: str, handler: Handler, name: str):
        if group not in GROUPS:
            raise ValueError(f"unknown route group {group!r}")
        if not pattern.startswith("/"):
            raise ValueError("route patterns start with '/'")
        self.method: str = method.upper()
        self.pattern: str = pattern
        self.group = group
        self.handler: Handler = handler
        self.name: str = name
        parts = []
        literals = 0
        for seg in pattern.strip("/").split("/"):
            m = re.fullmatch(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", seg)
            if m:
                parts.append(f"(?P<{m.group(1)}>[^/]+)")
            else:
                parts.append(re.escape(seg))
                literals += 1
        self.regex: re.Pattern[str] = re.compile("^/" + "/".join(parts) + "$")
        self.literals: int = literals


class Router:
    def __init__(self) -> None:
        self.routes: List[Route] = []

    def add(self, method: str, pattern: str, group: str, handler: Handler,
            name: str = "") -> Route:
        """Register ``handler``; adding a (method, pattern) pair again replaces the
        earlier route (so a test can stub a real endpoint)."""
        route = Route(method, pattern, group, handler, name or f"{method.upper()} {pattern}")
        for i, old in enumerate(self.routes):
            if old.method == route.method and old.pattern == route.pattern:
                self.routes[i] = route
                break
        else:
            self.routes.append(route)
        return route

    def route(self, method: str, pattern: str, group: str,
              name: str = "") -> Callable[[Handler], Handler]:
        """Decorator form of :meth:`add`."""
        def deco(handler: Handler) -> Handler:
            self.add(method, pattern, group, handler, name)
            return handler
        return deco

    def match(self, method: str, path: str) -> Tuple[Route, Dict[str, str]]:
        if len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/") or "/"
        best = None
        allowed: List[str] = []
        for route in self.routes:
            m = route.regex.match(path)
            if m is None:
                continue
            if route.method != method:
                if route.method not in allowed:
                    allowed.append(route.method)
                continue
            if best is None or route.literals > best[0].literals:
                best = (route, m.groupdict())
        if best is not None:
            return best
        if allowed:
            raise ApiError(405, f"Method {method} is not allowed on {path}",
                           headers=[("Allow", ", ".join(sorted(allowed)))])
        raise ApiError(404, f"No endpoint at {path}")
