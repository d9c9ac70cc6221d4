"""The DuckDB backend of the mirror (the ``duckdb`` extra: ``pip install
'jobo-enterprise-native[duckdb]'``), good for analysis in notebooks.

Same tables as SQLite (see :mod:`.storage`), with DuckDB's types: ``datetime`` columns
are ``TIMESTAMP`` in UTC, ``list<string>`` columns ``VARCHAR[]``, ``locations`` a list of
``STRUCT(location, city, region, country, latitude, longitude)``::

    import duckdb
    con = duckdb.connect("jobs.duckdb", read_only=True)
    con.sql("SELECT workplace_type, count(*) FROM jobs GROUP BY ALL").show()

DuckDB lets one process at a time open a database file for writing: close your own
read-write connection before a sync (read-only connections of other processes also wait
for the sync to end).
"""

from __future__ import annotations

import os
from datetime import timezone
from typing import Any

from ..frames import LOCATION_FIELDS
from .storage import SQLStorage

__all__ = ["DuckDBStorage", "EXTRA_HINT"]

EXTRA_HINT = ("the DuckDB backend needs duckdb: pip install 'jobo-enterprise-native[duckdb]' "
              "(or pip install duckdb)")

_SQL = {"string": "VARCHAR", "float": "DOUBLE"}
_LOCATION = "STRUCT(" + ", ".join(f"{name} {_SQL[kind]}" for name, kind in LOCATION_FIELDS) + ")"


class DuckDBStorage(SQLStorage):
    """The mirror in one DuckDB file (``Mirror(client, "jobs.duckdb")``)."""

    name = "duckdb"
    TYPES = {"string": "VARCHAR", "float": "DOUBLE", "bool": "BOOLEAN",
             "datetime": "TIMESTAMP", "list<string>": "VARCHAR[]",
             "list<location>": _LOCATION + "[]", "json": "VARCHAR",
             "int": "BIGINT NOT NULL"}

    def __init__(self, path: "str | os.PathLike[str]", read_only: bool = False) -> None:
        super().__init__()
        self.location: str = os.fspath(path)
        self.read_only = read_only

    def connect(self) -> Any:
        try:
            import duckdb
        except ImportError as exc:
            raise ImportError(EXTRA_HINT) from exc
        return duckdb.connect(self.location, read_only=self.read_only)

    def open(self) -> None:
        if self.read_only:  # no tables to create, and no right to
            if self.conn is None:
                self.conn: Any = self.connect()
            return
        super().open()

    def to_db(self, kind: str, value: Any) -> Any:
        if kind == "datetime" and value is not None and value.tzinfo is not None:
            return value.astimezone(timezone.utc).replace(tzinfo=None)  # stored as UTC
        return value
