"""The periodic sweep: session work abandoned while no socket was open is finished anyway.

A person closes the tab, then the web process running the agent's turn dies: nobody is left to
notice the lease running out, yet the turn must be stored (once). Celery beat runs the sweep."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from collab_helpers import kill_group, start_worker, wait_for
from django.conf import settings as django_settings
from django.utils import timezone

from webapp.collab.models import AgentGeneration, CollabSession
from webapp.collab.sessions import create_session
from webapp.collab.sessions.dispatch import wait_idle
from webapp.collab.sessions.sweep import sweep
from webapp.trajectories.models import Turn


def leases(count: float) -> timedelta:
    return timedelta(seconds=django_settings.DUET_COLLAB["LEASE_S"] * count)


def abandoned_turn(owner, task, *, lease_ended_ago: timedelta) -> AgentGeneration:
    """A first agent turn whose runner died mid-stream (text so far saved, lease running out)."""
    session = create_session(owner, mode="play_task", kind=task.kind, task_id=task.pk, start=False)
    generation = AgentGeneration.objects.get(session=session, index=1)
    AgentGeneration.objects.filter(pk=generation.pk).update(
        status=AgentGeneration.Status.RUNNING,
        runner="web-that-died",
        partial_text="Which",
        attempts=1,
        lease_expires_at=timezone.now() - lease_ended_ago,
    )
    return generation


def ended_episode(owner, task, *, ended_ago: timedelta | None, lease_ended_ago=None):
    session = create_session(owner, mode="play_task", kind=task.kind, task_id=task.pk, start=False)
    AgentGeneration.objects.filter(session=session).delete()
    lease = None if lease_ended_ago is None else timezone.now() - lease_ended_ago
    CollabSession.objects.filter(pk=session.pk).update(
        status=CollabSession.Status.SCORING,
        ended_by="person",
        ended_at=None if ended_ago is None else timezone.now() - ended_ago,
        scoring_lease_expires_at=lease,
    )
    return session


@pytest.mark.django_db(transaction=True)
def test_the_sweep_finishes_an_agent_turn_abandoned_with_no_socket_open(alice, backend_tasks):
    generation = abandoned_turn(alice, backend_tasks[0], lease_ended_ago=leases(1.5))
    handed = sweep()
    assert handed["generations"] == [generation.pk]
    assert wait_idle(120)
    generation.refresh_from_db()
    assert generation.status == AgentGeneration.Status.DONE
    assert generation.attempts == 2
    turns = Turn.objects.filter(trajectory_id=generation.session.trajectory_id, index=1)
    assert turns.count() == 1
    assert turns.get().model_version_id is not None


@pytest.mark.django_db(transaction=True)
def test_the_sweep_leaves_a_turn_a_socket_may_still_redo(alice, backend_tasks):
    """Within the grace an open socket redoes it, streaming to the person who watches."""
    abandoned_turn(alice, backend_tasks[0], lease_ended_ago=leases(0.5))
    assert sweep()["generations"] == []


@pytest.mark.django_db(transaction=True)
def test_the_sweep_leaves_a_turn_whose_runner_is_alive(alice, backend_tasks):
    generation = abandoned_turn(alice, backend_tasks[0], lease_ended_ago=-leases(1))
    assert generation.pk not in sweep()["generations"]


@pytest.mark.django_db(transaction=True)
def test_the_sweep_scores_an_episode_whose_scorer_died(alice, backend_tasks):
    session = ended_episode(
        alice, backend_tasks[0], ended_ago=leases(10), lease_ended_ago=leases(3)
    )
    assert sweep()["sessions"] == [session.pk]
    assert wait_idle(120)
    session.refresh_from_db()
    assert session.status == CollabSession.Status.FINISHED
    assert session.reward == 0.0  # it ended before the agent answered


@pytest.mark.django_db(transaction=True)
def test_the_sweep_scores_an_episode_whose_scoring_was_never_dispatched(alice, backend_tasks):
    session = ended_episode(alice, backend_tasks[0], ended_ago=leases(3))
    assert sweep()["sessions"] == [session.pk]
    assert wait_idle(120)


@pytest.mark.django_db(transaction=True)
def test_the_sweep_leaves_an_episode_that_ended_just_now(alice, backend_tasks):
    ended_episode(alice, backend_tasks[0], ended_ago=timedelta(seconds=1))
    assert sweep()["sessions"] == []


def test_celery_beat_schedules_the_sweep_on_a_registered_task():
    from workers.celery import app

    app.loader.import_default_modules()
    entry = django_settings.CELERY_BEAT_SCHEDULE["collab-sweep"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] == django_settings.DUET_COLLAB["SWEEP_S"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL")),
    reason="needs REDIS_URL and DATABASE_URL (the worker shares them)",
)
async def test_a_worker_running_beat_stores_a_turn_abandoned_by_a_dead_web_process(
    alice, backend_tasks, celery_runner, tmp_path
):
    from asgiref.sync import sync_to_async

    generation = await sync_to_async(abandoned_turn)(
        alice, backend_tasks[0], lease_ended_ago=timedelta(seconds=30)
    )
    env = {**celery_runner, "DUET_SESSION_SWEEP_S": "1"}
    worker = start_worker(env, tmp_path / "worker.log", beat=True)
    try:

        def stored():
            return Turn.objects.filter(
                trajectory_id=generation.session.trajectory_id, index=1
            ).count()

        assert await wait_for(stored, timeout=120, every=0.5) == 1
        await wait_for(
            lambda: AgentGeneration.objects.filter(pk=generation.pk, status="done").exists(),
            timeout=30,
        )
    finally:
        kill_group(worker)
    assert (await sync_to_async(stored)()) == 1
