"""Company profiles (``/api/companies/{id}``) and their parts."""

from __future__ import annotations

from typing import List, Optional
from uuid import UUID

from ._fields import Model, _Response, _str, _bool, _int, _float, _uuid, _models, _strs

__all__ = [
    "CompanyFundingRound",
    "CompanyLeader",
    "CompanyRating",
    "CompanyPressReference",
    "CompanyH1bJobCount",
    "CompanyH1bTitleDistribution",
    "CompanyTechnology",
    "CompanyProduct",
    "CompanyAcquisition",
    "CompanyExit",
    "CompanySubOrganization",
    "CompanyFeaturedList",
    "CompanyKeyEvent",
    "CompanyEventAppearance",
    "Company",
]


class CompanyFundingRound(Model):
    """A funding round: ``investment_type``, ``announced_on``,
    ``raised_amount``, ``post_money_valuation``, ``lead_investor`` (str) and
    ``investor_count`` (int, default 0)."""

    __slots__ = ()
    investment_type: Optional[str] = _str(default=None)
    announced_on: Optional[str] = _str(default=None)
    raised_amount: Optional[str] = _str(default=None)
    post_money_valuation: Optional[str] = _str(default=None)
    investor_count: int = _int(default=0)
    lead_investor: Optional[str] = _str(default=None)


class CompanyLeader(Model):
    """A member of the leadership: ``name``, ``title``, ``linkedin_url``, ``avatar_url``."""

    __slots__ = ()
    _repr_fields = ("name", "title")

    name: Optional[str] = _str(default=None)
    title: Optional[str] = _str(default=None)
    linkedin_url: Optional[str] = _str(default=None)
    avatar_url: Optional[str] = _str(default=None)


class CompanyRating(Model):
    """A rating from an outside source: ``source``, ``rating`` (str), ``url``,
    ``review_count`` (int)."""

    __slots__ = ()
    source: Optional[str] = _str(default=None)
    rating: Optional[str] = _str(default=None)
    url: Optional[str] = _str(default=None)
    review_count: Optional[int] = _int(default=None)


class CompanyPressReference(Model):
    """A press article about the company: ``url``, ``posted_on``, ``title``, ``publisher``."""

    __slots__ = ()
    _repr_fields = ("title", "publisher")

    url: Optional[str] = _str(default=None)
    posted_on: Optional[str] = _str(default=None)
    title: Optional[str] = _str(default=None)
    publisher: Optional[str] = _str(default=None)


class CompanyH1bJobCount(Model):
    """H-1B sponsored jobs in one ``year`` (str): ``count`` (int, default 0)."""

    __slots__ = ()
    year: Optional[str] = _str(default=None)
    count: int = _int(default=0)


class CompanyH1bTitleDistribution(Model):
    """H-1B sponsored jobs for one job ``title``: ``count`` (int, default 0)."""

    __slots__ = ()
    title: Optional[str] = _str(default=None)
    count: int = _int(default=0)


class CompanyTechnology(Model):
    """One technology of the stack: ``name`` and its ``categories`` (list of str)."""

    __slots__ = ()
    name: Optional[str] = _str(default=None)
    categories: List[str] = _strs(default_factory=list)


class CompanyProduct(Model):
    """A product offered or software used: ``name``, ``description``."""

    __slots__ = ()
    _repr_fields = ("name",)

    name: Optional[str] = _str(default=None)
    description: Optional[str] = _str(default=None)


class CompanyAcquisition(Model):
    """A company this one acquired: ``acquiree_name``, ``title``."""

    __slots__ = ()
    acquiree_name: Optional[str] = _str(default=None)
    title: Optional[str] = _str(default=None)


class CompanyExit(Model):
    """An exit event: ``name``, ``description``."""

    __slots__ = ()
    _repr_fields = ("name",)

    name: Optional[str] = _str(default=None)
    description: Optional[str] = _str(default=None)


class CompanySubOrganization(Model):
    """A sub-organisation: ``name``, ``ownership_type``, ``title``."""

    __slots__ = ()
    name: Optional[str] = _str(default=None)
    ownership_type: Optional[str] = _str(default=None)
    title: Optional[str] = _str(default=None)


class CompanyFeaturedList(Model):
    """A list the company is featured on: ``title``, ``org_num`` (int),
    ``funding_total_formatted`` (str), ``funding_total_usd`` (int)."""

    __slots__ = ()
    title: Optional[str] = _str(default=None)
    org_num: Optional[int] = _int(default=None)
    funding_total_formatted: Optional[str] = _str(default=None)
    funding_total_usd: Optional[int] = _int(default=None)


class CompanyKeyEvent(Model):
    """A dated event (layoff, leadership hire): ``date`` (str, as sent)."""

    __slots__ = ()
    date: Optional[str] = _str(default=None)


class CompanyEventAppearance(Model):
    """An event the company appeared at: ``appearance_type``, ``event``,
    ``event_starts_on``, ``image``."""

    __slots__ = ()
    appearance_type: Optional[str] = _str(default=None)
    event: Optional[str] = _str(default=None)
    event_starts_on: Optional[str] = _str(default=None)
    image: Optional[str] = _str(default=None)


class Company(_Response):
    """A company profile (``GET /api/companies/{id}``).

    ``id`` (UUID) and ``name`` are always sent; every other field is optional
    and reads as ``None``, ``False`` (``is_agency``, ``is_acquired``) or ``[]``
    (lists) when absent. Field groups:

    - identity: ``legal_name``, ``summary``, ``description``, ``website``,
      ``listing_url``, ``logo_url``;
    - social: ``linkedin_url``, ``linkedin_company_id``, ``twitter_url``,
      ``facebook_url``, ``instagram_url``, ``angellist_url``, ``youtube_url``,
      ``github_url``, ``g2_url``, ``crunchbase_url``;
    - location and contact: ``headquarters_location``,
      ``headquarters_region``, ``headquarters_regions``, ``country_code``,
      ``continent``, ``phone_number``, ``email_address``;
    - facts: ``founding_year``, ``company_size``, ``revenue``, ``is_agency``,
      ``industries``, ``primary_industry``, ``categories``, ``naics_codes``;
    - status: ``operating_status``, ``ipo_status``, ``company_type``,
      ``stock_symbol``, ``stock_exchange``, ``is_acquired``,
      ``acquired_by_company``, ``parent_company_url``;
    - funding: ``funding_stage``, ``total_funding``,
      ``funds_total_formatted``, ``investors``, ``funding_rounds``;
    - people: ``founders``, ``leadership``, ``leadership_hires``, ``layoffs``,
      ``ratings``, ``press_references``, ``h1b_annual_job_counts``,
      ``h1b_title_distribution``;
    - technology: ``technology_list``, ``tech_stack``, ``products``,
      ``software_used``, ``research_focus_areas``;
    - relationships: ``acquisitions``, ``exits``, ``subsidiary_list``,
      ``sub_organizations``, ``featured_lists``, ``event_appearances``;
    - ``investor_types``, ``page_rank`` (float), ``usage``.
    """

    __slots__ = ()
    _repr_fields = ("id", "name", "website")

    id: UUID = _uuid()
    name: str = _str()
    legal_name: Optional[str] = _str(default=None)
    summary: Optional[str] = _str(default=None)
    description: Optional[str] = _str(default=None)
    website: Optional[str] = _str(default=None)
    listing_url: Optional[str] = _str(default=None)
    logo_url: Optional[str] = _str(default=None)

    linkedin_url: Optional[str] = _str(default=None)
    linkedin_company_id: Optional[str] = _str(default=None)
    twitter_url: Optional[str] = _str(default=None)
    facebook_url: Optional[str] = _str(default=None)
    instagram_url: Optional[str] = _str(default=None)
    angellist_url: Optional[str] = _str(default=None)
    youtube_url: Optional[str] = _str(default=None)
    github_url: Optional[str] = _str(default=None)
    g2_url: Optional[str] = _str(default=None)
    crunchbase_url: Optional[str] = _str(default=None)

    headquarters_location: Optional[str] = _str(default=None)
    headquarters_region: Optional[str] = _str(default=None)
    headquarters_regions: List[str] = _strs(default_factory=list)
    country_code: Optional[str] = _str(default=None)
    continent: Optional[str] = _str(default=None)
    phone_number: Optional[str] = _str(default=None)
    email_address: Optional[str] = _str(default=None)

    founding_year: Optional[str] = _str(default=None)
    company_size: Optional[str] = _str(default=None)
    revenue: Optional[str] = _str(default=None)
    is_agency: bool = _bool(default=False)
    industries: List[str] = _strs(default_factory=list)
    primary_industry: Optional[str] = _str(default=None)
    categories: List[str] = _strs(default_factory=list)
    naics_codes: List[str] = _strs(default_factory=list)

    operating_status: Optional[str] = _str(default=None)
    ipo_status: Optional[str] = _str(default=None)
    company_type: Optional[str] = _str(default=None)
    stock_symbol: Optional[str] = _str(default=None)
    stock_exchange: Optional[str] = _str(default=None)
    is_acquired: bool = _bool(default=False)
    acquired_by_company: Optional[str] = _str(default=None)
    parent_company_url: Optional[str] = _str(default=None)

    funding_stage: Optional[str] = _str(default=None)
    total_funding: Optional[str] = _str(default=None)
    funds_total_formatted: Optional[str] = _str(default=None)
    investors: List[str] = _strs(default_factory=list)
    funding_rounds: List[CompanyFundingRound] = _models(CompanyFundingRound, default_factory=list)

    founders: List[str] = _strs(default_factory=list)
    leadership: List[CompanyLeader] = _models(CompanyLeader, default_factory=list)
    leadership_hires: List[CompanyKeyEvent] = _models(CompanyKeyEvent, default_factory=list)
    layoffs: List[CompanyKeyEvent] = _models(CompanyKeyEvent, default_factory=list)
    ratings: List[CompanyRating] = _models(CompanyRating, default_factory=list)
    press_references: List[CompanyPressReference] = _models(CompanyPressReference, default_factory=list)
    h1b_annual_job_counts: List[CompanyH1bJobCount] = _models(CompanyH1bJobCount, default_factory=list)
    h1b_title_distribution: List[CompanyH1bTitleDistribution] = _models(
        CompanyH1bTitleDistribution, default_factory=list
    )

    technology_list: List[str] = _strs(default_factory=list)
    tech_stack: List[CompanyTechnology] = _models(CompanyTechnology, default_factory=list)
    products: List[CompanyProduct] = _models(CompanyProduct, default_factory=list)
    software_used: List[CompanyProduct] = _models(CompanyProduct, default_factory=list)
    research_focus_areas: List[str] = _strs(default_factory=list)

    acquisitions: List[CompanyAcquisition] = _models(CompanyAcquisition, default_factory=list)
    exits: List[CompanyExit] = _models(CompanyExit, default_factory=list)
    subsidiary_list: List[str] = _strs(default_factory=list)
    sub_organizations: List[CompanySubOrganization] = _models(CompanySubOrganization, default_factory=list)
    featured_lists: List[CompanyFeaturedList] = _models(CompanyFeaturedList, default_factory=list)
    event_appearances: List[CompanyEventAppearance] = _models(CompanyEventAppearance, default_factory=list)

    investor_types: List[str] = _strs(default_factory=list)

    page_rank: Optional[float] = _float(default=None)
