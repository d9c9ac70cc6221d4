"""Type stubs of jobo_enterprise._core, the C transport over libcurl and cJSON."""

from typing import Any, Dict, Optional, Sequence, Tuple, Union

LIBCURL_VERSION: str
DEFAULT_MAX_BODY: int

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
    ) -> None: ...
    def request(
        self,
        method: str,
        path: str,
        query: Optional[Sequence[Tuple[str, str]]] = ...,
        body: Optional[bytes] = ...,
        timeout: Optional[float] = ...,
    ) -> Tuple[Any, Any]: ...
    def close(self) -> None: ...
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

def version_info() -> Dict[str, Union[str, bool]]: ...
def decode_json(data: bytes) -> Any: ...
def _shutdown(wait: float = ...) -> int: ...
