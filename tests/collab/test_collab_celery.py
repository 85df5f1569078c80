"""Agent turns on real Celery workers streaming through the Redis channel layer (production's
shape); a worker killed mid-turn loses nothing and stores nothing twice. Needs DATABASE_URL
(Postgres: the worker shares the test database) and REDIS_URL."""

from __future__ import annotations

import os

import pytest
from asgiref.sync import sync_to_async
from collab_helpers import kill_group, open_socket, receive_until, start_worker, wait_for

from webapp.collab.models import AgentGeneration
from webapp.collab.sessions import create_session
from webapp.trajectories.models import Turn

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL")),
        reason="needs REDIS_URL and DATABASE_URL (a worker process shares them)",
    ),
]


async def first_turn_dispatched(owner, task):
    session = await sync_to_async(create_session)(
        owner, mode="play_task", kind=task.kind, task_id=task.pk, start=False
    )
    return session


async def dispatch_first(session):
    from webapp.collab.sessions.dispatch import dispatch

    generation = await sync_to_async(AgentGeneration.objects.get)(session=session, index=1)
    await sync_to_async(dispatch)("generation", generation.pk)
    return generation


async def test_a_celery_worker_streams_the_agent_turn_to_the_socket(
    alice, backend_tasks, celery_runner, tmp_path
):
    worker = start_worker(celery_runner, tmp_path / "worker.log")
    try:
        session = await first_turn_dispatched(alice, backend_tasks[0])
        socket, _ = await open_socket(session.pk, alice)
        await receive_until(socket, "state")
        await dispatch_first(session)
        messages = await receive_until(socket, "agent_done", timeout=90)
        types = [m["type"] for m in messages]
        assert types[0] == "agent_start" and "agent_delta" in types
        stored = await sync_to_async(Turn.objects.get)(trajectory_id=session.trajectory_id, index=1)
        assert stored.content == messages[-1]["content"]
        await socket.disconnect()
    finally:
        kill_group(worker)


async def test_a_worker_killed_mid_turn_is_replaced_and_the_turn_is_stored_once(
    alice, backend_tasks, celery_runner, tmp_path
):
    first = start_worker(celery_runner, tmp_path / "first.log")
    second = None
    try:
        session = await first_turn_dispatched(alice, backend_tasks[0])
        socket, _ = await open_socket(session.pk, alice)
        await receive_until(socket, "state")
        generation = await dispatch_first(session)
        await receive_until(socket, "agent_delta", timeout=90)
        kill_group(first)  # the worker dies mid-stream; its lease stops being renewed
        second = start_worker(celery_runner, tmp_path / "second.log")
        done = (await receive_until(socket, "agent_done", timeout=90))[-1]
        assert done["index"] == 1
        await socket.disconnect()

        def settled():
            return AgentGeneration.objects.filter(pk=generation.pk, status="done").first()

        generation = await wait_for(settled)
        assert generation.attempts == 2
        count = await sync_to_async(
            Turn.objects.filter(trajectory_id=session.trajectory_id, index=1).count
        )()
        assert count == 1
    finally:
        kill_group(first)
        if second is not None:
            kill_group(second)
