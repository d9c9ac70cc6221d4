"""The mirror's errors (all are :class:`~jobo_enterprise.exceptions.JoboError`)."""

from __future__ import annotations

from ..exceptions import JoboError

__all__ = ["MirrorError", "MirrorBusyError", "MirrorFiltersError"]


class MirrorError(JoboError):
    """A mirror cannot do what was asked; the message says why and what to do."""


class MirrorBusyError(MirrorError):
    """Another sync of the same database is running (and ``wait`` did not allow
    waiting for it, or the wait ran out)."""


class MirrorFiltersError(MirrorError, ValueError):
    """A sync asked for other filters than the database was built with; pass
    ``reset=True`` (``--reset``) to rebuild it with the new ones."""
