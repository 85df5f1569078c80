"""A web process killed mid-generation: the turn is finished by the restarted server and stored
once, and the person's reconnecting socket gets exactly what it missed.

Real Daphne (started as ``make run`` starts it, runner threads in the web process), a real
WebSocket client, the tiny default agent, Postgres when DATABASE_URL is set (else SQLite)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import websockets

from tests.web.conftest import (
    REPO_ROOT,
    base_env,
    free_port,
    run_manage,
    scratch_postgres,
    stop_process_group,
)

PASSWORD = "correct-horse-battery-staple-42"


class Server:
    """One Daphne on a fixed port that can be killed and started again on the same data."""

    def __init__(self, env: dict[str, str], port: int, log_dir: Path):
        self.env, self.port, self.log_dir = env, port, log_dir
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.starts += 1
        log = open(self.log_dir / f"web-{self.starts}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
             "webapp.asgi:application"],
            cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/accounts/login/", timeout=3).status_code == 200:
                    return
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(f"web server did not start:\n{self.logs()}")
            time.sleep(0.3)

    def kill(self) -> None:
        import os

        os.killpg(self.process.pid, signal.SIGKILL)  # no shutdown handlers: a crash
        self.process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(p.read_text()[-3000:] for p in sorted(self.log_dir.glob("web-*.log")))


@pytest.fixture
def server(tmp_path, tiny_model_dir):
    database = scratch_postgres("duet_restart")
    database_url = next(database)
    extra = {
        "DUET_AGENT": f"local:{tiny_model_dir}",
        "DUET_GENERATION_MAX_TOKENS": "400",  # long enough to be killed mid-stream
        "DUET_GENERATION_LEASE_S": "2",
        "DUET_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    if database_url:
        extra["DATABASE_URL"] = database_url
    env = base_env(tmp_path / "data", **extra)
    for args in (["migrate", "--noinput"], ["load_tasks", "--bundled"]):
        done = run_manage(args, env, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
    done = run_manage(
        ["duet_user", "create", "alice", "--role", "collaborator", "--password-stdin"],
        env,
        stdin=PASSWORD + "\n",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    live = Server(env, free_port(), tmp_path)
    live.start()
    try:
        yield live
    finally:
        if live.process is not None:
            stop_process_group(live.process)
        with contextlib.suppress(StopIteration):
            next(database)


def signed_in(server: Server) -> httpx.Client:
    client = httpx.Client(base_url=server.url, follow_redirects=False, timeout=30)
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = client.post(
        "/accounts/login/",
        data={"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{server.url}/accounts/login/"},
    )
    assert done.status_code == 302, done.text[:500]
    return client


def new_backend_session(client: httpx.Client, server: Server) -> int:
    form = client.get("/sessions/new")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    done = client.post(
        "/sessions/new",
        data={"kind": "backend", "mode": "play_task", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{server.url}/sessions/new"},
    )
    assert done.status_code == 302, done.text[:500]
    return int(re.search(r"/sessions/(\d+)/", done.headers["location"]).group(1))


async def messages_until(socket, kind: str, timeout: float) -> list[dict]:
    seen: list[dict] = []
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await socket.recv())
            seen.append(message)
            if message["type"] == kind:
                return seen


def stored(server: Server, session_id: int) -> dict:
    """The session's turns (index, role) and generations (index, status, attempts)."""
    code = (
        "import json; from webapp.collab.models import CollabSession;"
        f"s = CollabSession.objects.get(pk={session_id});"
        "print(json.dumps({'turns': [[t.index, t.role] for t in"
        " s.trajectory.turns.order_by('index', 'pk')], 'generations': [[g.index, g.status,"
        " g.attempts] for g in s.generations.order_by('index')]}))"
    )
    done = run_manage(["shell", "-c", code], server.env, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_turn_cut_off_by_a_web_process_crash_is_finished_after_restart_and_stored_once(
    server,
):
    client = signed_in(server)
    session_id = new_backend_session(client, server)  # the first agent turn starts now
    ws_url = f"ws://127.0.0.1:{server.port}/ws/sessions/{session_id}/"
    headers = {
        "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items()),
        "Origin": server.url,
    }

    async def before_crash() -> list[dict]:
        async with websockets.connect(ws_url, additional_headers=headers) as socket:
            state = await messages_until(socket, "state", 30)
            seen = await messages_until(socket, "agent_delta", 120)
            return state + seen

    seen = asyncio.run(before_crash())
    assert "agent_done" not in [m["type"] for m in seen], "the turn ended before the crash"
    last_seq = seen[0]["last_index"]
    server.kill()
    server.start()

    async def after_restart() -> list[dict]:
        url = f"{ws_url}?after={last_seq}"
        async with websockets.connect(url, additional_headers=headers) as socket:
            return await messages_until(socket, "agent_done", 180)

    resumed = asyncio.run(after_restart())
    state = resumed[0]
    assert state["type"] == "state"
    assert [t["index"] for t in state["turns"]] == []  # nothing it had already seen
    done = resumed[-1]
    assert done["index"] == last_seq + 1
    rows = stored(server, session_id)
    assert rows["turns"] == [[0, "user"], [1, "assistant"]]
    assert rows["generations"] == [[1, "done", 2]]  # begun by the dead process, redone once
