"""DUET_TRACE_TIMINGS (bench/sessions_load.py): ack and agent_delta carry server time stamps only
when tracing is on; and the load benchmark's integrity counts on a crafted database state."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from asgiref.sync import sync_to_async
from collab_helpers import new_client_id, open_socket, receive_until, wait_for
from django.db import connection

from training.paths import REPO_ROOT
from webapp.collab.sessions import create_session
from webapp.trajectories.models import Turn

pytestmark = pytest.mark.django_db(transaction=True)


def load_bench():
    path = REPO_ROOT / "bench" / "sessions_load.py"
    spec = importlib.util.spec_from_file_location("sessions_load", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


async def test_trace_stamps_ack_and_deltas_only_when_tracing_is_on(
    alice, backend_tasks, collab_settings
):
    task = backend_tasks[0]
    session = await sync_to_async(create_session)(
        alice, mode="play_task", kind=task.kind, task_id=task.pk
    )

    def stored(index):
        return lambda: Turn.objects.filter(
            trajectory_id=session.trajectory_id, index=index
        ).exists()

    await wait_for(stored(1))
    socket, _ = await open_socket(session.pk, alice)
    await receive_until(socket, "state")

    collab_settings.DUET_COLLAB = {**collab_settings.DUET_COLLAB, "TRACE_TIMINGS": True}
    await socket.send_json_to({"type": "say", "client_id": new_client_id(), "text": "Use 2.50."})
    messages = await receive_until(socket, "agent_done", timeout=60)
    ack = next(m for m in messages if m["type"] == "ack")
    assert 0 <= ack["trace"]["sent"] - ack["trace"]["received"] < 10
    deltas = [m for m in messages if m["type"] == "agent_delta"]
    assert deltas
    for delta in deltas:
        trace = delta["trace"]
        assert trace["first"] <= trace["last"] <= trace["flush"] <= trace["sent"]
    assert "trace" not in messages[-1]  # agent_done is not traced

    collab_settings.DUET_COLLAB = {**collab_settings.DUET_COLLAB, "TRACE_TIMINGS": False}
    await wait_for(stored(3))
    await socket.send_json_to({"type": "say", "client_id": new_client_id(), "text": "In USD."})
    messages = await receive_until(socket, "agent_done", timeout=60)
    assert all("trace" not in m for m in messages)
    await socket.disconnect()


def test_integrity_counts_find_lost_duplicated_and_out_of_order_turns(alice, backend_tasks):
    bench = load_bench()
    task = backend_tasks[0]
    sessions = [
        create_session(alice, mode="play_task", kind="backend", task_id=task.pk, start=False)
        for _ in range(4)
    ]
    good, gap, swapped, late = sessions

    def add(session, index, role, client_id=None, content="x"):
        Turn.objects.create(
            trajectory_id=session.trajectory_id, index=index, role=role,
            client_id=client_id, content=content,
        )  # fmt: skip

    for session in sessions:
        add(session, 1, "assistant", content="a1")
    add(good, 2, "user", "g-2", "reply")
    add(good, 3, "assistant", content="a3")
    add(gap, 3, "assistant", content="a3")  # index 2, the person's acked say, is missing
    add(swapped, 2, "assistant", content="a2")  # two agent turns in a row
    add(late, 3, "assistant", content="a3")  # stored before the turn it answers
    add(late, 2, "user", "l-2", "reply")
    clients = {
        good.pk: bench.ClientRecord(says={"g-2": ["reply", 2]}, agent={1: "a1", 3: "a3"}),
        gap.pk: bench.ClientRecord(says={"p-2": ["lost", 2]}, agent={1: "a1", 3: "a3"}),
        swapped.pk: bench.ClientRecord(agent={1: "a1", 2: "a2"}),
        late.pk: bench.ClientRecord(says={"l-2": ["reply", 2]}, agent={1: "a1", 3: "a3"}),
    }
    with connection.cursor() as cursor:
        rows = bench.fetch_turns(cursor, [s.pk for s in sessions])
    counts = bench.count_integrity(rows, clients)
    assert counts["sessions"] == 4 and counts["turns"] == 14
    assert counts["lost"] == 1  # the acked say of `gap`, stored nowhere
    assert counts["missing_index"] == 1
    assert counts["duplicated"] == 0
    assert counts["out_of_order"] == 2  # `swapped`'s roles, `late`'s storing order
    assert counts["bad_sessions"] == sorted([gap.pk, swapped.pk, late.pk])
