"""A live Duet for browser tests: Daphne (+ a real Celery worker with Redis), headless Chromium.

One server per test module, started as ``make run`` would start it: migrations, the bundled
tasks, people created with ``duet_user``-equivalent roles, the tiny default agent (the session
``tiny_model_dir``) answering with short turns. With DATABASE_URL / REDIS_URL set it uses a fresh
Postgres database on that server and Redis (agent turns then run on the Celery worker and
stream through the Redis channel layer); without them SQLite and in-process runner threads.

Every page a test visits is screenshotted (``Visit.shot``) into the test's tmp dir, and the
session copies them all into ``var/screenshots/`` for people to look at; axe-core (vendored
from npm into vendor/, read here and evaluated in the page, never served by Duet) checks each
one for serious or critical violations, and any Content-Security-Policy violation fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import (
    REPO_ROOT,
    base_env,
    free_port,
    run_manage,
    scratch_postgres,
    stop_process_group,
)

PASSWORD = "correct-horse-battery-staple-42"
PEOPLE = {"alice": "collaborator", "bob": "collaborator", "annie": "annotator", "root": "admin"}
AXE = REPO_ROOT / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS_OUT = REPO_ROOT / "var" / "screenshots"
_taken: list[Path] = []

CREATE_PEOPLE = """
from django.contrib.auth.models import User
from webapp.accounts.roles import set_role
for name, role in {people!r}.items():
    user = User.objects.create_user(name, password={password!r})
    set_role(user, role)
"""


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


class LiveServer:
    def __init__(self, url: str, data_dir: Path, logs: list[Path]):
        self.url = url
        self.data_dir = data_dir
        self.logs = logs

    def log_tail(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in self.logs if p.exists())


@pytest.fixture(scope="module")
def duet_server(tmp_path_factory, tiny_model_dir) -> Iterator[LiveServer]:
    """Stopped after the module: its Celery worker consumes Redis's ``default`` queue, which
    later tests' own workers (on other databases) must have to themselves."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium")
    root = tmp_path_factory.mktemp("live")
    database = scratch_postgres("duet_browser")
    database_url = next(database)
    extra = {
        "DUET_AGENT": f"local:{tiny_model_dir}",
        "DUET_GENERATION_MAX_TOKENS": "24",
        "DUET_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    if database_url:
        extra["DATABASE_URL"] = database_url
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    env = base_env(root / "data", **extra)
    for args in (["migrate", "--noinput"], ["load_tasks", "--bundled"]):
        done = run_manage(args, env, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
    code = CREATE_PEOPLE.format(people=PEOPLE, password=PASSWORD)
    done = run_manage(["shell", "-c", code], env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    port = free_port()
    processes: list[subprocess.Popen] = []
    logs: list[Path] = []

    def start(name: str, argv: list[str]) -> None:
        log_path = root / f"{name}.log"
        logs.append(log_path)
        with open(log_path, "w") as log:
            processes.append(subprocess.Popen(
                argv, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            ))  # fmt: skip

    start("web", [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                  "webapp.asgi:application"])  # fmt: skip
    if "REDIS_URL" in env:
        start("worker", [sys.executable, "-m", "celery", "-A", "workers", "worker",
                         "--queues", "default", "--concurrency", "2", "--loglevel", "INFO",
                         "--hostname", f"browser-{uuid.uuid4().hex[:6]}@%h",
                         "--without-mingle", "--without-gossip"])  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    server = LiveServer(url, root / "data", logs)
    try:
        deadline = time.monotonic() + 90
        while _get(f"{url}/accounts/login/") != 200:
            if time.monotonic() > deadline or processes[0].poll() is not None:
                pytest.fail(f"the web server did not start:\n{server.log_tail()}")
            time.sleep(0.3)
        yield server
    finally:
        for process in processes:
            stop_process_group(process, timeout=10)
        with contextlib.suppress(StopIteration):
            next(database)
        _publish_screenshots()


def _publish_screenshots() -> None:
    """Copy this run's screenshots into var/screenshots/ (replacing the last run's)."""
    if not _taken:
        return
    shutil.rmtree(SCREENSHOTS_OUT, ignore_errors=True)
    SCREENSHOTS_OUT.mkdir(parents=True, exist_ok=True)
    for path in _taken:
        if path.exists():
            shutil.copy2(path, SCREENSHOTS_OUT / path.name)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module. Not session-wide: Playwright's sync API keeps an event loop
    running in this thread until it stops, and later tests of the run call asyncio.run()."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )  # fmt: skip
        try:
            yield chromium
        finally:
            chromium.close()


class Visit:
    """One person's browser tab: sign in, screenshot and axe-check every page visited."""

    def __init__(self, browser, server: LiveServer, out: Path, name: str):
        self.server = server
        self.out = out
        self.context = browser.new_context(viewport={"width": 1280, "height": 860})
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.name = name
        self.csp_violations: list[str] = []
        self.page.on("console", self._console)
        self.count = 0

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_violations.append(message.text)

    def url(self, path: str) -> str:
        return self.server.url + path

    def goto(self, path: str, label: str | None = None, *, check: bool = True):
        response = self.page.goto(self.url(path))
        if check:
            self.shot(label or path)
        return response

    def sign_in(self, username: str) -> None:
        self.page.goto(self.url("/accounts/login/"))
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def shot(self, label: str) -> Path:
        """Screenshot the page as it is (full page) and assert axe-core finds nothing serious."""
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60] or "page"
        path = self.out / f"{self.name}-{self.count:02d}-{slug}.png"
        self.page.evaluate("() => window.scrollTo(0, 0)")  # a sticky header stays on top
        self.page.screenshot(path=str(path), full_page=True)
        _taken.append(path)
        violations = axe_violations(self.page)
        assert violations == [], f"axe on {label} ({self.page.url}): {violations}"
        return path

    def close(self) -> None:
        self.context.close()
        assert self.csp_violations == [], self.csp_violations


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make vendor` installs axe-core from npm")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
            const result = await window.axe.run(document, {resultTypes: ["violations"]});
            return result.violations
              .filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => ({id: v.id, impact: v.impact, help: v.help,
                          nodes: v.nodes.slice(0, 4).map(n => n.target.join(" "))}));
        }"""
    )


@pytest.fixture
def visit(browser, duet_server, tmp_path, request):
    """A factory of signed-out tabs; each is closed (and checked for CSP violations) after."""
    opened: list[Visit] = []
    out = tmp_path / "screens"
    out.mkdir()
    test_name = re.sub(r"^test_", "", request.node.name)[:40]

    def make(name: str = "tab") -> Visit:
        tab = Visit(browser, duet_server, out, f"{test_name}-{name}")
        opened.append(tab)
        return tab

    yield make
    for tab in opened:
        tab.close()
