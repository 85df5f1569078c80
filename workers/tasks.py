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


# -- live sessions (webapp.collab): thin wrappers that take ids; the work is the session service's.
# acks_late + reject_on_worker_lost: a worker killed mid-turn gives the message back to the
# broker; the generation's lease (see webapp.collab.sessions.generation) keeps a redelivery or a
# sweep from storing the turn twice.


@app.task(name="workers.tasks.collab_agent_turn", acks_late=True, reject_on_worker_lost=True)
def collab_agent_turn(generation_id: int) -> None:
    from webapp.collab.sessions.dispatch import run_job

    run_job("generation", generation_id)


@app.task(name="workers.tasks.collab_finish_session", acks_late=True, reject_on_worker_lost=True)
def collab_finish_session(session_id: int) -> None:
    from webapp.collab.sessions.dispatch import run_job

    run_job("finish", session_id)


@app.task(name="workers.tasks.collab_simulator_batch", acks_late=True, reject_on_worker_lost=True)
def collab_simulator_batch(batch_id: int) -> None:
    from webapp.collab.sessions.dispatch import run_job

    run_job("simulator_batch", batch_id)


@app.task(name="workers.tasks.collab_sweep", ignore_result=True)
def collab_sweep() -> None:
    """Celery beat's periodic hand-over of abandoned session work (see sessions/sweep.py)."""
    from webapp.collab.sessions.sweep import sweep

    sweep()
