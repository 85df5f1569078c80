"""Access rules, tried as an attacker would: other people's sessions, roles, hidden details."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from collab_helpers import new_client_id, open_socket, receive_until, wait_for
from django.test import Client

from webapp.collab.sessions import SessionError, create_session
from webapp.trajectories.models import Turn

pytestmark = pytest.mark.django_db(transaction=True)


def start(owner, task, **kwargs):
    return create_session(owner, mode="play_task", kind=task.kind, task_id=task.pk, **kwargs)


async def test_an_anonymous_socket_is_refused(alice, backend_tasks):
    session = await sync_to_async(start)(alice, backend_tasks[0], start=False)
    _socket, connected = await open_socket(session.pk, None)
    assert not connected


async def test_a_socket_from_another_origin_is_refused(alice, backend_tasks):
    session = await sync_to_async(start)(alice, backend_tasks[0], start=False)
    _socket, connected = await open_socket(session.pk, alice, origin=b"https://evil.example")
    assert not connected


async def test_a_collaborator_cannot_open_another_persons_session_by_socket(
    alice, bob, backend_tasks
):
    session = await sync_to_async(start)(alice, backend_tasks[0], start=False)
    socket, connected = await open_socket(session.pk, bob)
    assert connected  # accepted only to say why, then closed
    error = await socket.receive_json_from(timeout=10)
    assert error["type"] == "error" and error["code"] == "forbidden"
    closed = await socket.receive_output(timeout=10)
    assert closed == {"type": "websocket.close", "code": 4403}


async def test_a_socket_for_a_session_that_does_not_exist_is_forbidden(bob):
    socket, _connected = await open_socket(999_999, bob)
    error = await socket.receive_json_from(timeout=10)
    assert error["code"] == "forbidden"


async def test_an_annotator_cannot_open_a_session(alice, annie, backend_tasks):
    session = await sync_to_async(start)(alice, backend_tasks[0], start=False)
    socket, _ = await open_socket(session.pk, annie)
    assert (await socket.receive_json_from(timeout=10))["code"] == "forbidden"


async def test_an_admin_watches_any_session_but_cannot_speak_in_it(alice, root, backend_tasks):
    session = await sync_to_async(start)(alice, backend_tasks[0])
    await wait_for(
        lambda: Turn.objects.filter(trajectory_id=session.trajectory_id, index=1).exists()
    )
    socket, _ = await open_socket(session.pk, root)
    state = await socket.receive_json_from(timeout=10)
    assert state["type"] == "state" and state["session"]["read_only"]
    await socket.send_json_to({"type": "say", "client_id": new_client_id(), "text": "hi"})
    assert (await receive_until(socket, "error"))[-1]["code"] == "read_only"
    await socket.send_json_to({"type": "resume", "after": 0})  # still usable
    assert (await receive_until(socket, "state"))[-1]["type"] == "state"
    count = await sync_to_async(Turn.objects.filter(trajectory_id=session.trajectory_id).count)()
    assert count == 2
    await socket.disconnect()


async def test_hidden_details_reach_only_the_owner_playing_the_task(alice, root, backend_tasks):
    task = backend_tasks[0]
    session = await sync_to_async(start)(alice, task, start=False)
    mine, _ = await open_socket(session.pk, alice)
    card = (await mine.receive_json_from(timeout=10))["task"]
    assert card["hidden"]["ground_truth"] == task.ground_truth
    assert card["hidden"]["test_cases"] == task.test_cases
    watcher, _ = await open_socket(session.pk, root)
    watched = (await watcher.receive_json_from(timeout=10))["task"]
    assert "hidden" not in watched
    assert task.ground_truth not in str(watched)
    await mine.disconnect()
    await watcher.disconnect()


def test_the_agent_prompt_never_holds_the_hidden_details(alice, backend_tasks):
    from webapp.collab.sessions.dispatch import wait_idle

    task = backend_tasks[0]
    session = start(alice, task)
    assert wait_idle(60)
    turn = Turn.objects.get(trajectory_id=session.trajectory_id, index=1)
    assert task.problem_description in turn.input
    assert task.ground_truth not in turn.input
    for name, case in task.test_cases.items():
        assert case not in turn.input, name


def test_an_own_request_has_no_hidden_details(alice):
    session = create_session(
        alice, mode="own_request", kind="backend", request_text="Sum a list.", start=False
    )
    task = session.task
    assert (task.source, task.split, task.ground_truth, task.test_cases) == (
        "own-request", "own-request", "", {}
    )  # fmt: skip


def test_an_annotator_cannot_start_a_session(annie, backend_tasks):
    with pytest.raises(SessionError) as refused:
        start(annie, backend_tasks[0])
    assert refused.value.code == "forbidden"


def test_a_collaborator_cannot_fetch_another_persons_screenshot_by_id(alice, bob, frontend_task):
    session = start(alice, frontend_task, start=False)
    client = Client()
    client.force_login(bob)
    assert client.get(f"/sessions/{session.pk}/target.png").status_code == 404
    assert client.get(f"/sessions/{session.pk}/turns/1.png").status_code == 404


def test_an_anonymous_visitor_is_sent_to_login_for_a_screenshot(alice, frontend_task):
    session = start(alice, frontend_task, start=False)
    response = Client().get(f"/sessions/{session.pk}/target.png")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_admin_watching_does_not_get_the_target_page(alice, root, frontend_task):
    session = start(alice, frontend_task, start=False)
    client = Client()
    client.force_login(root)
    assert client.get(f"/sessions/{session.pk}/target.png").status_code == 404
