"""The prefetch engine: requests of one iterator run concurrently on one libcurl
multi handle (:class:`jobo_enterprise._core.Multi`), driven from the caller's
thread whenever it waits for a result.

There is no worker thread: a transfer progresses while the caller waits for a
page (or sleeps between attempts through the same handle), so an iterator that
is abandoned, suspended or interrupted leaves nothing running that interpreter
exit would wait for, and Ctrl-C lands as in any call. Each transfer has its own
easy handle; the multi handle's connections are this iterator's alone. At most
:attr:`Prefetcher.MAX_BODIES` responses are received at once (besides the one
being waited for); the others wait, paused, in their sockets.

Each request goes through the client's own steps (pacing, deadline, logging,
retries), the same as :meth:`JoboClient._execute` runs them; only the
transport differs. How many requests an iterator keeps in flight is the
iterator's policy, not this engine's.
"""

from __future__ import annotations

import time
from typing import Any, Dict, Optional

from . import _core, _log
from .exceptions import JoboError

__all__ = ["Prefetcher"]


class _Ticket:
    """One submitted call: its current attempt on the multi handle."""

    __slots__ = ("call", "timeout", "stop", "attempt", "started", "id", "info")

    def __init__(self, call: Any, timeout: Optional[float], stop: Optional[float]) -> None:
        self.call = call
        self.timeout = timeout
        self.stop = stop
        self.attempt = 0
        self.started = 0.0
        self.id: Optional[int] = None
        self.info: Dict[str, Any] = {}  # what the transport reports of the attempt


class Prefetcher:
    """Concurrent calls of one client for one iterator.

    >>> engine = Prefetcher(client)
    >>> tickets = [engine.submit(call) for call in calls]   # all start now
    >>> engine.flush()                                       # requests go out
    >>> results = [engine.result(t) for t in tickets]        # in any order
    >>> engine.close()                                       # cancels the rest
    """

    MAX_BODIES = 3
    SEND_WITHIN = 1.0  # seconds flush() spends getting requests out

    def __init__(self, client: Any) -> None:
        self._client = client
        self._multi: Any = None
        self._live: Dict[int, _Ticket] = {}

    @property
    def peak_bodies(self) -> int:
        """The most responses that were received at once."""
        return self._multi.peak_bodies if self._multi is not None else 0

    def _handle(self) -> Any:
        if self._multi is None:
            self._multi = _core.Multi(self._client._transport, max_bodies=self.MAX_BODIES)
        return self._multi

    def submit(self, call: Any, timeout: Optional[float] = None) -> _Ticket:
        """Start a call (after pacing); returns at once."""
        client = self._client
        ticket = _Ticket(call, client._call_timeout(call, timeout), client._call_stop())
        self._start(ticket)
        return ticket

    def _start(self, ticket: _Ticket) -> None:
        multi = self._handle()
        call = ticket.call
        # waits (pacing) drive the transfers already running
        attempt_timeout = self._client._before_attempt(
            ticket.attempt, ticket.timeout, ticket.stop, multi.run)
        ticket.started = time.perf_counter() if _log.enabled() else 0.0
        ticket.info = {}
        try:
            ticket.id = multi.submit(call.method, call.path, call.query, call.body,
                                     attempt_timeout, call.model, ticket.info)
        except BaseException:
            self._client._rate.update(None)
            raise
        self._live[ticket.id] = ticket

    def flush(self) -> None:
        """Get every submitted request out to the server now (at most
        SEND_WITHIN seconds), so it works on them while the caller is busy
        elsewhere; the answers wait in the sockets until a result is asked for."""
        if self._multi is not None and self._live:
            self._multi.send(self.SEND_WITHIN)

    def result(self, ticket: _Ticket) -> Any:
        """The parsed result of a call (retried like any call), or its JoboError."""
        client = self._client
        while True:
            if ticket.id is None:
                raise ValueError("this call's result was already taken")
            try:
                data, usage = self._multi.wait(ticket.id)
            except JoboError as exc:
                self._live.pop(ticket.id, None)
                ticket.id = None
                self._multi.run(client._after_failure(
                    ticket.call, exc, ticket.attempt, ticket.stop, ticket.started,
                    ticket.info))
                ticket.attempt += 1
                self._start(ticket)
                continue
            self._live.pop(ticket.id, None)
            ticket.id = None
            return client._after_success(ticket.call, data, usage, ticket.attempt,
                                         ticket.started, ticket.info)

    def cancel(self, ticket: _Ticket) -> None:
        """Take a call off; its connection is closed (its credits may be spent)."""
        if ticket.id is not None and self._multi is not None:
            self._multi.cancel(ticket.id)
            self._live.pop(ticket.id, None)
            ticket.id = None
            self._client._rate.update(None)

    def close(self) -> None:
        """Cancel every call still running and free the multi handle."""
        for ticket in list(self._live.values()):
            self.cancel(ticket)
        if self._multi is not None:
            self._multi.close()
            self._multi = None

    def __enter__(self) -> "Prefetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
