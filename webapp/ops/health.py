"""Health of every part Duet needs, for ``/healthz`` (JSON) and ``/status`` (a page).

Each check returns a :class:`ComponentHealth` (``ok``, ``degraded`` or ``down`` plus a detail a
person can act on). Checks never raise: a failure is a status. The overall status is the worst
component's. Expensive checks (worker round trip, inference server, Chromium launch) are cached
for ``DUET_HEALTH_CACHE_SECONDS`` so that a load balancer polling ``/healthz`` stays cheap.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings

OK, DEGRADED, DOWN = "ok", "degraded", "down"
SEVERITY = {OK: 0, DEGRADED: 1, DOWN: 2}
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


def check_inference(spec: str | None = None, timeout: float = 2.0) -> ComponentHealth:
    """The agent backend named by ``DUET_AGENT``, through the inference library's own probe."""
    from training.llm.base import LLMError
    from training.llm.probe import BackendNotReady, probe_backend
    from training.llm.spec import SpecError

    spec = spec or settings.DUET_AGENT
    try:
        return ComponentHealth(OK, probe_backend(spec, timeout=timeout))
    except BackendNotReady as exc:
        return ComponentHealth(DEGRADED, str(exc))
    except LLMError as exc:
        return ComponentHealth(DOWN, str(exc))
    except SpecError as exc:
        return ComponentHealth(DOWN, f"DUET_AGENT: {exc}")


# --- renderer -----------------------------------------------------------------------------------


def check_renderer() -> ComponentHealth:
    """Render a test page through the offline renderer, exactly as agent pages are rendered."""
    from training.colbench.evaluation.render import (
        RenderError,
        VendorAssetsMissing,
        probe_renderer,
    )

    try:
        return ComponentHealth(OK, probe_renderer())
    except VendorAssetsMissing as exc:
        return ComponentHealth(DOWN, f"{exc}")
    except RenderError as exc:
        return ComponentHealth(DOWN, str(exc))
    except Exception as exc:  # Playwright's own launch errors are not RenderErrors
        return ComponentHealth(DOWN, f"Chromium does not start: {_error_text(exc)}")


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
