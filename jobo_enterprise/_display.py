"""Rich display in Jupyter: ``_repr_html_`` of search results, feed pages, jobs, companies.

A result shows as a compact table (title, company, locations, work model, posted date,
salary range and a link) under a line of totals and usage figures; a job as a card, a
company as a card. ``print()`` and ``repr()`` are not affected.

Everything the server sent is text to this module: every value is HTML-escaped, and a
URL becomes a link only when it is an ``http://`` or ``https://`` URL with no whitespace
or control character in it (anything else, ``javascript:`` and ``data:`` included, is
shown as text). Links open in a new tab with ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Iterable, List, Optional


def escape(text: str, quote: bool = True) -> str:
    """``html.escape``, imported on first use (it is slow to import, and only
    notebooks render HTML)."""
    from html import escape as html_escape

    return html_escape(text, quote=quote)


__all__ = ["search_html", "feed_html", "job_html", "company_html", "safe_url"]

_HTTP = re.compile(r"https?://[^\s\x00-\x1f\x7f]+\Z", re.IGNORECASE)

# one small stylesheet, scoped by class, so the notebook's theme stays in charge of colours
_STYLE = (
    "<style>"
    ".jobo-res table{border-collapse:collapse;font-size:0.9em}"
    ".jobo-res th,.jobo-res td{padding:2px 8px;text-align:left;vertical-align:top}"
    ".jobo-res .jobo-meta{opacity:0.75;font-size:0.85em;margin:2px 0 6px}"
    ".jobo-card{border:1px solid rgba(127,127,127,0.4);border-radius:6px;padding:8px 12px;"
    "max-width:48em}"
    ".jobo-card h4{margin:0 0 4px}"
    "</style>"
)

MAX_ROWS = 50  # rows shown by a result's table; the rest is counted


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """A field of a model, or ``default`` when it is absent or unreadable (a required
    field the server left out raises on access: a display shows what there is)."""
    if obj is None:
        return default
    try:
        value = getattr(obj, name)
    except (AttributeError, TypeError, ValueError, LookupError):
        return default
    except Exception as exc:  # noqa: BLE001 - the SDK's JoboResponseError for a missing field
        from .exceptions import JoboError

        if isinstance(exc, JoboError):
            return default
        raise
    return default if value is None else value


def _text(value: Any) -> str:
    """Any value as escaped text ('' for None)."""
    if value is None:
        return ""
    return escape(str(value), quote=True)


def safe_url(value: Any) -> Optional[str]:
    """``value`` when it is a plain http(s) URL (a link may be made of it), else None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    return url if _HTTP.match(url) else None


def _link(url: Any, label: Any) -> str:
    """A link to ``url`` labelled ``label`` if the URL is safe; else the label as text
    followed by the URL as text, so that nothing is hidden."""
    safe = safe_url(url)
    if safe is not None:
        return (f'<a href="{escape(safe, quote=True)}" target="_blank" '
                f'rel="noopener noreferrer">{_text(label)}</a>')
    if url is None or url == "":
        return _text(label)
    if label is None or label == "" or label == url:
        return f"<code>{_text(url)}</code>"
    return f"{_text(label)} <code>{_text(url)}</code>"


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    return _text(value)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    return _text(value)


def _salary(job: Any) -> str:
    pay = _get(job, "compensation")
    low, high = _get(pay, "min"), _get(pay, "max")
    if low is None and high is None:
        return ""
    if low is not None and high is not None and low != high:
        span = f"{_number(low)}–{_number(high)}"
    else:
        span = _number(low if low is not None else high)
    parts = [span]
    currency, period = _get(pay, "currency"), _get(pay, "period")
    if currency:
        parts.append(_text(currency))
    if period:
        parts.append(f"/ {_text(period)}")
    return " ".join(parts)


def _place(loc: Any) -> str:
    parts = (_get(loc, "city"), _get(loc, "region"), _get(loc, "country"))
    return _get(loc, "location") or ", ".join(str(p) for p in parts if p)


def _locations(job: Any, limit: int = 1) -> str:
    names = [n for n in (_place(loc) for loc in _get(job, "locations", [])) if n]
    if not names:
        return ""
    shown = "; ".join(_text(n) for n in names[:limit])
    if len(names) > limit:
        shown += f" (+{len(names) - limit})"
    return shown


def _company(job: Any) -> str:
    company = _get(job, "company")
    return _text(_get(company, "name")) if company is not None else ""


def _usage(result: Any) -> str:
    u = getattr(result, "usage", None)
    if u is None:
        return ""
    parts = []
    if _get(u, "credits_used") is not None:
        parts.append(f"credits used {_number(_get(u, 'credits_used'))}")
    if _get(u, "credits_remaining") is not None:
        parts.append(f"remaining {_number(_get(u, 'credits_remaining'))}")
    if _get(u, "rate_limit_remaining") is not None:
        cap = _get(u, "rate_limit_limit")
        limit = f" of {_number(cap)}" if cap is not None else ""
        parts.append(f"rate limit {_number(_get(u, 'rate_limit_remaining'))}{limit} left")
    if _get(u, "request_id"):
        parts.append(f"request id {_text(_get(u, 'request_id'))}")
    return " · ".join(parts)


_HEADER = ("Title", "Company", "Location", "Work model", "Posted", "Salary", "Link")


def _rows(jobs: Iterable[Any]) -> List[str]:
    rows = []
    for job in jobs:
        listing, title = _get(job, "listing_url"), _get(job, "title")
        link = _get(job, "apply_url") or listing
        cells = (
            _link(listing, title) if safe_url(listing) else _text(title),
            _company(job),
            _locations(job),
            _text(_get(job, "workplace_type")),
            _date(_get(job, "date_posted") or _get(job, "created_at")),
            _salary(job),
            _link(link, "apply" if _get(job, "apply_url") else "listing") if link else "",
        )
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return rows


def _table(summary: str, jobs: List[Any], result: Any) -> str:
    head = "".join(f"<th>{h}</th>" for h in _HEADER)
    rows = _rows(jobs[:MAX_ROWS])
    more = ""
    if len(jobs) > MAX_ROWS:
        more = (f'<div class="jobo-meta">… {len(jobs) - MAX_ROWS:,} more jobs on this page '
                "(<code>.to_pandas()</code> has them all)</div>")
    usage = _usage(result)
    usage_html = f'<div class="jobo-meta">{usage}</div>' if usage else ""
    return (f'{_STYLE}<div class="jobo-res"><div><b>{summary}</b></div>{usage_html}'
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"{more}</div>")


def search_html(result: Any) -> str:
    """``_repr_html_`` of a :class:`~jobo_enterprise.models.SearchResult`."""
    jobs = list(_get(result, "jobs", []))
    summary = (f"{_number(_get(result, 'total'))} jobs · page {_number(_get(result, 'page'))} of "
               f"{_number(_get(result, 'total_pages'))} · {len(jobs):,} shown")
    return _table(summary, jobs, result)


def feed_html(page: Any) -> str:
    """``_repr_html_`` of a :class:`~jobo_enterprise.models.FeedPage`."""
    jobs = list(_get(page, "jobs", []))
    summary = f"{len(jobs):,} jobs in this feed batch"
    if _get(page, "estimated_total") is not None:
        summary += f" · about {_number(_get(page, 'estimated_total'))} in the scan"
    summary += " · more to come" if _get(page, "has_more") else " · last batch"
    return _table(summary, jobs, page)


def _field(label: str, value: str) -> str:
    return f"<div><b>{label}:</b> {value}</div>" if value else ""


def job_html(job: Any) -> str:
    """``_repr_html_`` of a :class:`~jobo_enterprise.models.Job`: a card."""
    kinds = " · ".join(_text(_get(job, k)) for k in ("workplace_type", "employment_type",
                                                      "experience_level") if _get(job, k))
    quals = _get(job, "qualifications")
    must = _get(quals, "must_have")
    skills = [_get(s, "name") for s in _get(must, "skills", []) if _get(s, "name")]
    links = " · ".join(_link(u, label) for u, label in ((_get(job, "listing_url"), "listing"),
                                                         (_get(job, "apply_url"), "apply")) if u)
    title = _text(_get(job, "title"))
    summary = _get(job, "summary") or ""
    if len(summary) > 400:
        summary = summary[:399] + "…"
    return (f'{_STYLE}<div class="jobo-card"><h4>{title}</h4>'
            f"{_field('Company', _company(job))}"
            f"{_field('Location', _locations(job, limit=5))}"
            f"{_field('Work', kinds)}"
            f"{_field('Posted', _date(_get(job, 'date_posted') or _get(job, 'created_at')))}"
            f"{_field('Salary', _salary(job))}"
            f"{_field('Skills', _text(', '.join(skills)))}"
            f"{_field('Source', _text(_get(job, 'source')))}"
            f"{_field('Links', links)}"
            f"{f'<p>{_text(summary)}</p>' if summary else ''}"
            f'<div class="jobo-meta">id {_text(_get(job, "id"))}</div></div>')


def company_html(company: Any) -> str:
    """``_repr_html_`` of a :class:`~jobo_enterprise.models.Company`: a card."""
    summary = _get(company, "summary") or ""
    if len(summary) > 400:
        summary = summary[:399] + "…"
    links = " · ".join(_link(u, label) for u, label in (
        (_get(company, "website"), "website"), (_get(company, "linkedin_url"), "LinkedIn"),
        (_get(company, "crunchbase_url"), "Crunchbase")) if u)
    return (f'{_STYLE}<div class="jobo-card"><h4>{_text(_get(company, "name"))}</h4>'
            f"{_field('Headquarters', _text(_get(company, 'headquarters_location')))}"
            f"{_field('Industries', _text(', '.join(_get(company, 'industries', []))))}"
            f"{_field('Size', _text(_get(company, 'company_size')))}"
            f"{_field('Founded', _text(_get(company, 'founding_year')))}"
            f"{_field('Links', links)}"
            f"{f'<p>{_text(summary)}</p>' if summary else ''}"
            f'<div class="jobo-meta">id {_text(_get(company, "id"))}</div></div>')
