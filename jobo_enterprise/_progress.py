"""Progress bars for long scans (``progress=True`` on the iterators, the CLI, the mirror).

One bar counts jobs, shows jobs per second and the credits spent so far, and has a
total when one is known (a search's ``total``, the feed's ``estimated_total``). It is
tqdm's: the notebook widget in Jupyter, a terminal bar elsewhere. tqdm is optional
(the ``progress`` extra); asking for a bar without it raises an ImportError naming the
extra.
"""

from __future__ import annotations

from typing import Any, Optional

EXTRA_HINT = (
    "progress bars need tqdm: pip install 'jobo-enterprise-native[progress]' (or pip install tqdm)"
)


def _tqdm_class() -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError as exc:  # pragma: no cover - exercised without tqdm installed
        raise ImportError(EXTRA_HINT) from exc
    return tqdm


class Progress:
    """A bar of jobs; ``update(jobs, credits)`` after each page, ``close()`` at the end."""

    __slots__ = ("_bar", "credits", "note")

    def __init__(self, *, total: Optional[int] = None, desc: str = "jobs",
                 file: Any = None, disable: bool = False) -> None:
        tqdm = _tqdm_class()
        self.credits = 0
        self.note = ""
        self._bar = tqdm(total=total, desc=desc, unit=" jobs", file=file, disable=disable,
                         dynamic_ncols=True)

    def set_total(self, total: Optional[int]) -> None:
        """Set (or correct) the total once a first page tells it."""
        if total is not None and total != self._bar.total:
            self._bar.total = total
            self._bar.refresh()

    def update(self, jobs: int, credits: Optional[int] = None,
               note: Optional[str] = None) -> None:
        """Count ``jobs`` more jobs; ``credits`` spent by the page that brought them;
        ``note`` replaces the figures shown after the credits (e.g. a mirror's
        inserted/updated/deleted)."""
        if note is not None:
            self.note = note
        if credits:
            self.credits += credits
        if credits or note is not None:
            shown = f"credits {self.credits:,}" + (f", {self.note}" if self.note else "")
            self._bar.set_postfix_str(shown, refresh=False)
        self._bar.update(jobs)

    def close(self) -> None:
        self._bar.close()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
