"""The inside of the sandbox: a warm worker process that evaluates each answer in a fresh child.

This file runs as a script under an isolated interpreter (``python -s -S -P -B``, scrubbed
environment), normally as process 1 of its own network, PID, IPC and mount namespaces
(``unshare --net --pid --ipc --mount``). It is stdlib-only and imports nothing from Duet (it
cannot: the project directory is hidden from it); it can also be imported normally, for
:func:`to_plain` and tests. In namespace mode it first checks that it really is process 1 of
namespaces other than the evaluator's (sent in its config) and refuses to mount, wipe or kill
anything otherwise (:func:`check_fresh_namespaces`): run on the host by mistake, its tmpfs over
``/dev/shm`` would hide PostgreSQL's shared memory.

Per answer the worker forks a child that

* runs in a new, empty working directory, with rlimits on address space, file size, process
  count, open files and total CPU, and (when the worker is root) under an unprivileged uid;
* installs an audit hook that refuses sockets, ``ctypes``, new processes, writes outside the
  working directory and other processes' ``/proc`` entries (a second layer: the namespaces, the
  uid and the rlimits are the boundary);
* executes the answer's module code, then each call expression under per-call wall and CPU
  timers, converts every result to plain JSON data *inside* the child and streams one JSON line
  per call back through a pipe.

The worker watches the pipe: a call that outlives its wall budget, a crash or an ``os._exit``
costs that call only — the remaining calls run again in a fresh child. After every answer the
worker kills everything left in its PID namespace and wipes the private temporary directories, so
no state leaks from one answer to the next.

Wire protocol with the evaluator (stdin/stdout of this process): frames of a 4-byte big-endian
length followed by UTF-8 JSON. The worker first sends ``{"hello": ...}``; then for each request
``{"batch": [{"code", "calls": [[name, expression], ...]}, ...], "limits": {...}}`` it answers
``{"batch": [{"results": [{"ok", "value"?, "error"?, "type"?}, ...]}, ...]}``, one entry per
job and one result per call, in order; every job runs in its own fresh child.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import json
import math
import os
import resource
import select
import signal
import struct
import sys
import time

# Bound here: answers may patch the builtins module, but not these module globals.
from builtins import (  # noqa: UP029
    BaseException,
    all,
    any,
    bool,
    bytes,
    dict,
    float,
    hex,
    id,
    int,
    isinstance,
    len,
    list,
    min,
    next,
    range,
    repr,
    set,
    sorted,
    str,
    tuple,
    type,
)
from typing import Any

# Modules most answers use, imported once here so that forked children start warm.
PRELOAD = (
    "abc",
    "bisect",
    "calendar",
    "collections",
    "copy",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "fractions",
    "functools",
    "heapq",
    "itertools",
    "math",
    "operator",
    "random",
    "statistics",
    "string",
    "textwrap",
    "typing",
)

# Error types the sandbox itself assigns (as opposed to exceptions raised by the code).
LIMIT_TYPES = frozenset(
    {"Timeout", "CPUTimeLimit", "Crash", "Exit", "OutputTooLarge", "Unconvertible", "BadCall"}
)

_MAX_ERROR_CHARS = 500
_MAX_REPR_CHARS = 10_000
_MAX_NODES = 1_000_000
# World-writable directories left visible get a private tmpfs (/var/tmp and /run/lock disappear
# with /var and /run, which are hidden).
_WRITABLE_DIRS = ("/tmp", "/dev/shm")
# Top-level entries that stay visible inside the mount namespace; everything else is hidden.
_VISIBLE_TOP = frozenset({"bin", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "sbin"})
_VISIBLE_TOP |= {"tmp", "usr"}


# --------------------------------------------------------------------------------------------
# Plain-data conversion (runs inside the child; the evaluator compares the result as data)
# --------------------------------------------------------------------------------------------


class Unconvertible(ValueError):
    """A value that cannot be represented as plain data (identity-based, cyclic)."""


class ResultTooLarge(Unconvertible):
    """A value whose plain form would exceed the size budget."""


def to_plain(value: Any, max_size: int = _MAX_NODES) -> Any:
    """Convert ``value`` to JSON-like data: None/bool/int/float/str/list/dict-with-str-keys.

    Tuples become lists. Values JSON cannot hold unambiguously become tagged dicts
    ``{"__type__": ...}``: sets (items sorted canonically), dicts with non-str keys (or a
    ``__type__`` key), bytes, complex, non-finite floats, huge ints, and other objects with a
    meaningful ``repr``. Objects whose only description is their identity (a default ``repr`` with
    an address) raise :class:`Unconvertible`, so an object that claims equality with everything
    has nothing to compare with. Built-in subclasses are reduced to their base value, so a
    subclass's ``__eq__`` never takes part.

    ``max_size`` bounds the work: every node costs 1 plus the length of its strings, and a value
    over budget raises :class:`ResultTooLarge` before it is built.
    """
    budget = [max_size]
    return _plain(value, budget, set())


def _plain(value: Any, budget: list[int], active: set[int]) -> Any:
    kind = type(value)
    budget[0] -= len(value) + 1 if kind is str else 1
    if budget[0] < 0:
        raise ResultTooLarge("result is too large")
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return _plain_int(value)
    if kind is float:
        return _plain_float(value)
    if isinstance(value, bool):  # pragma: no cover - bool cannot be subclassed
        return bool(value)
    if isinstance(value, int):
        return _plain_int(int.__int__(value))
    if isinstance(value, float):
        return _plain_float(float.__float__(value))
    if isinstance(value, (str, bytes, bytearray)):
        budget[0] -= len(value) * (1 if isinstance(value, str) else 2)
        if budget[0] < 0:
            raise ResultTooLarge("result is too large")
        if isinstance(value, str):
            return str.__str__(value)
        return {"__type__": "bytes", "hex": bytes(value).hex()}
    if isinstance(value, complex):
        return {"__type__": "complex", "real": complex.real.__get__(value), "imag": value.imag}
    marker = id(value)
    if marker in active:
        raise Unconvertible("result contains itself (a cycle)")
    active.add(marker)
    try:
        if isinstance(value, (list, tuple)):
            items = list.__iter__(value) if isinstance(value, list) else tuple.__iter__(value)
            return [_plain(item, budget, active) for item in items]
        if isinstance(value, dict):
            return _plain_dict(value, budget, active)
        if isinstance(value, (set, frozenset)):
            items = [_plain(item, budget, active) for item in value]
            return {"__type__": "set", "items": sorted(items, key=_canonical)}
    finally:
        active.discard(marker)
    return _plain_repr(value)


def _plain_int(value: int) -> Any:
    if value.bit_length() > 13_000:  # beyond ~4000 decimal digits JSON's str() refuses
        return {"__type__": "int", "hex": hex(value)}
    return value


def _plain_float(value: float) -> Any:
    if math.isfinite(value):
        return value
    return {"__type__": "float", "value": repr(value)}


def _plain_dict(value: dict, budget: list[int], active: set[int]) -> Any:
    pairs = [
        (_plain(key, budget, active), _plain(item, budget, active))
        for key, item in dict.items(value)
    ]
    if all(type(key) is str for key, _ in pairs) and not any(k == "__type__" for k, _ in pairs):
        return dict(pairs)
    items = sorted(([key, item] for key, item in pairs), key=lambda pair: _canonical(pair[0]))
    return {"__type__": "dict", "items": items}


def _plain_repr(value: Any) -> Any:
    kind = type(value)
    text = repr(value)
    if not isinstance(text, str):
        raise Unconvertible(f"repr of {kind.__qualname__} is not a string")
    if " at 0x" in text:  # a default repr: the object's identity, not its value
        raise Unconvertible(f"{kind.__qualname__} has no value beyond its identity: {text[:80]}")
    if len(text) > _MAX_REPR_CHARS:
        raise Unconvertible(f"repr of {kind.__qualname__} is longer than {_MAX_REPR_CHARS}")
    return {"__type__": "repr", "class": kind.__qualname__, "repr": text}


def _refuse(value: Any) -> Any:
    raise TypeError(f"not plain data: {type(value).__qualname__}")


def _c_encoder(sort_keys: bool):
    """json's C encoder, called directly: json.dumps's Python wrapper consults builtins (such as
    ``isinstance``) that an answer may have patched, the C encoder does not."""
    from _json import encode_basestring_ascii, make_encoder

    encode = make_encoder(
        None, _refuse, encode_basestring_ascii, None, ": ", ", ", sort_keys, False, False
    )
    return lambda value: "".join(encode(value, 0))


dumps = _c_encoder(sort_keys=False)
_canonical = _c_encoder(sort_keys=True)


# --------------------------------------------------------------------------------------------
# Framing
# --------------------------------------------------------------------------------------------


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_exact(fd: int, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = os.read(fd, size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def send_frame(fd: int, message: Any) -> None:
    body = json.dumps(message).encode("ascii")  # \u escapes carry even lone surrogates
    write_all(fd, struct.pack(">I", len(body)) + body)


def recv_frame(fd: int) -> Any | None:
    header = read_exact(fd, 4)
    if header is None:
        return None
    body = read_exact(fd, struct.unpack(">I", header)[0])
    return None if body is None else json.loads(body)


# --------------------------------------------------------------------------------------------
# The child: one answer, fresh process
# --------------------------------------------------------------------------------------------


class _LimitExceeded(BaseException):
    """Raised by the per-call timers; a BaseException so ``except Exception`` cannot swallow it."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def _describe(exc: BaseException) -> str:
    name = type(exc).__name__
    try:
        detail = str(exc)
    except BaseException:
        detail = "<unprintable>"
    text = f"{name}: {detail}" if detail else name
    return text[:_MAX_ERROR_CHARS]


def _failure(kind: str, message: str) -> dict[str, Any]:
    return {"ok": False, "type": kind, "error": message[:_MAX_ERROR_CHARS]}


_BLOCKED_EVENTS = {
    "socket.__new__": "network access is disabled in the sandbox",
    "socket.getaddrinfo": "network access is disabled in the sandbox",
    "socket.gethostbyname": "network access is disabled in the sandbox",
    "os.fork": "starting processes is disabled in the sandbox",
    "os.forkpty": "starting processes is disabled in the sandbox",
    "os.exec": "starting processes is disabled in the sandbox",
    "os.posix_spawn": "starting processes is disabled in the sandbox",
    "os.spawn": "starting processes is disabled in the sandbox",
    "os.system": "starting processes is disabled in the sandbox",
    "subprocess.Popen": "starting processes is disabled in the sandbox",
    "os.symlink": "symbolic links are disabled in the sandbox",
    "os.link": "hard links are disabled in the sandbox",
}
_BLOCKED_MODULES = frozenset({"ctypes", "_ctypes", "cffi", "_cffi_backend", "_posixsubprocess"})
_PATH_EVENTS = {
    "os.chmod": 0,
    "os.chown": 0,
    "os.mkdir": 0,
    "os.remove": 0,
    "os.rename": 1,
    "os.rmdir": 0,
    "os.truncate": 0,
    "os.utime": 0,
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _make_audit_hook(workdir: str):
    """An audit hook that refuses what the OS layers also refuse, with a clear Python error."""
    prefix = workdir.rstrip("/") + "/"
    join, normpath, fsdecode = os.path.join, os.path.normpath, os.fsdecode

    def inside(path: Any) -> bool:
        if isinstance(path, int):
            return True
        full = normpath(join(workdir, fsdecode(path)))
        return full == workdir or full.startswith(prefix)

    def other_process(path: Any) -> bool:
        full = normpath(join(workdir, fsdecode(path)))
        return full.startswith("/proc/") and not full.startswith(
            ("/proc/self/", "/proc/thread-self/")
        )

    def hook(event: str, args: tuple) -> None:
        reason = _BLOCKED_EVENTS.get(event)
        if reason is not None:
            raise PermissionError(reason)
        if event == "import":
            if args[0].partition(".")[0] in _BLOCKED_MODULES:
                raise ImportError(f"module {args[0]!r} is not available in the sandbox")
        elif event.startswith("ctypes."):
            raise PermissionError("ctypes is not available in the sandbox")
        elif event == "open":
            path, mode, flags = args
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                mode is None and isinstance(flags, int) and flags & _WRITE_FLAGS
            )
            if writing and path is not None and not inside(path):
                raise PermissionError(f"writing outside the working directory: {path!r}")
            if isinstance(path, (str, bytes)) and other_process(path):
                raise PermissionError("reading other processes' /proc entries is refused")
        elif event in _PATH_EVENTS:
            targets = (args[0],) if event != "os.rename" else (args[0], args[1])
            if not all(inside(target) for target in targets):
                raise PermissionError(f"{event} outside the working directory is refused")

    return hook


_timer_limits: list[float] = [0.0, 0.0]  # (wall, CPU) seconds per call, set in each child


def _on_alarm(signum: int, frame: Any) -> None:
    raise _LimitExceeded("Timeout", f"exceeded the {_timer_limits[0]:g} s wall-time limit")


def _on_cpu(signum: int, frame: Any) -> None:
    raise _LimitExceeded("CPUTimeLimit", f"exceeded the {_timer_limits[1]:g} s CPU-time limit")


def prepare_worker_process() -> None:
    """What every child needs and can inherit, done once in the worker instead of per fork (each
    page a child writes is copied for it, so the less it does the cheaper it is): an empty
    environment and the per-call timer handlers (the worker itself never arms the timers)."""
    os.environ.clear()
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGPROF, _on_cpu)


def _child_main(code: str, calls: list[list[str]], first: int, limits: dict, setup: dict) -> None:
    """Everything the forked child does. Never returns: the caller ``os._exit``s."""
    result_fd = setup["result_fd"]
    os.setsid()
    os.chdir(setup["workdir"])
    for target in (0, 1, 2):
        os.dup2(setup["devnull"], target)
    os.dup2(result_fd, 3)
    os.closerange(4, os.sysconf("SC_OPEN_MAX"))  # the worker's protocol pipes among them
    result_fd = 3
    n_calls = len(calls) - first
    cpu = float(limits["cpu_seconds"])
    hard_cpu = math.ceil(cpu * (n_calls + 1)) + 1
    for name, value in (
        (resource.RLIMIT_CPU, hard_cpu),
        (resource.RLIMIT_AS, int(limits["memory_bytes"])),
        (resource.RLIMIT_FSIZE, int(limits["file_size_bytes"])),
        (resource.RLIMIT_NPROC, int(limits["max_processes"])),
        (resource.RLIMIT_NOFILE, 256),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(name, (value, value))
    uid = setup.get("uid")
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    if os.environ:  # the worker cleared it before forking (see prepare_worker_process)
        os.environ.clear()
    if setup["guards"]:
        sys.addaudithook(_make_audit_hook(setup["workdir"]))

    wall = float(limits["wall_seconds"])
    max_output = int(limits["max_output_bytes"])
    setitimer, ITIMER_REAL, ITIMER_PROF = signal.setitimer, signal.ITIMER_REAL, signal.ITIMER_PROF
    _timer_limits[:] = [wall, cpu]  # for the handlers the worker installed before forking

    def guarded(action):
        """Run ``action`` under the per-call timers; returns (outcome dict, payload)."""
        try:
            try:
                setitimer(ITIMER_REAL, wall)
                setitimer(ITIMER_PROF, cpu)
                return action()
            finally:
                setitimer(ITIMER_REAL, 0)
                setitimer(ITIMER_PROF, 0)
        except _LimitExceeded as exc:
            return _failure(exc.kind, exc.message), None
        except ResultTooLarge:
            message = f"result is over the {max_output} byte limit"
            return _failure("OutputTooLarge", message), None
        except Unconvertible as exc:
            return _failure("Unconvertible", f"Unconvertible: {exc}"), None
        except BaseException as exc:
            return _failure(type(exc).__name__, _describe(exc)), None

    def emit(line: str) -> None:
        write_all(result_fd, line.encode("ascii", "backslashreplace") + b"\n")

    namespace: dict[str, Any] = {"__name__": "answer", "__builtins__": __builtins__}

    def define():
        exec(compile(code, "<answer>", "exec"), namespace)
        return None, None

    failure, _ = guarded(define)
    if failure is not None:
        emit(dumps({"fatal": True, **failure}))
        return
    emit('{"ready": true}')

    for index in range(first, len(calls)):
        expression = calls[index][1]
        try:
            compiled = compile(expression, "<call>", "eval")
        except BaseException as exc:
            emit(dumps({"i": index, **_failure("BadCall", _describe(exc))}))
            continue

        def call(compiled=compiled):
            text = dumps(to_plain(eval(compiled, namespace), max_output))
            return None, text

        failure, text = guarded(call)
        if failure is not None:
            emit(dumps({"i": index, **failure}))
        elif len(text) > max_output:
            message = f"result is {len(text)} bytes of JSON, over the {max_output} byte limit"
            emit(dumps({"i": index, **_failure("OutputTooLarge", message)}))
        else:
            emit(f'{{"i": {index}, "ok": true, "value": {text}}}')


# --------------------------------------------------------------------------------------------
# The worker: supervises one child at a time
# --------------------------------------------------------------------------------------------


class Worker:
    def __init__(self, config: dict):
        self.uid = config.get("uid")
        self.pid_namespace = bool(config.get("namespaces"))
        if self.pid_namespace:
            # kill(-1) and emptying /tmp and /dev/shm are only safe inside the namespaces.
            check_fresh_namespaces(config.get("parent"))
        self.workroot = "/tmp" if self.pid_namespace else config["workroot"]
        self.guards = bool(config.get("interpreter_guards", True))
        self.counter = 0
        self.devnull = os.open(os.devnull, os.O_RDWR)  # the children's stdin/stdout/stderr

    # -- one answer --------------------------------------------------------------------------

    def evaluate(self, request: dict) -> dict:
        code, calls, limits = request["code"], request["calls"], request["limits"]
        results: list[dict | None] = [None] * len(calls)
        deadline = time.monotonic() + float(limits["total_wall_seconds"])
        first = 0
        while True:
            fatal, death, ready = self._run_child(code, calls, first, limits, results, deadline)
            pending = [i for i in range(first, len(calls)) if results[i] is None]
            if not pending:
                break
            death = death or _failure("Crash", "the answer's process ended early")
            if fatal is not None or not ready:
                # The module itself failed: every remaining call fails alike, no retry.
                for i in pending:
                    results[i] = fatal or death
                break
            current = pending[0]
            results[current] = death
            if time.monotonic() >= deadline:
                message = "the answer exceeded its total time budget"
                for i in pending[1:]:
                    results[i] = _failure("Timeout", message)
                break
            first = current + 1
            if first >= len(calls):
                break
        return {"results": results}

    def _run_child(self, code, calls, first, limits, results, deadline):
        """Run one child from call ``first``; returns (fatal failure, death failure, ready)."""
        self.counter += 1
        workdir = os.path.join(self.workroot, f"answer-{self.counter}")
        os.mkdir(workdir, 0o700)
        if self.uid is not None:
            os.chown(workdir, self.uid, self.uid)
        read_fd, write_fd = os.pipe()
        setup = {
            "result_fd": write_fd,
            "devnull": self.devnull,
            "workdir": workdir,
            "uid": self.uid,
            "guards": self.guards,
        }
        pid = os.fork()
        if pid == 0:  # the child
            status = 0
            try:
                os.close(read_fd)
                _child_main(code, calls, first, limits, setup)
            except BaseException:
                status = 70
            finally:
                os._exit(status)
        os.close(write_fd)
        try:
            return self._supervise(pid, read_fd, limits, results, deadline)
        finally:
            os.close(read_fd)
            self._clean_up(pid, workdir)

    def _supervise(self, pid, read_fd, limits, results, deadline):
        """Wait for the child to exit, collecting its result lines; kill it at a deadline.

        The worker sleeps on the child's pidfd rather than on the result pipe, so an answer costs
        one wake-up however many calls it has (this machine's cores are shared and every context
        switch is paid for). The pipe is drained whenever the worker wakes; a deadline passes
        only if no call finished since the last check.
        """
        wall = float(limits["wall_seconds"])
        grace = 0.5 + 0.25 * wall
        channel = _ResultChannel(read_fd, results, int(limits["max_output_bytes"]) + 4096)
        pidfd = os.pidfd_open(pid)
        try:
            step_deadline = time.monotonic() + wall + grace
            killed_for = None
            while True:
                limit_at = min(step_deadline, deadline)
                exited = select.select([pidfd], [], [], max(0.0, limit_at - time.monotonic()))[0]
                if channel.drain():
                    step_deadline = time.monotonic() + wall + grace
                killed_for = channel.violation
                if exited or killed_for:
                    break
                if time.monotonic() >= min(step_deadline, deadline):
                    killed_for = "Timeout"
                    break
        finally:
            os.close(pidfd)
        if killed_for is not None:
            self._kill_all(pid)
        _, status = os.waitpid(pid, 0)
        if killed_for == "Timeout":
            death = _failure("Timeout", f"exceeded the {wall:g} s wall-time limit")
        elif killed_for == "OutputTooLarge":
            death = _failure("OutputTooLarge", "the answer wrote an oversized result")
        elif killed_for == "Crash":
            death = _failure("Crash", "the answer corrupted its result channel")
        else:
            death = _death_reason(status)
        return channel.fatal, death, channel.ready

    def _kill_all(self, pid: int) -> None:
        if self.pid_namespace:
            _kill_namespace()
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)

    def _clean_up(self, pid: int, workdir: str) -> None:
        """Kill whatever the answer left running and delete every file it could have written."""
        if self.pid_namespace:
            _kill_namespace()
            _reap_all()
            for directory in _WRITABLE_DIRS:
                _empty_directory(directory)
        else:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            _remove_tree(workdir)


class _ResultChannel:
    """The read end of a child's result pipe: one JSON object per line."""

    def __init__(self, fd: int, results: list, max_line: int):
        self.fd = fd
        self.results = results
        self.max_line = max_line
        self.buffer = b""
        self.fatal: dict | None = None
        self.ready = False
        self.violation: str | None = None
        os.set_blocking(fd, False)
        with contextlib.suppress(OSError):  # room for every result, so the child never waits
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)

    def drain(self) -> bool:
        """Read what is there without blocking; True if at least one line arrived."""
        progressed = False
        while self.violation is None:
            try:
                chunk = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                break
            if not chunk:
                break
            self.buffer += chunk
            while b"\n" in self.buffer:
                line, _, self.buffer = self.buffer.partition(b"\n")
                progressed = True
                self._accept(line)
            if len(self.buffer) > self.max_line:
                self.violation = "OutputTooLarge"
        return progressed

    def _accept(self, line: bytes) -> None:
        message = _parse_line(line)
        if message is None:
            self.violation = "Crash"
        elif message.pop("ready", False):
            self.ready = True
        elif message.pop("fatal", False):
            self.fatal = message
        elif "i" in message:
            index = message.pop("i")
            if isinstance(index, int) and 0 <= index < len(self.results):
                self.results[index] = message


def _parse_line(line: bytes) -> dict | None:
    try:
        message = json.loads(line)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


def _death_reason(status: int) -> dict:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            reason = "CPU-time limit or out of memory"
            return _failure("CPUTimeLimit", f"killed by {signal.strsignal(sig)} ({reason})")
        if sig == signal.SIGSEGV:
            return _failure("Crash", "the answer crashed (segmentation fault; deep recursion?)")
        return _failure("Crash", f"the answer's process died: {signal.strsignal(sig)}")
    code = os.WEXITSTATUS(status)
    if code == 0:
        return _failure("Exit", "the answer ended its own process (status 0)")
    return _failure("Exit", f"the answer ended its own process (status {code})")


def _kill_namespace() -> None:
    """As process 1 of the PID namespace, SIGKILL every other process in it."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(-1, signal.SIGKILL)


def _reap_all() -> None:
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:  # pragma: no cover - retried
            continue
        _kill_namespace()  # anything forked while we were killing


def _empty_directory(directory: str) -> None:
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _remove_tree(entry.path)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)


def _remove_tree(path: str) -> None:
    try:
        os.rmdir(path)
        return
    except FileNotFoundError:
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.EPERM, errno.EACCES):
            raise
    import shutil

    for root, dirs, _ in os.walk(path):  # the answer may have removed permissions
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o700)
    shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Namespace set-up (worker start, as root in fresh mount/PID/network namespaces)
# --------------------------------------------------------------------------------------------


def _run_tool(*argv: str) -> None:
    """Run a system tool (mount, umount) and wait; raise with its exit status if it fails."""
    path = next(
        (f"{d}/{argv[0]}" for d in ("/usr/bin", "/bin", "/usr/sbin", "/sbin")
         if os.path.exists(f"{d}/{argv[0]}")),
        argv[0],
    )  # fmt: skip
    pid = os.posix_spawn(path, list(argv), {"PATH": "/usr/bin:/bin"})
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise OSError(f"{' '.join(argv)} failed with status {os.waitstatus_to_exitcode(status)}")


def _mount(*args: str) -> None:
    _run_tool("mount", *args)


NAMESPACE_KINDS = ("mnt", "pid", "net", "ipc")


class NotIsolated(RuntimeError):
    """The worker is not in the fresh namespaces it needs; it refuses to touch mounts or kill."""


def current_namespaces() -> dict[str, str]:
    """This process's namespaces, as the kernel names them (``mnt:[4026531832]``)."""
    return {kind: os.readlink(f"/proc/self/ns/{kind}") for kind in NAMESPACE_KINDS}


def check_fresh_namespaces(parent: Any) -> None:
    """Raise :class:`NotIsolated` unless this process is process 1 of a fresh PID namespace and
    every namespace in ``NAMESPACE_KINDS`` differs from the ``parent``'s (the evaluator's, sent in
    the worker's config).

    The worker mounts tmpfs over ``/tmp`` and ``/dev/shm``, empties them after every answer and
    ``kill(-1)``s its PID namespace: on the host those would hide or delete other programs'
    shared memory (PostgreSQL's segments) and kill every process. So it fails closed: without the
    parent's namespaces to compare with, it refuses too.
    """
    if not isinstance(parent, dict) or not all(
        isinstance(parent.get(kind), str) and parent.get(kind) for kind in NAMESPACE_KINDS
    ):
        raise NotIsolated("the evaluator's namespaces were not given; refusing to set up mounts")
    if os.getpid() != 1:
        raise NotIsolated(f"not process 1 of a fresh PID namespace (pid {os.getpid()})")
    mine = current_namespaces()
    shared = [kind for kind in NAMESPACE_KINDS if mine[kind] == parent[kind]]
    if shared:
        raise NotIsolated(f"still in the evaluator's {'/'.join(shared)} namespace")


def shared_mounts() -> list[str]:
    """Mount points of this namespace that propagate mount events to a peer group (a mount made
    under one of them would appear in the peer namespaces too, the host's among them)."""
    points = []
    with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as table:
        for line in table:
            fields = line.split()
            optional = fields[6 : fields.index("-")]
            if any(tag.startswith("shared:") for tag in optional):
                points.append(fields[4])
    return points


def setup_mounts(tmpfs_bytes: int, parent_namespaces: Any) -> dict:
    """Private tmpfs for every world-writable directory; hide every top-level directory the
    interpreter does not need (project files, data, home directories, sockets under /run).

    Refuses (:class:`NotIsolated`, before mounting anything) unless this process is in fresh
    namespaces (:func:`check_fresh_namespaces`), and after making every mount private, unless
    none still propagates to another namespace.
    """
    check_fresh_namespaces(parent_namespaces)
    _mount("--make-rprivate", "/")
    leaking = shared_mounts()
    if leaking:
        raise NotIsolated(f"mounts still propagate to other namespaces: {leaking[:5]}")
    for directory in _WRITABLE_DIRS:
        if os.path.isdir(directory) and not os.path.islink(directory):
            _mount("-t", "tmpfs", "-o", f"size={tmpfs_bytes},mode=1777,nosuid,nodev", "tmpfs",
                   directory)  # fmt: skip
    needed = [p for p in sys.path if p and os.path.isdir(p)]
    hidden, hidden_files = [], []
    for entry in sorted(os.listdir("/")):
        path = "/" + entry
        if entry in _VISIBLE_TOP or os.path.islink(path):
            continue
        if os.path.isdir(path):
            hidden.append(path)
        elif os.path.isfile(path):
            hidden_files.append(path)
    staged = []
    for index, path in enumerate(needed):
        if any(path == top or path.startswith(top + "/") for top in hidden):
            stage = f"/tmp/.stage-{index}"
            os.mkdir(stage)
            _mount("--bind", path, stage)
            staged.append((stage, path))
    for top in hidden:
        _mount("-t", "tmpfs", "-o", "size=1m,mode=755,nosuid,nodev", "tmpfs", top)
    for stage, path in staged:
        os.makedirs(path, exist_ok=True)
        _mount("--bind", stage, path)
        _mount("-o", "remount,bind,ro", path)
        _run_tool("umount", stage)
        os.rmdir(stage)
    for top in hidden:
        _mount("-o", "remount,ro", top)
    for path in hidden_files:
        _mount("--bind", os.devnull, path)
    return {"hidden": hidden + hidden_files, "private_tmp": list(_WRITABLE_DIRS)}


def main() -> int:
    config = json.loads(sys.argv[1])
    proto_in, proto_out = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    isolation: dict[str, Any] = {
        "namespaces": bool(config.get("namespaces")),
        "interpreter_guards": bool(config.get("interpreter_guards", True)),
    }
    if config.get("namespaces"):
        try:
            mounts = setup_mounts(int(config.get("tmpfs_bytes", 64 << 20)), config.get("parent"))
        except NotIsolated as exc:
            print(f"sandbox worker refuses to start: {exc}", file=sys.stderr)
            return 3
        isolation["mounts"] = mounts
        if config.get("probe"):
            return 0
    isolation["uid"] = config.get("uid")  # None: answers run under the evaluator's own uid
    for name in PRELOAD:
        __import__(name)
    prepare_worker_process()
    worker = Worker(config)
    gc.collect()
    gc.freeze()  # keep the warm heap out of the children's collections (fewer copied pages)
    send_frame(proto_out, {"hello": True, "isolation": isolation})
    while True:
        request = recv_frame(proto_in)
        if request is None:
            return 0
        limits = request["limits"]
        replies = [worker.evaluate({**job, "limits": limits}) for job in request["batch"]]
        send_frame(proto_out, {"batch": replies})


if __name__ == "__main__":
    sys.exit(main())
