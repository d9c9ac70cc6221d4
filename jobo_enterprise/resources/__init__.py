"""The API areas of a client: one module per area."""

from .jobs import JobsResource

__all__ = ["JobsResource"]
