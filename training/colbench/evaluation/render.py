"""Offline rendering of HTML pages to PNG screenshots with Playwright and Debian's Chromium.

One browser, a warm pool of pages (each in its own browser context, so a hung page cannot stall
the others), and no network: every request is answered locally or aborted
(:mod:`.offline_assets`). Renders are a fixed-width viewport, full-page screenshots capped at
``max_height``.

Two front doors over the same engine:

* :class:`AsyncRenderer` lives in the caller's event loop (``await renderer.render(html)``);
  pool pages render concurrently.
* :class:`Renderer` owns a private thread that runs an :class:`AsyncRenderer` in its own event
  loop. Its :meth:`Renderer.render` is thread-safe and blocking, :meth:`Renderer.arender` awaits
  the same work from any other event loop (a Django Channels consumer) without blocking it.
  Playwright objects are bound to the loop that made them, so this is the safe way to share one
  browser between threads. :func:`shared_renderer` gives a process-wide instance.

Hostile pages (measured on Chromium 156): ``while(true){}`` during load makes ``set_content``
time out; a page that hangs after load lets ``set_content`` succeed and then stalls the screenshot
and any script. Every step is therefore bounded (``set_content`` and ``screenshot`` by their own
timeouts, in-page scripts by cancelling the wait), and a page that failed is closed with its
context and replaced, never reused. A page that rendered fine is navigated to ``about:blank``
before going back to the pool: ``set_content`` alone keeps the old document's timers and globals
running into the next render. A page that tries to navigate away (``location.href = …``, meta
refresh, ``window.open``) is answered "204 No Content", so it stays and is drawn as it is.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import hashlib
import io
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from training.colbench import protocol
from training.colbench.evaluation.offline_assets import (
    TAILWIND_CSS,
    VendorAssetsMissing,
    body_for,
    check_vendor_assets,
    classify,
)
from training.colbench.evaluation.page_features import FEATURES_JS, PageFeatures
from training.colbench.evaluation.tailwind_purge import load_stylesheet

CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    # Belt and braces behind the request router: what Playwright's routing never sees
    # (WebSockets, <link rel=preconnect>, DNS prefetch) cannot resolve a name or reach an IP.
    # Routed requests are answered inside the browser before either applies.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
)

_HEIGHT_JS = (
    "() => Math.max(document.documentElement.scrollHeight,"
    " document.body ? document.body.scrollHeight : 0)"
)
_MAX_LOGGED_URLS = 20


def default_chromium_path() -> str:
    """``DUET_CHROMIUM`` if set, else Debian's ``/usr/bin/chromium``."""
    return os.environ.get("DUET_CHROMIUM", "/usr/bin/chromium")


@dataclass(frozen=True)
class RenderConfig:
    """How pages are rendered. The defaults are what Duet's rewards and simulators use.

    The viewport is 1280×800, a common laptop size: wide enough that Tailwind's ``md:``/``lg:``
    layouts (768/1024 px) apply, as on the desktops the pages are designed for. Screenshots are
    full-page at device scale 1, at least the viewport tall and cut at ``max_height``.
    """

    viewport_width: int = 1280
    viewport_height: int = 800
    max_height: int = 4000
    max_html_bytes: int = 1_000_000
    load_timeout_s: float = 10.0
    screenshot_timeout_s: float = 10.0
    script_timeout_s: float = 3.0
    reset_timeout_s: float = 3.0
    pool_size: int = 2
    purge_tailwind: bool = True
    """Serve each page only the Tailwind 2 rules it can use (see :mod:`.tailwind_purge`)."""
    cache_size: int = 128
    """Finished renders kept by page content (renders are deterministic; a hidden page is
    rendered for every reply and every reward). 0 turns the cache off."""
    chromium_path: str = field(default_factory=default_chromium_path)


class RenderError(RuntimeError):
    """A page could not be rendered. ``reason`` is a short code for programs
    (``too-large``, ``not-html``, ``load-timeout``, ``script-timeout``, ``screenshot-timeout``,
    ``browser-error``, ``unavailable``, ``closed``); the message is for people."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class HtmlTooLarge(RenderError):
    def __init__(self, size: int, limit: int):
        super().__init__(
            "too-large",
            f"the page is {size:,} bytes of HTML; the renderer accepts at most {limit:,} bytes",
        )


class RenderTimeout(RenderError):
    """The page did not load, stopped responding, or could not be drawn in time."""


@dataclass(frozen=True)
class RenderResult:
    """A rendered page: PNG bytes plus what is known about how it was drawn."""

    png: bytes = field(repr=False)
    width: int
    height: int
    full_height: int
    """The document's height in CSS px (the screenshot stops at ``max_height``)."""
    truncated: bool
    elapsed_s: float
    html_sha1: str
    served: tuple[str, ...] = ()
    """Kinds of requests answered locally (``tailwind-css``, ``placeholder-image`` …)."""
    blocked: tuple[str, ...] = ()
    """URLs that were aborted (the first 20)."""
    features: PageFeatures | None = None
    from_cache: bool = False
    """Returned from the renderer's cache (``elapsed_s`` is the original render's)."""

    def image(self):
        """The screenshot as an RGB ``PIL.Image``."""
        from PIL import Image

        return Image.open(io.BytesIO(self.png)).convert("RGB")

    def metadata(self) -> dict[str, Any]:
        meta = {k: v for k, v in asdict(self).items() if k not in ("png", "features")}
        meta["served"], meta["blocked"] = list(self.served), list(self.blocked)
        return meta

    def save(self, directory: str | Path | None = None) -> Path:
        """Write ``<sha1>.png`` and ``<sha1>.json`` (metadata) under ``directory`` (default
        ``data_dir()/renders``); returns the PNG path."""
        from training.paths import data_dir

        target = Path(directory) if directory is not None else data_dir() / "renders"
        target.mkdir(parents=True, exist_ok=True)
        stem = self.html_sha1[:20]
        png_path = target / f"{stem}.png"
        png_path.write_bytes(self.png)
        (target / f"{stem}.json").write_text(json.dumps(self.metadata(), indent=1))
        return png_path


def extract_html(text: str) -> str | None:
    """The ``<html>…</html>`` snippet of an agent message (tags included), or ``None``.

    This is the protocol's rule (:func:`training.colbench.protocol.extract_html_snippet`): the
    first complete snippet counts; an unclosed ``<html>`` is not a page.
    """
    return protocol.extract_html_snippet(text)


def check_html(html: object, config: RenderConfig) -> str:
    """Validate input before it reaches the browser."""
    if not isinstance(html, str):
        raise RenderError("not-html", f"expected the page as a str, got {type(html).__name__}")
    size = len(html.encode("utf-8", errors="replace"))
    if size > config.max_html_bytes:
        raise HtmlTooLarge(size, config.max_html_bytes)
    return html


class _Slot:
    """One pool page in its own browser context, and the requests its current render made."""

    def __init__(self, context, page):
        self.context = context
        self.page = page
        self.html: str | None = None
        self.served: list[str] = []
        self.blocked: list[str] = []
        self.navigations = 0
        """Attempts of the page (or a frame) to navigate away, answered with 204."""

    def begin(self, html: str | None) -> None:
        """Start a render of ``html`` (what the stylesheet purge reads) with an empty log."""
        self.html = html
        self.served.clear()
        self.blocked.clear()
        self.navigations = 0


class AsyncRenderer:
    """The rendering engine for one event loop. Use ``async with AsyncRenderer() as r:``."""

    def __init__(self, config: RenderConfig | None = None):
        self.config = config or RenderConfig()
        self._playwright = None
        self._browser = None
        self._slots: asyncio.Queue[_Slot] | None = None
        self._relaunch_lock: asyncio.Lock | None = None
        self._generation = 0
        self._closed = False
        self._background: set[asyncio.Task] = set()
        self._cache: OrderedDict[str, RenderResult] = OrderedDict()

    async def __aenter__(self) -> AsyncRenderer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Launch Chromium and open the page pool."""
        check_vendor_assets()
        if not Path(self.config.chromium_path).exists():
            raise RenderError(
                "unavailable",
                f"Chromium not found at {self.config.chromium_path}: install Debian's chromium "
                "(`make chromium`) or set DUET_CHROMIUM to its path",
            )
        from playwright.async_api import async_playwright

        if self.config.purge_tailwind:  # parse the stylesheet once, off the event loop
            await asyncio.get_running_loop().run_in_executor(None, load_stylesheet, TAILWIND_CSS)
        self._playwright = await async_playwright().start()
        self._slots = asyncio.Queue()
        self._relaunch_lock = asyncio.Lock()
        await self._launch()

    @property
    def browser_version(self) -> str:
        return self._browser.version if self._browser is not None else "not started"

    async def _launch(self) -> None:
        assert self._playwright is not None and self._slots is not None
        self._browser = await self._playwright.chromium.launch(
            executable_path=self.config.chromium_path, args=list(CHROMIUM_ARGS), headless=True
        )
        self._generation += 1
        for _ in range(self.config.pool_size):
            self._slots.put_nowait(await self._new_slot())

    async def _new_slot(self) -> _Slot:
        assert self._browser is not None
        context = await self._browser.new_context(
            viewport={"width": self.config.viewport_width, "height": self.config.viewport_height},
            device_scale_factor=1,
            java_script_enabled=True,
            service_workers="block",
            accept_downloads=False,
        )
        slot = _Slot(context, None)

        async def route(route) -> None:
            decision = classify(route.request.url)
            if decision.kind == "blocked":
                if len(slot.blocked) < _MAX_LOGGED_URLS:
                    slot.blocked.append(route.request.url[:300])
                if route.request.is_navigation_request():
                    slot.navigations += 1
                    # A page (or frame) trying to go elsewhere: "204 No Content" makes the
                    # browser stay on the current document instead of committing an error page.
                    await route.fulfill(status=204, body=b"")
                else:
                    await route.abort("blockedbyclient")
                return
            slot.served.append(decision.kind)
            await route.fulfill(
                status=200,
                body=body_for(decision, slot.html if self.config.purge_tailwind else None),
                content_type=decision.content_type,
                headers={"access-control-allow-origin": "*"},
            )

        await context.route("**/*", route)
        slot.page = await context.new_page()
        return slot

    async def close(self) -> None:
        self._closed = True
        if self._browser is not None:
            with contextlib.suppress(Exception):
                await self._browser.close()
            self._browser = None
        if self._playwright is not None:
            with contextlib.suppress(Exception):
                await self._playwright.stop()
            self._playwright = None

    async def render(self, html: str, *, features: bool = False) -> RenderResult:
        """Render one page. ``features`` also reads :class:`PageFeatures` from the DOM.

        Raises :class:`RenderError` (:class:`HtmlTooLarge`, :class:`RenderTimeout`) with a
        message that says what went wrong; the pool stays usable either way.
        """
        if self._closed or self._slots is None:
            raise RenderError("closed", "the renderer is not running")
        html = check_html(html, self.config)
        key = hashlib.sha1(html.encode("utf-8", errors="replace")).hexdigest()
        cached = self._cache.get(key)
        if cached is not None and (cached.features is not None or not features):
            self._cache.move_to_end(key)
            return replace(cached, from_cache=True)
        for attempt in (1, 2):
            slot = await self._slots.get()
            generation = self._generation
            try:
                result = await self._render_on(slot, html, features)
            except asyncio.CancelledError:
                self._in_background(self._replace(slot, generation))
                raise
            except RenderError:
                # Never reuse a page that failed: it may be hung. Close it, open a fresh one.
                await self._replace(slot, generation)
                raise
            except Exception as error:
                await self._replace(slot, generation)
                if attempt == 1 and generation != self._generation:
                    continue  # the browser died under this render and was restarted: retry once
                raise RenderError(
                    "browser-error", f"the browser failed to render the page: {error}"
                ) from error
            self._in_background(self._recycle(slot, generation))
            self._remember(key, result)
            return result
        raise AssertionError("unreachable")

    def _remember(self, key: str, result: RenderResult) -> None:
        if self.config.cache_size <= 0:
            return
        self._cache[key] = result
        self._cache.move_to_end(key)
        while len(self._cache) > self.config.cache_size:
            self._cache.popitem(last=False)

    def _in_background(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _render_on(self, slot: _Slot, html: str, want_features: bool) -> RenderResult:
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        config = self.config
        page = slot.page
        slot.begin(html)
        started = time.perf_counter()
        try:
            await page.set_content(html, timeout=config.load_timeout_s * 1000, wait_until="load")
        except PlaywrightTimeout:
            # A page that starts leaving while it loads (``location.href = …`` in an inline
            # script) never fires ``load`` even though the navigation was refused; it is not
            # hung, so draw what it has (the bounded steps below catch a page that is hung).
            if not slot.navigations:
                raise RenderTimeout(
                    "load-timeout",
                    f"the page did not finish loading within {config.load_timeout_s:g} s "
                    "(a script that never ends?)",
                ) from None
        script = FEATURES_JS if want_features else _HEIGHT_JS
        try:
            measured = await asyncio.wait_for(page.evaluate(script), config.script_timeout_s)
        except TimeoutError:
            raise RenderTimeout(
                "script-timeout",
                f"the page stopped responding after it loaded (no answer within "
                f"{config.script_timeout_s:g} s)",
            ) from None
        page_features = PageFeatures.from_json(measured) if want_features else None
        full_height = page_features.full_height if page_features else int(measured)
        try:
            png = await page.screenshot(
                type="png",
                full_page=True,
                clip={"x": 0, "y": 0, "width": config.viewport_width, "height": config.max_height},
                timeout=config.screenshot_timeout_s * 1000,
                animations="disabled",
                caret="hide",
            )
        except PlaywrightTimeout:
            raise RenderTimeout(
                "screenshot-timeout",
                f"the page could not be drawn within {config.screenshot_timeout_s:g} s "
                "(it stopped responding after it loaded)",
            ) from None
        width, height = _png_size(png)
        return RenderResult(
            png=png,
            width=width,
            height=height,
            full_height=full_height,
            truncated=full_height > config.max_height,
            elapsed_s=time.perf_counter() - started,
            html_sha1=hashlib.sha1(html.encode("utf-8", errors="replace")).hexdigest(),
            served=tuple(dict.fromkeys(slot.served)),
            blocked=tuple(slot.blocked),
            features=page_features,
        )

    async def _recycle(self, slot: _Slot, generation: int) -> None:
        """Clear a page that rendered fine (``about:blank`` ends its timers) and pool it again."""
        try:
            for page in slot.context.pages:  # popups the page opened
                if page is not slot.page:
                    await page.close()
            await slot.page.goto("about:blank", timeout=self.config.reset_timeout_s * 1000)
        except Exception:
            await self._replace(slot, generation)
        else:
            self._give_back(slot, generation)

    async def _replace(self, slot: _Slot, generation: int) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(slot.context.close(), self.config.reset_timeout_s)
        if self._closed or generation != self._generation:
            return  # a relaunch already refilled the pool
        try:
            fresh = await self._new_slot()
        except Exception:
            await self._relaunch(generation)
            return
        self._give_back(fresh, generation)

    def _give_back(self, slot: _Slot, generation: int) -> None:
        if generation == self._generation and not self._closed and self._slots is not None:
            self._slots.put_nowait(slot)

    async def _relaunch(self, generation: int) -> None:
        """The browser itself failed (crash, disconnect): start a new one and a new pool."""
        assert self._relaunch_lock is not None and self._slots is not None
        async with self._relaunch_lock:
            if self._closed or generation != self._generation:
                return
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._browser.close(), self.config.reset_timeout_s)
            while not self._slots.empty():
                self._slots.get_nowait()
            await self._launch()


def _png_size(png: bytes) -> tuple[int, int]:
    # The IHDR chunk holds width and height as big-endian uint32 at bytes 16..24.
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


class Renderer:
    """A thread-safe renderer: a private thread runs an :class:`AsyncRenderer` in its own loop.

    ``render`` blocks the calling thread; ``arender`` is for coroutines in other event loops.
    Concurrent calls render concurrently, up to ``config.pool_size`` at a time.
    """

    def __init__(self, config: RenderConfig | None = None, *, start_timeout_s: float = 60.0):
        self.config = config or RenderConfig()
        self._engine = AsyncRenderer(self.config)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="duet-renderer", daemon=True
        )
        self._thread.start()
        self._closed = False
        self._pid = os.getpid()
        try:
            self._submit(self._engine.start()).result(timeout=start_timeout_s)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _submit(self, coroutine):
        if threading.current_thread() is self._thread:
            coroutine.close()
            raise RuntimeError("Renderer.render called from the renderer's own thread")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def _deadline(self) -> float:
        c = self.config
        # Waiting for a pool page, then each bounded step, plus slack for replacing a page.
        return 2 * (c.load_timeout_s + c.script_timeout_s + c.screenshot_timeout_s) + 30.0

    def render(self, html: str, *, features: bool = False) -> RenderResult:
        """Render ``html`` (blocking, thread-safe). Raises :class:`RenderError`."""
        if self._closed:
            raise RenderError("closed", "the renderer was closed")
        future = self._submit(self._engine.render(html, features=features))
        try:
            return future.result(timeout=self._deadline())
        except TimeoutError:
            future.cancel()
            raise RenderTimeout("load-timeout", "the renderer did not answer in time") from None

    async def arender(self, html: str, *, features: bool = False) -> RenderResult:
        """Render ``html`` from a coroutine in any event loop without blocking it."""
        if self._closed:
            raise RenderError("closed", "the renderer was closed")
        future = self._submit(self._engine.render(html, features=features))
        return await asyncio.wait_for(asyncio.wrap_future(future), self._deadline())

    def render_many(
        self, pages: Sequence[str], *, features: bool = False
    ) -> list[RenderResult | RenderError]:
        """Render several pages concurrently over the pool; failures come back as errors in
        their place instead of raising."""
        futures = [self._submit(self._engine.render(h, features=features)) for h in pages]
        results: list[RenderResult | RenderError] = []
        for future in futures:
            try:
                results.append(future.result(timeout=self._deadline() * len(pages)))
            except RenderError as error:
                results.append(error)
        return results

    @property
    def browser_version(self) -> str:
        return self._engine.browser_version

    def close(self) -> None:
        """Close the browser and stop the thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if os.getpid() != self._pid:
            return  # a forked child: the browser and its thread belong to the parent
        if self._loop.is_running():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._engine.close(), self._loop).result(30)
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        if not self._thread.is_alive():
            self._loop.close()


_shared: Renderer | None = None
_shared_pid = 0
_shared_lock = threading.Lock()


def shared_renderer() -> Renderer:
    """The process-wide renderer with the default config (started on first use, closed at exit).

    A forked child (a Celery worker) gets its own: the parent's browser thread does not survive
    a fork.
    """
    global _shared, _shared_pid
    with _shared_lock:
        if _shared is None or _shared._closed or _shared_pid != os.getpid():
            _shared = Renderer()
            _shared_pid = os.getpid()
            atexit.register(_shared.close)
        return _shared


PROBE_PAGE = (
    "<html><head><link rel='stylesheet' "
    "href='https://cdn.jsdelivr.net/npm/tailwindcss@2.2.19/dist/tailwind.min.css'></head>"
    "<body class='bg-blue-500 p-4'><img src='https://placehold.co/32x32' alt=''></body></html>"
)


def probe_renderer(config: RenderConfig | None = None) -> str:
    """Render one small Tailwind page with an image through the real pipeline (vendored assets,
    the configured Chromium, the renderer's own launch flags and request routing); return a
    one-line description. Raises :class:`RenderError` or :class:`VendorAssetsMissing` with the
    reason agent pages would fail to render."""
    started = time.perf_counter()
    with Renderer(replace(config or RenderConfig(), pool_size=1, cache_size=0)) as renderer:
        result = renderer.render(PROBE_PAGE)
        version = renderer.browser_version
    wanted = {"tailwind-css", "placeholder-image"}
    if not wanted <= set(result.served):
        missing = ", ".join(sorted(wanted - set(result.served)))
        raise RenderError("unavailable", f"Chromium {version} rendered without serving {missing}")
    elapsed = time.perf_counter() - started
    return f"Chromium {version}: rendered a Tailwind test page offline in {elapsed:.1f} s"


def render_once(html: str, config: RenderConfig | None = None, *, features: bool = False):
    """Launch a browser, render one page, close it. For one-off use; keep a :class:`Renderer`
    for more than one page (a launch costs far more than a render)."""
    with Renderer(replace(config or RenderConfig(), pool_size=1)) as renderer:
        return renderer.render(html, features=features)


__all__ = [
    "CHROMIUM_ARGS",
    "AsyncRenderer",
    "HtmlTooLarge",
    "RenderConfig",
    "RenderError",
    "RenderResult",
    "RenderTimeout",
    "Renderer",
    "VendorAssetsMissing",
    "check_html",
    "extract_html",
    "probe_renderer",
    "render_once",
    "shared_renderer",
]
