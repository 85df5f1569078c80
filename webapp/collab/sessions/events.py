"""Messages to the sockets watching a session, through the channel layer group of the session.

Publishing never blocks the caller and keeps order: messages go into one queue per process that
a single coroutine drains with ``group_send``. With the in-memory layer (embedded default) that
coroutine runs on the web server's event loop (bound by the consumer on connect), because that
layer's queues belong to that loop; with Redis it runs on a private loop thread, so a Celery
worker can stream to web processes. A process with an in-memory layer and no consumer has
nobody to tell, and drops messages (sockets get everything from ``state`` on connect).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time

from channels.layers import InMemoryChannelLayer, get_channel_layer

log = logging.getLogger(__name__)

EVENT_TYPE = "collab.event"


def group_name(session_id: int) -> str:
    return f"collab.session.{session_id}"


class _Publisher:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue | None = None
        self._pid = 0

    def bind_serving_loop(self) -> None:
        """Called on the web server's loop (consumer connect): drain there if the layer is
        in-memory."""
        if not isinstance(get_channel_layer(), InMemoryChannelLayer):
            return
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._loop is loop and self._pid == os.getpid():
                return
            self._start_on(loop)

    def _start_on(self, loop: asyncio.AbstractEventLoop) -> None:
        queue: asyncio.Queue = asyncio.Queue()
        self._loop, self._queue, self._pid = loop, queue, os.getpid()
        loop.call_soon_threadsafe(lambda: loop.create_task(self._drain(queue)))

    def _own_loop(self) -> None:
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="duet-publisher", daemon=True).start()
        self._start_on(loop)

    @staticmethod
    async def _drain(queue: asyncio.Queue) -> None:
        while True:
            layer, group, message = await queue.get()
            if "trace" in message["payload"]:  # DUET_TRACE_TIMINGS: out of this queue
                message["payload"]["trace"]["drained"] = time.time()
            try:
                await layer.group_send(group, message)
            except Exception:  # a lost message is recovered by `state` on reconnect
                log.warning("could not publish to %s", group, exc_info=True)

    def publish(self, session_id: int, payload: dict) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        with self._lock:
            if self._pid != os.getpid():
                self._loop = self._queue = None
            if self._loop is None or self._loop.is_closed():
                if isinstance(layer, InMemoryChannelLayer):
                    return
                self._own_loop()
            loop, queue = self._loop, self._queue
        item = (layer, group_name(session_id), {"type": EVENT_TYPE, "payload": payload})
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # the loop closed meanwhile (a test's loop, a stopping server)
            with self._lock:
                self._loop = self._queue = None


publisher = _Publisher()


def publish(session_id: int, payload: dict) -> None:
    publisher.publish(session_id, payload)
