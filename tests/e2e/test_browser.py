"""The web pages in a real headless browser (Debian's chromium through chromedriver),
against a real stack: redis-server, Celery workers and uvicorn, with API keys on.

Each test writes a screenshot of the page it looked at to its own output directory.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select

from crosscheck.stack import Stack
from shared.schemas import VerdictDoc
from tests.conftest import EXAMPLES_DIR
from tests.e2e.conftest import StackFactory
from tests.e2e.helpers import StreamWatcher, load_article, post, wait_done, wait_for

pytestmark = pytest.mark.e2e

KEY = "browser-key-4c1f9e2a7b3d6e80"
AUTH = {"Authorization": f"Bearer {KEY}"}
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
]
HOSTILE = {
    "title": 'Storm report <script>window.__pwned = "title"</script>',
    "body": (
        "The harbour authority said 52 ships were stranded in Port Elmo on Friday. "
        '<script>window.__pwned = "body"</script> '
        '<img src="x" onerror="window.__pwned = \'onerror\'"> '
        "Officials said the storm destroyed 300 homes in the town of Raskin on Friday."
    ),
    "source": "Elmo Courier <img src=x onerror=\"window.__pwned = 'source'\">",
    "published_at": "2025-03-07T08:00:00Z",
}


# Markup put into a page by hand, as if it had escaped escaping: its inline handler would run
# on the image's error event, before the listener added here sees the same event.
INJECT = """
document.body.insertAdjacentHTML('beforeend',
  '<img id="injected" src="/nowhere.png" onerror="window.__pwned = 1">');
document.getElementById('injected').addEventListener('error', () => { window.__failed = true; });
"""


def _executable(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is not installed: apt-get install chromium chromium-driver"
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    # Selenium Manager must not look for (or download) a browser: both paths are given.
    os.environ["SE_OFFLINE"] = "true"
    profile = tempfile.mkdtemp(prefix="crosscheck-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = _executable("chromium")
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(
        options=options, service=Service(executable_path=_executable("chromedriver"))
    )
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Loaded:
    def __init__(self, stack: Stack, docs: dict[str, VerdictDoc], hostile_id: str) -> None:
        self.stack = stack
        self.docs = docs
        self.hostile_id = hostile_id


@pytest.fixture(scope="module")
def loaded(make_stack: StackFactory) -> Loaded:
    stack = make_stack(env={"CROSSCHECK_API_KEYS": KEY})
    watcher = StreamWatcher(stack.redis_url, group="browser")
    # The scenarios find each other (evidence, conflicts, near-copies); the articles add rows.
    paths = sorted(EXAMPLES_DIR.glob("scenarios/*/*.json")) + sorted(
        (EXAMPLES_DIR / "articles").glob("*.json")
    )
    articles = [load_article(p) for p in paths]
    ids = [post(stack.api_url, article, headers=AUTH) for article in [*articles, HOSTILE]]
    wait_done(stack.api_url, ids, timeout=240, headers=AUTH)
    docs = watcher.settle(quiet=3.0, timeout=120)
    watcher.close()
    assert docs, "no verdicts were published"
    return Loaded(stack, docs, ids[-1])


def _wait(predicate: Callable[[], Any], *, timeout: float = 30.0, what: str = "") -> Any:
    return wait_for(predicate, timeout=timeout, what=what)


def _screenshot(driver: WebDriver, path: Path) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(int(height) + 40, 600), 4000))
    assert driver.save_screenshot(str(path)), path
    driver.set_window_size(1280, 1000)
    assert path.stat().st_size > 0


def _login(driver: WebDriver, api_url: str) -> None:
    driver.delete_all_cookies()
    driver.get(f"{api_url}/ui/claims")
    assert "/ui/login" in driver.current_url
    driver.find_element(By.ID, "key").send_keys(KEY)
    driver.find_element(By.ID, "login").click()
    _wait(lambda: driver.current_url.endswith("/ui/claims"), what="redirect after login")


def _rows(driver: WebDriver) -> list[dict[str, str]]:
    rows = []
    for tr in driver.find_elements(By.CSS_SELECTOR, "#claims tbody tr[data-claim]"):
        rows.append(
            {
                "claim": tr.get_attribute("data-claim") or "",
                "verdict": tr.find_element(By.CSS_SELECTOR, ".badge").text,
                "confidence": tr.find_element(By.CSS_SELECTOR, "meter").get_attribute("value")
                or "",
                "outlet": tr.find_element(By.CSS_SELECTOR, "td.outlet").text,
                "text": tr.find_element(By.CSS_SELECTOR, "td.text").text,
            }
        )
    return rows


def _nothing_ran(driver: WebDriver) -> None:
    assert driver.execute_script("return window.__pwned === undefined")
    # The one script is the page's own static file.
    sources = driver.execute_script("return Array.from(document.scripts, s => s.src)")
    assert [s.rsplit("/", 1)[-1] for s in sources] == ["app.js"]


def test_login_then_claims_list_newest_first(
    loaded: Loaded, browser: WebDriver, tmp_path: Path
) -> None:
    _login(browser, loaded.stack.api_url)
    # The session cookie is HttpOnly: page scripts cannot read it, and it is not the key.
    assert "crosscheck_session" not in browser.execute_script("return document.cookie")
    assert KEY not in str(browser.get_cookies())
    rows = _rows(browser)
    assert len(rows) == min(25, len(loaded.docs))
    assert {r["claim"] for r in rows} <= loaded.docs.keys()
    for row in rows:
        doc = loaded.docs[row["claim"]]
        assert row["verdict"] == doc.verdict.value
        assert abs(float(row["confidence"]) - doc.confidence) < 0.01
    _nothing_ran(browser)
    _screenshot(browser, tmp_path / "claims.png")


def test_filters_narrow_the_list(loaded: Loaded, browser: WebDriver, tmp_path: Path) -> None:
    _login(browser, loaded.stack.api_url)
    common = max(
        {d.verdict.value for d in loaded.docs.values()},
        key=lambda v: sum(d.verdict.value == v for d in loaded.docs.values()),
    )
    Select(browser.find_element(By.ID, "f-verdict")).select_by_value(common)
    browser.find_element(By.CSS_SELECTOR, "#filters button").click()
    _wait(lambda: f"verdict={common}" in browser.current_url, what="verdict filter applied")
    rows = _rows(browser)
    assert rows and {r["verdict"] for r in rows} == {common}
    expected = sum(d.verdict.value == common for d in loaded.docs.values())
    assert len(rows) == min(25, expected)

    browser.get(f"{loaded.stack.api_url}/ui/claims")
    browser.find_element(By.ID, "f-min").send_keys("0.5")
    browser.find_element(By.ID, "f-outlet").send_keys("northline")
    browser.find_element(By.CSS_SELECTOR, "#filters button").click()
    _wait(lambda: "outlet=northline" in browser.current_url, what="outlet filter applied")
    rows = _rows(browser)
    wanted = {
        d.claim_id
        for d in loaded.docs.values()
        if d.confidence >= 0.5 and "northline" in d.source.lower()
    }
    assert {r["claim"] for r in rows} == wanted
    for row in rows:
        assert float(row["confidence"]) >= 0.5 and "northline" in row["outlet"].lower()

    word = "said"
    browser.get(f"{loaded.stack.api_url}/ui/claims?q={word}")
    rows = _rows(browser)
    assert rows and all(word in r["text"].lower() for r in rows)
    _screenshot(browser, tmp_path / "claims-filtered.png")


def test_claim_page_shows_evidence_by_origin(
    loaded: Loaded, browser: WebDriver, tmp_path: Path
) -> None:
    _login(browser, loaded.stack.api_url)
    doc = max(loaded.docs.values(), key=lambda d: (len({e.origin for e in d.evidence}), d.claim_id))
    assert doc.evidence, "no verdict with evidence to show"
    browser.get(f"{loaded.stack.api_url}/ui/claims/{doc.claim_id}")
    assert browser.find_element(By.CSS_SELECTOR, "section.verdict .badge").text == doc.verdict.value
    assert browser.find_element(By.CSS_SELECTOR, ".explanation").text == doc.explanation.strip()
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, ".origin-group h3")]
    assert len(headings) == len({e.origin for e in doc.evidence})
    items = browser.find_elements(By.CSS_SELECTOR, ".evidence-item")
    assert len(items) == len(doc.evidence)
    # The picture: the claim, each origin and each relay drawn (up to its cap).
    assert browser.find_elements(By.CSS_SELECTOR, "svg.origins-graph g.origin")
    first_link = browser.find_element(By.CSS_SELECTOR, ".evidence-item a[href^='/ui/claims/']")
    target = first_link.get_attribute("href") or ""
    _screenshot(browser, tmp_path / "claim.png")
    first_link.click()
    _wait(lambda: browser.current_url == target, what="evidence link followed")
    assert browser.find_element(By.CSS_SELECTOR, "section.verdict .badge").text


def test_hostile_article_runs_nothing(loaded: Loaded, browser: WebDriver, tmp_path: Path) -> None:
    _login(browser, loaded.stack.api_url)
    browser.get(f"{loaded.stack.api_url}/ui/articles/{loaded.hostile_id}")
    body = browser.find_element(By.ID, "body")
    assert '<script>window.__pwned = "body"</script>' in body.text
    assert "onerror" in body.text
    assert not browser.find_elements(By.CSS_SELECTOR, "#body img, #body script")
    assert "<script>" in browser.find_element(By.CSS_SELECTOR, "h1.article-title").text
    assert browser.find_element(By.ID, "status").text == "done"
    assert browser.find_elements(By.CSS_SELECTOR, "#body mark[data-claim]")
    _nothing_ran(browser)
    _screenshot(browser, tmp_path / "article.png")
    # Were markup ever to slip through unescaped, the policy would still stop it: an inline
    # handler put into the page by hand does not run.
    policy = browser.execute_async_script(
        "const done = arguments[0];"
        "fetch(location.href).then(r => done(r.headers.get('content-security-policy')));"
    )
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    browser.execute_script(INJECT)
    _wait(lambda: browser.execute_script("return window.__failed === true"), what="the error")
    assert browser.execute_script("return window.__pwned === undefined")
    # Its claims in the list, and their pages, run nothing either.
    browser.get(f"{loaded.stack.api_url}/ui/claims?outlet=Elmo")
    rows = _rows(browser)
    assert rows and all("<img" in r["outlet"] for r in rows)
    _nothing_ran(browser)
    browser.get(f"{loaded.stack.api_url}/ui/claims/{rows[0]['claim']}")
    _nothing_ran(browser)


def test_new_verdicts_appear_without_reload(
    loaded: Loaded, browser: WebDriver, tmp_path: Path
) -> None:
    _login(browser, loaded.stack.api_url)
    _wait(
        lambda: browser.find_element(By.ID, "live").is_displayed(),
        what="the events stream connected",
    )
    before = {r["claim"] for r in _rows(browser)}
    browser.execute_script("window.__sameDocument = true")
    town = f"Vell{uuid.uuid4().hex[:6]}"
    article_id = post(
        loaded.stack.api_url,
        {
            "title": "Bridge closes",
            "body": f"The transport ministry said the bridge at {town} closed on Sunday after "
            "inspectors found 14 cracked girders.",
            "source": "Live Desk",
        },
        headers=AUTH,
    )
    wait_done(loaded.stack.api_url, [article_id], timeout=120, headers=AUTH)
    fresh = _wait(
        lambda: [r for r in _rows(browser) if r["claim"] not in before],
        what="a new verdict row",
    )
    assert all(r["outlet"] == "Live Desk" for r in fresh)
    assert browser.execute_script("return window.__sameDocument === true")
    _screenshot(browser, tmp_path / "claims-live.png")
