"""Fixtures for the web foundation: subprocess environments, real Celery workers, free ports.

Whenever DATABASE_URL / REDIS_URL are set (CI, .ci/run) the tests use that Postgres and Redis;
without them they use SQLite and the filesystem transport. Nothing here is mocked.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery

from webapp.config import load_config
from webapp.ops.health import OK, check_worker

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSTHROUGH = ("PATH", "HOME", "LANG", "TMPDIR", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def base_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """A clean environment for a child process: no DATABASE_URL / REDIS_URL unless given."""
    env = {name: os.environ[name] for name in PASSTHROUGH if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="webapp.settings",
        DUET_DATA_DIR=str(data_dir),
        PYTHONPATH=str(REPO_ROOT),
        HF_HUB_OFFLINE="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_manage(
    args: list[str], env: dict[str, str], timeout: float = 60, stdin: str | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def celery_app_for(env: dict[str, str]) -> Celery:
    """An in-process Celery client configured exactly as a process with ``env`` would be."""
    config = load_config(env, REPO_ROOT)
    app = Celery(f"duet-test-{uuid.uuid4().hex[:6]}", set_as_current=False)
    app.conf.update(config.celery_settings())
    return app


def stop_process_group(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def transports() -> list:
    redis_url = os.environ.get("REDIS_URL")
    return [
        pytest.param("filesystem", id="filesystem"),
        pytest.param(
            "redis",
            id="redis",
            marks=pytest.mark.skipif(not redis_url, reason="REDIS_URL is not set"),
        ),
    ]


@pytest.fixture(params=transports())
def transport_env(request, tmp_path) -> dict[str, str]:
    """Child-process environment for one Celery transport (filesystem always; Redis if set)."""
    extra = {"REDIS_URL": os.environ["REDIS_URL"]} if request.param == "redis" else {}
    return base_env(tmp_path / "data", **extra)


@pytest.fixture
def celery_worker(transport_env) -> Iterator[Celery]:
    """A real ``celery -A workers worker`` on the ``default`` queue; yields a client app."""
    log = open(Path(transport_env["DUET_DATA_DIR"]).parent / "worker.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "workers", "worker",
            "--queues", "default", "--pool", "solo", "--loglevel", "WARNING",
            "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h", "--without-mingle",
            "--without-gossip",
        ],
        cwd=REPO_ROOT,
        env=transport_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    app = celery_app_for(transport_env)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.flush()
                pytest.fail(f"worker exited early: {Path(log.name).read_text()[-2000:]}")
            if check_worker(app, timeout=1.0).status == OK:
                break
            if time.monotonic() > deadline:
                pytest.fail("worker did not answer a ping within 60 s")
        yield app
    finally:
        # Graceful shutdown is duet_up's test; here it would only cost seconds per worker.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        log.close()


def scratch_postgres(prefix: str) -> Iterator[str | None]:
    """A generator: yields the URL of a fresh Postgres database on DATABASE_URL's server, drops it
    when resumed; yields None (SQLite) when DATABASE_URL is unset. For servers started by a test
    that must not share pytest-django's database."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield None
        return
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    base, _, _ = url.rpartition("/")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
