"""Company profiles (``/api/companies/{id}``) and their parts."""

from __future__ import annotations

from typing import List, Optional
from uuid import UUID

from .. import _display
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
    investment_type: Optional[str] = _str()
    announced_on: Optional[str] = _str()
    raised_amount: Optional[str] = _str()
    post_money_valuation: Optional[str] = _str()
    investor_count: int = _int(0)
    lead_investor: Optional[str] = _str()


class CompanyLeader(Model):
    """A member of the leadership: ``name``, ``title``, ``linkedin_url``, ``avatar_url``."""

    __slots__ = ()
    _repr_fields = ("name", "title")

    name: Optional[str] = _str()
    title: Optional[str] = _str()
    linkedin_url: Optional[str] = _str()
    avatar_url: Optional[str] = _str()


class CompanyRating(Model):
    """A rating from an outside source: ``source``, ``rating`` (str), ``url``,
    ``review_count`` (int)."""

    __slots__ = ()
    source: Optional[str] = _str()
    rating: Optional[str] = _str()
    url: Optional[str] = _str()
    review_count: Optional[int] = _int()


class CompanyPressReference(Model):
    """A press article about the company: ``url``, ``posted_on``, ``title``, ``publisher``."""

    __slots__ = ()
    _repr_fields = ("title", "publisher")

    url: Optional[str] = _str()
    posted_on: Optional[str] = _str()
    title: Optional[str] = _str()
    publisher: Optional[str] = _str()


class CompanyH1bJobCount(Model):
    """H-1B sponsored jobs in one ``year`` (str): ``count`` (int, default 0)."""

    __slots__ = ()
    year: Optional[str] = _str()
    count: int = _int(0)


class CompanyH1bTitleDistribution(Model):
    """H-1B sponsored jobs for one job ``title``: ``count`` (int, default 0)."""

    __slots__ = ()
    title: Optional[str] = _str()
    count: int = _int(0)


class CompanyTechnology(Model):
    """One technology of the stack: ``name`` and its ``categories`` (list of str)."""

    __slots__ = ()
    name: Optional[str] = _str()
    categories: List[str] = _strs()


class CompanyProduct(Model):
    """A product offered or software used: ``name``, ``description``."""

    __slots__ = ()
    _repr_fields = ("name",)

    name: Optional[str] = _str()
    description: Optional[str] = _str()


class CompanyAcquisition(Model):
    """A company this one acquired: ``acquiree_name``, ``title``."""

    __slots__ = ()
    acquiree_name: Optional[str] = _str()
    title: Optional[str] = _str()


class CompanyExit(Model):
    """An exit event: ``name``, ``description``."""

    __slots__ = ()
    _repr_fields = ("name",)

    name: Optional[str] = _str()
    description: Optional[str] = _str()


class CompanySubOrganization(Model):
    """A sub-organisation: ``name``, ``ownership_type``, ``title``."""

    __slots__ = ()
    name: Optional[str] = _str()
    ownership_type: Optional[str] = _str()
    title: Optional[str] = _str()


class CompanyFeaturedList(Model):
    """A list the company is featured on: ``title``, ``org_num`` (int),
    ``funding_total_formatted`` (str), ``funding_total_usd`` (int)."""

    __slots__ = ()
    title: Optional[str] = _str()
    org_num: Optional[int] = _int()
    funding_total_formatted: Optional[str] = _str()
    funding_total_usd: Optional[int] = _int()


class CompanyKeyEvent(Model):
    """A dated event (layoff, leadership hire): ``date`` (str, as sent)."""

    __slots__ = ()
    date: Optional[str] = _str()


class CompanyEventAppearance(Model):
    """An event the company appeared at: ``appearance_type``, ``event``,
    ``event_starts_on``, ``image``."""

    __slots__ = ()
    appearance_type: Optional[str] = _str()
    event: Optional[str] = _str()
    event_starts_on: Optional[str] = _str()
    image: Optional[str] = _str()


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
    _repr_html_ = _display.company_html  # a card in Jupyter

    id: UUID = _uuid()
    name: str = _str()
    legal_name: Optional[str] = _str()
    summary: Optional[str] = _str()
    description: Optional[str] = _str()
    website: Optional[str] = _str()
    listing_url: Optional[str] = _str()
    logo_url: Optional[str] = _str()

    linkedin_url: Optional[str] = _str()
    linkedin_company_id: Optional[str] = _str()
    twitter_url: Optional[str] = _str()
    facebook_url: Optional[str] = _str()
    instagram_url: Optional[str] = _str()
    angellist_url: Optional[str] = _str()
    youtube_url: Optional[str] = _str()
    github_url: Optional[str] = _str()
    g2_url: Optional[str] = _str()
    crunchbase_url: Optional[str] = _str()

    headquarters_location: Optional[str] = _str()
    headquarters_region: Optional[str] = _str()
    headquarters_regions: List[str] = _strs()
    country_code: Optional[str] = _str()
    continent: Optional[str] = _str()
    phone_number: Optional[str] = _str()
    email_address: Optional[str] = _str()

    founding_year: Optional[str] = _str()
    company_size: Optional[str] = _str()
    revenue: Optional[str] = _str()
    is_agency: bool = _bool(False)
    industries: List[str] = _strs()
    primary_industry: Optional[str] = _str()
    categories: List[str] = _strs()
    naics_codes: List[str] = _strs()

    operating_status: Optional[str] = _str()
    ipo_status: Optional[str] = _str()
    company_type: Optional[str] = _str()
    stock_symbol: Optional[str] = _str()
    stock_exchange: Optional[str] = _str()
    is_acquired: bool = _bool(False)
    acquired_by_company: Optional[str] = _str()
    parent_company_url: Optional[str] = _str()

    funding_stage: Optional[str] = _str()
    total_funding: Optional[str] = _str()
    funds_total_formatted: Optional[str] = _str()
    investors: List[str] = _strs()
    funding_rounds: List[CompanyFundingRound] = _models(CompanyFundingRound)

    founders: List[str] = _strs()
    leadership: List[CompanyLeader] = _models(CompanyLeader)
    leadership_hires: List[CompanyKeyEvent] = _models(CompanyKeyEvent)
    layoffs: List[CompanyKeyEvent] = _models(CompanyKeyEvent)
    ratings: List[CompanyRating] = _models(CompanyRating)
    press_references: List[CompanyPressReference] = _models(CompanyPressReference)
    h1b_annual_job_counts: List[CompanyH1bJobCount] = _models(CompanyH1bJobCount)
    h1b_title_distribution: List[CompanyH1bTitleDistribution] = _models(
        CompanyH1bTitleDistribution
    )

    technology_list: List[str] = _strs()
    tech_stack: List[CompanyTechnology] = _models(CompanyTechnology)
    products: List[CompanyProduct] = _models(CompanyProduct)
    software_used: List[CompanyProduct] = _models(CompanyProduct)
    research_focus_areas: List[str] = _strs()

    acquisitions: List[CompanyAcquisition] = _models(CompanyAcquisition)
    exits: List[CompanyExit] = _models(CompanyExit)
    subsidiary_list: List[str] = _strs()
    sub_organizations: List[CompanySubOrganization] = _models(CompanySubOrganization)
    featured_lists: List[CompanyFeaturedList] = _models(CompanyFeaturedList)
    event_appearances: List[CompanyEventAppearance] = _models(CompanyEventAppearance)

    investor_types: List[str] = _strs()

    page_rank: Optional[float] = _float()
