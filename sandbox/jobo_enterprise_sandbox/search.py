"""Job search over the synthetic dataset: criteria, matching, ordering and facets.

Semantics (shared by ``GET /api/jobs``, ``POST /api/jobs/search`` and
``GET /api/companies/{id}/jobs``):

- Text: every word must match, case-insensitively and as a whole word, in the title, or
  (``search_description``, the default) in the title, description or skills. A
  ``"quoted phrase"`` must appear in the title, as a phrase. Several queries (POST
  ``queries``) are OR'd; a query with a leading ``-`` excludes the jobs it matches.
- ``location``: comma-separated parts (``"San Francisco, CA"``) that must all name the
  same job location: city, region, region code, country name or ISO code,
  case-insensitive (accents optional: ``zurich`` matches ``Zürich``). ``remote`` matches
  remote jobs. POST ``locations`` holds several such strings: any may match.
- Closed sets (sources, work model, employment type, experience level): lowercase values
  matched exactly; an unknown value matches nothing.
- Dates are inclusive; ``posted_*`` compares ``date_posted``, ``discovered_*``
  ``created_at``.
- Salary: compensation annualised to USD (see :mod:`.data`); ``min_salary_usd`` keeps
  jobs whose range reaches at least that much (max >= value, or min when there is no
  max), ``max_salary_usd`` jobs whose range starts at or below it (min <= value). Jobs
  without compensation are dropped by either filter.
- Skills, industries: match any, case-insensitive. POST ``{include, exclude}`` objects:
  ``include`` keeps jobs with any of the values, ``exclude`` drops jobs with any of them;
  ``companies`` values match a company's name (case-insensitive) or id.
- Order: jobs whose title matches the text first, then newest ``date_posted``, then id.
"""

from __future__ import annotations

import calendar
import collections
import re
import string
import threading
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from .data import (ALL_FIELDS_MASK, EMPLOYMENT_TYPES, EXPERIENCE_LEVELS, HEAVY_FIELDS,
                   WORK_MODELS, Dataset, JobRecord, dumps, fields_mask)
from .gazetteer import fold
from .wire import ApiError

__all__ = [
    "TextQuery", "Criteria", "SearchEngine", "SearchResult", "FACETS", "parse_text",
    "parse_datetime", "parse_location", "criteria_from_query", "criteria_from_body",
    "SearchPage",
]

FACETS = ("work_model", "experience_level", "employment_type", "sources", "industries",
          "skills")
FACET_LIMIT = 20

_WORD = r"[\w+#]"
_STRIP = "".join(ch for ch in string.punctuation if ch not in "+#") + "\u2018\u2019\u201c\u201d"


def _word_re(words: Sequence[str]) -> "re.Pattern[str]":
    body = r"[^\w+#]+".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!{_WORD}){body}(?!{_WORD})")


class TextQuery:
    """A parsed free-text query: whole words (anywhere allowed) and title phrases."""

    __slots__ = ("raw", "words", "phrases", "_word_res", "_phrase_res")

    def __init__(self, raw: str, words: List[str], phrases: List[List[str]]):
        self.raw: str = raw
        self.words: List[str] = words
        self.phrases: List[List[str]] = phrases
        self._word_res = [(w, _word_re([w])) for w in words]
        self._phrase_res = [_word_re(p) for p in phrases]

    def key(self) -> Tuple[Any, ...]:
        return (tuple(self.words), tuple(tuple(p) for p in self.phrases))

    def in_title(self, job: JobRecord) -> bool:
        title = job.title_lc
        for _, rx in self._word_res:
            if rx.search(title) is None:
                return False
        return all(rx.search(title) is not None for rx in self._phrase_res)

    def matches(self, job: JobRecord, search_description: bool) -> bool:
        title = job.title_lc
        for rx in self._phrase_res:
            if rx.search(title) is None:
                return False
        if not search_description:
            return all(rx.search(title) is not None for _, rx in self._word_res)
        hay = job.text_lc
        for word, rx in self._word_res:
            if word not in hay or rx.search(hay) is None:
                return False
        return True


def _split_words(text: str) -> List[str]:
    out = []
    for token in text.lower().split():
        token = token.strip(_STRIP)
        if token:
            out.append(token)
    return out


def parse_text(q: str) -> Optional[TextQuery]:
    """Parse ``q``; ``None`` when it holds no searchable word."""
    phrases: List[List[str]] = []
    rest: List[str] = []
    pos = 0
    for m in re.finditer(r'"([^"]*)"', q):
        rest.append(q[pos:m.start()])
        words = _split_words(m.group(1))
        if words:
            phrases.append(words)
        pos = m.end()
    rest.append(q[pos:].replace('"', " "))
    words = list(dict.fromkeys(_split_words(" ".join(rest))))
    if not words and not phrases:
        return None
    return TextQuery(q, words, phrases)


def parse_location(text: str) -> Optional[Tuple[str, ...]]:
    parts = tuple(p.strip().lower() for p in text.split(",") if p.strip())
    return parts or None


_DT_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_datetime(text: str) -> float:
    """ISO-8601 date or date-time -> epoch seconds (naive = UTC). ValueError if invalid."""
    m = _DT_RE.match(text.strip())
    if not m:
        raise ValueError(text)
    y, mo, d, hh, mi, ss, frac, tz = m.groups()
    y, mo, d = int(y), int(mo), int(d)
    hh, mi, ss = int(hh or 0), int(mi or 0), int(ss or 0)
    if not (1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1] and hh <= 23
            and mi <= 59 and ss <= 60):
        raise ValueError(text)
    ts = calendar.timegm((y, mo, d, hh, mi, min(ss, 59), 0, 0, 0)) + (ss == 60)
    value = float(ts) + (float("0." + frac) if frac else 0.0)
    if tz and tz not in ("Z", "z"):
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        off_h, off_m = int(digits[:2]), int(digits[2:4] or 0)
        if off_h > 23 or off_m > 59:
            raise ValueError(text)
        value -= sign * (off_h * 3600 + off_m * 60)
    return value


def _set(values: Optional[Iterable[str]]) -> Optional[FrozenSet[str]]:
    if values is None:
        return None
    out = frozenset(v.strip().lower() for v in values if v and v.strip())
    return out or None


class Criteria:
    """Everything that selects and orders jobs (not paging, facets or fields).

    Set-valued fields are ``None`` (no filter) or frozensets of lowercase values."""

    _FIELDS = ("text_any", "text_exclude", "search_description", "locations", "sources",
               "work_models", "employment_types", "experience_levels", "posted_after",
               "posted_before", "discovered_after", "discovered_before", "min_salary_usd",
               "max_salary_usd", "skills_any", "skills_exclude", "industries_any",
               "industries_exclude", "companies_any", "companies_exclude", "company_ids")

    def __init__(self, text_any: Sequence[TextQuery] = (),
                 text_exclude: Sequence[TextQuery] = (), search_description: bool = True,
                 locations: Sequence[Tuple[str, ...]] = (),
                 sources: Optional[Iterable[str]] = None,
                 work_models: Optional[Iterable[str]] = None,
                 employment_types: Optional[Iterable[str]] = None,
                 experience_levels: Optional[Iterable[str]] = None,
                 posted_after: Optional[float] = None, posted_before: Optional[float] = None,
                 discovered_after: Optional[float] = None,
                 discovered_before: Optional[float] = None,
                 min_salary_usd: Optional[int] = None, max_salary_usd: Optional[int] = None,
                 skills_any: Optional[Iterable[str]] = None,
                 skills_exclude: Optional[Iterable[str]] = None,
                 industries_any: Optional[Iterable[str]] = None,
                 industries_exclude: Optional[Iterable[str]] = None,
                 companies_any: Optional[Iterable[str]] = None,
                 companies_exclude: Optional[Iterable[str]] = None,
                 company_ids: Optional[Iterable[str]] = None):
        self.text_any: list[TextQuery] = list(text_any)
        self.text_exclude: list[TextQuery] = list(text_exclude)
        self.search_description: bool = bool(search_description)
        self.locations: list[Tuple[str, ...]] = list(locations)
        self._location_alts = [tuple((p, fold(p)) for p in parts) for parts in self.locations]
        self.sources: FrozenSet[str] | None = _set(sources)
        self.work_models: FrozenSet[str] | None = _set(work_models)
        self.employment_types: FrozenSet[str] | None = _set(employment_types)
        self.experience_levels: FrozenSet[str] | None = _set(experience_levels)
        self.posted_after = posted_after
        self.posted_before = posted_before
        self.discovered_after = discovered_after
        self.discovered_before = discovered_before
        self.min_salary_usd = min_salary_usd
        self.max_salary_usd = max_salary_usd
        self.skills_any: FrozenSet[str] | None = _set(skills_any)
        self.skills_exclude: FrozenSet[str] | None = _set(skills_exclude)
        self.industries_any: FrozenSet[str] | None = _set(industries_any)
        self.industries_exclude: FrozenSet[str] | None = _set(industries_exclude)
        self.companies_any: FrozenSet[str] | None = _set(companies_any)
        self.companies_exclude: FrozenSet[str] | None = _set(companies_exclude)
        self.company_ids: FrozenSet[str] | None = _set(company_ids)

    def key(self) -> Tuple[Any, ...]:
        out = []
        for name in self._FIELDS:
            value = getattr(self, name)
            if name in ("text_any", "text_exclude"):
                value = tuple(sorted(q.key() for q in value))
            elif name == "locations":
                value = tuple(sorted(value))
            elif isinstance(value, frozenset):
                value = tuple(sorted(value))
            out.append(value)
        return tuple(out)

    # -- matching ---------------------------------------------------------------
    def _location_ok(self, job: JobRecord) -> bool:
        for parts in self._location_alts:
            if len(parts) == 1 and parts[0][0] == "remote" and job.work_model == "remote":
                return True
            for keys in job.location_keys:
                if all(p in keys or f in keys for p, f in parts):
                    return True
        return False

    def _company_ok(self, job: JobRecord) -> bool:
        company = job.company
        names = (company.name.lower(), company.id)
        if self.companies_any is not None and not any(n in self.companies_any for n in names):
            return False
        if self.companies_exclude is not None and any(n in self.companies_exclude for n in names):
            return False
        return True

    # (criteria attribute, job attribute) of the single-valued set filters
    _ONE_OF = (("sources", "source"), ("work_models", "work_model"),
               ("employment_types", "employment_type"),
               ("experience_levels", "experience_level"))
    # (criteria attribute, job attribute, +1 for "after" / -1 for "before")
    _DATES = (("posted_after", "posted_at", 1), ("posted_before", "posted_at", -1),
              ("discovered_after", "created_at", 1), ("discovered_before", "created_at", -1))

    def matches(self, job: JobRecord) -> bool:
        for crit, attr in self._ONE_OF:
            allowed = getattr(self, crit)
            if allowed is not None and getattr(job, attr) not in allowed:
                return False
        for crit, attr, sign in self._DATES:
            bound = getattr(self, crit)
            if bound is not None and (getattr(job, attr) - bound) * sign < 0:
                return False
        if self.min_salary_usd is not None:
            top = job.salary_max_usd if job.salary_max_usd is not None else job.salary_min_usd
            if top is None or top < self.min_salary_usd:
                return False
        if self.max_salary_usd is not None:
            if job.salary_min_usd is None or job.salary_min_usd > self.max_salary_usd:
                return False
        for values, wanted, excluded in ((job.skills, self.skills_any, self.skills_exclude),
                                         (job.industries, self.industries_any,
                                          self.industries_exclude)):
            if wanted is not None and wanted.isdisjoint(values):
                return False
            if excluded is not None and not excluded.isdisjoint(values):
                return False
        if self.company_ids is not None and job.company.id not in self.company_ids:
            return False
        if (self.companies_any is not None or self.companies_exclude is not None) \
                and not self._company_ok(job):
            return False
        if self.locations and not self._location_ok(job):
            return False
        if self.text_exclude and any(q.matches(job, self.search_description)
                                     for q in self.text_exclude):
            return False
        if self.text_any:
            return any(q.matches(job, self.search_description) for q in self.text_any)
        return True

    def title_tier(self, job: JobRecord) -> int:
        if not self.text_any:
            return 0
        return 0 if any(q.in_title(job) for q in self.text_any) else 1


class SearchResult:
    """The ordered matches of one criteria and the facets computed over all of them."""

    __slots__ = ("jobs", "facets_json")

    def __init__(self, jobs: Tuple[JobRecord, ...], facets_json: bytes):
        self.jobs: Tuple[JobRecord, ...] = jobs
        self.facets_json: bytes = facets_json


class SearchPage:
    """Paging, facets and fields of a search request (beside its :class:`Criteria`)."""

    __slots__ = ("page", "page_size", "facets", "fields_mask")

    def __init__(self, page: int = 1, page_size: int = 25, facets: Sequence[str] = FACETS,
                 fields_mask: int = (1 << len(HEAVY_FIELDS)) - 1):
        self.page: int = page
        self.page_size: int = page_size
        self.facets: tuple[str, ...] = tuple(facets)
        self.fields_mask: int = fields_mask


def _facet_values(job: JobRecord, name: str):
    if name == "work_model":
        return (job.work_model,)
    if name == "experience_level":
        return (job.experience_level,) if job.experience_level else ()
    if name == "employment_type":
        return (job.employment_type,)
    if name == "sources":
        return (job.source,)
    if name == "industries":
        return job.industries
    return job.skills


class SearchEngine:
    """Runs criteria over a dataset, with an LRU cache of results (thread-safe)."""

    def __init__(self, dataset: Dataset, cache_size: int = 256):
        self.dataset = dataset
        self._cache: "collections.OrderedDict[tuple, SearchResult]" = collections.OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._hay_lock = threading.Lock()
        self._hay_ready = False

    def ensure_haystacks(self) -> None:
        """Build the lowercase full-text haystacks (title, description, skills) once."""
        if self._hay_ready:
            return
        with self._hay_lock:
            if self._hay_ready:
                return
            for job in self.dataset.jobs:
                if job.text_lc is None:
                    doc = job.doc
                    job.text_lc = "\n".join((doc["title"], doc.get("description") or "",
                                             " ".join(job.skills))).lower()
            self._hay_ready = True

    def facets(self, jobs: Sequence[JobRecord],
               names: Sequence[str]) -> Dict[str, List[Dict[str, Any]]]:
        out: Dict[str, List[Dict[str, Any]]] = {}
        for name in names:
            counter: Dict[str, int] = {}
            for job in jobs:
                for value in _facet_values(job, name):
                    counter[value] = counter.get(value, 0) + 1
            top = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_LIMIT]
            out[name] = [{"key": k, "count": n} for k, n in top]
        return out

    def run(self, criteria: Criteria, facets: Sequence[str] = FACETS,
            jobs: Optional[Sequence[JobRecord]] = None) -> SearchResult:
        """All matches of ``criteria`` in order, plus facets (cached by criteria).
        ``jobs`` restricts the candidates (then nothing is cached)."""
        key = (criteria.key(), tuple(facets))
        if jobs is None:
            with self._lock:
                hit = self._cache.get(key)
                if hit is not None:
                    self._cache.move_to_end(key)
                    return hit
        if criteria.search_description and (criteria.text_any or criteria.text_exclude):
            self.ensure_haystacks()
        candidates = self.dataset.jobs if jobs is None else jobs
        matched = [j for j in candidates if criteria.matches(j)]
        if criteria.text_any:
            matched.sort(key=lambda j: (criteria.title_tier(j), -j.posted_at, j.id))
        else:
            matched.sort(key=lambda j: (-j.posted_at, j.id))
        result = SearchResult(tuple(matched), dumps(self.facets(matched, facets)))
        if jobs is None:
            with self._lock:
                self._cache[key] = result
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return result

    def page_body(self, result: SearchResult, page: SearchPage) -> Tuple[bytes, int]:
        """The SearchResponse JSON for one page of ``result`` and its number of jobs."""
        total = len(result.jobs)
        size = page.page_size
        start = (page.page - 1) * size
        chosen = result.jobs[start:start + size] if start < total else ()
        job_json = self.dataset.job_json
        mask = page.fields_mask
        body = b"".join((
            b'{"jobs":[', b",".join(job_json(j, mask) for j in chosen),
            b'],"total":%d,"page":%d,"page_size":%d,"total_pages":%d,"facets":'
            % (total, page.page, size, -(-total // size)),
            result.facets_json, b"}",
        ))
        return body, len(chosen)


# ------------------------------------------------------------------ GET query parsing

def _bad(message: str) -> ApiError:
    return ApiError(400, message)


def _int_param(query: Dict[str, str], name: str) -> Optional[int]:
    raw = query.get(name)
    if raw is None or raw.strip() == "":
        return None
    raw = raw.strip()
    if not re.fullmatch(r"[+-]?\d{1,15}", raw):
        raise _bad(f"Parameter '{name}' must be an integer.")
    return int(raw)


def _bool_param(query: Dict[str, str], name: str, default: bool) -> bool:
    raw = query.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise _bad(f"Parameter '{name}' must be 'true' or 'false'.")


def _date_param(query: Dict[str, str], name: str) -> Optional[float]:
    raw = query.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        return parse_datetime(raw)
    except ValueError:
        raise _bad(f"Parameter '{name}' must be an ISO-8601 date-time, "
                   f"e.g. 2024-01-31T00:00:00Z.") from None


def _csv(query: Dict[str, str], name: str) -> Optional[List[str]]:
    raw = query.get(name)
    if raw is None:
        return None
    values = [v.strip() for v in raw.split(",") if v.strip()]
    return values or None


def check_names(values: Iterable[str], name: str, allowed: Sequence[str],
                what: str) -> List[str]:
    """The distinct lowercase ``values`` (blanks dropped); 400 for one not in
    ``allowed``."""
    out: List[str] = []
    for value in values:
        value = value.strip().lower()
        if not value:
            continue
        if value not in allowed:
            raise _bad(f"Parameter '{name}' has an unknown {what} '{value}'; "
                       f"allowed: {', '.join(allowed)}.")
        if value not in out:
            out.append(value)
    return out


def _names_param(query: Dict[str, str], name: str, allowed: Sequence[str],
                 what: str) -> Optional[List[str]]:
    """CSV of names from ``allowed``; None when absent, [] when empty."""
    raw = query.get(name)
    return None if raw is None else check_names(raw.split(","), name, allowed, what)


def _fields_mask(fields: Optional[Sequence[str]]) -> int:
    """``include_fields`` -> mask of heavy fields to keep (absent: all)."""
    return ALL_FIELDS_MASK if fields is None else fields_mask(fields)


def page_params(query: Dict[str, str], max_page_size: int = 100,
                default_page_size: int = 25) -> Tuple[int, int]:
    page = _int_param(query, "page")
    if page is None:
        page = 1
    elif page < 1:
        raise _bad("Parameter 'page' must be greater than or equal to 1.")
    size = _int_param(query, "page_size")
    if size is None:
        size = default_page_size
    elif not 1 <= size <= max_page_size:
        raise _bad(f"Parameter 'page_size' must be between 1 and {max_page_size}.")
    return page, size


def criteria_from_query(query: Dict[str, str]) -> Tuple[Criteria, SearchPage]:
    """``GET /api/jobs`` query parameters -> (Criteria, SearchPage); 400 on bad input."""
    page, size = page_params(query)
    min_salary = _int_param(query, "min_salary_usd")
    max_salary = _int_param(query, "max_salary_usd")
    for name, value in (("min_salary_usd", min_salary), ("max_salary_usd", max_salary)):
        if value is not None and value < 0:
            raise _bad(f"Parameter '{name}' must be greater than or equal to 0.")
    facets = _names_param(query, "include_facets", FACETS, "facet")
    fields = _names_param(query, "include_fields", HEAVY_FIELDS, "field")
    text = parse_text(query.get("q") or "")
    location = parse_location(query.get("location") or "")
    mask = _fields_mask(fields)
    criteria = Criteria(
        text_any=[text] if text else (),
        search_description=_bool_param(query, "search_description", True),
        locations=[location] if location else (),
        sources=_csv(query, "sources"),
        work_models=_csv(query, "work_model"),
        employment_types=_csv(query, "employment_type"),
        experience_levels=_csv(query, "experience_level"),
        posted_after=_date_param(query, "posted_after"),
        posted_before=_date_param(query, "posted_before"),
        discovered_after=_date_param(query, "discovered_after"),
        discovered_before=_date_param(query, "discovered_before"),
        min_salary_usd=min_salary,
        max_salary_usd=max_salary,
        skills_any=_csv(query, "skills"),
        industries_any=_csv(query, "industries"),
    )
    return criteria, SearchPage(page, size, FACETS if facets is None else facets, mask)


def _split_queries(queries: Sequence[str]) -> Tuple[List[TextQuery], List[TextQuery]]:
    """Advanced-search ``queries``: each one is OR'd; a leading ``-`` excludes."""
    wanted: List[TextQuery] = []
    excluded: List[TextQuery] = []
    for raw in queries:
        text = raw.strip()
        target = wanted
        if text.startswith("-"):
            text, target = text[1:], excluded
        parsed = parse_text(text)
        if parsed is not None:
            target.append(parsed)
    return wanted, excluded


def criteria_from_body(data: Dict[str, Any]) -> Tuple[Criteria, SearchPage]:
    """``POST /api/jobs/search`` body (API.md §4.2) -> (Criteria, SearchPage); 400 for
    values of the wrong type or out of range, as for the GET search."""
    from .jsonbody import Fields  # (jsonbody imports this module)

    f = Fields(data)
    page = f.integer("page", 1, 1)
    size = f.integer("page_size", 25, 1, 100)
    wanted, excluded = _split_queries(f.strings("queries") or ())
    locations = [loc for loc in (parse_location(t) for t in f.strings("locations") or ())
                 if loc]
    include_exclude = {}
    for name in ("skills", "companies", "industries"):
        part = f.obj(name)
        include_exclude[name] = ((part.strings("include"), part.strings("exclude"))
                                 if part is not None else (None, None))
    salary = f.obj("salary_usd")
    lo = salary.number("min", 0) if salary is not None else None
    hi = salary.number("max", 0) if salary is not None else None
    facets = f.names("include_facets", FACETS, "facet")
    fields = f.names("include_fields", HEAVY_FIELDS, "field")
    mask = _fields_mask(fields)
    criteria = Criteria(
        text_any=wanted, text_exclude=excluded,
        search_description=f.boolean("search_description", True),
        locations=locations,
        sources=f.strings("sources"),
        work_models=f.strings("work_models"),
        employment_types=f.strings("employment_types"),
        experience_levels=f.strings("experience_levels"),
        posted_after=f.date("posted_after"), posted_before=f.date("posted_before"),
        discovered_after=f.date("discovered_after"),
        discovered_before=f.date("discovered_before"),
        min_salary_usd=lo, max_salary_usd=hi,
        skills_any=include_exclude["skills"][0], skills_exclude=include_exclude["skills"][1],
        industries_any=include_exclude["industries"][0],
        industries_exclude=include_exclude["industries"][1],
        companies_any=include_exclude["companies"][0],
        companies_exclude=include_exclude["companies"][1],
    )
    return criteria, SearchPage(page, size, FACETS if facets is None else facets, mask)


# Closed sets, for documentation and for callers validating POST bodies.
CLOSED_VALUES = {
    "work_model": tuple(WORK_MODELS),
    "employment_type": tuple(EMPLOYMENT_TYPES),
    "experience_level": tuple(EXPERIENCE_LEVELS),
}
