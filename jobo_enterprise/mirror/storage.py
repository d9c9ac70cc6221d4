"""Where a mirror keeps its jobs: the storage interface and the SQLite backend.

A backend is a :class:`Storage`. :class:`~jobo_enterprise.mirror.Mirror` needs only these
operations, each small enough to write for another database (PostgreSQL with psycopg,
for example, is a subclass of :class:`SQLStorage` with its own ``connect``, column types
and ``%s`` placeholders, and a :meth:`Storage.lock` on ``pg_advisory_lock``):

========================  ==============================================================
``open()``, ``close()``   connect, create the tables when missing
``lock(wait)``            a context manager that keeps other syncs of the same database
                          out; the default takes an exclusive ``flock`` on
                          ``<database>.lock`` (released by the system when the process
                          dies, even by SIGKILL)
``busy()``                whether a sync holds that lock now (for ``status``)
``transaction()``         a context manager: everything inside commits together or not
                          at all
``read_state()``          the sync-state table as ``{name: text}``
``write_state(values)``   set names (``None`` removes one); inside a transaction
``existing(ids)``         ``{id: raw_json}`` of the ids already stored
``replace(rows)``         store rows (dicts with :data:`COLUMNS`), replacing rows with
                          the same id
``delete(ids)``           remove ids; how many were there
``sweep(load_id)``        remove rows whose ``load_id`` is smaller (after a full load)
``clear()``               remove every job and the whole sync state
``count()``               number of jobs
========================  ==============================================================

Tables (created by ``open``):

- ``jobs``: the columns of :data:`jobo_enterprise.frames.JOB_COLUMNS`, in that order
  (``id`` is the primary key), then ``raw_json`` (the job exactly as the API sent it,
  ``Job.to_dict()`` as JSON with sorted keys; null for a row loaded from a Parquet
  export until the feed sends that job again) and ``load_id`` (the full load that last
  saw the job; used to remove jobs a full resync no longer finds).
- ``mirror_state``: ``name``/``value`` text pairs (filters, watermark, last sync, the
  run in progress).

Column types in SQLite: ``string`` TEXT, ``float`` REAL, ``bool`` INTEGER 0/1,
``datetime`` TEXT in ISO-8601 UTC (``2024-05-01T13:45:12Z``, sorts as time),
``list<...>`` TEXT holding JSON (query it with ``json_each``). The database is in WAL
mode with ``synchronous=FULL``: a committed page survives a crash of the process or of
the machine, and readers (``jobo mirror status``, your queries) never block a sync.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import sqlite3
import time
from datetime import datetime, timezone
from typing import Any, Dict, Iterator, Optional, Sequence, Tuple

from ..frames import JOB_COLUMNS
from .errors import MirrorBusyError, MirrorError

__all__ = ["Storage", "SQLStorage", "SQLiteStorage", "COLUMNS", "file_lock"]

# every column of the jobs table: the documented schema, then the mirror's own two
COLUMNS: Tuple[Tuple[str, str], ...] = JOB_COLUMNS + (("raw_json", "json"), ("load_id", "int"))
_NAMES = [name for name, _ in COLUMNS]


@contextlib.contextmanager
def file_lock(path: str, what: str, wait: Any = False) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created when missing).

    ``wait``: False (refuse at once when another holder has it), True (wait as long as
    it takes) or a number of seconds. A refusal raises :class:`MirrorBusyError` naming
    the holder (its pid and start time, written into the file)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise MirrorError(f"cannot create the lock file {path}: {exc.strerror}") from None
    try:
        # a status probe (lock_is_held) holds a shared lock for a moment: even "refuse at
        # once" gives such a probe a quarter of a second to let go
        deadline = None if wait is True else time.monotonic() + max(float(wait or 0), 0.25)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
            if deadline is not None and time.monotonic() >= deadline:
                holder = _holder(fd)
                raise MirrorBusyError(
                    f"another sync of {what} is running ({holder or 'holder unknown'}); "
                    "wait for it to finish, or pass wait=True (--wait) to queue behind it")
            time.sleep(0.05)
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, since {stamp}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _holder(fd: int) -> str:
    """What the holder of the lock wrote into the file: it writes right after taking
    the lock, so an empty file is read again for a moment before giving up."""
    for _ in range(20):
        try:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        except OSError:
            return ""
        if holder:
            return holder
        time.sleep(0.01)
    return ""


def lock_is_held(path: str) -> bool:
    """Whether another process or handle holds the ``flock`` of ``path`` now."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


class Storage:
    """The operations a mirror needs from a database (see the module documentation).

    ``name`` names the backend (``"sqlite"``), ``location`` the database (a path or a
    connection string without secrets) in messages."""

    name = "storage"
    location = ""

    def open(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def lock(self, wait: Any = False) -> Any:
        """Keep other syncs of this database out while the ``with`` block runs."""
        return file_lock(self.location + ".lock", self.location, wait)

    def busy(self) -> bool:
        """Whether a sync holds :meth:`lock` now."""
        return lock_is_held(self.location + ".lock")

    def transaction(self) -> Any:
        raise NotImplementedError

    def read_state(self) -> Dict[str, str]:
        raise NotImplementedError

    def write_state(self, values: Dict[str, Optional[str]]) -> None:
        raise NotImplementedError

    def existing(self, ids: Sequence[str]) -> Dict[str, str]:
        raise NotImplementedError

    def replace(self, rows: Sequence[Dict[str, Any]]) -> None:
        raise NotImplementedError

    def delete(self, ids: Sequence[str]) -> int:
        raise NotImplementedError

    def sweep(self, load_id: int) -> int:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class SQLStorage(Storage):
    """A :class:`Storage` over a DB-API connection with ``?`` placeholders; subclasses
    give :meth:`connect`, :data:`TYPES` (column kind -> SQL type) and :meth:`to_db`."""

    TYPES: Dict[str, str] = {}
    placeholder = "?"

    def __init__(self) -> None:
        self.conn: Any = None

    def connect(self) -> Any:
        raise NotImplementedError

    def to_db(self, kind: str, value: Any) -> Any:
        """A column value (as :func:`~jobo_enterprise.frames.job_record` gives it) as
        this database stores it."""
        return value

    # -- Storage -------------------------------------------------------------------
    def open(self) -> None:
        if self.conn is not None:
            return
        try:
            self._create()
        except ImportError:
            raise
        except Exception as exc:  # the driver's own error types
            self.close()
            raise MirrorError(f"cannot open {self.location} as a {self.name} mirror: "
                              f"{exc}") from exc

    def _create(self) -> None:
        self.conn = self.connect()
        cols = ", ".join(f"{name} {self.TYPES[kind]}" + (" PRIMARY KEY" if name == "id" else "")
                         for name, kind in COLUMNS)
        with self.transaction():
            self._run(f"CREATE TABLE IF NOT EXISTS jobs ({cols})")
            self._run("CREATE TABLE IF NOT EXISTS mirror_state "
                      f"(name {self.TYPES['string']} PRIMARY KEY, value {self.TYPES['string']})")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql.replace("?", self.placeholder), params)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self._run("BEGIN")
        try:
            yield
        except BaseException:
            self._run("ROLLBACK")
            raise
        self._run("COMMIT")

    def read_state(self) -> Dict[str, str]:
        return dict(self._run("SELECT name, value FROM mirror_state").fetchall())

    def write_state(self, values: Dict[str, Optional[str]]) -> None:
        for name, value in values.items():
            self._run("DELETE FROM mirror_state WHERE name = ?", (name,))
            if value is not None:
                self._run("INSERT INTO mirror_state (name, value) VALUES (?, ?)", (name, value))

    def existing(self, ids: Sequence[str]) -> Dict[str, str]:
        out: Dict[str, str] = {}
        for part in _chunks(list(ids)):
            marks = ", ".join("?" * len(part))
            out.update(self._run(f"SELECT id, raw_json FROM jobs WHERE id IN ({marks})",
                                 part).fetchall())
        return out

    def replace(self, rows: Sequence[Dict[str, Any]]) -> None:
        if not rows:
            return
        self.delete([r["id"] for r in rows])
        marks = ", ".join("?" * len(COLUMNS))
        sql = f"INSERT INTO jobs ({', '.join(_NAMES)}) VALUES ({marks})".replace(
            "?", self.placeholder)
        self.conn.executemany(sql, [[self.to_db(kind, row[name]) for name, kind in COLUMNS]
                                    for row in rows])

    def delete(self, ids: Sequence[str]) -> int:
        gone = 0
        for part in _chunks(list(ids)):
            marks = ", ".join("?" * len(part))
            gone += self._run(f"SELECT count(*) FROM jobs WHERE id IN ({marks})",
                              part).fetchone()[0]
            self._run(f"DELETE FROM jobs WHERE id IN ({marks})", part)
        return gone

    def sweep(self, load_id: int) -> int:
        gone = self._run("SELECT count(*) FROM jobs WHERE load_id < ?", (load_id,)).fetchone()[0]
        self._run("DELETE FROM jobs WHERE load_id < ?", (load_id,))
        return int(gone)

    def clear(self) -> None:
        self._run("DELETE FROM jobs")
        self._run("DELETE FROM mirror_state")

    def count(self) -> int:
        return int(self._run("SELECT count(*) FROM jobs").fetchone()[0])


def iso_utc(value: Optional[datetime]) -> Optional[str]:
    """An aware datetime as ISO-8601 UTC text (``...Z``)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat() + "Z"


class SQLiteStorage(SQLStorage):
    """The default backend: one SQLite file, with the standard library's ``sqlite3``.

    >>> storage = SQLiteStorage("jobs.sqlite")           # doctest: +SKIP
    """

    name = "sqlite"
    TYPES = {"string": "TEXT", "float": "REAL", "bool": "INTEGER", "datetime": "TEXT",
             "list<string>": "TEXT", "list<location>": "TEXT", "json": "TEXT",
             "int": "INTEGER NOT NULL"}

    def __init__(self, path: "str | os.PathLike[str]", timeout: float = 30.0) -> None:
        super().__init__()
        self.location: str = os.fspath(path)
        self.timeout = timeout

    def connect(self) -> sqlite3.Connection:
        # autocommit mode: transactions are opened explicitly by transaction()
        conn = sqlite3.connect(self.location, timeout=self.timeout, isolation_level=None,
                               check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    def to_db(self, kind: str, value: Any) -> Any:
        if value is None:
            return None
        if kind == "bool":
            return int(value)
        if kind == "datetime":
            return iso_utc(value)
        if kind.startswith("list"):
            return json.dumps(value, ensure_ascii=False)
        return value

