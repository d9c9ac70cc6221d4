"""The async client's driver: calls and scans run on the running event loop.

Imported only by :class:`~jobo_enterprise.AsyncJoboClient` when it first runs
something, so that ``import jobo_enterprise`` does not import asyncio.

- :class:`LoopTransport`: the transfers of one client on one event loop, on a
  libcurl multi handle the loop drives (:class:`jobo_enterprise._core.LoopMulti`:
  the loop watches libcurl's sockets and timer; no thread per request). A
  cancelled request is taken off at once (its connection closed, not reused).
  A large body is parsed on a helper thread, with the GIL released, so the loop
  keeps running.
- :func:`execute`: a :class:`~jobo_enterprise.resources._base.Call` through the
  one run pipeline (:mod:`jobo_enterprise._run`), waits with ``asyncio.sleep``.
- :func:`async_pages`: a paging plan (:mod:`jobo_enterprise._paging`) as an
  async generator; the calls ahead are tasks on the loop.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, AsyncIterator, Deque, Optional

from . import _core
from ._run import SLEEP, Steps

__all__ = ["LoopTransport", "execute", "async_pages"]

#: bodies at least this large are parsed on a helper thread, off the loop
OFF_LOOP_BYTES = 256 * 1024


class LoopTransport:
    """One client's transfers on one event loop (see the module's docstring)."""

    __slots__ = ("loop", "multi")

    def __init__(self, transport: Any, loop: asyncio.AbstractEventLoop,
                 max_connections: int) -> None:
        self.loop = loop
        self.multi = _core.LoopMulti(transport, loop, max_connections=max_connections)

    async def request(self, method: str, path: str, query: Any, body: Any, timeout: Any,
                      model: Any, info: Any, headers: Any = None,
                      read_timeout: Any = None) -> Any:
        """One attempt (the arguments of ``Transport.request``): (data, usage), or
        its typed JoboError."""
        done = self.loop.create_future()
        tid = self.multi.submit(done, method, path, query, body, timeout, model, info, headers,
                                read_timeout)
        try:
            await done
        except BaseException:
            # cancelled (or the loop is going away): the transfer goes now
            self.multi.cancel(tid)
            raise
        finished = self.multi.take(tid)
        if finished.size >= OFF_LOOP_BYTES:
            return await self.loop.run_in_executor(None, finished.result)
        return finished.result()

    def close(self) -> None:
        self.multi.close()


async def execute(client: Any, call: Any) -> Any:
    """Run a Call on the running loop; its result, or its typed exception."""
    steps = Steps(client, call)
    transport = client._loop_transport()
    while not steps.done:
        kind, arg = steps.effect
        try:
            if kind is SLEEP:
                outcome = await asyncio.sleep(arg)
            else:
                outcome = await transport.request(*arg)
        except BaseException as exc:
            steps.fail(exc)
        else:
            steps.ok(outcome)
    return steps.result


async def async_pages(client: Any, plan: Any) -> AsyncIterator[Any]:
    """The pages of a plan, in order; the calls the plan names ahead run as
    tasks on the loop and are cancelled when the scan stops."""
    first = plan.first()
    if first is None:
        return
    loop = asyncio.get_running_loop()
    # the calls of the opening start once the first has taken its rate-limit slot
    ahead: Deque[Any] = deque(loop.create_task(execute(client, c)) for c in plan.opening())
    try:
        page = await execute(client, first)
        while plan.take(page):
            for _ in range(plan.surplus()):
                ahead.pop().cancel()
            ahead.extend(loop.create_task(execute(client, c)) for c in plan.ahead(len(ahead)))
            yield page
            if plan.finished():
                return
            del page  # done with: its tree goes before the next one is built
            following: Optional[Any] = plan.next_call() if not ahead else None
            if ahead:
                page = await ahead.popleft()
            elif following is not None:
                page = await execute(client, following)
            else:
                return
    finally:
        for task in ahead:
            task.cancel()


async def async_ids(pages: AsyncIterator[Any]) -> AsyncIterator[Any]:
    """The ``job_ids`` of each page, one by one."""
    async for page in pages:
        for job_id in page.job_ids:
            yield job_id
