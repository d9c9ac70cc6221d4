"""Deterministic synthetic jobs and companies for the sandbox.

>>> from jobo_enterprise_sandbox.data import generate
>>> ds = generate(seed=7, jobs=500)
>>> job = ds.jobs[0]
>>> job.doc["id"] == ds.jobs_by_id[job.id].doc["id"]
True

``generate(seed, jobs)`` always builds the same data for the same ``seed``, ``jobs``,
``companies`` and ``anchor`` (the "now" of the dataset: by default today's midnight UTC,
so ``date_posted`` spans the 90 days before it). Each :class:`JobRecord` holds the public
JSON document (``doc``, API.md §5 Job, never mutated; built on first use from the job's
own seed) plus hidden fields used for search, feeds and expired ids (``expires_at``,
drawn around the real current time, annualised USD salary, lowercase filter keys,
structured ``places``, search haystacks). Each :class:`CompanyRecord` holds a JobCompany document (``doc``) and
a full profile (``profile``, API.md §5 Company).

Compensation is annualised to USD for the salary filters with fixed exchange rates
(:data:`FX_TO_USD`) and the period factors in :data:`ANNUAL_FACTOR`.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import re
import threading
import time
import uuid
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

from . import _vocab as V
from .gazetteer import CITIES, City, fold
from .profiles import company_profile

__all__ = [
    "Dataset", "JobRecord", "CompanyRecord", "generate", "HEAVY_FIELDS", "ALL_FIELDS_MASK",
    "fields_mask", "CACHE_DOCS_MAX", "WORK_MODELS", "EMPLOYMENT_TYPES", "EXPERIENCE_LEVELS", "PERIODS",
    "SOURCES", "FX_TO_USD", "ANNUAL_FACTOR", "iso", "dumps",
]

# Closed value sets (API.md §6): filter value -> display value served in jobs.
WORK_MODELS = {"remote": "Remote", "hybrid": "Hybrid", "onsite": "Onsite"}
EMPLOYMENT_TYPES = {"full-time": "Full-time", "part-time": "Part-time", "contract": "Contract",
                    "internship": "Internship", "freelance": "Freelance", "temporary": "Temporary"}
EXPERIENCE_LEVELS = {"intern": "Intern", "entry": "Entry", "mid": "Mid", "senior": "Senior",
                     "lead": "Lead", "executive": "Executive"}
PERIODS = ("hourly", "daily", "weekly", "monthly", "yearly", "per-diem")
SOURCES = tuple(s for s, _ in V.SOURCES)

ANNUAL_FACTOR = {"hourly": 2080, "daily": 260, "weekly": 52, "monthly": 12, "yearly": 1,
                 "per-diem": 260}
FX_TO_USD = {
    "USD": 1.0, "CAD": 0.73, "MXN": 0.058, "GBP": 1.27, "EUR": 1.08, "CHF": 1.13,
    "SEK": 0.095, "DKK": 0.145, "NOK": 0.093, "ISK": 0.0072, "PLN": 0.25, "CZK": 0.043,
    "HUF": 0.0027, "RON": 0.22, "BGN": 0.55, "RSD": 0.0092, "UAH": 0.025, "TRY": 0.03,
    "ILS": 0.27, "AED": 0.272, "SAR": 0.267, "QAR": 0.275, "EGP": 0.02, "MAD": 0.1,
    "NGN": 0.00065, "KES": 0.0077, "ZAR": 0.054, "GHS": 0.065, "RWF": 0.00075,
    "ETB": 0.0175, "INR": 0.012, "PKR": 0.0036, "BDT": 0.0085, "LKR": 0.0033, "CNY": 0.138,
    "HKD": 0.128, "TWD": 0.031, "JPY": 0.0066, "KRW": 0.00073, "SGD": 0.74, "MYR": 0.21,
    "THB": 0.028, "VND": 0.00004, "PHP": 0.0175, "IDR": 0.000063, "AUD": 0.66, "NZD": 0.6,
    "BRL": 0.19, "ARS": 0.0011, "CLP": 0.00105, "COP": 0.00025, "PEN": 0.27, "UYU": 0.025,
    "CRC": 0.0019,
}
_CURRENCY = {
    "US": "USD", "CA": "CAD", "MX": "MXN", "GB": "GBP", "CH": "CHF", "SE": "SEK", "DK": "DKK",
    "NO": "NOK", "IS": "ISK", "PL": "PLN", "CZ": "CZK", "HU": "HUF", "RO": "RON", "BG": "BGN",
    "RS": "RSD", "UA": "UAH", "TR": "TRY", "IL": "ILS", "AE": "AED", "SA": "SAR", "QA": "QAR",
    "EG": "EGP", "MA": "MAD", "NG": "NGN", "KE": "KES", "ZA": "ZAR", "GH": "GHS", "RW": "RWF",
    "ET": "ETB", "IN": "INR", "PK": "PKR", "BD": "BDT", "LK": "LKR", "CN": "CNY", "HK": "HKD",
    "TW": "TWD", "JP": "JPY", "KR": "KRW", "SG": "SGD", "MY": "MYR", "TH": "THB", "VN": "VND",
    "PH": "PHP", "ID": "IDR", "AU": "AUD", "NZ": "NZD", "BR": "BRL", "AR": "ARS", "CL": "CLP",
    "CO": "COP", "PE": "PEN", "UY": "UYU", "CR": "CRC", "EC": "USD", "PA": "USD",
}
_EUROZONE = {"IE", "DE", "FR", "NL", "BE", "LU", "AT", "ES", "PT", "IT", "FI", "EE", "LV",
             "LT", "HR", "SI", "SK", "GR"}
# pay level of a country relative to the US
_PAY_LEVEL = {"US": 1.0, "CH": 1.05, "CA": 0.8, "AU": 0.8, "GB": 0.72, "IE": 0.72, "DE": 0.7,
              "NL": 0.7, "DK": 0.72, "NO": 0.72, "SE": 0.62, "FI": 0.6, "IS": 0.65, "LU": 0.8,
              "BE": 0.65, "AT": 0.65, "FR": 0.6, "IL": 0.7, "SG": 0.75, "AE": 0.7, "QA": 0.7,
              "NZ": 0.65, "JP": 0.55, "KR": 0.5, "HK": 0.65, "TW": 0.45, "ES": 0.48, "IT": 0.48,
              "PT": 0.4, "SA": 0.6}
_LEVEL_PAY = {"intern": 0.35, "entry": 0.72, "mid": 1.0, "senior": 1.3, "lead": 1.55,
              "executive": 2.2, None: 1.0}

HEAVY_FIELDS = ("description", "summary", "qualifications", "responsibilities", "benefits")
ALL_FIELDS_MASK = (1 << len(HEAVY_FIELDS)) - 1

_DAY = 86400


def fields_mask(fields: Sequence[str]) -> int:
    """Bit mask of the heavy fields to keep (names from :data:`HEAVY_FIELDS`)."""
    mask = 0
    for name in fields:
        mask |= 1 << HEAVY_FIELDS.index(name)
    return mask


def iso(ts: int) -> str:
    """Epoch seconds -> ``"2024-05-01T13:45:12Z"``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def dumps(obj: Any) -> bytes:
    """The sandbox's JSON encoding: compact, UTF-8, non-ASCII kept as is."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_SLUG_RE = re.compile(r"[^a-z0-9]+")


_SLUGS: Dict[Tuple[str, str], str] = {}


def _slug(text: str, sep: str = "-") -> str:
    key = (text, sep)
    slug = _SLUGS.get(key)
    if slug is None:
        slug = _SLUGS[key] = _SLUG_RE.sub(sep, fold(text)).strip(sep)
    return slug


class CompanyRecord:
    """A synthetic employer: ``doc`` is the JobCompany embedded in jobs, ``profile`` the
    full Company document."""

    __slots__ = ("idx", "id", "name", "slug", "source", "industries", "hq", "offices",
                 "country_code", "doc", "profile", "families", "job_indices")

    def __init__(self, **kw: Any) -> None:
        for k, v in kw.items():
            setattr(self, k, v)


class JobRecord:
    """One synthetic job: the public document plus hidden fields for search and feeds.

    ``doc`` (the API.md §5 Job) is built on first use from the job's own random seed
    (``body_seed``), so a large dataset costs little until its jobs are served. The
    hidden fields (``expires_at``, annualised USD salary, lowercase filter keys,
    ``places`` for structured location filters, ``text_lc`` search haystack) are
    filled at generation time, except ``text_lc`` (built by search when needed)."""

    __slots__ = (
        "idx", "id", "_doc", "_ds", "company", "family", "title", "norm", "title_lc",
        "text_lc", "source", "work_model", "employment_type", "experience_level", "skills",
        "skill_parts", "industries", "location_keys", "places", "loc_docs", "first_city",
        "comp", "posted_at", "created_at", "updated_at", "valid_through", "expires_at",
        "salary_min_usd", "salary_max_usd", "body_seed",
    )

    def __init__(self, **kw: Any) -> None:
        self._doc = None
        self._ds = None
        for k, v in kw.items():
            setattr(self, k, v)

    @property
    def doc(self) -> Dict[str, Any]:
        """The public JSON document (a dict; never mutate it)."""
        doc = self._doc
        if doc is None:
            doc = self._ds.doc_of(self) if self._ds is not None else _build_doc(self)
        return doc


# Datasets larger than this keep only the full JSON bytes of each served job, not the
# document dicts (about 5 KiB instead of about 15 KiB per job).
CACHE_DOCS_MAX = 20_000


class Dataset:
    """The generated jobs and companies, with id indexes and a JSON cache.

    ``cache_docs`` (default: ``len(jobs) <= CACHE_DOCS_MAX``) keeps each job's document
    dict once built; otherwise only the full-field JSON bytes are cached and ``doc`` is
    decoded from them. :meth:`prerender` builds every job's JSON up front."""

    def __init__(self, seed: int, anchor: int, jobs: List[JobRecord],
                 companies: List[CompanyRecord], cache_docs: Optional[bool] = None,
                 expiry_ref: Optional[int] = None):
        self.seed = seed
        self.anchor = anchor
        self.expiry_ref: int = anchor if expiry_ref is None else expiry_ref
        self.jobs = jobs
        self.companies = companies
        self.cache_docs: bool = len(jobs) <= CACHE_DOCS_MAX if cache_docs is None else cache_docs
        for job in jobs:
            job._ds = self
        self.jobs_by_id: Dict[str, JobRecord] = {j.id: j for j in jobs}
        self.companies_by_id: Dict[str, CompanyRecord] = {c.id: c for c in companies}
        self._json: Dict[int, bytes] = {}
        self._lock = threading.Lock()

    def doc_of(self, job: JobRecord) -> Dict[str, Any]:
        if self.cache_docs:
            doc = job._doc
            if doc is None:
                doc = job._doc = _build_doc(job)  # a race only rebuilds an equal dict
            return doc
        data = self._json.get(job.idx * 64 + ALL_FIELDS_MASK)
        return json.loads(data) if data is not None else _build_doc(job)

    def job_json(self, job: JobRecord, mask: int = ALL_FIELDS_MASK) -> bytes:
        """The job's compact UTF-8 JSON with only the heavy fields in ``mask`` (cached:
        identical bytes on every call)."""
        key = job.idx * 64 + mask
        data = self._json.get(key)
        if data is None:
            if mask == ALL_FIELDS_MASK:
                doc = job._doc if job._doc is not None else (
                    self.doc_of(job) if self.cache_docs else _build_doc(job))
                data = dumps(doc)
                self._json[key] = data  # a race only recomputes identical bytes
            else:
                doc = job.doc
                drop = {f for i, f in enumerate(HEAVY_FIELDS) if not mask & (1 << i)}
                # the official Job model requires a description: a trimmed one is
                # sent empty, in its place, rather than left out (API.md §5)
                data = dumps({k: "" if k in drop else v for k, v in doc.items()
                              if k not in drop or k == "description"})
                if self.cache_docs:
                    self._json[key] = data
        return data

    def prerender(self) -> None:
        """Build and cache the full JSON of every job (for benchmarks that stream the
        whole dataset: about 0.1 ms per job once, then free)."""
        for job in self.jobs:
            self.job_json(job)

    def company_json(self, company: CompanyRecord) -> bytes:
        return dumps(company.profile)


# --------------------------------------------------------------------------- helpers

def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _ri(rng: random.Random, lo: int, hi: int) -> int:
    """randint(lo, hi) through random(): much faster than Random.randint."""
    return lo + int(rng.random() * (hi - lo + 1))


def _ch(rng: random.Random, seq: Sequence):
    return seq[int(rng.random() * len(seq))]


def _pick(rng: random.Random, seq: Sequence, k: int) -> list:
    """k distinct items of seq in random order (a fast Random.sample for small k)."""
    n = len(seq)
    if k >= n:
        k = n
    if k * 3 > n:
        idx = list(range(n))
        for i in range(k):
            j = i + int(rng.random() * (n - i))
            idx[i], idx[j] = idx[j], idx[i]
        return [seq[i] for i in idx[:k]]
    chosen: list = []
    seen = set()
    while len(chosen) < k:
        i = int(rng.random() * n)
        if i not in seen:
            seen.add(i)
            chosen.append(seq[i])
    return chosen


def _weighted(rng: random.Random, items: Sequence, cum: Sequence[float]):
    return items[bisect.bisect(cum, rng.random() * cum[-1])]


def _cum(weights: Sequence[float]) -> List[float]:
    return list(itertools.accumulate(weights))


def _money(value: float, period: str):
    if period == "yearly":
        step = 1000
    elif period == "monthly":
        step = 50
    elif period in ("weekly", "daily", "per-diem"):
        step = 5
    else:
        if value >= 1000:
            return int(round(value))
        half = round(value * 2) / 2
        return int(half) if half.is_integer() else half
    return int(round(value / step) * step) or step


_CITY_KEYS: Dict[City, frozenset] = {}


def _location_keys(city: Optional[City], country: str, cc: str) -> frozenset:
    """Lowercase (and accent-folded) names a location filter can match."""
    if city is not None and city in _CITY_KEYS:
        return _CITY_KEYS[city]
    names = [country, cc]
    if city is not None:
        names += [city.name, city.region or "", city.region_code or ""]
    keys = set()
    for n in names:
        if n:
            keys.add(n.lower())
            keys.add(fold(n))
    out = frozenset(keys)
    if city is not None:
        _CITY_KEYS[city] = out
    return out


_LOC_DOCS: Dict[object, dict] = {}


def _location_doc(city: City) -> dict:
    """The JobLocation of a city (one shared dict per city: never mutated)."""
    doc = _LOC_DOCS.get(city)
    if doc is None:
        doc = _LOC_DOCS[city] = {
            "location": city.display_name, "city": city.name, "region": city.region,
            "country": city.country, "latitude": city.latitude,
            "longitude": city.longitude}
    return doc


def _remote_doc(country: str) -> dict:
    key = ("remote", country)
    doc = _LOC_DOCS.get(key)
    if doc is None:
        doc = _LOC_DOCS[key] = {"location": f"Remote - {country}", "city": None,
                                "region": None, "country": country, "latitude": None,
                                "longitude": None}
    return doc


def _keyset(*names: Optional[str]) -> FrozenSet[str]:
    return frozenset(fold(n) for n in names if n)


_PLACES: Dict[object, tuple] = {}


def _place(city: Optional[City], country: str, cc: str) -> tuple:
    """(city keys, region keys, country keys) of one job location, folded (lowercase,
    accents stripped), for the feed's structured ``locations`` filter."""
    key = city if city is not None else cc
    place = _PLACES.get(key)
    if place is None:
        if city is None:
            place = (frozenset(), frozenset(), _keyset(country, cc))
        else:
            place = (_keyset(city.name), _keyset(city.region, city.region_code),
                     _keyset(city.country, city.country_code))
        _PLACES[key] = place
    return place


_INDUSTRY_WHAT = {
    "Software Development": "software that teams rely on every day",
    "Financial Services": "payment and banking products for businesses and consumers",
    "Hospitals and Health Care": "hospitals, clinics and home-care services",
    "Retail": "stores and online shops loved by millions of customers",
    "Logistics and Supply Chain": "freight, warehousing and last-mile delivery",
    "Manufacturing": "precision components and industrial equipment",
    "Education": "schools and learning programmes for all ages",
    "Hospitality": "hotels, restaurants and cafés",
    "Marketing and Advertising": "brand and performance marketing campaigns",
    "Biotechnology": "therapies and diagnostics built on modern biology",
    "Insurance": "insurance that is simple to understand and quick to claim",
    "Real Estate": "homes and workspaces in growing cities",
    "Telecommunications": "mobile and broadband networks",
    "Renewable Energy": "solar, wind and storage projects",
    "Government Administration": "public services for citizens",
    "Non-profit Organizations": "community programmes funded by donors and grants",
    "Legal Services": "legal advice for companies and individuals",
    "Media and Entertainment": "stories, shows and podcasts",
    "E-commerce": "an online marketplace connecting sellers and buyers",
    "Automotive": "electric vehicles and mobility services",
    "Aerospace and Defense": "aircraft systems and satellites",
    "Business Consulting": "strategy and transformation projects",
    "Staffing and Recruiting": "staffing for hospitals, warehouses and tech teams",
    "Food and Beverage": "food and drinks sold in 20 countries",
    "Construction": "infrastructure, offices and homes",
    "Pharmaceuticals": "medicines from discovery to distribution",
    "Computer and Network Security": "security products that keep attackers out",
    "Computer Games": "games played by millions",
}


# --------------------------------------------------------------------------- companies

def _make_companies(rng: random.Random, n: int) -> List[CompanyRecord]:
    city_w = []
    hubs = {"London", "Berlin", "Toronto", "Bengaluru", "Paris", "Amsterdam", "Sydney",
            "São Paulo", "Singapore", "Zürich", "New York", "San Francisco", "Austin",
            "Seattle", "Boston", "Chicago", "Dublin", "Munich", "Stockholm", "Tel Aviv"}
    for c in CITIES:
        w = 2.0 if c.country_code == "US" else 1.0
        if c.name in hubs:
            w = 5.0
        city_w.append(w)
    city_cum = _cum(city_w)
    by_country: Dict[str, List[City]] = {}
    for c in CITIES:
        by_country.setdefault(c.country_code, []).append(c)
    src_names = [s for s, _ in V.SOURCES]
    src_cum = _cum([w for _, w in V.SOURCES])
    industry_cum = _cum([6, 4, 4, 3, 3, 3, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1,
                         1, 1, 1, 1][: len(V.INDUSTRIES)])
    names_seen = set()
    pairs = [(a, b) for a in V.NAME_A for b in V.NAME_B]
    rng.shuffle(pairs)
    companies: List[CompanyRecord] = []
    fam_by_industry: Dict[str, List[dict]] = {}
    for fam in V.FAMILIES:
        for ind in fam["industries"]:
            fam_by_industry.setdefault(ind, []).append(fam)
    for idx in range(n):
        a, b = pairs[idx % len(pairs)]
        hq = _weighted(rng, CITIES, city_cum)
        cc = hq.country_code
        legal = rng.choice(V.LEGAL_SUFFIX.get(cc, ("",)))
        style = rng.random()
        short = b in ("Pay", "Bio", "Works", "Data", "Cloud", "Care", "Health", "Labs")
        base = f"{a}{b.lower()}" if style < 0.35 and short and a.isascii() else f"{a} {b}"
        name = f"{base} {legal}".strip() if rng.random() < 0.45 else base
        while name in names_seen:
            name = f"{name} {rng.choice(('Group', 'International', 'Co.', 'Labs', 'Holdings'))}"
        names_seen.add(name)
        slug = _slug(base, "")
        primary = V.INDUSTRY_HINT.get(b) or _weighted(rng, V.INDUSTRIES, industry_cum)
        industries = [primary]
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            extra = _weighted(rng, V.INDUSTRIES, industry_cum)
            if extra not in industries:
                industries.append(extra)
        offices = [hq]
        for _ in range(rng.choice((0, 1, 1, 2, 3, 4))):
            pool = by_country[cc] if rng.random() < 0.7 else CITIES
            office = rng.choice(pool)
            if office not in offices:
                offices.append(office)
        cid = _uuid(rng)
        website = f"https://www.{slug}.example"
        what = _INDUSTRY_WHAT.get(primary, "products people rely on")
        summary = f"{name} builds {what}, from its headquarters in {hq.name}."
        categories = sorted(rng.sample(V.CATEGORIES, rng.randint(1, 3)))
        doc = {
            "id": cid, "name": name, "website": website,
            "logo_url": f"https://logos.jobo.world/{slug}.png",
            "summary": summary,
            "linkedin_url": f"https://www.linkedin.com/company/{_slug(base)}",
            "details_url": f"https://jobo.world/companies/{cid}",
            "industries": industries, "categories": categories,
        }
        founded = rng.choice((rng.randint(1890, 1999), rng.randint(1990, 2023), rng.randint(2010, 2023)))
        size = V.COMPANY_SIZES[min(len(V.COMPANY_SIZES) - 1, int(rng.expovariate(0.6)))]
        rounds = []
        if "Startup" in categories or "Scale-up" in categories or rng.random() < 0.3:
            year = max(founded, 2005)
            amount = rng.choice((500_000, 1_500_000, 3_000_000))
            for rnd in V.ROUNDS[: rng.randint(1, len(V.ROUNDS))]:
                year = min(year + rng.randint(0, 2), 2025)
                rounds.append((
                    rnd, amount,
                    f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    sorted(rng.sample(V.INVESTORS, rng.randint(1, 2))),
                ))
                amount = int(amount * rng.uniform(2.0, 4.0) // 100_000 * 100_000)
        leadership = []
        for title in V.LEADER_TITLES[: rng.randint(2, 5)]:
            person = f"{rng.choice(V.FIRST_NAMES)} {rng.choice(V.LAST_NAMES)}"
            leadership.append({"name": person, "title": title,
                               "linkedin_url": f"https://www.linkedin.com/in/{_slug(person)}-{rng.randint(10, 99)}"})
        description = (
            f"{summary} Founded in {founded}, {name} employs {size} people across "
            f"{', '.join(o.name for o in offices)}. {rng.choice(V.CULTURE)} "
            f"{rng.choice(V.CULTURE)}"
        )
        profile = company_profile(
            cid=cid, name=name, base=base, legal=legal, slug=slug, doc=doc, hq=hq,
            country_code=cc, industries=industries, categories=categories, founded=founded,
            size=size, raw_rounds=rounds, leadership=leadership,
            technology=sorted(rng.sample(V.TECHNOLOGY, rng.randint(3, 9))),
            description=description)
        fams = []
        for ind in industries:
            fams.extend(fam_by_industry.get(ind, ()))
        companies.append(CompanyRecord(
            idx=idx, id=cid, name=name, slug=slug, source=_weighted(rng, src_names, src_cum),
            industries=industries, hq=hq, offices=offices, country_code=cc, doc=doc,
            profile=profile, families=fams or list(V.FAMILIES), job_indices=[],
        ))
    return companies


# --------------------------------------------------------------------------- jobs

_LEVELS = ("intern", "entry", "mid", "senior", "lead", "executive", None)
_LEVEL_CUM = _cum((4, 18, 37, 26, 9, 3, 3))
_EMP = ("full-time", "part-time", "contract", "temporary", "freelance")
_EMP_CUM = _cum((78, 8, 8, 3, 3))
_EMP_HOURLY_CUM = _cum((55, 28, 5, 10, 2))
_WM = ("remote", "hybrid", "onsite")
_WM_CUM = _cum((30, 35, 35))
_WM_HOURLY_CUM = _cum((2, 8, 90))


def _title(rng: random.Random, fam: dict, level: Optional[str]) -> Tuple[str, str]:
    base, norm = _ch(rng, fam["titles"])
    if level == "intern":
        title = f"{base} Intern"
    elif level == "entry":
        title = _ch(rng, ("Junior ", "Associate ", "", "Entry-Level ")) + base
    elif level == "senior":
        title = _ch(rng, ("Senior ", "Senior ", "Sr. ")) + base
    elif level == "lead":
        title = _ch(rng, ("Lead ", "Staff ", "Principal ")) + base
    elif level == "executive":
        title = _ch(rng, ("Head of ", "Director of ", "VP of ")) + fam["area"]
        norm = title.lower()
    else:
        title = base + _ch(rng, ("", "", "", " II"))
    if level != "executive" and rng.random() < 0.35:
        title += _ch(rng, fam["suffixes"])
    return title, norm


def _compensation(rng, fam, level, cc, employment, work_model):
    if rng.random() < 0.2:
        return None, None, None
    currency = "EUR" if cc in _EUROZONE else _CURRENCY.get(cc, "USD")
    if work_model == "remote" and rng.random() < 0.3:
        currency = "USD"
    pay_level = _PAY_LEVEL.get(cc, 0.3 if cc not in ("IN", "PK", "BD", "NG", "KE", "ET", "VN") else 0.2)
    annual_usd = fam["salary"] * _LEVEL_PAY[level] * pay_level * rng.uniform(0.85, 1.15)
    if fam["key"] == "nursing" and rng.random() < 0.15:
        period = _ch(rng, ("weekly", "per-diem"))
    elif fam["hourly"] or employment in ("part-time", "temporary") or level == "intern":
        period = "hourly" if rng.random() < 0.8 else "yearly"
    elif employment in ("contract", "freelance"):
        period = _ch(rng, ("daily", "hourly", "monthly"))
    elif cc in _EUROZONE and rng.random() < 0.25:
        period = "monthly"
    else:
        period = "yearly"
    fx = FX_TO_USD[currency]
    factor = ANNUAL_FACTOR[period]
    lo = _money(annual_usd * 0.9 / fx / factor, period)
    hi = _money(annual_usd * rng.uniform(1.12, 1.45) / fx / factor, period)
    if hi <= lo:
        hi = lo + (1 if period == "hourly" else _money(lo * 0.1, period))
    comp = {"min": lo, "max": hi, "currency": currency, "period": period}
    if rng.random() < 0.05:
        comp["max"] = None  # "from X"
        return comp, int(lo * factor * fx), None
    return comp, int(lo * factor * fx), int(hi * factor * fx)


def _description(rng, company: CompanyRecord, fam: dict, title: str, city: Optional[City],
                 wm: str, employment: str, resp, must_hard, pref_hard, soft, benefits,
                 comp: Optional[dict]) -> str:
    target = _ri(rng, 1000, 3900)
    place = f" in {city.name}" if city is not None and wm != "remote" else ""
    if wm == "remote":
        wm_text = "fully remote, with occasional team meetups"
    elif wm == "hybrid":
        wm_text = (f"hybrid, with two or three days a week in our {city.name} office"
                   if city is not None else "hybrid")
    else:
        wm_text = "on-site, working side by side with the team"
    emp_text = EMPLOYMENT_TYPES[employment].lower()
    article = "an" if emp_text[0] in "aeiou" else "a"
    fam_sentences = V.FAMILY_SENTENCES.get(fam["key"], ())
    parts = [
        f"About {company.name}\n{company.doc['summary']} {_ch(rng, V.CULTURE)}",
        f"About the role\nWe are looking for a {title} to join our {fam['area']} team{place}. "
        f"This is {article} {emp_text} position — {wm_text}. "
        + " ".join(_pick(rng, fam_sentences, min(len(fam_sentences), _ri(rng, 1, 2)))),
        "What you'll do\n" + "\n".join("• " + r for r in resp),
        "What you'll bring\n" + "\n".join(
            [f"• {_ri(rng, 1, 8)}+ years of experience with {s}" for s in must_hard[:2]]
            + [f"• Hands-on knowledge of {', '.join(must_hard[2:]) or must_hard[0]}",
               f"• Strong {soft[0].lower()} skills"]),
    ]
    if pref_hard:
        parts.append("Nice to have\n" + "\n".join("• " + s for s in pref_hard))
    offer = "What we offer\n" + "\n".join("• " + b for b in benefits)
    if comp is not None and comp["max"] is not None:
        offer += (f"\n• Pay range: {comp['min']:,}–{comp['max']:,} {comp['currency']} "
                  f"({comp['period']}), depending on experience")
    parts.append(offer)
    eeo = _ch(rng, V.EEO).format(company=company.name)
    length = sum(len(p) + 2 for p in parts) + len(eeo)
    extra = []
    for sentence in _pick(rng, V.CULTURE, 14):
        if length + len(sentence) + 1 > target:
            break
        extra.append(sentence)
        length += len(sentence) + 1
    if length < target:
        process = (f"How we hire\nOur process for the {title} role takes about three weeks. "
                   f"You'll meet your future manager, two teammates from {fam['area']} and "
                   f"someone from another team. We share feedback after every step, and we "
                   f"never ask for unpaid take-home work longer than two hours.")
        parts.insert(-1, process)
    if extra:
        parts.insert(2, "Life at " + company.name + "\n" + " ".join(extra))
    parts.append(eeo)
    return "\n\n".join(parts)


_FAMILY_BY_KEY = {f["key"]: f for f in V.FAMILIES}


def _build_doc(job: JobRecord) -> dict:
    """The public document of ``job``, drawn from its own seed (deterministic)."""
    rng = random.Random(job.body_seed)
    fam = _FAMILY_BY_KEY[job.family]
    company = job.company
    must_hard, pref_hard, must_soft, pref_soft = job.skill_parts
    first_city = job.first_city
    cc = first_city.country_code if first_city else company.country_code
    edu = fam["education"]
    quals = {
        "must_have": {
            "education": [edu[0]] if rng.random() < 0.7 else [],
            "certifications": _pick(rng, fam["certs"], 1) if rng.random() < 0.35 else [],
            "skills": [{"name": s, "type": "hard"} for s in must_hard]
            + [{"name": s, "type": "soft"} for s in must_soft],
        },
        "preferred": {
            "education": [edu[-1]] if len(edu) > 1 and rng.random() < 0.4 else [],
            "certifications": _pick(rng, fam["certs"], 1) if rng.random() < 0.3 else [],
            "skills": [{"name": s, "type": "hard"} for s in pref_hard]
            + [{"name": s, "type": "soft"} for s in pref_soft],
        },
    }
    resp = _pick(rng, fam["resp"], min(len(fam["resp"]), _ri(rng, 4, 7)))
    benefits = _pick(rng, V.BENEFITS_COMMON, _ri(rng, 3, 7))
    benefits += _pick(rng, V.BENEFITS_US if cc == "US" else V.BENEFITS_INTL, _ri(rng, 1, 2))
    title = job.title
    jid = job.id
    num = _ri(rng, 1_000_000, 9_999_999)
    listing = V.LISTING_URLS[company.source].format(
        slug=company.slug, num=num, uuid=_uuid(rng), hex=f"{rng.getrandbits(40):010x}",
        tslug=_slug(title), cslug=_slug(first_city.name if first_city else "remote"), id=jid)
    apply = listing + ("&apply=1" if "?" in listing else ("apply" if listing.endswith("/") else "/apply"))
    wm = job.work_model
    comp = job.comp
    description = _description(rng, company, fam, title, first_city, wm, job.employment_type,
                               resp, must_hard, pref_hard, must_soft, benefits, comp)
    where = first_city.name if first_city else job.loc_docs[0]["country"]
    summary = (f"{company.name} is hiring a {title} ({WORK_MODELS[wm].lower()}, {where}). "
               f"{resp[0]}, working with {', '.join(must_hard[:3])}.")
    if cc == "US":
        work_auth = _ch(rng, (True, True, False, None))
        h1b = (_ch(rng, (True, False, False, None)) if fam["key"] in ("software", "data", "ml")
               else _ch(rng, (False, None)))
    else:
        work_auth = _ch(rng, (True, False, None, None))
        h1b = None
    clearance = (_ch(rng, (True, False, None)) if fam["key"] == "security"
                 or "Aerospace and Defense" in company.industries else _ch(rng, (False, False, None)))
    level = job.experience_level
    return {
        "id": jid,
        "title": title,
        "normalized_title": job.norm,
        "company": company.doc,
        "description": description,
        "summary": summary,
        "listing_url": listing,
        "apply_url": apply,
        "locations": list(job.loc_docs),
        "compensation": comp,
        "employment_type": EMPLOYMENT_TYPES[job.employment_type],
        "workplace_type": WORK_MODELS[wm],
        "experience_level": EXPERIENCE_LEVELS[level] if level else None,
        "source": job.source,
        "created_at": iso(job.created_at),
        "updated_at": iso(job.updated_at),
        "date_posted": iso(job.posted_at),
        "valid_through": iso(job.valid_through) if job.valid_through is not None else None,
        "qualifications": quals,
        "responsibilities": resp,
        "benefits": benefits,
        "is_work_auth_required": work_auth,
        "is_h1b_sponsor": h1b,
        "is_clearance_required": clearance,
    }


def generate(seed: int = 1, jobs: int = 5000, companies: Optional[int] = None,
             anchor: Optional[int] = None, expiry_ref: Optional[int] = None,
             cache_docs: Optional[bool] = None) -> Dataset:
    """Build the synthetic dataset (about 0.15 s for 5,000 jobs, 3 s for 100,000; each
    job's document is built on first use, about 0.1 ms).

    ``expiry_ref`` is the time the hidden expiry times are drawn around (default: the
    real current time, whatever ``anchor`` is): about 10 % of the jobs expired within
    the 7 days before it (so about 1.4 % within the last 24 hours), 3 % 8 to 30 days
    before it, and 4 % expire within the 7 days after it (they turn up in
    ``GET /api/jobs/expired`` while the sandbox runs). Expiry does not remove a job from
    search or feeds."""
    if jobs < 0:
        raise ValueError("jobs must be >= 0")
    if anchor is None:
        anchor = int(time.time()) // _DAY * _DAY
    if expiry_ref is None:
        expiry_ref = int(time.time())
    if companies is None:
        companies = max(5, min(340, jobs // 12 + 1))
    rng = random.Random(f"jobo-sandbox/{seed}")
    comps = _make_companies(rng, companies)
    comp_cum = _cum([min(rng.paretovariate(1.3), 30.0) for _ in comps])
    fam_all_cum = _cum([f["weight"] for f in V.FAMILIES])
    out: List[JobRecord] = []
    for idx in range(jobs):
        company = _weighted(rng, comps, comp_cum)
        if rng.random() < 0.6:
            fam = _ch(rng, company.families)
        else:
            fam = _weighted(rng, V.FAMILIES, fam_all_cum)
        level = _weighted(rng, _LEVELS, _LEVEL_CUM)
        hourly = fam["hourly"]
        if level == "intern":
            employment = "internship"
        else:
            employment = _weighted(rng, _EMP, _EMP_HOURLY_CUM if hourly else _EMP_CUM)
        wm = _weighted(rng, _WM, _WM_HOURLY_CUM if hourly else _WM_CUM)
        title, norm = _title(rng, fam, level)
        if wm == "remote" and "(Remote)" not in title and rng.random() < 0.15:
            title += " (Remote)"

        # locations
        n_loc = 1 if rng.random() < 0.72 else (2 if rng.random() < 0.7 else 3)
        cities = _pick(rng, company.offices, min(n_loc, len(company.offices)))
        loc_docs = []
        loc_keys = []
        places = []
        if wm == "remote" and rng.random() < 0.35:
            country = company.hq.country
            loc_docs.append(_remote_doc(country))
            loc_keys.append(_location_keys(None, country, company.country_code))
            places.append(_place(None, country, company.country_code))
            cities = cities[:0]
        for c in cities:
            loc_docs.append(_location_doc(c))
            loc_keys.append(_location_keys(c, c.country, c.country_code))
            places.append(_place(c, c.country, c.country_code))
        first_city = cities[0] if cities else None
        cc = first_city.country_code if first_city else company.country_code

        # skills
        n_must = _ri(rng, 3, 6)
        hard = _pick(rng, fam["skills"], min(len(fam["skills"]), n_must + _ri(rng, 1, 3)))
        must_hard, pref_hard = tuple(hard[:n_must]), tuple(hard[n_must:])
        soft = _pick(rng, V.SOFT_SKILLS, 3)
        must_soft = tuple(soft[: _ri(rng, 1, 2)])
        pref_soft = tuple(soft[2:]) if rng.random() < 0.5 else ()
        skills_display = must_hard + pref_hard + must_soft + pref_soft

        comp, sal_lo, sal_hi = _compensation(rng, fam, level, cc, employment, wm)

        # dates
        posted = anchor - _ri(rng, 0, 90 * _DAY)
        created = min(anchor, posted + _ri(rng, 0, 36 * 3600))
        updated = min(anchor, created + _ri(rng, 0, 20 * _DAY)) if rng.random() < 0.6 else created
        valid = None
        if rng.random() < 0.7:
            valid = (posted // _DAY + _ch(rng, (30, 45, 60, 90))) * _DAY + _DAY - 1
        expires_at = None
        r = rng.random()
        if r < 0.10:
            expires_at = expiry_ref - _ri(rng, 0, 7 * _DAY)
        elif r < 0.13:
            expires_at = expiry_ref - _ri(rng, 8 * _DAY, 30 * _DAY)
        elif r < 0.17:
            expires_at = expiry_ref + _ri(rng, 60, 7 * _DAY)

        jid = _uuid(rng)
        job = JobRecord(
            idx=idx, id=jid, company=company, family=fam["key"], title=title, norm=norm,
            title_lc=title.lower(),
            text_lc=None,  # built lazily by search (see SearchEngine.ensure_haystacks)
            source=company.source, work_model=wm, employment_type=employment,
            experience_level=level,
            skills=tuple(dict.fromkeys(s.lower() for s in skills_display)),
            skill_parts=(must_hard, pref_hard, must_soft, pref_soft),
            industries=tuple(i.lower() for i in company.industries),
            location_keys=tuple(loc_keys), places=tuple(places), loc_docs=tuple(loc_docs),
            first_city=first_city, comp=comp,
            posted_at=posted, created_at=created, updated_at=updated, valid_through=valid,
            expires_at=expires_at, salary_min_usd=sal_lo, salary_max_usd=sal_hi,
            body_seed=rng.getrandbits(64),
        )
        company.job_indices.append(idx)
        out.append(job)
    return Dataset(seed=seed, anchor=anchor, jobs=out, companies=comps,
                   cache_docs=cache_docs, expiry_ref=expiry_ref)
