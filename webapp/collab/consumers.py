"""The live-session WebSocket (``/ws/sessions/<id>/``): thin, speaking PRODUCT.md's protocol.

Each message is parsed here and handed to the session service (:mod:`webapp.collab.sessions`)
in a thread (``database_sync_to_async``); the event loop never runs model, sandbox, renderer
or database work. Server → client messages about the session arrive through the channel-layer
group of the session (from whichever process or worker produced them) and are forwarded as they
are. Nothing lives only in a socket: ``state`` on connect carries everything stored.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from webapp.collab.models import CollabSession
from webapp.collab.sessions import access, lifecycle
from webapp.collab.sessions.errors import SessionError
from webapp.collab.sessions.events import group_name, publisher
from webapp.collab.sessions.generation import redo_expired
from webapp.collab.sessions.messages import state_message

CLOSE_FORBIDDEN = 4403
log = logging.getLogger(__name__)


def in_thread(fn):
    """``fn`` in a thread of the event loop's pool, so sockets' database calls run side by side.

    asgiref's default (``thread_sensitive=True``) runs every such call of the process on one
    shared thread: under load an ``ack`` waited behind other sockets' ``say``, ``state`` and
    lease-watch calls (p95 1.8 s at 20 sessions in bench/sessions_load.py). Nothing here needs
    the shared thread: each call opens its own transaction, and connections are per thread.
    """
    return database_sync_to_async(fn, thread_sensitive=False)


def _after(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise SessionError("bad_message", "after must be a sequence number")
    try:
        return int(value)
    except ValueError:
        raise SessionError("bad_message", "after must be a sequence number") from None


class SessionConsumer(AsyncWebsocketConsumer):
    session_id: int | None = None
    _received: float | None = None  # DUET_TRACE_TIMINGS: when the frame being handled came

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()  # refuses the handshake: anonymous sockets never open
            return
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        allowed = await in_thread(self._may_open)(user)
        await self.accept()
        if not allowed:
            await self._send_error(SessionError("forbidden", "this session is not yours"))
            await self.close(code=CLOSE_FORBIDDEN)
            self.session_id = None
            return
        publisher.bind_serving_loop()
        await self.channel_layer.group_add(group_name(self.session_id), self.channel_name)
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        try:
            after = _after(query.get("after", [None])[0])
        except SessionError as error:
            await self._send_error(error)
            after = None
        await self._send_state(after)
        self._watch = asyncio.ensure_future(self._watch_leases())

    def _may_open(self, user) -> bool:
        session = CollabSession.objects.filter(pk=self.session_id).first()
        return session is not None and access.can_open(user, session)

    async def disconnect(self, code):
        watch = getattr(self, "_watch", None)
        if watch is not None:
            watch.cancel()
        if self.session_id is not None:
            await self.channel_layer.group_discard(group_name(self.session_id), self.channel_name)

    async def _watch_leases(self):
        """While a socket is open, a generation whose runner died is handed to a new one."""
        period = settings.DUET_COLLAB["LEASE_S"] / 2
        while True:
            try:
                await in_thread(redo_expired)(self.session_id)
            except asyncio.CancelledError:
                return
            except Exception:  # a broker or database hiccup: try again next period
                log.warning("lease sweep for session %s failed", self.session_id, exc_info=True)
            try:
                await asyncio.sleep(period)
            except asyncio.CancelledError:
                return

    # -- client → server ---------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.session_id is None:
            return
        self._received = time.time() if settings.DUET_COLLAB.get("TRACE_TIMINGS") else None
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        limit = settings.DUET_COLLAB["MAX_FRAME_BYTES"]
        if size > limit:
            await self._send_error(SessionError("too_long", f"frames hold at most {limit} bytes"))
            return
        try:
            if text_data is None:
                raise SessionError("bad_message", "send JSON text frames")
            try:
                message = json.loads(text_data)
            except ValueError:
                raise SessionError("bad_message", "not valid JSON") from None
            if not isinstance(message, dict) or not isinstance(message.get("type"), str):
                raise SessionError("bad_message", "a message is an object with a type")
            handler = getattr(self, f"on_{message['type']}", None)
            if handler is None:
                raise SessionError("bad_message", f"unknown message type {message['type']!r}")
            await handler(message)
        except SessionError as error:
            await self._send_error(error)

    async def on_say(self, message):
        user = self.scope["user"]
        client_id = message.get("client_id")
        index, _ = await in_thread(lifecycle.say)(
            self.session_id, user, client_id, message.get("text")
        )
        ack = {"type": "ack", "client_id": client_id, "index": index}
        if self._received is not None:  # DUET_TRACE_TIMINGS: frame received -> ack sent
            ack["trace"] = {"received": self._received, "sent": time.time()}
        await self._send_json(ack)

    async def on_resume(self, message):
        await self._send_state(_after(message.get("after")))

    async def on_retry(self, message):
        await in_thread(lifecycle.retry)(self.session_id, self.scope["user"])

    async def on_end(self, message):
        await in_thread(lifecycle.end_session)(self.session_id, self.scope["user"])

    async def on_rate(self, message):
        await in_thread(lifecycle.rate)(
            self.session_id, self.scope["user"], message.get("rating"),
            message.get("did_what_i_needed"),
        )  # fmt: skip
        await self._send_json({"type": "rated", "rating": message.get("rating")})

    # -- server → client ---------------------------------------------------------------------

    async def collab_event(self, event):
        payload = event["payload"]
        if "trace" in payload and settings.DUET_COLLAB.get("TRACE_TIMINGS"):
            payload = {**payload, "trace": {**payload["trace"], "sent": time.time()}}
        await self._send_json(payload)

    async def _send_state(self, after: int | None):
        state = await in_thread(self._state)(after)
        await self._send_json(state)

    def _state(self, after):
        session = CollabSession.objects.select_related("task", "owner").get(pk=self.session_id)
        return state_message(session, self.scope["user"], after)

    async def _send_error(self, error: SessionError):
        await self._send_json(error.to_message())

    async def _send_json(self, payload: dict):
        await self.send(text_data=json.dumps(payload))
