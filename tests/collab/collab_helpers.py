"""Helpers for the live-session tests: sockets against the real ASGI app, waiting."""

from __future__ import annotations

import asyncio
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
    connected, _ = await communicator.connect(timeout=10)
    return communicator, connected


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
