"""Rich display (_repr_html_) of results, jobs and companies, checked in a real browser.

A search answered by a scripted TLS server with hostile titles, names and links goes
through the C core like any response; its HTML (the result's table, a job's card, a
company's card) is loaded in Debian's headless Chromium, driven by chromedriver through
selenium. Nothing the server sent may run as script, and all of it must be visible as text.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from jobo_enterprise import JoboClient, _core
from jobo_enterprise._display import safe_url
from jobo_enterprise.models import Company, FeedPage, Job
from rawserver import RawServer, http_response

PWN = "window.__pwned=(window.__pwned||0)+1"

HOSTILE_TITLES = [
    f"<script>{PWN}</script>Data Engineer",
    f'<img src=x onerror="{PWN}">',
    f'"><svg onload="{PWN}">',
    f"</td></tr></table><script>{PWN}</script>",
    "<!-- comment --> & &amp; &lt;b&gt;",
]
HOSTILE_URLS = [
    f"javascript:{PWN}",
    f" JaVaScRiPt:{PWN}",
    f"java\nscript:{PWN}",
    f"data:text/html,<script>{PWN}</script>",
    f"vbscript:{PWN}",
    f'https://jobs.example/a?b="onmouseover="{PWN}',
    "https://jobs.example/ok",
]


def hostile_job(i: int) -> dict:
    return {
        "id": f"00000000-0000-4000-8000-00000000000{i}",
        "title": HOSTILE_TITLES[i % len(HOSTILE_TITLES)],
        "company": {"id": "10000000-0000-4000-8000-000000000000",
                    "name": f"<b onmouseover=\"{PWN}\">ACME</b>"},
        "locations": [{"location": f"<iframe src=\"javascript:{PWN}\"></iframe>",
                       "city": "X"}],
        "workplace_type": "<style>body{display:none}</style>",
        "compensation": {"min": 1, "max": 2, "currency": "<u>USD</u>", "period": "yearly"},
        "listing_url": HOSTILE_URLS[i % len(HOSTILE_URLS)],
        "apply_url": HOSTILE_URLS[(i + 1) % len(HOSTILE_URLS)],
        "summary": f"<script>{PWN}</script>",
        "created_at": "2024-05-01T12:00:00Z", "updated_at": "2024-05-01T12:00:00Z",
    }


HOSTILE_COMPANY = {
    "id": "10000000-0000-4000-8000-000000000000",
    "name": f"<script>{PWN}</script>ACME",
    "website": f"javascript:{PWN}",
    "linkedin_url": "https://www.linkedin.example/acme",
    "summary": f"<img src=x onerror=\"{PWN}\">",
    "industries": ["<i>Retail</i>"],
}


def test_safe_url_accepts_only_plain_http_and_https():
    assert safe_url("https://a.example/x?y=1") == "https://a.example/x?y=1"
    assert safe_url("  HTTP://a.example  ") == "HTTP://a.example"
    for bad in HOSTILE_URLS[:5] + ["https://a.example/\x00x", "https:// a", "//a.example",
                                   "", None, 42]:
        assert safe_url(bad) is None, bad


def test_html_is_escaped_and_unsafe_links_are_text():
    page = _core.parse_model(
        FeedPage, json.dumps({"jobs": [hostile_job(i) for i in range(7)]}).encode())
    html = page._repr_html_()
    assert "<script>" not in html.replace("<style>", "")
    assert "onerror=" not in html.replace("onerror=&quot;", "")
    for url in HOSTILE_URLS[:5]:
        assert f'href="{url.strip()}' not in html
    assert '<a href="https://jobs.example/ok"' in html
    assert "&lt;script&gt;" in html
    # plain print() and repr() stay as they were
    assert str(page).startswith("FeedPage(jobs=[7 items]")


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if chromium is None or not os.path.exists(driver_path):
        pytest.fail("this test needs Debian's chromium and chromium-driver "
                    "(./dev test installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--allow-file-access-from-files"):
        opts.add_argument(arg)
    # the browser is not ours to sanitize: under scripts/asan.sh it must not inherit the
    # ASan runtime preloaded into the test process
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS", "PYTHONMALLOC")}
    driver = webdriver.Chrome(service=Service(executable_path=driver_path, env=env),
                              options=opts)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _serve_hostile_search():
    body = json.dumps({"jobs": [hostile_job(i) for i in range(7)], "total": 7, "page": 1,
                       "page_size": 7, "total_pages": 1, "facets": {}}).encode()
    headers = {"Content-Type": "application/json", "X-Credits-Used": "7",
               "X-Credits-Remaining": "<script>1</script>", "X-Request-Id": "<req>&"}
    return RawServer(lambda req: http_response(200, headers, body))


def test_hostile_result_runs_no_script_in_a_real_browser_and_shows_the_text(browser, tmp_path):
    with _serve_hostile_search() as server:
        client = JoboClient("jbe_test_display", base_url=server.base_url,
                            ca_bundle=server.ca_cert, max_retries=0)
        result = client.jobs.search("x", page_size=7)
        client.close()
    parts = [result._repr_html_(), result.jobs[0]._repr_html_(), result.jobs[2]._repr_html_(),
             _core.parse_model(Company, json.dumps(HOSTILE_COMPANY).encode())._repr_html_()]
    page = tmp_path / "display.html"
    # the page's own script proves that scripts do run in this browser
    page.write_text("<!doctype html><html><head><meta charset='utf-8'><title>jobo</title>"
                    "</head><body>" + "".join(parts) +
                    "<script>window.__ready = 1;</script></body></html>", encoding="utf-8")
    browser.get(page.as_uri())
    from selenium.webdriver.common.by import By

    assert browser.execute_script("return window.__ready") == 1
    # hover, click-free: fire mouse events on every element, as a user moving over it would
    browser.execute_script(
        "document.querySelectorAll('*').forEach(function (e) {"
        " ['mouseover', 'mouseenter', 'focus'].forEach(function (t) {"
        "  e.dispatchEvent(new Event(t, {bubbles: true})); }); });")
    assert browser.execute_script("return window.__pwned") is None
    assert browser.execute_script("return document.querySelectorAll("
                                  "'script, img, svg, iframe, u, i').length") == 1  # ours
    body = browser.find_element(By.TAG_NAME, "body")
    assert body.is_displayed()
    text = body.text
    for title in HOSTILE_TITLES[:4]:
        assert title in text, title
    assert "<b onmouseover=" in text and "<iframe src=" in text
    assert "<script>" + PWN + "</script>ACME" in text
    assert f"javascript:{PWN}" in text  # an unsafe link is shown, as text
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.TAG_NAME, "a")]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
    assert "https://jobs.example/ok" in hrefs
    assert all(a.get_attribute("rel") == "noopener noreferrer"
               for a in browser.find_elements(By.TAG_NAME, "a"))
    # the totals and the usage figures are there, escaped
    assert "7 jobs · page 1 of 1 · 7 shown" in text
    assert "request id <req>&" in text and "credits used 7" in text


def test_a_job_card_and_a_company_card_show_their_fields(client):
    result = client.jobs.search("data engineer", page_size=1)
    job = result.jobs[0]
    card = job._repr_html_()
    assert job.title in card and job.company.name in card and "Salary" in card
    company = client.companies.get(job.company.id)
    ccard = company._repr_html_()
    assert company.name.replace("&", "&amp;") in ccard and "Headquarters" in ccard
    table = result._repr_html_()
    for header in ("Title", "Company", "Location", "Work model", "Posted", "Salary", "Link"):
        assert f"<th>{header}</th>" in table
    assert f"{result.total:,} jobs" in table and "credits used 1" in table
    assert isinstance(Job.from_dict(job.to_dict())._repr_html_(), str)
