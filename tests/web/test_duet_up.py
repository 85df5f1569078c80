"""``manage.py duet_up`` end to end, and the supervisor that stops what it started."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import REPO_ROOT, base_env, free_port, scratch_postgres
from webapp.ops.supervisor import Supervisor

# --- /proc helpers: which processes descend from a pid, and are they still alive ---------------


def _stat(pid: int) -> tuple[str, int] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])  # state, ppid


def descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = _stat(int(entry))
            if info is not None:
                parents[int(entry)] = info[1]
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    info = _stat(pid)
    return info is not None and info[0] != "Z"


# --- a database of its own for the run (Postgres when DATABASE_URL is set) ----------------------


@pytest.fixture
def own_database_url() -> Iterator[str | None]:
    """A fresh Postgres database on DATABASE_URL's server, dropped afterwards; None -> SQLite."""
    yield from scratch_postgres("duet_e2e")


def get(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Host": "localhost"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def poll(url: str) -> tuple[int, bytes]:
    """``get``, with a request that times out counted as "not up yet": the first /healthz runs
    every probe (Chromium renders a page, the agent model loads), which on two loaded cores can
    take longer than one request's 10 s."""
    try:
        return get(url)
    except (TimeoutError, urllib.error.URLError):
        return 0, b""


@pytest.mark.slow
def test_duet_up_reaches_all_ok_and_ctrl_c_leaves_nothing_running(tmp_path, own_database_url):
    extra = {"DATABASE_URL": own_database_url} if own_database_url else {}
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    env = base_env(tmp_path / "data", **extra)
    port = free_port()
    log_path = tmp_path / "duet_up.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "duet_up", "--port", str(port), "--stop-timeout", "20"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        health, deadline = None, time.monotonic() + 400
        while time.monotonic() < deadline and process.poll() is None:
            status, body = poll(f"{base}/healthz") if _listening(port) else (0, b"")
            if status:
                health = json.loads(body)
                if health["status"] == "ok":
                    break
            time.sleep(1)
        log_text = log_path.read_text()
        assert health is not None and health["status"] == "ok", (health, log_text[-3000:])
        while "create the first admin" not in log_text and process.poll() is None:
            time.sleep(0.2)
            log_text = log_path.read_text()
        assert f"Duet is running at http://localhost:{port}/" in log_text
        assert "manage.py duet_user create NAME --role admin" in log_text
        assert get(f"{base}/")[0] == 200
        assert get(f"{base}/status")[0] == 200
        assert get(f"{base}/static/duet/duet.css")[0] == 200

        children = descendants(process.pid)
        assert len(children) >= 2  # daphne, celery (+ its pool)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0, log_path.read_text()[-3000:]
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(alive(pid) for pid in children):
            time.sleep(0.1)
        assert [pid for pid in children if alive(pid)] == []
        assert not _listening(port)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for pid in descendants(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_supervisor_kills_a_child_that_ignores_sigterm_and_its_group():
    script = (
        "import signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    supervisor = Supervisor()
    child = supervisor.start("stubborn", [sys.executable, "-c", script], env=dict(os.environ))
    deadline = time.monotonic() + 20
    while len(descendants(child.process.pid)) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    family = {child.process.pid, *descendants(child.process.pid)}
    assert len(family) == 2
    started = time.monotonic()
    killed = supervisor.stop_all(timeout=1.0)
    assert killed == ["stubborn"]
    assert time.monotonic() - started < 8
    time.sleep(0.2)
    assert [pid for pid in family if alive(pid)] == []


def test_supervisor_stops_a_well_behaved_child_without_killing_it():
    supervisor = Supervisor()
    child = supervisor.start(
        "sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], env=dict(os.environ)
    )
    assert supervisor.stop_all(timeout=10) == []
    assert child.process.returncode == -signal.SIGTERM
