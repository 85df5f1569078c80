"""Episodes to their end: rewards, own requests and ratings, frontend pages, simulator batches."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from collab_helpers import open_socket, receive_until
from django.test import Client

from webapp.collab.models import CollabSession
from webapp.collab.sessions import SessionError, create_session, end_session, rate
from webapp.collab.sessions.dispatch import wait_idle
from webapp.collab.sessions.renders import render_turn
from webapp.collab.sessions.simulation import start_batch
from webapp.trajectories.models import Evaluation, Trajectory, Turn

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = (
    "Here it is. OUTPUT: <html><body class='bg-blue-500'><h1>Fares</h1>"
    "<script>alert(1)</script></body></html>"
)


def start(owner, task, **kwargs) -> CollabSession:
    return create_session(owner, mode="play_task", kind=task.kind, task_id=task.pk, **kwargs)


async def test_a_backend_task_at_its_turn_limit_finishes_with_its_reward(alice, backend_tasks):
    session = await sync_to_async(start)(alice, backend_tasks[0], max_agent_turns=1, start=False)
    socket, _ = await open_socket(session.pk, alice)
    await receive_until(socket, "state")
    from webapp.collab.models import AgentGeneration
    from webapp.collab.sessions.dispatch import dispatch

    first = await sync_to_async(AgentGeneration.objects.get)(session=session, index=1)
    await sync_to_async(dispatch)("generation", first.pk)
    finished = (await receive_until(socket, "finished", timeout=90))[-1]
    assert finished["metric"] == "tests-passed"
    assert finished["reward"] == 0.0  # an untrained tiny model passes no hidden test
    assert finished["details"]["tests_total"] == len(backend_tasks[0].test_cases)
    assert finished["details"]["ended_by"] == "turn_limit"
    await socket.disconnect()
    trajectory = await sync_to_async(Trajectory.objects.get)(pk=session.trajectory_id)
    assert trajectory.reward == 0.0 and trajectory.meta["ended_by"] == "turn_limit"
    assert await sync_to_async(Evaluation.objects.filter(trajectory=trajectory).count)() == 1


def test_an_own_request_ends_without_a_reward_and_takes_the_persons_rating(alice):
    session = create_session(
        alice, mode="own_request", kind="backend", request_text="Sum my expenses.",
        max_agent_turns=1,
    )  # fmt: skip
    assert wait_idle(60)
    session.refresh_from_db()
    assert (session.status, session.reward, session.metric) == ("finished", None, "human-rating")
    rate(session.pk, alice, 4, True)
    trajectory = Trajectory.objects.get(pk=session.trajectory_id)
    assert (trajectory.human_rating, trajectory.human_did_what_needed) == (4, True)


@pytest.mark.parametrize("rating", [0, 6, "5", True, None])
def test_a_rating_outside_1_to_5_is_refused(alice, rating):
    session = create_session(
        alice, mode="own_request", kind="backend", request_text="x", max_agent_turns=1
    )
    assert wait_idle(60)
    with pytest.raises(SessionError) as refused:
        rate(session.pk, alice, rating, True)
    assert refused.value.code == "bad_message"


def test_only_the_owner_rates_a_session(alice, bob, root):
    session = create_session(
        alice, mode="own_request", kind="backend", request_text="x", max_agent_turns=1
    )
    assert wait_idle(60)
    for other in (bob, root):
        with pytest.raises(SessionError):
            rate(session.pk, other, 5, True)


def test_the_person_ends_a_session_and_it_is_scored_on_what_it_has(alice, backend_tasks):
    session = start(alice, backend_tasks[0])
    assert wait_idle(60)
    end_session(session.pk, alice)
    assert wait_idle(60)
    session.refresh_from_db()
    assert (session.status, session.ended_by, session.reward) == ("finished", "person", 0.0)


def test_a_say_after_the_end_is_refused_as_finished(alice, backend_tasks):
    from webapp.collab.sessions import say

    session = start(alice, backend_tasks[0])
    assert wait_idle(60)
    end_session(session.pk, alice)
    assert wait_idle(60)
    with pytest.raises(SessionError) as refused:
        say(session.pk, alice, "late", "one more thing")
    assert refused.value.code == "finished"


def test_a_frontend_turn_without_a_page_gets_the_fixed_reply_and_the_agent_goes_on(
    alice, frontend_task
):
    session = start(alice, frontend_task, max_agent_turns=2)
    assert wait_idle(90)
    session.refresh_from_db()
    turns = list(Turn.objects.filter(trajectory_id=session.trajectory_id).order_by("index"))
    assert [t.role for t in turns] == ["user", "assistant", "user", "assistant"]
    assert turns[2].client_id is None  # written by the protocol, not the person
    assert session.status == "finished" and session.metric.startswith("offline")


@pytest.mark.browser
def test_an_agent_page_is_rendered_and_served_only_to_those_who_may_see_it(
    alice, bob, root, frontend_task
):
    session = start(alice, frontend_task, start=False)
    turn = Turn.objects.create(trajectory_id=session.trajectory_id, index=1, role="assistant",
                               content=PAGE)  # fmt: skip
    record = render_turn(session, turn)
    assert record.image and not record.error
    for user, status in ((alice, 200), (root, 200), (bob, 404)):
        client = Client()
        client.force_login(user)
        response = client.get(f"/sessions/{session.pk}/turns/1.png")
        assert response.status_code == status, user
        if status == 200:
            assert response["Content-Type"] == "image/png"
            assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.browser
def test_the_person_playing_a_frontend_task_gets_the_target_screenshot(alice, frontend_task):
    session = start(alice, frontend_task, start=False)
    client = Client()
    client.force_login(alice)
    response = client.get(f"/sessions/{session.pk}/target.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


async def test_an_admin_watching_a_simulator_session_gets_the_live_messages(root, backend_tasks):
    batch = await sync_to_async(start_batch)(
        root, task_ids=[t.pk for t in backend_tasks], k=2, simulator_spec="oracle:bm25",
        max_agent_turns=2,
    )  # fmt: skip
    last = await sync_to_async(lambda: batch.sessions.order_by("-pk").first())()
    socket, _ = await open_socket(last.pk, root)
    state = await socket.receive_json_from(timeout=10)
    assert state["session"]["simulator"] and state["session"]["read_only"]
    messages = await receive_until(socket, "finished", timeout=120)
    types = [m["type"] for m in messages]
    assert {"agent_start", "agent_delta", "agent_done", "turn"} <= set(types)
    await socket.disconnect()
    assert await sync_to_async(wait_idle)(60)
    sessions = await sync_to_async(list)(batch.sessions.select_related("trajectory"))
    assert len(sessions) == 4
    assert all(s.status == "finished" and s.trajectory.origin == "simulator" for s in sessions)
    batch_status = await sync_to_async(lambda: type(batch).objects.get(pk=batch.pk).status)()
    assert batch_status == "done"


def test_only_admins_start_simulator_batches(alice, backend_tasks):
    with pytest.raises(SessionError) as refused:
        start_batch(alice, task_ids=[backend_tasks[0].pk])
    assert refused.value.code == "forbidden"
