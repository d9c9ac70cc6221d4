"""What type checkers see of the async resources (imported only by them).

An async resource runs its sync class's methods on the event loop, so its
methods take the same arguments and return an awaitable (or an async
iterator) of the same result. These decorators say exactly that, from the
sync method's own signature (ParamSpec): no signature is written a second time.

    @awaitable(JobsResource.search)          # async search(<same>) -> SearchResult
    def search(self) -> None: ...
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Callable, Coroutine, Type, TypeVar
from uuid import UUID

from typing_extensions import Concatenate, ParamSpec

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

Stub = Callable[..., Any]


def awaitable(method: Callable[Concatenate[Any, P], R]
              ) -> Callable[[Stub], Callable[Concatenate[Any, P], Coroutine[Any, Any, R]]]:
    """The method's arguments; a coroutine of its result."""
    raise NotImplementedError  # type checkers only


def returning(method: Callable[Concatenate[Any, P], Any], result: Type[T]
              ) -> Callable[[Stub], Callable[Concatenate[Any, P], T]]:
    """The method's arguments; a ``result`` (an async iterator class)."""
    raise NotImplementedError  # type checkers only


def async_ids(method: Callable[Concatenate[Any, P], Any]
              ) -> Callable[[Stub], Callable[Concatenate[Any, P], AsyncIterator[UUID]]]:
    """The method's arguments; an async iterator of job ids."""
    raise NotImplementedError  # type checkers only
