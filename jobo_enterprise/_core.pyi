"""Type stubs of jobo_enterprise._core, the C transport over libcurl and cJSON."""

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Type, TypeVar, Union

LIBCURL_VERSION: str
DEFAULT_MAX_BODY: int

FIELD_OTHER: int
FIELD_INT: int
FIELD_FLOAT: int
FIELD_UUID: int
FIELD_DATETIME: int
FIELD_MODEL: int
FIELD_MODEL_LIST: int
FIELD_STR_LIST: int
FIELD_UUID_LIST: int

_R = TypeVar("_R", bound="Record")

class Record:
    """Base of the models: a dict-backed JSON object, or a lazy view of a parsed one."""

    __dict__: Dict[str, Any]  # a view is materialised when this is read
    _cache: Optional[Dict[str, Any]]
    @property
    def _is_view(self) -> bool: ...

class Field:
    """Base of typed model fields (reading converts once, in C when it can)."""

    name: str
    default: Any
    model: Any
    _ckind: int
    _required: bool
    def __get__(self, inst: Any, owner: Any = ...) -> Any: ...

class PlainField:
    """A str or bool model field (absent: default, or missing() when given)."""

    def __init__(
        self, name: str, default: Any = ..., missing: Optional[Callable[[], Any]] = ...
    ) -> None: ...
    @property
    def name(self) -> str: ...
    @property
    def default(self) -> Any: ...
    def __get__(self, inst: Any, owner: Any = ...) -> Any: ...

class Transport:
    """The C transport of one client. Holds the only copy of the API key."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        user_agent: str,
        *,
        ca_bundle: Optional[str] = ...,
        connect_timeout: float = ...,
        timeout: float = ...,
        read_timeout: float = ...,
        max_body: int = ...,
        proxy: Optional[str] = ...,
        http_version: int = ...,
    ) -> None: ...
    def request(
        self,
        method: str,
        path: str,
        query: Optional[Sequence[Tuple[str, str]]] = ...,
        body: Optional[bytes] = ...,
        timeout: Optional[float] = ...,
        model: Optional[Type[Record]] = ...,
        info: Optional[Dict[str, Any]] = ...,
        headers: Optional[Sequence[str]] = ...,
        read_timeout: Optional[float] = ...,
    ) -> Tuple[Any, Any]: ...
    def mask(self, text: str) -> str:
        """The text with the client's key masked (raw, JSON-escaped or percent-encoded)."""
    def close(self) -> None: ...
    def _pool(self) -> Dict[str, int]:
        """The handle pool: idle, capacity, made (easy handles), multis."""
    @property
    def http_version(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    @property
    def masked_key(self) -> str: ...
    @property
    def user_agent(self) -> str: ...
    @property
    def ca_bundle(self) -> Optional[str]: ...
    @property
    def closed(self) -> bool: ...
    @property
    def has_proxy(self) -> bool: ...

class Multi:
    """Concurrent transfers of one client on one libcurl multi handle, driven
    from the calling thread (no worker threads)."""

    def __init__(self, transport: Transport, *, max_bodies: int = ...,
                 max_connections: int = ...) -> None: ...
    def submit(
        self,
        method: str,
        path: str,
        query: Optional[Sequence[Tuple[str, str]]] = ...,
        body: Optional[bytes] = ...,
        timeout: Optional[float] = ...,
        model: Optional[Type[Record]] = ...,
        info: Optional[Dict[str, Any]] = ...,
        headers: Optional[Sequence[str]] = ...,
        read_timeout: Optional[float] = ...,
    ) -> int: ...
    def send(self, seconds: float) -> bool: ...
    def wait(self, id: int) -> Tuple[Any, Any]: ...
    def run(self, seconds: float) -> None: ...
    def cancel(self, id: int) -> bool: ...
    def close(self) -> None: ...
    @property
    def pending(self) -> int: ...
    @property
    def peak_bodies(self) -> int: ...
    @property
    def max_bodies(self) -> int: ...
    @property
    def closed(self) -> bool: ...

class Finished:
    """One finished transfer of a LoopMulti, read once (from any thread)."""

    def result(self) -> Tuple[Any, Any]: ...
    @property
    def size(self) -> int: ...

class LoopMulti:
    """Concurrent transfers of one client on one libcurl multi handle, driven by
    an asyncio event loop (its sockets and timer watched by the loop)."""

    def __init__(self, transport: Transport, loop: Any, *, max_connections: int = ...) -> None: ...
    def submit(
        self,
        future: Any,
        method: str,
        path: str,
        query: Optional[Sequence[Tuple[str, str]]] = ...,
        body: Optional[bytes] = ...,
        timeout: Optional[float] = ...,
        model: Optional[Type[Record]] = ...,
        info: Optional[Dict[str, Any]] = ...,
        headers: Optional[Sequence[str]] = ...,
        read_timeout: Optional[float] = ...,
    ) -> int: ...
    def take(self, id: int) -> Finished: ...
    def cancel(self, id: int) -> bool: ...
    def close(self) -> None: ...
    def _on_socket(self, fd: int, events: int) -> None: ...
    def _on_timer(self) -> None: ...
    @property
    def pending(self) -> int: ...
    @property
    def sockets(self) -> int: ...
    @property
    def registered(self) -> int: ...
    @property
    def completed(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    @property
    def loop(self) -> Any: ...
    @property
    def max_connections(self) -> int: ...

def version_info() -> Dict[str, Union[str, bool]]: ...
def decode_json(data: bytes) -> Any: ...
def parse_model(cls: Type[_R], data: Union[bytes, bytearray, memoryview]) -> _R: ...
def detach_kept(models: List[Any]) -> None: ...
COL_STR: int
COL_FLOAT: int
COL_BOOL: int
COL_DATETIME: int
COL_STR_LIST: int
COL_NAMES: int
COL_FIRST: int
COL_STRUCTS: int
def job_columns(jobs: List[Any], plan: Tuple[Tuple[int, Tuple[str, ...], Tuple[Tuple[str, int], ...]], ...],
                parse_time: Callable[[Any], Optional[int]]) -> List[Any]: ...
def _live_docs() -> int: ...
def _materialized() -> int: ...
def _shutdown(wait: float = ...) -> int: ...
def _after_fork_in_child() -> None: ...
def _prescan(data: bytes) -> Tuple[int, int, int, int, int]: ...
