"""Where session work runs: a Celery task, or a thread of this process.

``settings.DUET_COLLAB["RUNNER"]``:

``celery`` (default with REDIS_URL)
    ``workers.tasks`` runs the job on the ``default`` queue (acks_late, reject_on_worker_lost:
    a worker killed mid-turn gives the message back). Deltas reach the web processes through the
    Redis channel layer.
``thread`` (default without REDIS_URL)
    The embedded set-up's channel layer is in-memory, per process, so a separate worker could
    not stream to the web process; the same job runs in a small thread pool of the web process
    instead, off the event loop.

Either way the job's state is in the database first (an ``AgentGeneration`` row with a lease),
so a runner that dies is replaced by :func:`webapp.collab.sessions.generation.redo_expired`.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections

log = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_running: set = set()

CELERY_TASKS = {
    "generation": "workers.tasks.collab_agent_turn",
    "finish": "workers.tasks.collab_finish_session",
    "simulator_batch": "workers.tasks.collab_simulator_batch",
}
JOBS = tuple(CELERY_TASKS)


def _thread_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=settings.DUET_COLLAB["THREADS"], thread_name_prefix="duet-collab"
            )
        return _pool


def run_job(job: str, object_id: int) -> None:
    """Run one job here and now (Celery tasks and the thread pool both call this)."""
    from webapp.collab.sessions import generation, scoring, simulation

    if job == "generation":
        generation.drive(object_id)
    elif job == "finish":
        scoring.finish_session(object_id)
    elif job == "simulator_batch":
        simulation.run_batch(object_id)
    else:
        raise ValueError(f"unknown job {job!r}")


def _in_thread(job: str, object_id: int) -> None:
    close_old_connections()
    try:
        run_job(job, object_id)
    except Exception:
        log.exception("collab job %s %s failed", job, object_id)
    finally:
        connections.close_all()


def dispatch(job: str, object_id: int) -> None:
    """Start a job; never blocks on it. Call after the rows it reads are committed."""
    if job not in JOBS:
        raise ValueError(f"unknown job {job!r}")
    if settings.DUET_COLLAB["RUNNER"] == "celery":
        # By name, through the app: the web app never imports the task modules (which import
        # this one to run the job), so the dependency runs one way.
        from workers.celery import app

        app.send_task(CELERY_TASKS[job], args=[object_id], queue="default")
    else:
        future = _thread_pool().submit(_in_thread, job, object_id)
        with _pool_lock:
            _running.add(future)
        future.add_done_callback(_forget)


def _forget(future) -> None:
    with _pool_lock:
        _running.discard(future)


def wait_idle(timeout: float = 60.0) -> bool:
    """Wait until this process's thread runners have nothing left (tests, graceful stops);
    jobs started meanwhile are waited for too. Returns False on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        with _pool_lock:
            futures = list(_running)
        if not futures:
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        try:
            futures[0].exception(timeout=left)
        except TimeoutError:
            return False
