"""Simulator sessions: N episodes (tasks or a split, agent version, simulator spec, k) played by
``training.colbench``'s simulators through the same service code as a person's session, without
a socket. Each is a ``CollabSession`` with ``is_simulator``; an admin watching one gets the same
messages as for a person's session. Episodes run one after another in one runner (a Celery
task, or a thread in the embedded set-up); simulators are built once per batch.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from training.colbench.simulators.factory import make_simulators
from webapp.collab.models import AgentGeneration, CollabSession, SimulatorBatch
from webapp.collab.sessions import access, events
from webapp.collab.sessions.dispatch import dispatch
from webapp.collab.sessions.episode import replay
from webapp.collab.sessions.errors import SessionError
from webapp.collab.sessions.generation import drive
from webapp.collab.sessions.lifecycle import create_session
from webapp.collab.sessions.messages import turn_message
from webapp.trajectories.models import Task, Turn

log = logging.getLogger(__name__)


def start_batch(
    admin,
    *,
    task_ids: list[str] | None = None,
    kind: str = "backend",
    split: str | None = None,
    limit: int | None = None,
    k: int = 1,
    simulator_spec: str = "oracle",
    version=None,
    max_agent_turns: int = 10,
) -> SimulatorBatch:
    """Create the batch's sessions (k per task) and start running them."""
    if not access.is_admin(admin):
        raise SessionError("forbidden", "only admins start simulator batches")
    if k < 1:
        raise SessionError("bad_message", "k must be at least 1")
    tasks = Task.objects.exclude(source="own-request")
    if task_ids:
        tasks = tasks.filter(pk__in=task_ids)
    else:
        tasks = tasks.filter(kind=kind, split=split or "test")
    tasks = list(tasks.order_by("pk")[:limit] if limit else tasks.order_by("pk"))
    if not tasks:
        raise SessionError("bad_message", "no tasks match")
    with transaction.atomic():
        batch = SimulatorBatch.objects.create(
            created_by=admin, simulator_spec=simulator_spec, k=k,
            config={"tasks": [t.pk for t in tasks], "version": getattr(version, "name", None),
                    "max_agent_turns": max_agent_turns},
        )  # fmt: skip
        for task in tasks:
            for _ in range(k):
                create_session(
                    admin, mode="play_task", kind=task.kind, task_id=task.pk,
                    max_agent_turns=max_agent_turns, is_simulator=True,
                    simulator_spec=simulator_spec, pinned_version=version, batch=batch,
                    start=False,
                )  # fmt: skip
        transaction.on_commit(lambda: dispatch("simulator_batch", batch.pk))
    return batch


def run_episode(session: CollabSession, simulators) -> None:
    """Play one simulator session to its end (resumes from whatever is stored)."""
    while True:
        session.refresh_from_db()
        if session.status != CollabSession.Status.ACTIVE:
            return
        pending = (
            AgentGeneration.objects.filter(session=session)
            .exclude(status=AgentGeneration.Status.DONE)
            .order_by("index")
            .first()
        )
        if pending is not None:
            if pending.status == AgentGeneration.Status.FAILED:
                raise RuntimeError(f"session {session.pk}: {pending.error_code} {pending.error}")
            if pending.status == AgentGeneration.Status.RUNNING:
                pending.status = AgentGeneration.Status.PENDING  # this batch's own, left by a
                pending.save(update_fields=["status"])  # runner that died: run it again
            drive(pending.pk)
            continue
        env = replay(session)
        query = env.pending_query()
        if query is None:
            return
        reply = simulators[session.kind].reply_many([query])[0]
        _store_reply(session, env, reply)


def _store_reply(session, env, reply: str) -> None:
    """The simulated person's reply: the same write as a person's ``say`` (protocol cap)."""
    with transaction.atomic():
        index = len(env.trajectory.dialogue_history)
        recorded = env.observe(reply)
        turn = Turn.objects.create(
            trajectory_id=session.trajectory_id, index=index, role=Turn.Role.USER,
            content=recorded,
        )  # fmt: skip
        AgentGeneration.objects.create(session=session, index=index + 1)
    events.publish(session.pk, turn_message(turn, session))


def run_batch(batch_id: int) -> None:
    batch = SimulatorBatch.objects.get(pk=batch_id)
    SimulatorBatch.objects.filter(pk=batch_id).update(status=SimulatorBatch.Status.RUNNING)
    sessions = list(batch.sessions.order_by("pk"))
    simulators = make_simulators(batch.simulator_spec, {s.kind for s in sessions})
    try:
        for session in sessions:
            run_episode(session, simulators)
    except Exception as error:
        log.exception("simulator batch %s failed", batch_id)
        SimulatorBatch.objects.filter(pk=batch_id).update(
            status=SimulatorBatch.Status.FAILED, error=repr(error), finished_at=timezone.now()
        )
        raise
    finally:
        for simulator in simulators.values():
            getattr(simulator, "close", lambda: None)()
    SimulatorBatch.objects.filter(pk=batch_id).update(
        status=SimulatorBatch.Status.DONE, finished_at=timezone.now()
    )
