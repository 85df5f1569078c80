"""Celery tasks. Each stays thin: read rows, call ``training``, write rows."""

from __future__ import annotations

import os
import socket

from workers.celery import app


@app.task(name="workers.tasks.ping", bind=True, ignore_result=False)
def ping(self) -> dict:
    """Answer the health check's round trip with who answered."""
    return {
        "pong": True,
        "hostname": self.request.hostname or socket.gethostname(),
        "pid": os.getpid(),
    }
