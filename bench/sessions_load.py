"""Live sessions under load and faults (issue 9 item 9): N concurrent WebSocket sessions.

    python bench/sessions_load.py --sessions 100

The script starts its own stack on this machine: a Redis server of its own (``--redis-port``,
no persistence, so that restarting it loses everything Redis held), a scratch Postgres database
(``--database``, dropped and re-created; never ``test`` or ``test_*``), then ``manage.py duet_up``
(what ``make run`` runs: migrations, bundled tasks, the default tiny agent built by
``duet models bootstrap``, Daphne and a Celery worker on the ``default`` queue) with
``DUET_TRACE_TIMINGS=1`` and short agent turns (``DUET_GENERATION_MAX_TOKENS``).

Each client is one person: created with the project's roles code, signed in through the login
page (a Django session cookie), a session started through the "new session" page on a bundled
backend task, then the socket ``/ws/sessions/<id>/`` (with the page's Origin). The person's
replies come from the project's backend oracle simulator fed the task's hidden information
(loaded with ``training.colbench.tasks.load_tasks``); the client keeps a ``training.colbench``
environment of its own to know when it is its turn, as a person reading the page would.

Faults, as session.js meets them: ``--drop-fraction`` of the sockets are cut (TCP abort, no
close frame) on the first ``agent_delta`` of one agent turn and, later, right after a ``say``
was sent and before its ``ack``; the client reconnects with ``?after=<last index>`` and resends
its un-acked ``say`` with the same ``client_id``. Redis is restarted once
(``--redis-restart-at``: that fraction of all agent turns done). Any socket the server closes
is reopened the same way; a socket silent for ``--stall-s`` seconds is reopened too (counted).

Server overhead comes from the stamps tracing adds to messages (``time.time()``; one machine,
so stamps of different processes compare): ``ack`` carries when the consumer got the frame and
when it sent the ack; ``agent_delta`` carries when the runner got the delta's oldest and newest
token, when it published the delta, and when the consumer sent it. Model time is outside both.

Afterwards the database is counted against what the clients saw: lost, duplicated and
out-of-order turns, and episodes finished. Results go to stdout and ``--json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

PASSWORD = "load-bench-horse-battery-staple-7"
PASSTHROUGH = ("PATH", "HOME", "LANG", "TMPDIR", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
AGENT_TURNS = 10  # what the "new session" page starts with


# -- counting (also tested: tests/collab/test_collab_timing.py) ----------------------------------


@dataclass
class ClientRecord:
    """What one client saw: ``says`` client_id -> [text, acked index or None]; ``agent`` index ->
    content of every ``agent_done``; ``refused`` client ids the server answered with an error."""

    says: dict = field(default_factory=dict)
    agent: dict = field(default_factory=dict)
    refused: set = field(default_factory=set)


def fetch_turns(cursor, session_ids: list[int]) -> list[tuple]:
    """(session id, turn id, index, role, client_id, content) of the sessions' turns, by session
    and index (portable SQL: Postgres here, SQLite or Postgres in the test)."""
    if not session_ids:
        return []
    marks = ", ".join(["%s"] * len(session_ids))
    cursor.execute(
        'SELECT s.id, t.id, t."index", t.role, t.client_id, t.content '
        "FROM collab_collabsession s JOIN trajectories_turn t ON t.trajectory_id = s.trajectory_id "
        f'WHERE s.id IN ({marks}) ORDER BY s.id, t."index", t.id',
        list(session_ids),
    )
    return [tuple(row) for row in cursor.fetchall()]


def count_integrity(rows: list[tuple], clients: dict[int, ClientRecord]) -> dict:
    """Lost, duplicated and out-of-order turns of backend sessions (no fixed replies: the person
    and the agent alternate, the opening message is index 0).

    lost: an acked ``say`` not stored at its index with its client id, a sent ``say`` never
    acked nor refused and stored nowhere, an ``agent_done`` not stored with its content;
    missing_index: a hole in 0..n-1; duplicated: a second row for an index or a client id;
    out_of_order: a turn whose role breaks the alternation, or stored (row id) before the turn
    that precedes it."""
    by_session: dict[int, list[tuple]] = {sid: [] for sid in clients}
    for row in rows:
        by_session.setdefault(row[0], []).append(row)
    counts = dict(sessions=len(by_session), turns=len(rows), lost=0, missing_index=0,
                  duplicated=0, out_of_order=0, content_mismatch=0, unexpected_says=0)  # fmt: skip
    bad = set()
    for sid, turns in by_session.items():
        before = dict(counts)
        record = clients.get(sid, ClientRecord())
        indexes = [t[2] for t in turns]
        counts["duplicated"] += len(indexes) - len(set(indexes))
        client_ids = [t[4] for t in turns if t[4] is not None]
        counts["duplicated"] += len(client_ids) - len(set(client_ids))
        if indexes:
            counts["missing_index"] += len(set(range(max(indexes) + 1)) - set(indexes))
        previous_id = None
        for turn in turns:
            expected = "user" if turn[2] % 2 == 0 else "assistant"
            late = previous_id is not None and turn[1] < previous_id
            if turn[3] != expected or late:
                counts["out_of_order"] += 1
            previous_id = turn[1]
        at = {t[2]: t for t in turns}
        stored_ids = {t[4]: t for t in turns if t[4] is not None}
        for client_id, (text, acked) in record.says.items():
            stored = stored_ids.get(client_id)
            if stored is None:
                if acked is not None or client_id not in record.refused:
                    counts["lost"] += 1
            elif acked is not None and stored[2] != acked:
                counts["lost"] += 1
            elif stored[5].strip() != text.strip():
                counts["content_mismatch"] += 1
        for index, content in record.agent.items():
            stored = at.get(index)
            if stored is None or stored[3] != "assistant":
                counts["lost"] += 1
            elif stored[5] != content:
                counts["content_mismatch"] += 1
        counts["unexpected_says"] += len(set(stored_ids) - set(record.says))
        if any(counts[k] != before[k] for k in counts if k not in ("sessions", "turns")):
            bad.add(sid)
    counts["bad_sessions"] = sorted(bad)
    return counts


def percentiles(values: list[float]) -> dict:
    """p50 / p95 / p99 / max in milliseconds (``values`` in seconds)."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {"n": len(ordered), "p50": at(0.50), "p95": at(0.95), "p99": at(0.99),
            "max": round(ordered[-1] * 1000, 2),
            "mean": round(statistics.fmean(ordered) * 1000, 2)}  # fmt: skip


# -- the stack -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_group(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


class Stack:
    """Redis (own port), a scratch Postgres database, ``manage.py duet_up``."""

    def __init__(self, args, root: Path):
        self.args = args
        self.root = root
        self.redis: subprocess.Popen | None = None
        self.server: subprocess.Popen | None = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        base = args.postgres.rstrip("/")
        self.admin_url = f"{base}/postgres"
        self.database_url = f"{base}/{args.database}"
        self.redis_url = f"redis://127.0.0.1:{args.redis_port}/0"
        self.env = {name: os.environ[name] for name in PASSTHROUGH if name in os.environ}
        self.env.update(
            DJANGO_SETTINGS_MODULE="webapp.settings", PYTHONPATH=str(REPO_ROOT),
            DUET_DATA_DIR=str(root / "data"), HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1",
            DATABASE_URL=self.database_url, REDIS_URL=self.redis_url,
            DUET_GENERATION_MAX_TOKENS=str(args.max_tokens), DUET_TRACE_TIMINGS="1",
            DUET_ALLOWED_HOSTS="127.0.0.1,localhost", OMP_NUM_THREADS=str(args.torch_threads),
        )  # fmt: skip

    def start_redis(self) -> None:
        log = open(self.root / "redis.log", "a")  # noqa: SIM115 - lives with the process
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.args.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.root)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        import redis

        client = redis.Redis.from_url(self.redis_url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.redis.poll() is not None:
                    raise RuntimeError("redis-server did not start; see redis.log") from None
                time.sleep(0.1)

    def restart_redis(self) -> float:
        """Stop this benchmark's Redis (everything it held is gone) and start it again."""
        started = time.monotonic()
        stop_group(self.redis, timeout=10)
        self.start_redis()
        return time.monotonic() - started

    def create_database(self) -> None:
        name = self.args.database
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name == "test" or name.startswith("test_"):
            raise SystemExit(f"refusing database name {name!r}")
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')

    def drop_database(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.args.database}" WITH (FORCE)')

    def manage(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=REPO_ROOT, env=self.env,
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start_server(self) -> None:
        # (duet_up stops everything if its own /healthz probe, 5 s per try, never gets through:
        # on a machine this busy the first health check can take longer; so no deadline there)
        log = open(self.root / "server.log", "w")  # noqa: SIM115 - lives with the process
        self.server = subprocess.Popen(
            [sys.executable, "manage.py", "duet_up", "--port", str(self.port),
             "--worker-concurrency", str(self.args.worker_concurrency), "--ready-timeout", "86400"],
            cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        import httpx

        deadline = time.monotonic() + 600
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/accounts/login/", timeout=10).status_code == 200:
                    return
            if time.monotonic() > deadline or self.server.poll() is not None:
                raise RuntimeError(f"duet_up did not become ready; see {self.root}/server.log")
            time.sleep(0.5)

    def create_people(self, count: int) -> list[str]:
        names = [f"load{i:03d}" for i in range(count)]
        code = (
            "from django.contrib.auth.hashers import make_password\n"
            "from django.contrib.auth.models import User\n"
            "from webapp.accounts.roles import set_role\n"
            f"encoded = make_password({PASSWORD!r})\n"  # hashed once: setup, not the benchmark
            f"for name in {names!r}:\n"
            "    set_role(User.objects.create(username=name, password=encoded), 'collaborator')\n"
        )
        self.manage("shell", "-c", code)
        return names

    def stop(self) -> None:
        for process in (self.server, self.redis):
            if process is not None:
                stop_group(process, timeout=30)


# -- one person ----------------------------------------------------------------------------------


class Dropped(Exception):
    """The benchmark cut this socket on purpose."""


@dataclass
class Stats:
    # (when sent, consumer: frame received -> ack sent, client: say sent -> ack received or None)
    acks: list = field(default_factory=list)
    # (when sent, newest token -> sent, oldest token -> sent, newest token -> published,
    #  published -> out of the publisher queue, out of the queue -> sent (Redis, consumer),
    #  newest token -> client received)
    deltas: list = field(default_factory=list)
    events: dict = field(default_factory=dict)
    agent_done: int = 0
    redis_restart_at: float | None = None

    def count(self, name: str, by: int = 1) -> None:
        self.events[name] = self.events.get(name, 0) + by


class Person:
    def __init__(self, n: int, name: str, task, bench: Bench):
        self.n, self.name, self.task, self.bench = n, name, task, bench
        self.record = ClientRecord()
        self.turns: dict[int, tuple[str, str]] = {}
        self.last_seen = -1
        self.pending: tuple[str, str] | None = None
        self.generating: int | None = None
        self.finished = False
        self.text_limit = 400
        self.max_agent_turns = AGENT_TURNS
        self.session_id: int | None = None
        self.cookie = ""
        self.ws = None
        self.deltas_in_turn = 0
        self.said_at: tuple[str, float] | None = None
        faults = bench.faults.get(n)
        self.drop_delta_at, self.drop_say_at = faults if faults else (None, None)

    async def start(self) -> None:
        import httpx

        async with httpx.AsyncClient(base_url=self.bench.stack.url, timeout=120) as http:
            page = await http.get("/accounts/login/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            done = await http.post("/accounts/login/", data={
                "csrfmiddlewaretoken": token, "username": self.name, "password": PASSWORD,
            })  # fmt: skip
            if done.status_code != 302:
                raise RuntimeError(f"{self.name}: login answered {done.status_code}")
            page = await http.get("/sessions/new")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            made = await http.post("/sessions/new", data={
                "csrfmiddlewaretoken": token, "mode": "play_task", "kind": "backend",
                "task": self.task.id, "request_text": "",
            })  # fmt: skip
            found = re.match(r"/sessions/(\d+)/$", made.headers.get("location", ""))
            if made.status_code != 302 or not found:
                raise RuntimeError(f"{self.name}: new session answered {made.status_code}")
            self.session_id = int(found.group(1))
            self.cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())

    async def play(self, deadline: float) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import WebSocketException

        origin = self.bench.stack.url
        ws_base = origin.replace("http://", "ws://")
        backoff = 0.5
        while not self.finished and time.monotonic() < deadline:
            url = f"{ws_base}/ws/sessions/{self.session_id}/?after={self.last_seen}"
            try:
                async with connect(url, origin=origin, additional_headers={"Cookie": self.cookie},
                                   open_timeout=60, ping_interval=None, max_size=2**22,
                                   close_timeout=2) as ws:  # fmt: skip
                    self.ws = ws
                    backoff = 0.5
                    await self._loop(ws)
                    if self.finished:
                        return
                    self.bench.stats.count("server_closed")
            except Dropped:
                await asyncio.sleep(random.uniform(0.1, 1.0))
                continue
            except TimeoutError:
                self.bench.stats.count("stall_reconnects")
            except (OSError, WebSocketException):
                self.bench.stats.count("connection_errors")
            finally:
                self.ws = None
            await asyncio.sleep(backoff)  # session.js backs off the same way
            backoff = min(backoff * 2, 8.0)

    async def _loop(self, ws) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            while not self.finished:
                raw = await asyncio.wait_for(ws.recv(), timeout=self.bench.args.stall_s)
                await self._handle(json.loads(raw), time.time())
        except ConnectionClosed:
            return

    def _cut(self, what: str):
        self.bench.stats.count(what)
        self.ws.transport.abort()  # no close frame: as a network that drops
        raise Dropped(what)

    # -- messages -------------------------------------------------------------------------------

    async def _handle(self, message: dict, received: float) -> None:
        kind = message.get("type")
        stats = self.bench.stats
        if kind == "state":
            session = message["session"]
            self.text_limit = session["text_limit"]
            self.max_agent_turns = session["max_agent_turns"]
            for turn in message["turns"]:
                self._seen(turn["index"], turn["role"], turn["content"])
            self.last_seen = max(self.last_seen, message["last_index"])
            self.generating = message["generating"]["index"] if message["generating"] else None
            if message["result"] is not None or session["status"] == "finished":
                self.finished = True
                return
            if message.get("failed"):
                await self._send({"type": "retry"})
            if self.pending is not None:
                stats.count("says_resent")
                self.said_at = None
                await self._send({"type": "say", "client_id": self.pending[0],
                                  "text": self.pending[1]})  # fmt: skip
            else:
                await self._maybe_say()
        elif kind == "ack":
            trace = message.get("trace")
            if trace:
                said = self.said_at and self.said_at[0] == message["client_id"]
                stats.acks.append((trace["sent"], trace["sent"] - trace["received"],
                                   received - self.said_at[1] if said else None))  # fmt: skip
            self.said_at = None
            if message["client_id"] in self.record.says:
                self.record.says[message["client_id"]][1] = message["index"]
            if self.pending and self.pending[0] == message["client_id"]:
                self._seen(message["index"], "user", self.pending[1])
                self.pending = None
        elif kind == "turn":
            self._seen(message["index"], message["role"], message["content"])
        elif kind == "agent_start":
            self.generating = message["index"]
            self.deltas_in_turn = 0
        elif kind == "agent_delta":
            trace = message.get("trace")
            if trace and "sent" in trace:
                sent, drained = trace["sent"], trace.get("drained", trace["flush"])
                stats.deltas.append((
                    sent, sent - trace["last"], sent - trace["first"],
                    trace["flush"] - trace["last"], drained - trace["flush"], sent - drained,
                    received - trace["last"],
                ))  # fmt: skip
            self.deltas_in_turn += 1
            if self.drop_delta_at == message["index"] and self.deltas_in_turn == 1:
                self.drop_delta_at = None
                self._cut("dropped_mid_stream")
        elif kind == "agent_done":
            stats.agent_done += 1
            self.generating = None
            self.record.agent[message["index"]] = message["content"]
            self._seen(message["index"], "assistant", message["content"])
            await self._maybe_say()
        elif kind == "finished":
            self.finished = True
        elif kind == "error":
            await self._on_error(message)

    async def _on_error(self, message: dict) -> None:
        code = message.get("code")
        self.bench.stats.count(f"error_{code}")
        if code in ("backend_unavailable", "internal"):
            await asyncio.sleep(1.0)
            await self._send({"type": "retry"})
        elif code == "rate_limited" and self.pending:
            await asyncio.sleep(message.get("retry_after", 1))
            await self._send({"type": "say", "client_id": self.pending[0],
                              "text": self.pending[1]})  # fmt: skip
        elif code in ("not_your_turn", "finished", "too_long", "bad_message") and self.pending:
            self.record.refused.add(self.pending[0])
            self.pending = None

    def _seen(self, index: int, role: str, content: str) -> None:
        self.turns[index] = (role, content)
        self.last_seen = max(self.last_seen, index)

    async def _send(self, message: dict) -> None:
        await self.ws.send(json.dumps(message))

    async def _maybe_say(self) -> None:
        """Reply when it is the person's turn: the episode (replayed here) awaits a reply."""
        from training.colbench.environments import make_environment

        if self.finished or self.pending is not None or self.generating is not None:
            return
        if sorted(self.turns) != list(range(len(self.turns))):
            return  # a gap: wait for `state`
        env = make_environment("backend", max_agent_turns=self.max_agent_turns)
        env.reset(self.task)
        for index in range(1, len(self.turns)):
            role, content = self.turns[index]
            if role == "assistant":
                env.act(content)
            elif env.awaiting_reply:
                env.observe(content)
        query = env.pending_query()
        if query is None:
            return  # the agent's turn, or the episode is over (then `finished` comes)
        loop = asyncio.get_running_loop()
        replies = await loop.run_in_executor(self.bench.pool, self.bench.simulator.reply_many,
                                             [query])  # fmt: skip
        text = replies[0][: self.text_limit].strip() or "I don't know."
        client_id = uuid.uuid4().hex
        self.pending = (client_id, text)
        self.record.says[client_id] = [text, None]
        self.said_at = (client_id, time.time())
        await self._send({"type": "say", "client_id": client_id, "text": text})
        self.bench.stats.count("says")
        index = len(self.turns)
        if self.drop_say_at is not None and index >= self.drop_say_at:
            self.drop_say_at = None
            self._cut("dropped_after_say")


# -- the run -------------------------------------------------------------------------------------


class Bench:
    def __init__(self, args, stack: Stack):
        self.args = args
        self.stack = stack
        self.stats = Stats()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="simulator")
        self.faults: dict[int, tuple[int, int]] = {}
        self.simulator = None

    async def redis_fault(self, expected: int) -> None:
        if self.args.redis_restart_at <= 0:
            return
        while self.stats.agent_done < self.args.redis_restart_at * expected:
            await asyncio.sleep(0.2)
        self.stats.redis_restart_at = time.time()
        took = await asyncio.get_running_loop().run_in_executor(None, self.stack.restart_redis)
        self.stats.count("redis_restarts")
        print(f"  redis restarted after {self.stats.agent_done} agent turns ({took:.1f} s)",
              flush=True)  # fmt: skip

    async def progress(self, people: list[Person]) -> None:
        while True:
            await asyncio.sleep(15)
            done = sum(p.finished for p in people)
            print(f"  {time.strftime('%H:%M:%S')} agent turns {self.stats.agent_done}, "
                  f"episodes done {done}/{len(people)}, load {os.getloadavg()[0]:.2f}",
                  flush=True)  # fmt: skip

    async def warm_up(self, warm: list[Person]) -> None:
        """One session per worker process first: each loads the model on its first turn (tens
        of seconds on a busy machine), which is start-up, not load."""
        import psycopg

        await asyncio.gather(*(p.start() for p in warm))
        ids = [p.session_id for p in warm]
        deadline = time.monotonic() + 900
        async with await psycopg.AsyncConnection.connect(self.stack.database_url) as conn:
            while time.monotonic() < deadline:
                cursor = await conn.execute(
                    "SELECT count(*) FROM collab_collabsession s JOIN trajectories_turn t ON "
                    "t.trajectory_id = s.trajectory_id WHERE s.id = ANY(%s) AND t.index = 1",
                    [ids],
                )  # fmt: skip
                if (await cursor.fetchone())[0] == len(ids):
                    return
                await conn.rollback()
                await asyncio.sleep(1)
        raise RuntimeError("the warm-up sessions got no agent turn in 900 s")

    async def run(self, people: list[Person], warm: list[Person]) -> float:
        started = time.monotonic()
        await self.warm_up(warm)
        print(f"  warmed up {len(warm)} worker processes in {time.monotonic() - started:.0f} s",
              flush=True)  # fmt: skip
        semaphore = asyncio.Semaphore(8)  # people sign in and start sessions a few at a time

        async def start(person: Person) -> None:
            async with semaphore:
                await person.start()

        await asyncio.gather(*(start(p) for p in people))
        print(f"  {len(people)} people signed in and started sessions", flush=True)
        for person in people:
            person.record = ClientRecord()
        started = time.monotonic()
        deadline = started + self.args.timeout
        expected = len(people) * AGENT_TURNS
        fault = asyncio.ensure_future(self.redis_fault(expected))
        progress = asyncio.ensure_future(self.progress(people))
        await asyncio.gather(*(p.play(deadline) for p in people))
        progress.cancel()
        if not fault.done():
            fault.cancel()
            print("  the run ended before the Redis restart point", flush=True)
        return time.monotonic() - started


def overheads(stats: Stats, window: tuple[float, float] | None) -> dict:
    def keep(sample) -> bool:
        return window is None or not window[0] <= sample[0] <= window[1]

    acks = [a for a in stats.acks if keep(a)]
    deltas = [d for d in stats.deltas if keep(d)]

    def column(rows, i):
        return [r[i] for r in rows if r[i] is not None]

    return {
        "ack: consumer got say -> ack sent": percentiles(column(acks, 1)),
        "delta: newest token -> delta sent (excl. coalescing)": percentiles(column(deltas, 1)),
        "delta: oldest token -> delta sent (incl. 20 ms coalescing)": percentiles(
            column(deltas, 2)
        ),
        "delta: newest token -> published (runner)": percentiles(column(deltas, 3)),
        "delta: published -> out of the publisher queue": percentiles(column(deltas, 4)),
        "delta: out of the queue -> sent (Redis, Daphne, consumer)": percentiles(column(deltas, 5)),
        "client: say sent -> ack received": percentiles(column(acks, 2)),
        "client: newest token -> delta received": percentiles(column(deltas, 6)),
    }


def wait_scored(stack: Stack, session_ids: list[int], timeout: float) -> dict:
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        while True:
            rows = conn.execute(
                "SELECT status, count(*) FROM collab_collabsession WHERE id = ANY(%s) "
                "GROUP BY status", [session_ids],
            ).fetchall()  # fmt: skip
            statuses = dict(rows)
            if statuses.get("finished", 0) == len(session_ids) or time.monotonic() > deadline:
                return statuses
            time.sleep(1)


def database_counts(stack: Stack, people: list[Person]) -> dict:
    import psycopg

    ids = [p.session_id for p in people]
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        with conn.cursor() as cursor:
            rows = fetch_turns(cursor, ids)
        counts = count_integrity(rows, {p.session_id: p.record for p in people})
        counts["generations"] = dict(conn.execute(
            "SELECT status, count(*) FROM collab_agentgeneration WHERE session_id = ANY(%s) "
            "GROUP BY status", [ids],
        ).fetchall())  # fmt: skip
        counts["generations_redone"] = conn.execute(
            "SELECT count(*) FROM collab_agentgeneration WHERE session_id = ANY(%s) "
            "AND attempts > 1", [ids],
        ).fetchone()[0]  # fmt: skip
        counts["agent_turns"] = sum(1 for r in rows if r[3] == "assistant")
        counts["person_turns"] = sum(1 for r in rows if r[3] == "user" and r[2] > 0)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--max-tokens", type=int, default=32, help="DUET_GENERATION_MAX_TOKENS")
    parser.add_argument("--drop-fraction", type=float, default=0.1)
    parser.add_argument(
        "--redis-restart-at",
        type=float,
        default=0.4,
        help="restart Redis when this fraction of agent turns is done; 0: never",
    )
    parser.add_argument("--simulator", default="oracle", choices=("oracle", "oracle:bm25"))
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--torch-threads", type=int, default=1, help="OMP_NUM_THREADS of the stack")
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="duet_load")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds for all episodes")
    parser.add_argument(
        "--stall-s", type=float, default=180.0, help="reopen a socket silent this long (counted)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args()  # fmt: skip

    import torch

    torch.set_num_threads(1)  # the client's simulator shares the machine with the server
    from training.colbench.simulators.factory import make_simulators
    from training.colbench.tasks import load_tasks

    root = REPO_ROOT / "var" / "bench-sessions-load"
    root.mkdir(parents=True, exist_ok=True)
    backend = REPO_ROOT / "data" / "colbench" / "backend"
    tasks = [t for split in ("test", "train") for t in load_tasks(backend / f"{split}.jsonl")]
    rng = random.Random(args.seed)
    stack = Stack(args, root)
    uptime_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"uptime before: {uptime_before}", flush=True)
    results: dict = {
        "command": " ".join(["python", *sys.argv]), "sessions": args.sessions,
        "max_tokens": args.max_tokens, "simulator": args.simulator,
        "worker_concurrency": args.worker_concurrency, "uptime_before": uptime_before,
    }  # fmt: skip
    try:
        stack.start_redis()
        stack.create_database()
        print(f"starting duet_up on {stack.url} (database {args.database}, {stack.redis_url})",
              flush=True)  # fmt: skip
        stack.start_server()
        names = stack.create_people(args.sessions + args.worker_concurrency)
        bench = Bench(args, stack)
        bench.simulator = make_simulators(args.simulator, ["backend"])["backend"]
        chosen = rng.sample(range(args.sessions), round(args.sessions * args.drop_fraction))
        for n in chosen:  # agent turn index to cut mid-stream, then a later say to cut
            delta_at = 2 * rng.randint(1, 4) + 1
            bench.faults[n] = (delta_at, delta_at + 1 + 2 * rng.randint(1, 2))
        people = [Person(n, name, tasks[n % len(tasks)], bench)
                  for n, name in enumerate(names[: args.sessions])]  # fmt: skip
        warm = [Person(-1, name, tasks[-1], bench) for name in names[args.sessions :]]
        wall = asyncio.run(bench.run(people, warm))
        statuses = wait_scored(stack, [p.session_id for p in people], timeout=300)
        counts = database_counts(stack, people)
        stats = bench.stats
        results.update(
            wall_s=round(wall, 1),
            statuses=statuses,
            counts=counts,
            events=stats.events,
            faulty_sockets=len(chosen),
            agent_done_seen=stats.agent_done,
            overhead_ms=overheads(stats, None),
        )
        if stats.redis_restart_at:  # the same without the seconds around the Redis restart
            window = (stats.redis_restart_at - 5, stats.redis_restart_at + 30)
            results["overhead_ms_outside_redis_restart"] = overheads(stats, window)
    finally:
        stack.stop()
        if not args.keep:
            with contextlib.suppress(Exception):
                stack.drop_database()
        results["uptime_after"] = subprocess.run(["uptime"], capture_output=True,
                                                 text=True).stdout.strip()  # fmt: skip
    print(json.dumps(results, indent=2, default=str))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    counts = results["counts"]
    clean = counts["lost"] == counts["duplicated"] == counts["out_of_order"] == 0
    return 0 if clean and counts["missing_index"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
