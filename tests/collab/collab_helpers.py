"""Helpers for the live-session tests: sockets against the real ASGI app, waiting."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client


def cookie_for(user) -> bytes:
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def open_socket(session_id: int, user=None, *, query: str = "", origin=b"http://localhost"):
    """A connected communicator (or the refused one); returns (communicator, connected)."""
    from webapp.asgi import application

    headers = [(b"host", b"localhost")]
    if origin is not None:
        headers.append((b"origin", origin))
    if user is not None:
        headers.append((b"cookie", await sync_to_async(cookie_for)(user)))
    path = f"/ws/sessions/{session_id}/" + (f"?{query}" if query else "")
    communicator = WebsocketCommunicator(application, path, headers=headers)
    OPEN.append(communicator)
    connected, _ = await communicator.connect(timeout=10)
    return communicator, connected


OPEN: list = []
"""Every communicator a test opened; the conftest closes them all in the test's own loop."""


async def close_all_sockets() -> None:
    while OPEN:
        communicator = OPEN.pop()
        # already closed, refused, or its app ended with an error: nothing to close
        with contextlib.suppress(BaseException):
            await communicator.disconnect(timeout=5)
        communicator.future.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(communicator.future, 5)


async def receive_until(communicator, kind: str, timeout: float = 30.0) -> list[dict]:
    """Messages up to and including the first of type ``kind``."""
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {kind!r} within {timeout} s; got {[m['type'] for m in seen]}")
        message = await communicator.receive_json_from(timeout=left)
        seen.append(message)
        if message["type"] == kind:
            return seen


async def wait_for(predicate, timeout: float = 30.0, every: float = 0.05):
    """Poll a sync predicate (run in a thread: it may query the database) until it is true."""
    deadline = time.monotonic() + timeout
    while True:
        value = await sync_to_async(predicate)()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(every)


def new_client_id() -> str:
    return uuid.uuid4().hex


def start_worker(env: dict, log_path, *, beat: bool = False):
    """A real ``celery -A workers worker`` (solo pool, ``default`` queue) in its own group;
    ``beat``: running the periodic scheduler too, as ``make run``'s worker does."""
    import subprocess
    import sys

    from training.paths import REPO_ROOT

    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "workers", "worker", "--queues", "default",
            "--pool", "solo", "--loglevel", "INFO", "--without-mingle", "--without-gossip",
            "--hostname", f"collab-{uuid.uuid4().hex[:8]}@%h",
            *(["--beat", "--schedule", str(log_path) + ".beat"] if beat else []),
        ],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def kill_group(process) -> None:
    import os
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
