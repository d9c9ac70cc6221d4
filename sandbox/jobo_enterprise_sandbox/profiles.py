"""Company profiles (``GET /api/companies/{id}``) in the full shape of API.md §5.

:func:`company_profile` turns the facts :mod:`.data` draws for a company (name,
headquarters, industries, founding year, size, funding rounds, leadership) into
the profile document: every field of the official ``Company`` model, with its
wire type (``founding_year`` a string, ``investor_count`` an int, ...).

Everything beyond the facts passed in comes from a generator seeded by the
company id alone, so adding a field here never shifts the rest of the dataset.
"""

from __future__ import annotations

import random
from typing import Any, Dict, List, Sequence, Tuple

from . import _vocab as V

__all__ = ["company_profile", "CONTINENT_OF"]

#: a round as data.py draws it: (round name, USD raised, announced on, lead investors)
RawRound = Tuple[str, int, str, Sequence[str]]

_CONTINENTS = {
    "Africa": "EG ET GH KE MA NG RW ZA",
    "Asia": "AE BD CN HK ID IL IN JP KR LK MY PH PK QA SA SG TH TR TW VN",
    "Europe": "AT BE BG CH CZ DE DK EE ES FI FR GB GR HR HU IE IS IT LT LU LV NL NO PL PT "
              "RO RS SE SI SK UA",
    "North America": "CA CR MX PA US",
    "Oceania": "AU NZ",
    "South America": "AR BR CL CO EC PE UY",
}
CONTINENT_OF = {cc: name for name, codes in _CONTINENTS.items() for cc in codes.split()}
_AREA = {"Africa": "Middle East, Africa", "Asia": "Asia-Pacific", "Europe": "European Union",
         "North America": "North America", "Oceania": "Asia-Pacific",
         "South America": "Latin America"}
_EXCHANGE = {"US": "NASDAQ", "GB": "LSE", "DE": "XETRA", "FR": "Euronext Paris",
             "NL": "Euronext Amsterdam", "JP": "TSE", "IN": "NSE", "CA": "TSX",
             "AU": "ASX", "SE": "Nasdaq Stockholm"}
_NAICS = {"Software Development": "513210", "Financial Services": "522320",
          "Hospitals and Health Care": "622110", "Retail": "455110",
          "Logistics and Supply Chain": "488510", "Manufacturing": "339999",
          "Education": "611310", "Hospitality": "721110", "Marketing and Advertising": "541810",
          "Biotechnology": "541714", "Insurance": "524126", "Real Estate": "531210",
          "Telecommunications": "517111", "Renewable Energy": "221114",
          "E-commerce": "454110", "Automotive": "336110", "Pharmaceuticals": "325412",
          "Computer and Network Security": "541512", "Computer Games": "513210"}
_REVENUE = {"1-10": "Less than $1M", "11-50": "$1M to $10M", "51-200": "$10M to $50M",
            "201-500": "$50M to $100M", "501-1000": "$100M to $500M",
            "1001-5000": "$500M to $1B", "5001-10000": "$1B to $10B", "10001+": "$10B+"}
_TECH_CATEGORY = {"Salesforce": "CRM", "HubSpot": "CRM", "Slack": "Collaboration",
                  "Google Workspace": "Productivity", "Microsoft 365": "Productivity",
                  "Jira": "Project Management", "Confluence": "Collaboration",
                  "AWS": "Cloud", "Google Cloud": "Cloud", "Azure": "Cloud",
                  "Snowflake": "Data Warehouse", "Databricks": "Data Platform",
                  "Kubernetes": "Infrastructure", "Terraform": "Infrastructure",
                  "Datadog": "Monitoring", "Figma": "Design", "Notion": "Productivity",
                  "Zendesk": "Customer Support", "Workday": "HR", "SAP": "ERP",
                  "Stripe": "Payments", "Shopify": "E-commerce", "GitHub": "Developer Tools",
                  "GitLab": "Developer Tools", "PostgreSQL": "Database",
                  "React": "Frameworks", "Python": "Languages"}
_RESEARCH = {"Biotechnology": ["Gene therapy", "Protein engineering"],
             "Pharmaceuticals": ["Oncology", "Vaccines"],
             "Renewable Energy": ["Grid storage", "Solar efficiency"],
             "Aerospace and Defense": ["Satellite communications"],
             "Software Development": ["Machine learning systems"]}
_EVENTS = ("Web Summit", "SaaStr Annual", "Money20/20", "HLTH", "CES", "VivaTech",
           "Slush", "Collision", "London Tech Week", "TechCrunch Disrupt")
_PUBLISHERS = ("TechCrunch", "Reuters", "Financial Times", "Bloomberg", "The Verge",
               "Handelsblatt", "Sifted", "Business Insider")
_LISTS = ("Fastest-growing startups", "Top employers in tech", "Climate tech to watch",
          "Best places to work", "Unicorn watchlist")


def _money(amount: int) -> str:
    """``$1.5M``, ``$250K``, ``$2.1B``."""
    for unit, size in (("B", 1_000_000_000), ("M", 1_000_000), ("K", 1_000)):
        if amount >= size:
            return f"${amount / size:.1f}".rstrip("0").rstrip(".") + unit
    return f"${amount}"


def _date(rng: random.Random, first_year: int, last_year: int) -> str:
    year = rng.randint(first_year, max(first_year, last_year))
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _funding_round(raw: RawRound, rng: random.Random) -> Dict[str, Any]:
    """One round in the official shape (amounts as formatted strings)."""
    round_name, amount_usd, announced_on, lead_investors = raw
    early = round_name in ("Pre-seed", "Seed")
    return {
        "investment_type": round_name.lower().replace("-", "_").replace(" ", "_"),
        "announced_on": announced_on,
        "raised_amount": _money(amount_usd),
        "post_money_valuation": None if early else _money(amount_usd * rng.randint(4, 10)),
        "investor_count": len(lead_investors) + rng.randint(0, 6),
        "lead_investor": lead_investors[0] if lead_investors else None,
    }


def company_profile(*, cid: str, name: str, base: str, legal: str, slug: str, doc: Dict[str, Any],
                    hq: Any, country_code: str, industries: List[str],
                    categories: List[str], founded: int, size: str,
                    raw_rounds: List[RawRound], leadership: List[Dict[str, Any]],
                    technology: List[str], description: str) -> Dict[str, Any]:
    """The profile document of one company (see the module docstring)."""
    rng = random.Random(f"company-profile:{cid}")
    continent = CONTINENT_OF.get(country_code)
    public = "Public Company" in categories
    tech_company = bool({"Software Development", "Computer and Network Security",
                         "Computer Games"} & set(industries))
    rounds = [_funding_round(raw, rng) for raw in raw_rounds]
    total = sum(raw[1] for raw in raw_rounds)
    investors = sorted({r["lead_investor"] for r in rounds if r["lead_investor"]})
    acquired = rng.random() < 0.05
    parent = f"{rng.choice(V.NAME_A)} Holdings" if acquired else None
    founders = [f"{rng.choice(V.FIRST_NAMES)} {rng.choice(V.LAST_NAMES)}"
                for _ in range(rng.randint(1, 3))]
    for leader in leadership:
        leader["avatar_url"] = f"https://media.jobo.world/people/{rng.getrandbits(48):012x}.jpg"
    subsidiaries = ([f"{base} {hq.country}"] if rng.random() < 0.2 else [])
    us = country_code == "US"
    h1b_titles = [("Software Engineer", 40), ("Data Scientist", 12), ("Product Manager", 8)]
    symbol = "".join(ch for ch in base.upper() if ch.isalpha())[:4] if public else None
    return {
        "id": cid,
        "name": name,
        "legal_name": f"{base} {legal}".strip(),
        "summary": doc["summary"],
        "description": description,
        "website": doc["website"],
        "listing_url": f"{doc['website']}/careers",
        "logo_url": doc["logo_url"],
        "linkedin_url": doc["linkedin_url"],
        "linkedin_company_id": str(rng.randint(10_000, 99_999_999)),
        "twitter_url": f"https://twitter.com/{slug}",
        "facebook_url": f"https://www.facebook.com/{slug}" if rng.random() < 0.7 else None,
        "instagram_url": f"https://www.instagram.com/{slug}" if rng.random() < 0.5 else None,
        "angellist_url": f"https://wellfound.com/company/{slug}" if rounds else None,
        "youtube_url": f"https://www.youtube.com/@{slug}" if rng.random() < 0.4 else None,
        "github_url": f"https://github.com/{slug}" if tech_company else None,
        "g2_url": f"https://www.g2.com/sellers/{slug}" if "SaaS" in categories else None,
        "crunchbase_url": f"https://www.crunchbase.com/organization/{slug}",
        "headquarters_location": hq.display_name,
        "headquarters_region": hq.region,
        "headquarters_regions": [r for r in (hq.region, _AREA.get(continent or "")) if r],
        "country_code": country_code,
        "continent": continent,
        "phone_number": f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        "email_address": f"hello@{slug}.example",
        "founding_year": str(founded),
        "company_size": size,
        "revenue": _REVENUE.get(size),
        "is_agency": "Staffing and Recruiting" in industries,
        "industries": industries,
        "primary_industry": industries[0] if industries else None,
        "categories": categories,
        "naics_codes": sorted({_NAICS[i] for i in industries if i in _NAICS}),
        "operating_status": "active",
        "ipo_status": "public" if public else "private",
        "company_type": "for_profit",
        "stock_symbol": symbol,
        "stock_exchange": _EXCHANGE.get(country_code, "NYSE") if public else None,
        "is_acquired": acquired,
        "acquired_by_company": parent,
        "parent_company_url": (f"https://www.{parent.split()[0].lower()}-holdings.example"
                               if parent else None),
        "funding_stage": rounds[-1]["investment_type"] if rounds else None,
        "total_funding": str(total) if rounds else None,
        "funds_total_formatted": _money(total) if rounds else None,
        "investors": investors,
        "funding_rounds": rounds,
        "founders": founders,
        "leadership": leadership,
        "leadership_hires": [{"date": _date(rng, 2021, 2025)}
                             for _ in range(rng.randint(0, 2))],
        "layoffs": [{"date": _date(rng, 2022, 2025)}] if rng.random() < 0.15 else [],
        "ratings": [{"source": "Glassdoor", "rating": f"{rng.uniform(2.8, 4.8):.1f}",
                     "url": f"https://www.glassdoor.com/Overview/{slug}.htm",
                     "review_count": rng.randint(3, 4000)}],
        "press_references": [
            {"url": f"https://news.example/{slug}/{i}", "posted_on": _date(rng, 2020, 2025),
             "title": f"{name} {rng.choice(('expands', 'hires', 'launches', 'raises'))}",
             "publisher": rng.choice(_PUBLISHERS)}
            for i in range(rng.randint(0, 3))],
        "h1b_annual_job_counts": ([{"year": str(y), "count": rng.randint(1, 120)}
                                   for y in (2022, 2023, 2024)] if us else []),
        "h1b_title_distribution": ([{"title": t, "count": rng.randint(1, c)}
                                    for t, c in h1b_titles] if us and tech_company else []),
        "technology_list": technology,
        "tech_stack": [{"name": t, "categories": [_TECH_CATEGORY.get(t, "Other")]}
                       for t in technology],
        "products": [{"name": f"{base} {rng.choice(('Cloud', 'Platform', 'Suite', 'One'))}",
                      "description": doc["summary"]}],
        "software_used": [{"name": t, "description": None} for t in technology[:3]],
        "research_focus_areas": [a for i in industries for a in _RESEARCH.get(i, ())],
        "acquisitions": ([{"acquiree_name": f"{rng.choice(V.NAME_A)} Labs",
                           "title": f"{base} acquires a smaller peer"}]
                         if rng.random() < 0.1 else []),
        "exits": [],
        "subsidiary_list": subsidiaries,
        "sub_organizations": [{"name": s, "ownership_type": "subsidiary",
                               "title": f"{s} is a subsidiary of {name}"} for s in subsidiaries],
        "featured_lists": ([{"title": rng.choice(_LISTS), "org_num": rng.randint(20, 500),
                             "funding_total_formatted": _money(total),
                             "funding_total_usd": total}] if rounds else []),
        "event_appearances": [
            {"appearance_type": rng.choice(("sponsor", "exhibitor", "speaker")),
             "event": rng.choice(_EVENTS), "event_starts_on": _date(rng, 2023, 2025),
             "image": f"https://media.jobo.world/events/{rng.getrandbits(40):010x}.png"}
            for _ in range(rng.randint(0, 2))],
        "investor_types": [],
        "page_rank": round(rng.uniform(0.5, 9.5), 3),
    }
