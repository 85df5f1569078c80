"""Health of every part Duet needs, for ``/healthz`` (JSON) and ``/status`` (a page).

Each check returns a :class:`ComponentHealth` (``ok``, ``degraded`` or ``down`` plus a detail a
person can act on). Checks never raise: a failure is a status. The overall status is the worst
component's. Expensive checks (worker round trip, inference server, Chromium launch) are cached
for ``DUET_HEALTH_CACHE_SECONDS`` so that a load balancer polling ``/healthz`` stays cheap.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings

from training.paths import REPO_ROOT

OK, DEGRADED, DOWN = "ok", "degraded", "down"
SEVERITY = {OK: 0, DEGRADED: 1, DOWN: 2}
BOOTSTRAP_HINT = "build it with `duet models bootstrap`"
TAILWIND_FILES = (
    Path("vendor/node_modules/tailwindcss/dist/tailwind.min.css"),
    Path("vendor/node_modules/@tailwindcss/browser/dist/index.global.js"),
)
PING_TASK = "workers.tasks.ping"


@dataclass(frozen=True)
class ComponentHealth:
    status: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class HealthReport:
    components: dict[str, ComponentHealth]

    @property
    def status(self) -> str:
        return worst(c.status for c in self.components.values())

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "components": {name: c.as_dict() for name, c in self.components.items()},
        }


def worst(statuses) -> str:
    return max(statuses, key=SEVERITY.__getitem__, default=OK)


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --- database -----------------------------------------------------------------------------------


def check_database() -> ComponentHealth:
    from django.db import connection

    vendor = connection.vendor  # "postgresql" or "sqlite"
    where = (
        connection.settings_dict.get("NAME")
        if vendor == "sqlite"
        else f"{connection.settings_dict.get('HOST') or 'localhost'}:"
        f"{connection.settings_dict.get('PORT') or 5432}/{connection.settings_dict.get('NAME')}"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return ComponentHealth(DOWN, f"{vendor} at {where}: {_error_text(exc)}")
    return ComponentHealth(OK, f"{vendor} at {where}")


# --- channel layer ------------------------------------------------------------------------------


async def check_channel_layer(timeout: float = 2.0) -> ComponentHealth:
    """Send a message to a fresh channel and read it back through the configured layer."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return ComponentHealth(DOWN, "no channel layer configured")
    kind = "redis" if "redis" in type(layer).__module__ else "in-memory"
    nonce = secrets.token_hex(8)
    started = time.perf_counter()
    try:
        channel = await layer.new_channel("healthz.")
        await layer.send(channel, {"type": "health.ping", "nonce": nonce})
        message = await asyncio.wait_for(layer.receive(channel), timeout)
    except TimeoutError:
        return ComponentHealth(DOWN, f"{kind}: sent a message but got none back in {timeout:g} s")
    except Exception as exc:
        return ComponentHealth(DOWN, f"{kind}: {_error_text(exc)}")
    if message.get("nonce") != nonce:
        return ComponentHealth(DOWN, f"{kind}: round trip returned a different message")
    elapsed = (time.perf_counter() - started) * 1000
    return ComponentHealth(OK, f"{kind}: send/receive round trip in {elapsed:.1f} ms")


# --- Celery broker and worker -------------------------------------------------------------------


def _celery_app():
    from workers.celery import app

    return app


def check_broker(app=None, timeout: float = 2.0) -> ComponentHealth:
    app = app or _celery_app()
    transport = app.conf.broker_url.split(":", 1)[0]
    if transport == "filesystem":
        options = app.conf.broker_transport_options or {}
        folder = Path(options.get("data_folder_in", ""))
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            return ComponentHealth(DOWN, f"filesystem: queue folder {folder} is not writable")
        waiting = sum(1 for entry in os.scandir(folder) if entry.name.endswith(".msg"))
        return ComponentHealth(OK, f"filesystem at {folder} ({waiting} message(s) waiting)")
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
            where = f"{conn.hostname}:{conn.port or 6379}/{conn.virtual_host or 0}"
    except Exception as exc:
        return ComponentHealth(DOWN, f"{transport}: {_error_text(exc)}")
    return ComponentHealth(OK, f"{transport} at {where}")


def check_worker(app=None, timeout: float | None = None) -> ComponentHealth:
    """Round-trip a ``ping`` task through the ``default`` queue to a real worker."""
    app = app or _celery_app()
    timeout = timeout if timeout is not None else settings.DUET_WORKER_PING_TIMEOUT
    started = time.perf_counter()
    try:
        # Expiry keeps unanswered pings from piling up for a worker that starts later.
        result = app.send_task(PING_TASK, queue="default", expires=max(10.0, 3 * timeout))
    except Exception as exc:
        return ComponentHealth(DOWN, f"cannot queue the ping task: {_error_text(exc)}")
    try:
        reply = result.get(timeout=timeout, interval=0.05, propagate=True)
    except Exception as exc:
        if type(exc).__name__ == "TimeoutError":
            return ComponentHealth(
                DOWN, f"no worker answered a ping on queue 'default' within {timeout:g} s"
            )
        return ComponentHealth(DOWN, f"ping failed: {_error_text(exc)}")
    finally:
        with contextlib.suppress(Exception):
            result.forget()
    elapsed = (time.perf_counter() - started) * 1000
    hostname = reply.get("hostname", "?") if isinstance(reply, dict) else "?"
    return ComponentHealth(OK, f"{hostname} answered ping in {elapsed:.0f} ms")


# --- inference backend --------------------------------------------------------------------------


def check_local_model(path: Path) -> ComponentHealth:
    if not path.is_dir():
        return ComponentHealth(DEGRADED, f"no model at {path} yet; {BOOTSTRAP_HINT}")
    config = path / "config.json"
    if not config.is_file():
        return ComponentHealth(DEGRADED, f"{path} has no config.json; {BOOTSTRAP_HINT}")
    try:
        model_type = json.loads(config.read_text(encoding="utf-8")).get("model_type", "?")
    except (OSError, ValueError, AttributeError) as exc:
        return ComponentHealth(DOWN, f"{config} is unreadable ({_error_text(exc)})")
    tokenizer = [n for n in ("tokenizer.json", "tokenizer_config.json") if (path / n).is_file()]
    if not tokenizer:
        return ComponentHealth(DEGRADED, f"{path} has no tokenizer files; {BOOTSTRAP_HINT}")
    return ComponentHealth(OK, f"local {model_type} model at {path}")


def check_openai_server(
    base_url: str, model: str, adapter: str | None = None, timeout: float = 2.0
) -> ComponentHealth:
    """GET ``/v1/models`` and look for the configured model (and adapter, for vLLM)."""
    import httpx

    url = base_url.rstrip("/")
    url = url if url.endswith("/v1") else f"{url}/v1"
    headers = {}
    api_key = os.environ.get("DUET_AGENT_API_KEY") or os.environ.get("OPENAI_API_KEY")
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    try:
        response = httpx.get(f"{url}/models", timeout=timeout, headers=headers)
    except httpx.HTTPError as exc:
        return ComponentHealth(DOWN, f"{url}/models: {_error_text(exc)}")
    if response.status_code != 200:
        return ComponentHealth(DOWN, f"{url}/models answered HTTP {response.status_code}")
    try:
        names = [item["id"] for item in response.json().get("data", [])]
    except (ValueError, KeyError, TypeError, AttributeError):
        return ComponentHealth(DOWN, f"{url}/models did not return a model list")
    wanted = [name for name in (model, adapter) if name]
    missing = [name for name in wanted if name not in names]
    if missing:
        served = ", ".join(names[:6]) or "nothing"
        return ComponentHealth(
            DEGRADED, f"{url} is up but does not serve {', '.join(missing)} (serves {served})"
        )
    return ComponentHealth(OK, f"{url} serves {' + '.join(wanted)}")


def check_inference(spec: str | None = None) -> ComponentHealth:
    """The agent backend named by ``DUET_AGENT`` (see training/llm/spec.py for the grammar)."""
    from training.llm.spec import parse_spec

    spec = spec or settings.DUET_AGENT
    try:
        parsed = parse_spec(spec)
    except ValueError as exc:
        return ComponentHealth(DOWN, f"DUET_AGENT: {exc}")
    if parsed.backend == "local":
        health = check_local_model(Path(parsed.target))
        if health.status == OK and parsed.adapter and not Path(parsed.adapter).is_dir():
            return ComponentHealth(DEGRADED, f"adapter directory {parsed.adapter} is missing")
        return health
    return check_openai_server(parsed.target, parsed.model, parsed.adapter)


# --- renderer -----------------------------------------------------------------------------------


def chromium_path() -> str | None:
    configured = os.environ.get("DUET_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def check_renderer(timeout: float = 10.0) -> ComponentHealth:
    """Chromium present and starts (``--version``), Tailwind assets vendored for offline pages."""
    executable = chromium_path()
    if executable is None:
        return ComponentHealth(
            DOWN, "Chromium not found (install Debian's chromium or set DUET_CHROMIUM)"
        )
    try:
        result = subprocess.run(
            [executable, "--headless", "--no-sandbox", "--version"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return ComponentHealth(DOWN, f"{executable} does not start: {_error_text(exc)}")
    if result.returncode != 0:
        return ComponentHealth(DOWN, f"{executable} --version exited {result.returncode}")
    version = result.stdout.strip() or "Chromium"
    missing = [str(p) for p in TAILWIND_FILES if not (REPO_ROOT / p).is_file()]
    if missing:
        return ComponentHealth(
            DEGRADED,
            f"{version}; Tailwind assets missing ({', '.join(missing)}): run `make vendor`",
        )
    return ComponentHealth(OK, f"{version}; Tailwind 2 CSS and v4 browser runtime vendored")


# --- collection with caching --------------------------------------------------------------------

_cache: dict[str, tuple[float, ComponentHealth]] = {}


async def _cached(
    name: str, ttl: float, run: Callable[[], Awaitable[ComponentHealth]]
) -> ComponentHealth:
    now = time.monotonic()
    hit = _cache.get(name)
    if hit is not None and hit[0] > now:
        return hit[1]
    try:
        value = await run()
    except Exception as exc:  # a check must never take the endpoint down
        value = ComponentHealth(DOWN, f"check crashed: {_error_text(exc)}")
    _cache[name] = (time.monotonic() + ttl, value)
    return value


def clear_cache() -> None:
    _cache.clear()


async def collect(*, use_cache: bool = True) -> HealthReport:
    """Run every check concurrently. Cheap checks run each time; the others are cached."""
    if not use_cache:
        clear_cache()
    ttl = settings.DUET_HEALTH_CACHE_SECONDS
    checks: dict[str, tuple[float, Callable[[], Awaitable[ComponentHealth]]]] = {
        "database": (0.0, sync_to_async(check_database, thread_sensitive=True)),
        "channel_layer": (0.0, check_channel_layer),
        "broker": (ttl, lambda: asyncio.to_thread(check_broker)),
        "worker": (ttl, lambda: asyncio.to_thread(check_worker)),
        "inference": (ttl, lambda: asyncio.to_thread(check_inference)),
        "renderer": (max(ttl, 60.0), lambda: asyncio.to_thread(check_renderer)),
    }
    results = await asyncio.gather(
        *(_cached(name, ttl_, run) for name, (ttl_, run) in checks.items())
    )
    return HealthReport(dict(zip(checks, results, strict=True)))
