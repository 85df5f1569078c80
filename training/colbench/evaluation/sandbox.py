"""Run untrusted Python (agent answers and ground truths alike) outside the evaluator's process.

A :class:`Sandbox` keeps a pool of warm worker interpreters (:mod:`.sandbox_worker`). Each worker
is started with a scrubbed environment under an isolated interpreter (``-s -S -P -B``: no user or
site packages, no script directory on ``sys.path``) and, when the kernel allows (root here), as
process 1 of fresh network, PID, IPC and mount namespaces: no network at all, a private ``/proc``,
private temporary directories, and every top-level directory the interpreter does not need (the
project, its data, home directories, service sockets) hidden. Each answer then runs in a fresh
forked child of a worker, with rlimits, under an unprivileged uid, in an empty working directory;
nothing an answer does survives it.

Each result is encoded inside the child (type-preserving tagged JSON) and rebuilt here from
trusted types only (:mod:`.value_codec`); a value of any other type arrives as an opaque marker
that equals nothing, so nothing the answer defines (an ``__eq__`` that always says yes, patched
builtins) is ever called outside the sandbox. The code runs as compiled here
(:mod:`.sandbox_jobs`).

Without namespaces (not root, or ``unshare`` unavailable) the sandbox still runs each answer in a
separate, rlimited process and blocks sockets, ``ctypes``, new processes and writes outside the
working directory inside the interpreter, but file reads and a determined escape are not contained;
:attr:`Sandbox.isolation` says which layers are active.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import itertools
import json
import math
import os
import queue
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from training.colbench.evaluation.sandbox_jobs import PreparedJob, prepare_job
from training.colbench.evaluation.sandbox_worker import (
    LIMIT_TYPES,
    current_namespaces,
    pack_frame,
    unpack_frame,
)
from training.colbench.evaluation.value_codec import MalformedResult, decode

__all__ = ["CallResult", "Sandbox", "SandboxError", "SandboxLimits"]

WORKER_SCRIPT = Path(__file__).with_name("sandbox_worker.py")
SANDBOX_ERROR = "SandboxError"
_STARTUP_SECONDS = 20.0
_MAX_BATCH = 8


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits for evaluating one answer.

    ``cpu_seconds`` and ``wall_seconds`` bound each call (and the answer's module code) on its
    own, so one looping test costs only that test; ``total_wall_seconds`` bounds the whole answer.
    ``memory_bytes`` caps the address space of the answer's process, ``file_size_bytes`` any file
    it writes, ``max_processes`` the processes and threads of its uid, and ``max_output_bytes`` the
    encoded form of one call's result.
    """

    cpu_seconds: float = 2.0
    wall_seconds: float = 3.0
    memory_bytes: int = 512 * 1024 * 1024
    file_size_bytes: int = 4 * 1024 * 1024
    max_processes: int = 32
    max_output_bytes: int = 1024 * 1024
    total_wall_seconds: float = 20.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"SandboxLimits.{name} must be a positive number, got {value!r}")
        if self.memory_bytes < 64 * 1024 * 1024:
            raise ValueError("SandboxLimits.memory_bytes must be at least 64 MiB for Python")


@dataclass
class CallResult:
    """The outcome of one call. ``value`` is what the call returned, rebuilt from the sandbox's
    encoding (:func:`.value_codec.decode`): the same type for trusted types, an
    :class:`~.value_codec.Opaque` marker for any other.

    ``error_type`` is the exception's class name for errors raised by the code, or one of the
    sandbox's own kinds (``Timeout``, ``CPUTimeLimit``, ``Crash``, ``Exit``, ``OutputTooLarge``,
    ``Unconvertible``, ``BadCall``, ``SandboxError``).
    """

    ok: bool
    value: Any = None
    error: str | None = None
    error_type: str | None = None

    @property
    def hit_limit(self) -> bool:
        """True when the sandbox, not the code's own logic, ended this call."""
        return not self.ok and (self.error_type in LIMIT_TYPES or self.error_type == SANDBOX_ERROR)


class SandboxError(RuntimeError):
    """The sandbox cannot start or has been closed."""


class _WorkerLost(Exception):
    """A worker died or stopped answering; it is replaced."""


@functools.cache
def namespaces_available() -> bool:
    """Whether this process may start workers in new network/PID/mount namespaces.

    Probes by running the worker's own namespace set-up (``probe`` in its config: it checks that
    it is in fresh namespaces, makes its mounts, and exits), so the probe never mounts anything
    the worker's guard has not allowed, and succeeds only where a worker would.
    """
    if os.geteuid() != 0 or _unshare() is None:
        return False
    config = _worker_config(namespaces=True, uid=None, workroot=None) | {"probe": True}
    command = _worker_command(config, namespaces=True)
    try:
        probe = subprocess.run(command, capture_output=True, timeout=20, env=_WORKER_ENV, cwd="/")
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


# util-linux unshare makes every mount in the new mount namespace private before it runs the
# worker (its default --propagation private); the worker checks that, and makes sure again.
_UNSHARE_FLAGS = ("--net", "--pid", "--ipc", "--fork", "--kill-child", "--mount", "--mount-proc")
# LD_BIND_NOW: resolve every dynamic symbol once at worker start, so that no child writes (and
# so copies) a page of the symbol tables when it first calls a function the worker never did.
_WORKER_ENV = {"PYTHONHASHSEED": "0", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LD_BIND_NOW": "1"}


def _unshare() -> str | None:
    """util-linux ``unshare`` from the system directories (not whatever ``PATH`` finds first)."""
    return next((p for p in ("/usr/bin/unshare", "/bin/unshare") if os.access(p, os.X_OK)), None)


def _worker_config(
    *, namespaces: bool, uid: int | None, workroot: str | None, interpreter_guards: bool = True
) -> dict[str, Any]:
    return {
        "namespaces": namespaces,
        # The worker refuses to set up mounts unless its namespaces differ from these.
        "parent": current_namespaces() if namespaces else None,
        "uid": uid,
        "workroot": workroot,
        "tmpfs_bytes": 64 * 1024 * 1024,
        "interpreter_guards": interpreter_guards,
    }


def _worker_command(config: dict[str, Any], *, namespaces: bool) -> list[str]:
    python = [sys.executable, "-s", "-S", "-P", "-B", str(WORKER_SCRIPT), json.dumps(config)]
    if not namespaces:
        return python
    unshare = _unshare()
    if unshare is None:
        raise SandboxError("namespaces requested but unshare is not installed")
    return [unshare, *_UNSHARE_FLAGS, "--", *python]


def _world_readable(path: str) -> bool:
    """Whether an unprivileged uid can read ``path`` (every ancestor searchable)."""
    current = Path(path).resolve()
    for part in [current, *current.parents]:
        mode = part.stat().st_mode
        if not mode & stat.S_IXOTH:
            return False
    return bool(current.stat().st_mode & stat.S_IROTH)


_uid_counter = itertools.count()


_UIDS_PER_PROCESS = 100


def sandbox_uids() -> range:
    """The uids under which this process's sandboxes run answers (none is a real account).

    Each evaluator process gets its own block, so rlimits that count per uid (process count)
    and checks for stray answer processes never mix two evaluators.
    """
    start = 1_000_000 + (os.getpid() % 100_000) * _UIDS_PER_PROCESS
    return range(start, start + _UIDS_PER_PROCESS)


def _sandbox_uid() -> int:
    """A uid for the next worker: distinct per worker of this process (up to 100 at a time)."""
    uids = sandbox_uids()
    return uids[next(_uid_counter) % len(uids)]


class _WorkerProcess:
    """One warm worker interpreter and its framed pipe protocol."""

    def __init__(self, *, namespaces: bool, workroot: str | None, interpreter_guards: bool):
        self.namespaces = namespaces
        uid = None
        if os.geteuid() == 0 and (namespaces or _world_readable(os.path.dirname(os.__file__))):
            uid = _sandbox_uid()
        config = _worker_config(
            namespaces=namespaces,
            uid=uid,
            workroot=workroot,
            interpreter_guards=interpreter_guards,
        )
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker
        self.process = subprocess.Popen(
            _worker_command(config, namespaces=namespaces),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=_WORKER_ENV,
            cwd="/",
            start_new_session=True,
            close_fds=True,
        )
        self.pid = self.process.pid
        try:
            hello, _ = self._read(time.monotonic() + _STARTUP_SECONDS)
        except _WorkerLost as exc:
            self.kill()
            raise SandboxError(f"sandbox worker failed to start: {exc}: {self._stderr()}") from exc
        if not isinstance(hello, dict) or not hello.get("hello"):
            self.kill()
            raise SandboxError(f"sandbox worker sent an unexpected greeting: {hello!r}")
        self.isolation: dict[str, Any] = hello.get("isolation", {})

    def request(self, header: dict, payload: bytes, timeout: float) -> tuple[Any, memoryview]:
        try:
            _write_all(self.process.stdin.fileno(), pack_frame(header, payload))
        except OSError as exc:
            raise _WorkerLost(f"cannot send to worker: {exc}") from exc
        reply, data = self._read(time.monotonic() + timeout)
        if not isinstance(reply, dict) or not isinstance(reply.get("jobs"), list):
            raise _WorkerLost(f"malformed reply from worker: {reply!r:.200}")
        return reply, data

    def _read(self, deadline: float) -> tuple[Any, memoryview]:
        fd = self.process.stdout.fileno()
        size = int.from_bytes(self._read_exact(fd, 4, deadline), "big")
        try:
            return unpack_frame(self._read_exact(fd, size, deadline))
        except (ValueError, IndexError) as exc:
            raise _WorkerLost(f"undecodable reply from worker: {exc}") from exc

    @staticmethod
    def _read_exact(fd: int, size: int, deadline: float) -> bytes:
        chunks = []
        while size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _WorkerLost("worker did not answer in time")
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                continue
            chunk = os.read(fd, min(size, 1 << 22))
            if not chunk:
                raise _WorkerLost("worker exited")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _stderr(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()[-2000:].decode("utf-8", "replace").strip()

    def kill(self, deadline: float | None = None) -> None:
        """Stop the worker and (via its namespace or process group) everything under it.

        With a ``deadline`` the worker first gets until then to exit on its own after its input
        closes (so its CPU time is accounted to this process); otherwise it is killed at once.
        """
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        if deadline is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.stderr.close()

    def close_input(self) -> None:
        """Ask the worker to exit once it is idle (it stops at end of input)."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _kill_workers(workers: set[_WorkerProcess], grace: float = 1.0) -> None:
    stopping = list(workers)
    workers.clear()
    for worker in stopping:
        worker.close_input()
    deadline = time.monotonic() + grace
    for worker in stopping:
        worker.kill(deadline)


_MAX_WARM = 8  # idle workers kept per kind between Sandbox uses


class _WarmWorkers:
    """Idle workers kept between :class:`Sandbox` uses in this process, by kind (namespaces,
    interpreter guards), and the working root of each kind without namespaces. A sandbox takes
    its workers from here and hands its idle ones back when it closes, so successive sandboxes
    (one per ``duet evaluate`` call, per validation run) start in microseconds instead of a
    worker start each. Everything here is stopped at exit (:func:`shutdown_warm_workers`).

    Workers are safe to reuse: each answer runs in a fresh child, and a worker kills and wipes
    everything of an answer before it takes the next (see :mod:`.sandbox_worker`). A forked
    copy of this process forgets them (their pipes belong to the parent).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[tuple[bool, bool], list[_WorkerProcess]] = {}
        self._roots: dict[tuple[bool, bool], str] = {}

    def workroot(self, kind: tuple[bool, bool]) -> str | None:
        """The directory under which workers of this kind make answers' working directories
        (None with namespaces: there each worker has its own private /tmp)."""
        if kind[0]:
            return None
        with self._lock:
            if kind not in self._roots:
                root = tempfile.mkdtemp(prefix="duet-sandbox-")
                os.chmod(root, 0o711)
                self._roots[kind] = root
            return self._roots[kind]

    def take(self, kind: tuple[bool, bool], count: int) -> list[_WorkerProcess]:
        taken: list[_WorkerProcess] = []
        with self._lock:
            idle = self._idle.get(kind, [])
            while idle and len(taken) < count:
                worker = idle.pop()
                if worker.process.poll() is None:
                    taken.append(worker)
                else:
                    worker.kill()
        return taken

    def give(self, kind: tuple[bool, bool], workers: list[_WorkerProcess]) -> None:
        with self._lock:
            idle = self._idle.setdefault(kind, [])
            keep = [w for w in workers if w.process.poll() is None][: _MAX_WARM - len(idle)]
            idle.extend(keep)
        _kill_workers({w for w in workers if w not in keep})

    def shutdown(self) -> None:
        with self._lock:
            stopping = {worker for idle in self._idle.values() for worker in idle}
            roots = list(self._roots.values())
            self._idle.clear()
            self._roots.clear()
        _kill_workers(stopping)
        for root in roots:
            shutil.rmtree(root, ignore_errors=True)

    def forget(self) -> None:
        self._idle = {}
        self._roots = {}
        self._lock = threading.Lock()


_warm = _WarmWorkers()
atexit.register(_warm.shutdown)
os.register_at_fork(after_in_child=_warm.forget)


def shutdown_warm_workers() -> None:
    """Stop the idle workers that closed sandboxes left for reuse (also done at exit)."""
    _warm.shutdown()


class Sandbox:
    """A pool of isolated, warm Python workers; thread-safe. Use as a context manager.

    ``namespaces`` forces the namespace layer on or off; ``None`` uses it where available
    (found out by starting the workers in namespaces, probing only if that fails).
    ``interpreter_guards=False`` drops the in-interpreter audit hook, leaving only the OS layers
    (namespaces, uid, rlimits): for testing that those layers hold on their own.

    Workers come from, and on :meth:`close` go back to, a pool of idle workers this process
    keeps for reuse (see :class:`_WarmWorkers`).
    """

    def __init__(
        self,
        workers: int = 2,
        limits: SandboxLimits | None = None,
        *,
        namespaces: bool | None = None,
        interpreter_guards: bool = True,
    ) -> None:
        if not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a positive integer, got {workers!r}")
        self.limits = limits or SandboxLimits()
        fallback = False
        if namespaces is None:
            namespaces = fallback = os.geteuid() == 0 and _unshare() is not None
        elif namespaces and not namespaces_available():
            raise SandboxError("namespaces requested but unavailable (needs root and unshare)")
        self._guards = interpreter_guards
        self._size = workers
        self._idle: queue.SimpleQueue[_WorkerProcess] = queue.SimpleQueue()
        self._workers: set[_WorkerProcess] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._starting = 0
        self._executor: ThreadPoolExecutor | None = None
        self._finalizer = weakref.finalize(self, _kill_workers, self._workers)
        try:
            try:
                started = self._fill(namespaces)
            except SandboxError:
                if not fallback or namespaces_available():
                    raise
                _kill_workers(self._workers)
                started = self._fill(False)  # no namespaces here after all
        except BaseException:
            self.close()
            raise
        for worker in started:
            self._idle.put(worker)
        self.isolation: dict[str, Any] = dict(started[0].isolation)

    def _fill(self, namespaces: bool) -> list[_WorkerProcess]:
        """This sandbox's workers: idle ones of its kind, then as many new ones as needed."""
        self._namespaces = namespaces
        self._kind = (namespaces, self._guards)
        self._workroot = _warm.workroot(self._kind)
        taken = _warm.take(self._kind, self._size)
        with self._lock:
            self._workers.update(taken)
        missing = self._size - len(taken)
        if not missing:
            return taken
        with ThreadPoolExecutor(missing) as pool:
            return taken + list(pool.map(lambda _: self._start_worker(), range(missing)))

    # -- pool management ---------------------------------------------------------------------

    def _start_worker(self) -> _WorkerProcess:
        worker = _WorkerProcess(
            namespaces=self._namespaces,
            workroot=self._workroot,
            interpreter_guards=self._guards,
        )
        with self._lock:
            if self._closed:
                worker.kill()
                raise SandboxError("sandbox is closed")
            self._workers.add(worker)
        return worker

    def _retire(self, worker: _WorkerProcess) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.kill()

    def worker_pids(self) -> list[int]:
        """Host process ids of the live workers (for health checks and tests)."""
        with self._lock:
            return sorted(worker.pid for worker in self._workers)

    # -- evaluation --------------------------------------------------------------------------

    def run_calls(self, code: str, calls: Mapping[str, str]) -> dict[str, CallResult]:
        """Execute ``code``, then evaluate each call expression; results keyed like ``calls``."""
        return self._run_batch([_checked_job(code, calls)])[0]

    def run_many(
        self, jobs: Iterable[tuple[str, Mapping[str, str]]]
    ) -> list[dict[str, CallResult]]:
        """:meth:`run_calls` for many ``(code, calls)`` pairs, keeping every worker busy.

        Jobs travel to the workers in small batches (each job still gets its own fresh
        process), which saves two process hand-offs per job on a busy machine.
        """
        checked = [_checked_job(code, calls) for code, calls in jobs]
        if not checked:
            return []
        size = max(1, min(_MAX_BATCH, math.ceil(len(checked) / (4 * self._size))))
        batches = [checked[i : i + size] for i in range(0, len(checked), size)]
        executor = self._pool()
        return [result for batch in executor.map(self._run_batch, batches) for result in batch]

    def _run_batch(self, jobs: list[tuple[str, dict[str, str]]]) -> list[dict[str, CallResult]]:
        """Run jobs on one worker (each in its own fresh process)."""
        prepared = [prepare_job(code, list(calls.values())) for code, calls in jobs]
        outcomes = self._send(prepared, retries=1)
        results = []
        for (_, calls), job, outcome in zip(jobs, prepared, outcomes, strict=True):
            names = list(calls)
            decided = {
                names[i]: CallResult(False, None, message, error_type)
                for i, (error_type, message) in job.decided.items()
            }
            ran = dict(zip((names[i] for i in job.sent), outcome, strict=True))
            results.append({name: decided.get(name) or ran[name] for name in names})
        return results

    def _send(self, jobs: list[PreparedJob], retries: int) -> list[list[CallResult]]:
        """Results of the prepared jobs' calls, in order. If the worker is lost, each job is
        retried alone on another worker (``retries`` times), so a worker killed from outside
        costs no results."""
        todo = [i for i, job in enumerate(jobs) if job.blob is not None]
        results: list[list[CallResult]] = [[] for _ in jobs]
        if not todo:
            return results
        header = {
            "limits": asdict(self.limits),
            "jobs": [[len(jobs[i].blob or b""), len(jobs[i].sent)] for i in todo],
        }
        payload = b"".join(jobs[i].blob or b"" for i in todo)
        per_job = self.limits.total_wall_seconds + self.limits.wall_seconds
        worker = self._checkout()
        try:
            reply, data = worker.request(header, payload, per_job * len(todo) + 10.0)
            replies = _job_results(reply, data, [len(jobs[i].sent) for i in todo])
        except _WorkerLost as exc:
            self._retire(worker)
            self._replenish()
            if len(todo) > 1 or retries > 0:
                for i in todo:
                    results[i] = self._send([jobs[i]], retries - (len(todo) == 1))[0]
                return results
            lost = _lost(exc)
            replies = [[lost] * len(jobs[todo[0]].sent)]
        else:
            self._idle.put(worker)
        for i, outcome in zip(todo, replies, strict=True):
            results[i] = outcome
        return results

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._closed:
                raise SandboxError("sandbox is closed")
            if self._executor is None:
                # Twice as many threads as workers: one batch is compiled while each worker
                # runs another, so no worker waits for the evaluator.
                threads = 2 * self._size
                self._executor = ThreadPoolExecutor(threads, thread_name_prefix="sandbox")
            return self._executor

    def _checkout(self) -> _WorkerProcess:
        while True:
            if self._closed:
                raise SandboxError("sandbox is closed")
            try:
                worker = self._idle.get(timeout=0.5)
            except queue.Empty:
                self._replenish()  # heals a pool that lost workers it could not replace
                continue
            if worker.process.poll() is None:
                return worker
            self._retire(worker)  # died while idle (killed from outside): replace it
            self._replenish()

    def _replenish(self) -> None:
        """Start workers until the pool is full again (each slot is reserved under the lock)."""
        while True:
            with self._lock:
                if self._closed or len(self._workers) + self._starting >= self._size:
                    return
                self._starting += 1
            try:
                worker = self._start_worker()
            finally:
                with self._lock:
                    self._starting -= 1
            self._idle.put(worker)

    def close(self) -> None:
        """Refuse further work; hand idle workers back for reuse and stop the rest (any still
        running an answer for another thread) with everything under them. Idempotent."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        idle = []
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            with self._lock:
                if worker in self._workers:
                    self._workers.discard(worker)
                    idle.append(worker)
        if idle:
            _warm.give(self._kind, idle)
        self._finalizer()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _checked_job(code: Any, calls: Any) -> tuple[str, dict[str, str]]:
    if not isinstance(code, str):
        raise TypeError(f"code must be a string, got {type(code).__name__}")
    if not isinstance(calls, Mapping) or not all(
        isinstance(name, str) and isinstance(call, str) for name, call in calls.items()
    ):
        raise TypeError("calls must map test names (str) to call expressions (str)")
    return code, dict(calls)


def _lost(exc: Exception) -> CallResult:
    return CallResult(False, None, f"{SANDBOX_ERROR}: worker lost ({exc})", SANDBOX_ERROR)


def _job_results(reply: dict, data: memoryview, sizes: list[int]) -> list[list[CallResult]]:
    """Each job's results from a worker's reply: its header names, per call, a failure the
    worker assigned or the length of the child's encoded result, which ``data`` holds in order.
    """
    jobs = reply["jobs"]
    if len(jobs) != len(sizes) or any(
        not isinstance(items, list) or len(items) != size
        for items, size in zip(jobs, sizes, strict=True)
    ):
        raise _WorkerLost("the worker's reply does not match the request")
    position = 0
    results = []
    for items in jobs:
        outcome = []
        for item in items:
            if isinstance(item, dict):
                outcome.append(_worker_failure(item))
                continue
            if not isinstance(item, int) or item < 0 or position + item > len(data):
                raise _WorkerLost("the worker's reply is truncated")
            outcome.append(_child_result(bytes(data[position : position + item])))
            position += item
        results.append(outcome)
    return results


def _worker_failure(item: dict) -> CallResult:
    error_type = str(item.get("type") or "Error")
    return CallResult(False, None, str(item.get("error") or error_type), error_type)


def _child_result(entry: bytes) -> CallResult:
    """One result as the child encoded it: ``v`` + an encoded value, or ``e`` + ``[type,
    message]``. The child is untrusted: anything else is a crash of that call."""
    try:
        if entry[:1] == b"v":
            return CallResult(True, decode(entry[1:]))
        if entry[:1] == b"e":
            error_type, message = json.loads(entry[1:])
            if isinstance(error_type, str) and isinstance(message, str):
                return CallResult(False, None, message, error_type)
    except MalformedResult as exc:
        return CallResult(False, None, f"Crash: the answer's result is malformed ({exc})", "Crash")
    except (ValueError, TypeError):
        pass
    return CallResult(False, None, "Crash: the answer's result is malformed", "Crash")
