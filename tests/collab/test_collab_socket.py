"""The live protocol over the real ASGI app: state, say/ack, streaming, errors, access rules."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from collab_helpers import new_client_id, open_socket, receive_until, wait_for

from webapp.collab.models import AgentGeneration, CollabSession
from webapp.collab.sessions import create_session
from webapp.trajectories.models import Turn

pytestmark = pytest.mark.django_db(transaction=True)


def start(owner, task, **kwargs) -> CollabSession:
    return create_session(owner, mode="play_task", kind=task.kind, task_id=task.pk, **kwargs)


def agent_turn_stored(session, index):
    return lambda: Turn.objects.filter(trajectory_id=session.trajectory_id, index=index).exists()


async def ready_session(owner, task, **kwargs):
    """A session whose first agent turn is stored: it is the person's turn."""
    session = await sync_to_async(start)(owner, task, **kwargs)
    await wait_for(agent_turn_stored(session, 1))
    return session


async def test_connect_sends_state_with_every_stored_turn_and_the_status(alice, backend_tasks):
    session = await ready_session(alice, backend_tasks[0])
    socket, connected = await open_socket(session.pk, alice)
    assert connected
    state = await socket.receive_json_from(timeout=10)
    assert state["type"] == "state"
    assert [t["index"] for t in state["turns"]] == [0, 1]
    assert [t["role"] for t in state["turns"]] == ["user", "assistant"]
    assert state["session"]["status"] == "active"
    assert state["generating"] is None
    assert state["turns"][1]["model_version"] == "default-agent"
    await socket.disconnect()


async def test_say_is_acked_then_the_agent_turn_streams_and_is_stored(alice, backend_tasks):
    session = await ready_session(alice, backend_tasks[0])
    socket, _ = await open_socket(session.pk, alice)
    await receive_until(socket, "state")
    client_id = new_client_id()
    await socket.send_json_to({"type": "say", "client_id": client_id, "text": "Use 2.50."})
    messages = await receive_until(socket, "agent_done")
    types = [m["type"] for m in messages]
    ack = next(m for m in messages if m["type"] == "ack")
    assert ack == {"type": "ack", "client_id": client_id, "index": 2}
    assert types.index("ack") < types.index("agent_start") < types.index("agent_delta")
    done = messages[-1]
    assert done["index"] == 3 and done["model_version"] == "default-agent"
    deltas = "".join(m["text"] for m in messages if m["type"] == "agent_delta")
    assert deltas == done["content"]
    turn = await sync_to_async(Turn.objects.select_related("model_version").get)(
        trajectory_id=session.trajectory_id, index=3
    )
    assert turn.content == done["content"] and turn.latency_ms == done["latency_ms"]
    assert turn.model_version.name == "default-agent"
    await socket.disconnect()


async def test_a_resent_client_id_gets_the_same_ack_and_writes_nothing(alice, backend_tasks):
    session = await ready_session(alice, backend_tasks[0])
    socket, _ = await open_socket(session.pk, alice)
    await receive_until(socket, "state")
    say = {"type": "say", "client_id": "c-1", "text": "Round to cents."}
    await socket.send_json_to(say)
    first = (await receive_until(socket, "ack"))[-1]
    await socket.send_json_to(say)
    second = (await receive_until(socket, "ack"))[-1]
    assert first == second == {"type": "ack", "client_id": "c-1", "index": 2}
    count = await sync_to_async(
        Turn.objects.filter(trajectory_id=session.trajectory_id, client_id="c-1").count
    )()
    assert count == 1
    await socket.disconnect()


async def test_a_say_before_the_agent_answered_is_not_your_turn(alice, backend_tasks):
    session = await sync_to_async(start)(alice, backend_tasks[0], start=False)
    socket, _ = await open_socket(session.pk, alice)
    await receive_until(socket, "state")
    await socket.send_json_to({"type": "say", "client_id": new_client_id(), "text": "hello?"})
    error = (await receive_until(socket, "error"))[-1]
    assert error["code"] == "not_your_turn"
    turns = await sync_to_async(Turn.objects.filter(trajectory_id=session.trajectory_id).count)()
    assert turns == 1
    await socket.disconnect()


async def test_text_over_the_limit_is_too_long_and_nothing_is_written(alice, backend_tasks):
    session = await ready_session(alice, backend_tasks[0])
    socket, _ = await open_socket(session.pk, alice)
    state = await socket.receive_json_from(timeout=10)
    limit = state["session"]["text_limit"]
    assert limit == 400  # play_task backend: the protocol's reply cap
    await socket.send_json_to({"type": "say", "client_id": "x", "text": "a" * (limit + 1)})
    assert (await receive_until(socket, "error"))[-1]["code"] == "too_long"
    await socket.send_json_to({"type": "say", "client_id": "y", "text": "a" * limit})
    assert (await receive_until(socket, "ack"))[-1]["index"] == 2
    await socket.disconnect()


async def test_a_frame_over_64_kb_is_refused_and_the_socket_stays_usable(alice, backend_tasks):
    session = await ready_session(alice, backend_tasks[0])
    socket, _ = await open_socket(session.pk, alice)
    await receive_until(socket, "state")
    frame = json.dumps({"type": "say", "client_id": "big", "text": "x" * 70_000})
    await socket.send_to(text_data=frame)
    assert (await receive_until(socket, "error"))[-1]["code"] == "too_long"
    await socket.send_json_to({"type": "resume", "after": 0})
    state = (await receive_until(socket, "state"))[-1]
    assert [t["index"] for t in state["turns"]] == [1]
    count = await sync_to_async(Turn.objects.filter(client_id="big").count)()
    assert count == 0
    await socket.disconnect()


@pytest.mark.parametrize(
    "frame",
    ["{not json", "[1, 2]", '{"type": "teleport"}', '{"text": "no type"}', '{"type": 5}'],
    ids=["malformed", "not-an-object", "unknown-type", "no-type", "type-not-a-string"],
)
async def test_bad_messages_get_bad_message_and_change_nothing(alice, backend_tasks, frame):
    session = await ready_session(alice, backend_tasks[0])
    socket, _ = await open_socket(session.pk, alice)
    await receive_until(socket, "state")
    await socket.send_to(text_data=frame)
    assert (await receive_until(socket, "error"))[-1]["code"] == "bad_message"
    await socket.send_json_to({"type": "say", "client_id": "after", "text": "still here"})
    assert (await receive_until(socket, "ack"))[-1]["index"] == 2
    await socket.disconnect()


async def test_say_with_a_missing_client_id_is_a_bad_message(alice, backend_tasks):
    session = await ready_session(alice, backend_tasks[0])
    socket, _ = await open_socket(session.pk, alice)
    await receive_until(socket, "state")
    await socket.send_json_to({"type": "say", "text": "who am I"})
    assert (await receive_until(socket, "error"))[-1]["code"] == "bad_message"
    await socket.disconnect()


async def test_the_rate_limit_refuses_with_retry_after(alice, backend_tasks, collab_settings):
    collab_settings.DUET_COLLAB = {**collab_settings.DUET_COLLAB, "RATE_LIMIT_SAYS": 1}
    session = await ready_session(alice, backend_tasks[0])
    socket, _ = await open_socket(session.pk, alice)
    await receive_until(socket, "state")
    await socket.send_json_to({"type": "say", "client_id": "one", "text": "first"})
    await receive_until(socket, "ack")
    await socket.send_json_to({"type": "say", "client_id": "two", "text": "second"})
    error = (await receive_until(socket, "error"))[-1]
    assert error["code"] == "rate_limited"
    assert 0 < error["retry_after"] <= 60
    await socket.disconnect()


async def test_after_gives_a_reconnecting_client_only_what_it_missed(alice, backend_tasks):
    session = await ready_session(alice, backend_tasks[0])
    socket, _ = await open_socket(session.pk, alice, query="after=0")
    state = await socket.receive_json_from(timeout=10)
    assert [t["index"] for t in state["turns"]] == [1]
    assert state["last_index"] == 1
    await socket.send_json_to({"type": "resume", "after": 1})
    again = (await receive_until(socket, "state"))[-1]
    assert again["turns"] == []
    await socket.disconnect()


async def test_a_socket_closed_mid_generation_finds_the_turn_on_reconnect(
    alice, backend_tasks, collab_settings
):
    collab_settings.DUET_COLLAB = {**collab_settings.DUET_COLLAB, "MAX_TOKENS": 300}
    session = await ready_session(alice, backend_tasks[0])
    socket, _ = await open_socket(session.pk, alice)
    await receive_until(socket, "state")
    await socket.send_json_to({"type": "say", "client_id": "leave", "text": "Weekly totals."})
    await receive_until(socket, "agent_delta")
    await socket.disconnect()  # the person closes the tab mid-stream

    def generation_done():
        return AgentGeneration.objects.filter(session=session, index=3, status="done").exists()

    await wait_for(generation_done)
    socket, _ = await open_socket(session.pk, alice, query="after=2")
    state = await socket.receive_json_from(timeout=10)
    assert [(t["index"], t["role"]) for t in state["turns"]] == [(3, "assistant")]
    stored = await sync_to_async(Turn.objects.get)(trajectory_id=session.trajectory_id, index=3)
    assert state["turns"][0]["content"] == stored.content and stored.content
    await socket.disconnect()


async def test_a_socket_idle_longer_than_the_redis_read_timeout_still_works(alice, backend_tasks):
    """redis-py's 5 s read timeout equals channels-redis's 5 s blocking pop (see settings)."""
    import asyncio

    session = await ready_session(alice, backend_tasks[0])
    socket, _ = await open_socket(session.pk, alice)
    await receive_until(socket, "state")
    await asyncio.sleep(6.5)
    await socket.send_json_to({"type": "say", "client_id": "late", "text": "Still there?"})
    messages = await receive_until(socket, "agent_done")
    assert messages[0] == {"type": "ack", "client_id": "late", "index": 2}
    await socket.disconnect()
