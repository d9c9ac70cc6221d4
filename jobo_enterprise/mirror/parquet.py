"""A first load from a Parquet export of the feed (:meth:`.Mirror.load_parquet`)."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Dict, Optional

from ..frames import JOB_COLUMNS, column_names
from .core import SyncSummary, _parse_time
from .errors import MirrorError
from .storage import iso_utc

if TYPE_CHECKING:  # pragma: no cover
    from .core import Mirror

__all__ = ["load_parquet", "PARQUET_HINT"]

JOB_KINDS = dict(JOB_COLUMNS)

PARQUET_HINT = ("loading Parquet needs pyarrow: pip install 'jobo-enterprise-native[parquet]' "
                "(or pip install pyarrow)")


def _python_value(value: Any) -> Any:
    """A value read from Parquet as job_record gives it (datetimes aware UTC)."""
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp (nanosecond columns)
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def load_parquet(mirror: "Mirror", path: Any, exported_at: Any, reset: bool, wait: Any,
                 filters: Dict[str, Any]) -> SyncSummary:
    """See :meth:`Mirror.load_parquet`; ``filters`` in their canonical form."""
    try:
        import pyarrow.dataset as pads
    except ImportError as exc:
        raise ImportError(PARQUET_HINT) from exc
    t0 = time.monotonic()
    names = column_names()
    source = pads.dataset(os.fspath(path), format="parquet")  # a file or a directory of parts
    missing = [n for n in names if n not in source.schema.names]
    if missing:
        raise MirrorError(f"{path} lacks the column(s) {', '.join(missing)} of the job schema "
                          "(jobo_enterprise.frames.JOB_COLUMNS)")
    st = mirror.storage
    with st.lock(wait):
        st.open()
        try:
            state = st.read_state()
            if not reset and ("filters" in state or st.count()):
                raise MirrorError(
                    f"{st.location} already holds a mirror; a Parquet export is a first "
                    "load: pass reset=True (--reset) to replace what it holds")
            summary = SyncSummary(database=st.location, mode="full", filters=filters,
                                  reason="loaded from a Parquet export")
            newest: Optional[datetime] = None
            with st.transaction():  # all or nothing
                st.clear()
                for batch in source.to_batches(columns=names, batch_size=10_000):
                    rows = []
                    for record in batch.to_pylist():
                        row = {n: _python_value(record[n]) for n in names}
                        for n, kind in JOB_KINDS.items():
                            if kind.startswith("list") and row[n] is None:
                                row[n] = []
                        row["raw_json"] = None  # until the feed sends the job again
                        row["load_id"] = 1
                        rows.append(row)
                        stamp = row["updated_at"]
                        if stamp is not None and (newest is None or stamp > newest):
                            newest = stamp
                    st.replace(rows)
                    summary.inserted += len(rows)
                if exported_at is None:
                    mark = newest or datetime.now(timezone.utc)
                else:
                    mark = _parse_time(exported_at) if isinstance(exported_at, str) \
                        else exported_at
                    if mark.tzinfo is None:
                        mark = mark.replace(tzinfo=timezone.utc)
                summary.watermark = mark
                summary.jobs = st.count()
                summary.elapsed = time.monotonic() - t0
                st.write_state({"filters": json.dumps(filters, sort_keys=True), "run": None,
                                "watermark": iso_utc(mark), "last_sync": iso_utc(mark),
                                "load_id": "1", "last_summary": json.dumps(summary.to_dict())})
            return summary
        finally:
            st.close()
