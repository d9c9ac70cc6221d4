"""Correct use of the public API: mypy --strict and pyright report nothing here."""

from datetime import datetime, timezone
from typing import Iterator, List, Optional
from uuid import UUID

from jobo_enterprise import AsyncJoboClient, JoboClient, Usage
from jobo_enterprise.models import (
    FeedPage,
    InclusionExclusionFilter,
    Job,
    JobCompany,
    JobFeedRequest,
    LocationFilter,
    RangeFilter,
    SearchResult,
)

client = JoboClient("sk_test_key", timeout=30.0)
result: SearchResult = client.jobs.search("data engineer", page_size=5, work_model=["remote"])
first: Job = result.jobs[0]
job_id: UUID = first.id
created: datetime = first.created_at
posted: Optional[datetime] = first.date_posted
usage: Optional[Usage] = result.usage
jobs: Iterator[Job] = client.jobs.iter(queries=["nurse"], skills={"include": ["icu"]},
                                       salary_usd=RangeFilter(min=50000), max_items=10)
feed: Iterator[Job] = client.feed.iter_jobs(locations=[LocationFilter(country="US")],
                                            sources=["greenhouse"], batch_size=500)
page: FeedPage = client.feed.get_jobs(posted_after=datetime(2024, 1, 1, tzinfo=timezone.utc))
cursor: Optional[str] = page.next_cursor
names: List[str] = [j.title for j in client.search.iter_jobs(queries=["python"], prefetch=0)]
company = JobCompany(id=UUID(int=1), name="Acme")
request = JobFeedRequest(locations=[LocationFilter(country="DE")], batch_size=10)
skills = InclusionExclusionFilter(include=["python"], exclude=None)
dumped = first.model_dump(mode="json", exclude_none=True)
again: Job = Job.model_validate(dumped)
text: str = again.model_dump_json(indent=2)


async def the_async_client() -> List[str]:
    """The async client: the same arguments, awaited; async iterators."""
    async with AsyncJoboClient("sk_test_key", max_connections=20) as aclient:
        found: SearchResult = await aclient.jobs.search("data engineer", page_size=5)
        one: Job = await aclient.search.get_job(found.jobs[0].id)
        feed_page: FeedPage = await aclient.feed.get_jobs(batch_size=10)
        titles = [job.title async for job in aclient.jobs.iter(queries=["nurse"], max_items=10)]
        ids: List[UUID] = [i async for i in aclient.feed.iter_expired_job_ids()]
        assert one.id and feed_page.jobs is not None and ids is not None
        return titles
