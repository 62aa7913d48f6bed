"""Browser fixtures for the end-to-end journeys: Debian's Chromium driven by Playwright's sync API
against pytest-django's ``live_server``.

Playwright's own browser download does not work in CI/sandboxes, so the system Chromium at
``/usr/bin/chromium`` is launched directly. Without it the journeys are skipped, unless
``PINTU_E2E_REQUIRED=1`` says they must run (then they fail).

Every test gets an :class:`E2E` helper: the live server URL, the fixture world (built with
``tests.conftest.build_world()`` on a transactional database, so the server thread sees it),
phone and desktop browser contexts, a login helper and numbered full-page screenshots in
``tests/e2e/artifacts/<journey>-<nn>-<step>.png``. Any 5xx response or uncaught JavaScript error
on any page fails the test.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PINTU_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "rahasia-uji-123"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Mobile Safari/537.36"
    ),
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TIMEOUT_MS = 15_000

OVERFLOW_JS = """(width) => {
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return null;
  const sticksOut = (el) => el.getBoundingClientRect().right > width + 1;
  const culprits = [];
  for (const el of document.querySelectorAll('body *')) {
    if (sticksOut(el) && ![...el.children].some(sticksOut)) {
      const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
      const nowrap = getComputedStyle(el).whiteSpace === 'nowrap' ? ' white-space:nowrap' : '';
      culprits.push(`<${el.tagName.toLowerCase()} class="${el.className}"${nowrap}> "${text}"`);
    }
  }
  culprits.sort((a, b) => b.includes('white-space:nowrap') - a.includes('white-space:nowrap'));
  return {scrollWidth, culprits: culprits.slice(0, 3)};
}"""

LABELS_JS = """() => {
  const problems = [];
  const describe = (el) => `<${el.tagName.toLowerCase()} name="${el.getAttribute('name') || ''}">`;
  const controls = document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea');
  for (const el of controls) {
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby') || el.title;
    if (!named) problems.push(`${describe(el)} has no label`);
  }
  for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls']) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problems.push(`${attr}="${id}" on ${describe(el)} points to nothing`);
      }
    }
  }
  for (const label of document.querySelectorAll('label[for]')) {
    if (!document.getElementById(label.htmlFor)) problems.push(`<label for="${label.htmlFor}"> has no control`);
  }
  const seen = new Set();
  for (const el of document.querySelectorAll('[id]')) {
    if (seen.has(el.id)) problems.push(`duplicate id "${el.id}"`);
    seen.add(el.id);
  }
  return problems;
}"""


def _unavailable(reason: str):
    if os.environ.get("PINTU_E2E_REQUIRED") == "1":
        pytest.fail(f"{reason} (PINTU_E2E_REQUIRED=1)", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture(scope="module")
def browser():
    """One Chromium per module. Playwright's sync API keeps an asyncio loop on this thread, which
    makes Django refuse ORM calls from the test body ("async context"); the guard is lifted only
    while the browser lives and restored afterwards."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev dependency
        _unavailable("playwright for Python is not installed")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:
            _unavailable(f"Chromium at {CHROMIUM} does not start: {exc}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class E2E:
    def __init__(self, *, browser, base_url: str, world, journey: str):
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.world = world
        self.journey = journey
        self.contexts = []
        self.problems: list[str] = []
        self._shot = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    # --- browser contexts ---------------------------------------------------------------------

    def _page(self, options: dict, locale: str = "id-ID"):
        context = self.browser.new_context(
            **options, locale=locale, timezone_id="Asia/Jakarta", accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("response", self._check_response)
        page.on("pageerror", lambda exc: self.problems.append(f"JavaScript error on {page.url}: {exc}"))
        return page

    def phone(self):
        """A phone-sized page (390x844, touch) in a fresh context: one person, one session."""
        return self._page(PHONE)

    def desktop(self):
        return self._page(DESKTOP)

    def _check_response(self, response):
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status} for {response.request.method} {response.url}")

    # --- steps --------------------------------------------------------------------------------

    def shot(self, page, step: str) -> Path:
        """Full-page screenshot tests/e2e/artifacts/<journey>-<nn>-<step>.png."""
        self._shot += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = ARTIFACTS / f"{self.journey}-{self._shot:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def audit(self, page, what: str) -> list[str]:
        """Phone-first and accessibility checks of the page as it is now: no sideways scrolling
        on the phone, every form control labelled, every ARIA/label reference resolving."""
        found = []
        width = page.viewport_size["width"]
        overflow = page.evaluate(OVERFLOW_JS, width)
        if overflow:
            found.append(
                f"{what}: content is {overflow['scrollWidth']}px wide on a {width}px screen "
                f"(sideways scrolling); sticking out: {'; '.join(overflow['culprits'])}"
            )
        found.extend(f"{what}: {problem}" for problem in page.evaluate(LABELS_JS))
        return found

    def login(self, page, username: str, password: str = PASSWORD, *, expect_path: str | None = None):
        page.goto(self.url("/akun/masuk/"))
        page.get_by_label("Surel atau nama pengguna").fill(username)
        page.get_by_label("Kata sandi").fill(password)
        page.get_by_role("button", name="Masuk", exact=True).click()
        page.wait_for_load_state()
        assert "/akun/masuk/" not in page.url, f"login of {username} failed: {page.inner_text('main')}"
        if expect_path:
            assert expect_path in page.url
        return page

    def close(self, failed: bool):
        if failed:
            for n, context in enumerate(self.contexts, 1):
                for m, page in enumerate(context.pages, 1):
                    with contextlib.suppress(Exception):  # the evidence is best effort
                        page.screenshot(
                            path=str(ARTIFACTS / f"{self.journey}-failure-{n}{m}.png"), full_page=True
                        )
        for context in self.contexts:
            context.close()


@pytest.fixture
def e2e(request, browser, live_server, transactional_db):
    from tests.conftest import build_world

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = request.node.name.removeprefix("test_").replace("_", "-")
    for stale in ARTIFACTS.glob(f"{name}-*.png"):
        stale.unlink()
    helper = E2E(browser=browser, base_url=live_server.url, world=build_world(), journey=name)
    yield helper
    helper.close(failed=getattr(request.node, "e2e_failed", False))
    assert not helper.problems, "server or page errors:\n" + "\n".join(helper.problems)
