"""What a person sees in a browser: Debian's chromium, headless, driven by Playwright.

Pages are opened offline: every request that is not a local file is refused and recorded, so a page
that needs the network shows it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from crosswire.store import Store

CHROMIUM = Path("/usr/bin/chromium")  # Playwright cannot download its own browser here


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (`.ci/run` does) for the browser tests")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def offline(browser):
    """A page that may load local files only; `page.remote` lists what it tried to fetch from elsewhere."""
    context = browser.new_context()
    remote = []

    def local_only(route):
        if route.request.url.startswith("file:"):
            return route.continue_()
        remote.append(route.request.url)
        return route.abort()

    context.route("**/*", local_only)
    page = context.new_page()
    page.remote = remote
    yield page
    context.close()


def printed(done) -> dict[str, str]:
    """The paths the CLI printed at the end of its run."""
    return dict(re.findall(r"^(data docs|report)\s+(\S+)$", done.stdout, flags=re.M))


def test_report_shows_its_charts_offline(sample_run, offline):
    out, done = sample_run
    assert printed(done)["report"] == str(out / "report.html")
    offline.goto((out / "report.html").as_uri())
    charts = offline.locator("section svg")
    assert charts.count() == 5
    for n in range(charts.count()):
        box = charts.nth(n).bounding_box()
        assert box["width"] > 100 and box["height"] > 50
        assert charts.nth(n).locator("path, rect").count() > 0  # bars drawn, not an empty frame
    stories = len(Store(out).read("articles"))
    assert offline.get_by_text("stories", exact=True).locator("xpath=..").inner_text().startswith(str(stories))
    organizations = offline.locator("section", has_text="Top organizations").locator("svg")
    expect(organizations.get_by_text("INTERPOL", exact=True)).to_be_visible()
    assert offline.remote == []


def test_data_docs_hold_every_stage_validation(sample_run, offline):
    out, done = sample_run
    assert printed(done)["data docs"] == str(out / "data_docs" / "index.html")
    run_id = Store(out).read("runs").sort_values("started_at")["run_id"].iloc[-1]
    offline.goto((out / "data_docs" / "index.html").as_uri())
    assert run_id in offline.title()
    rows = offline.locator("tr.passed")
    stages = [rows.nth(n).locator("td").first.inner_text() for n in range(rows.count())]
    assert sorted(set(stages)) == ["clean", "dedupe", "extract", "ingest", "load"] and len(stages) == 5
    assert offline.remote == []  # the index needs no network
    for n in range(rows.count()):
        offline.goto((out / "data_docs" / "index.html").as_uri())
        rows.nth(n).locator("a").click()
        expect(offline.get_by_text("Expectation Validation Result")).to_be_visible()
        expect(offline.get_by_text("Status: Succeeded")).to_be_visible()
        expect(offline.get_by_text(f"{stages[n]} batch", exact=False).first).to_be_visible()  # the asset named
    # the report links each of them too
    offline.goto((out / "report.html").as_uri())
    links = offline.locator("section", has_text="Validation").locator("a", has_text="batch")
    assert links.count() == 5
