"""Deliberate mistakes: mypy --strict and pyright must flag every line that ends
in an error comment, and nothing else (see tests/test_typing.py)."""

from jobo_enterprise import AsyncJoboClient, JoboClient
from jobo_enterprise.models import InclusionExclusionFilter, Job, LocationFilter

client = JoboClient("sk_test_key")
client.jobs.iter(querys=["nurse"])  # error
client.feed.iter_jobs(sorces=["greenhouse"])  # error
client.jobs.search_advanced(querys=["data engineer"])  # error
client.search.iter_jobs(sorces=["lever"])  # error
client.feed.get_jobs(locations=[LocationFilter(contry="US")])  # error
InclusionExclusionFilter(includ=["python"])  # error
client.jobs.search(page_size="ten")  # error


def title_of(job: Job) -> int:
    return job.title  # error


page = client.feed.get_jobs(batch_size=10)
page.next_cursr  # error  # noqa: B018


async def async_mistakes() -> None:
    aclient = AsyncJoboClient("sk_test_key")
    aclient.jobs.iter(querys=["nurse"])  # error
    await aclient.feed.get_jobs(batch_sise=10)  # error
    result = await aclient.jobs.search("x")
    result.totl  # error  # noqa: B018
