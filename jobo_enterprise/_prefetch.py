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

Each request runs the client's one pipeline (:mod:`jobo_enterprise._run`:
pacing, deadline, logging, retries), as :meth:`JoboClient._execute` does; only
the driver differs. How many requests an iterator keeps in flight is the
iterator's policy, not this engine's.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from . import _core
from ._run import SLEEP, Steps
from .exceptions import JoboError

__all__ = ["Prefetcher"]


class _Ticket:
    """One submitted call: its run (jobo_enterprise._run.Steps) and the id of
    its current attempt on the multi handle."""

    __slots__ = ("steps", "id")

    def __init__(self, steps: Steps) -> None:
        self.steps: Optional[Steps] = steps
        self.id: Optional[int] = None


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
            self._multi = _core.Multi(self._client._transport, max_bodies=self.MAX_BODIES,
                                      max_connections=self._client.max_connections)
        return self._multi

    def submit(self, call: Any, timeout: Optional[float] = None) -> _Ticket:
        """Start a call (after pacing); returns at once."""
        if timeout is not None:
            call = call.with_options(timeout=timeout)
        ticket = _Ticket(Steps(self._client, call))
        self._advance(ticket)
        return ticket

    def _advance(self, ticket: _Ticket) -> None:
        """Perform the call's effects up to its next attempt on the multi handle:
        its waits (pacing, the wait before a retry) drive the transfers already
        running."""
        steps = ticket.steps
        assert steps is not None
        multi = self._handle()
        while not steps.done:
            kind, arg = steps.effect
            try:
                if kind is SLEEP:
                    multi.run(arg)
                else:
                    ticket.id = multi.submit(*arg)
                    self._live[ticket.id] = ticket
                    return
            except BaseException as exc:
                steps.fail(exc)
            else:
                steps.ok(None)

    def flush(self) -> None:
        """Get every submitted request out to the server now (at most
        SEND_WITHIN seconds), so it works on them while the caller is busy
        elsewhere; the answers wait in the sockets until a result is asked for."""
        if self._multi is not None and self._live:
            self._multi.send(self.SEND_WITHIN)

    def result(self, ticket: _Ticket) -> Any:
        """The parsed result of a call (retried like any call), or its JoboError."""
        steps = ticket.steps
        if steps is None:
            raise ValueError("this call's result was already taken")
        while not steps.done:
            tid = ticket.id
            try:
                # KeyboardInterrupt leaves the transfer on: result() again, or close()
                outcome = self._multi.wait(tid)
            except JoboError as exc:
                self._forget(ticket)
                steps.fail(exc)  # raises when the call gives up
                self._advance(ticket)
                continue
            self._forget(ticket)
            steps.ok(outcome)
        ticket.steps = None
        return steps.result

    def _forget(self, ticket: _Ticket) -> None:
        if ticket.id is not None:
            self._live.pop(ticket.id, None)
            ticket.id = None

    def cancel(self, ticket: _Ticket) -> None:
        """Take a call off; its connection is closed (its credits may be spent)."""
        if ticket.id is not None and self._multi is not None:
            self._multi.cancel(ticket.id)
            self._forget(ticket)
        if ticket.steps is not None:
            ticket.steps.close()  # its rate-limit slot comes to nothing
            ticket.steps = None

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
