"""Keep a mirror of the feed: an incremental, crash-safe sync into a local database.

>>> from jobo_enterprise import JoboClient
>>> from jobo_enterprise.mirror import Mirror
>>> with Mirror(JoboClient(), "jobs.sqlite") as mirror:         # doctest: +SKIP
...     summary = mirror.sync(work_models=["remote"], progress=True)
...     print(summary)
jobs.sqlite: full sync, 1,204 inserted, 0 updated, 0 deleted (0 unchanged); ...

Run it again every few minutes (``jobo mirror sync --db jobs.sqlite`` from cron):
the first sync loads everything, later ones fetch the jobs updated since the last
watermark (minus a safety overlap) and delete the ids that expired. See
:meth:`Mirror.sync` for the guarantees, :mod:`.storage` for the tables and for adding a
database (SQLite is the default, DuckDB the ``duckdb`` extra).
"""

from typing import Any

from .core import EXPIRED_WINDOW, Mirror, MirrorStatus, SyncSummary, open_storage
from .errors import MirrorBusyError, MirrorError, MirrorFiltersError
from .storage import COLUMNS, SQLiteStorage, SQLStorage, Storage

__all__ = ["Mirror", "SyncSummary", "MirrorStatus", "MirrorError", "MirrorBusyError",
           "MirrorFiltersError", "Storage", "SQLStorage", "SQLiteStorage", "DuckDBStorage",
           "COLUMNS", "EXPIRED_WINDOW", "open_storage"]


def __getattr__(name: str) -> Any:
    if name == "DuckDBStorage":  # imports duckdb only when asked for
        from .duckdb_storage import DuckDBStorage

        return DuckDBStorage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
