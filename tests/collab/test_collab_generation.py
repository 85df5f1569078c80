"""Agent turns: stored once whatever dies, the active version, the backend going away."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from collab_helpers import new_client_id, open_socket, receive_until
from django.utils import timezone

from webapp.collab.models import AgentGeneration, CollabSession
from webapp.collab.sessions import create_session, retry, say
from webapp.collab.sessions.dispatch import dispatch, wait_idle
from webapp.collab.sessions.generation import claim, run_generation
from webapp.collab.sessions.versions import backend_for, ensure_default_version
from webapp.ops.models import ModelVersion
from webapp.trajectories.models import Turn

pytestmark = pytest.mark.django_db(transaction=True)


def start(owner, task, **kwargs) -> CollabSession:
    return create_session(owner, mode="play_task", kind=task.kind, task_id=task.pk, **kwargs)


def agent_turns(session) -> list[Turn]:
    return list(
        Turn.objects.filter(trajectory_id=session.trajectory_id, role="assistant")
        .select_related("model_version")
        .order_by("index")
    )


def dead_runner(session) -> AgentGeneration:
    """The first agent turn claimed by a runner that then died: running, lease expired."""
    generation = AgentGeneration.objects.get(session=session, index=1)
    AgentGeneration.objects.filter(pk=generation.pk).update(
        status="running", attempts=1, runner="gone:1:1",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )  # fmt: skip
    return generation


async def test_a_generation_whose_runner_died_is_redone_on_connect_and_stored_once(
    alice, backend_tasks
):
    session = await sync_to_async(start)(alice, backend_tasks[0], start=False)
    generation = await sync_to_async(dead_runner)(session)
    socket, _ = await open_socket(session.pk, alice)
    state = await socket.receive_json_from(timeout=10)
    assert state["generating"]["index"] == 1
    done = (await receive_until(socket, "agent_done"))[-1]
    assert done["index"] == 1
    await socket.disconnect()
    assert await sync_to_async(wait_idle)(60)
    generation = await sync_to_async(AgentGeneration.objects.get)(pk=generation.pk)
    assert (generation.status, generation.attempts) == ("done", 2)
    assert len(await sync_to_async(agent_turns)(session)) == 1


def test_a_generation_with_a_live_lease_is_not_taken_by_a_second_runner(alice, backend_tasks):
    session = start(alice, backend_tasks[0], start=False)
    generation = AgentGeneration.objects.get(session=session, index=1)
    assert claim(generation.pk) is not None
    assert claim(generation.pk) is None


def test_running_a_finished_generation_again_stores_nothing(alice, backend_tasks):
    session = start(alice, backend_tasks[0])
    assert wait_idle(60)
    generation = AgentGeneration.objects.get(session=session, index=1)
    assert run_generation(generation.pk) is None
    AgentGeneration.objects.filter(pk=generation.pk).update(status="pending")  # a redelivery
    run_generation(generation.pk)
    assert [t.index for t in agent_turns(session)] == [1]


def test_the_active_version_is_read_before_every_agent_turn(alice, backend_tasks, settings):
    session = start(alice, backend_tasks[0])
    assert wait_idle(60)
    old = ModelVersion.objects.get(status="active")
    ModelVersion.objects.filter(pk=old.pk).update(status="retired")
    ModelVersion.objects.create(name="v2", base_model=settings.DUET_AGENT, status="active")
    say(session.pk, alice, new_client_id(), "Yes, round it.")
    assert wait_idle(60)
    assert [t.model_version.name for t in agent_turns(session)] == ["default-agent", "v2"]
    assert all(t.latency_ms is not None for t in agent_turns(session))


def test_the_default_version_is_created_once_for_the_configured_agent(db, settings):
    first = ensure_default_version()
    again = ensure_default_version()
    assert first.pk == again.pk
    assert (first.name, first.base_model, first.status) == (
        "default-agent", settings.DUET_AGENT, "active"
    )  # fmt: skip
    assert ModelVersion.objects.count() == 1


async def test_backend_unavailable_keeps_the_turn_and_a_retry_works_once_it_is_back(
    alice, backend_tasks, tiny_model_dir, tmp_path
):
    missing = tmp_path / "agent"  # the model is not there yet: the backend cannot load
    await sync_to_async(ModelVersion.objects.create)(
        name="later", base_model=f"local:{missing}", status="active"
    )
    session = await sync_to_async(start)(alice, backend_tasks[0], start=False)
    socket, _ = await open_socket(session.pk, alice)
    await receive_until(socket, "state")
    first = await sync_to_async(AgentGeneration.objects.get)(session=session, index=1)
    await sync_to_async(dispatch)("generation", first.pk)
    messages = await receive_until(socket, "error")
    assert messages[-1]["code"] == "backend_unavailable"
    await socket.send_json_to({"type": "resume"})
    assert (await receive_until(socket, "state"))[-1]["failed"] == {
        "index": 1, "code": "backend_unavailable"
    }  # fmt: skip
    turns = await sync_to_async(Turn.objects.filter(trajectory_id=session.trajectory_id).count)()
    assert turns == 1  # the opening is kept, nothing else written
    shutil.copytree(tiny_model_dir, missing)  # the backend is back
    await sync_to_async(retry)(session.pk, alice)
    done = (await receive_until(socket, "agent_done"))[-1]
    assert done["index"] == 1 and done["model_version"] == "later"
    await socket.disconnect()


def test_a_prompt_over_the_context_window_ends_the_episode_with_context_limit(alice, backend_tasks):
    llm, _ = backend_for(ensure_default_version())
    saved = llm.context_length
    llm.context_length = 8  # the opening alone is longer
    try:
        session = start(alice, backend_tasks[0])
        assert wait_idle(60)
    finally:
        llm.context_length = saved
    session.refresh_from_db()
    assert (session.status, session.ended_by) == ("finished", "context_limit")
    assert session.reward == 0.0 and agent_turns(session) == []
