"""The inside of the sandbox: a warm worker process that evaluates each answer in a fresh child.

This file runs as a script under an isolated interpreter (``python -s -S -P -B``, scrubbed
environment), normally as process 1 of its own network, PID, IPC and mount namespaces
(``unshare --net --pid --ipc --mount``). It is stdlib-only and imports nothing from Duet (it
cannot: the project directory is hidden from it); it can also be imported normally, for
:func:`encode_value` and tests. In namespace mode it first checks that it really is process 1 of
namespaces other than the evaluator's (sent in its config) and refuses to mount, wipe or kill
anything otherwise (:func:`check_fresh_namespaces`): run on the host by mistake, its tmpfs over
``/dev/shm`` would hide PostgreSQL's shared memory.

Per answer the worker forks a child that

* runs in an empty working directory (the private ``/tmp`` in namespace mode), with rlimits on
  address space, file size, process count, open files and total CPU, and (when the worker is
  root) under an unprivileged uid, with no file descriptors but ``/dev/null`` on 0-2;
* installs an audit hook that refuses sockets, ``ctypes``, new processes, writes outside the
  working directory and other processes' ``/proc`` entries (a second layer: the namespaces, the
  uid and the rlimits are the boundary);
* loads the answer's module code and the test calls (compiled by the evaluator, sent as
  ``marshal`` data; only the evaluator's own bytes are ever unmarshalled), executes the module,
  then evaluates each call under per-call wall and CPU timers, encodes each result *inside* the
  child with :func:`encode_value` (type-preserving tagged JSON; objects of other types become
  opaque markers) and appends it to a shared memory region that only this job's child maps.

The worker sleeps on the child's pidfd, waking only at deadlines: a call that outlives its wall
budget, a crash or an ``os._exit`` costs that call only — the remaining calls run again in a
fresh child. After every answer the worker kills everything left in its PID namespace, then reads
the results (nothing can write them any more) and wipes the private temporary directories, so no
state leaks from one answer to the next. It never parses what the child wrote: it forwards each
result's bytes, and the evaluator decodes them.

Wire protocol with the evaluator (stdin/stdout of this process): frames of a 4-byte big-endian
length, then a 4-byte header length, a JSON header and a binary payload. The worker first sends
``{"hello": ...}``. A request's header is ``{"limits": {...}, "jobs": [[size, calls], ...]}`` and
its payload the jobs' marshalled ``(module, [call, ...])`` one after the other; the reply's header
is ``{"jobs": [[item, ...], ...]}``, one item per call: the byte length of the child's encoded
result (the bytes follow in the payload, in order) or a failure the worker assigned itself
(``{"ok": false, "type", "error"}``). Every job runs in its own fresh child.
"""

from __future__ import annotations
import __future__

import collections
import contextlib
import datetime
import decimal
import errno
import fractions
import gc
import json
import marshal
import math
import mmap
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
    bytearray,
    bytes,
    complex,
    dict,
    float,
    frozenset,
    getattr,
    hex,
    id,
    int,
    isinstance,
    issubclass,
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
_MAX_DEPTH = 200
MAX_INT_BITS = 100_000  # larger ints are opaque (value_codec.MAX_INT_BITS says why)
_MAX_DESCRIPTION = 200
# World-writable directories left visible get a private tmpfs (/var/tmp and /run/lock disappear
# with /var and /run, which are hidden).
_WRITABLE_DIRS = ("/tmp", "/dev/shm")
# Top-level entries that stay visible inside the mount namespace; everything else is hidden.
_VISIBLE_TOP = frozenset({"bin", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "sbin"})
_VISIBLE_TOP |= {"tmp", "usr"}


# --------------------------------------------------------------------------------------------
# Encoding results (runs inside the child; value_codec.decode rebuilds them in the evaluator)
# --------------------------------------------------------------------------------------------


class Unconvertible(ValueError):
    """A value that cannot be encoded at all (it contains itself, or is nested too deeply)."""


class ResultTooLarge(Unconvertible):
    """A value whose encoding would exceed the size budget."""


def _json_encoder():
    """json's C encoder, called directly: json.dumps's Python wrapper consults builtins (such as
    ``isinstance``) that an answer may have patched, the C encoder does not."""
    from _json import encode_basestring_ascii, make_encoder

    def refuse(value: Any) -> Any:
        raise TypeError(f"not JSON data: {type(value).__qualname__}")

    encode = make_encoder(
        None, refuse, encode_basestring_ascii, None, ":", ",", False, False, False
    )
    return encode_basestring_ascii, lambda value: "".join(encode(value, 0))


_quote, dumps = _json_encoder()
_OrderedDict, _Counter, _defaultdict, _deque = (
    collections.OrderedDict,
    collections.Counter,
    collections.defaultdict,
    collections.deque,
)
_Fraction, _Decimal, _timezone = fractions.Fraction, decimal.Decimal, datetime.timezone
_date, _datetime, _time, _timedelta = (
    datetime.date,
    datetime.datetime,
    datetime.time,
    datetime.timedelta,
)
# Built-in types whose subclasses arrive as the base value when they keep its equality.
_REDUCIBLE = (int, float, complex, str, bytes, bytearray, tuple, list, dict, set, frozenset)


def _int_text(value: int) -> str:
    if value.bit_length() > 13_000:  # beyond ~4000 decimal digits str() refuses
        return '{"int":"' + hex(value) + '"}'
    return int.__repr__(value)


def _float_text(value: float) -> str:
    if math.isfinite(value):
        return float.__repr__(value)
    return '{"float":"' + float.__repr__(value) + '"}'


def _scalar_text(value: Any, kind: type) -> str:
    if kind is str:
        return _quote(value)
    if kind is int:
        return _int_text(value)
    if kind is float:
        return _float_text(value)
    if kind is bool:
        return "true" if value else "false"
    return "null"


def _offset_text(zone: Any) -> str | None:
    """A fixed-offset zone as ``[days, seconds, microseconds]``; None for another tzinfo."""
    if zone is None:
        return "null"
    if type(zone) is not _timezone:
        return None
    offset = zone.utcoffset(None)
    return f"[{offset.days},{offset.seconds},{offset.microseconds}]"


def _keeps_equality(kind: type, base: type, hashed: bool) -> bool:
    names = ("__eq__", "__ne__", "__hash__") if hashed else ("__eq__", "__ne__")
    return all(getattr(kind, name, None) is getattr(base, name) for name in names)


def encode_value(value: Any, max_bytes: int = 1 << 20) -> str:
    """``value`` as compact tagged JSON (ASCII), decoded by ``value_codec.decode``.

    Lists, strings, ints, finite floats, bools and None are JSON's own; every other type is a
    one-key object naming it (``{"tuple": [...]}``, ``{"dict": [[key, value], ...]}``,
    ``{"fraction": [5, 1]}``, ...), so types survive. A subclass of a built-in type that keeps
    the base type's ``__eq__``/``__ne__`` (and ``__hash__`` where it is a key or set member) is
    written as its base value; a value of any other type is written as
    ``{"opaque": [type name, short repr]}`` and equals nothing outside the sandbox.

    Raises :class:`Unconvertible` for a value that contains itself or is nested more than
    ``_MAX_DEPTH`` deep, and :class:`ResultTooLarge` once the text would exceed ``max_bytes``.
    """
    kind = type(value)
    if (
        kind is float
        or kind is str
        or kind is bool
        or value is None
        or (kind is int and value.bit_length() <= MAX_INT_BITS)
    ):
        text = _scalar_text(value, kind)  # most results: no walk needed
        if len(text) > max_bytes:
            raise ResultTooLarge(f"result is over the {max_bytes} byte limit")
        return text
    parts: list[str] = []
    used = [0]
    active: set[int] = set()

    def emit(text: str) -> None:
        used[0] += len(text)
        if used[0] > max_bytes:
            raise ResultTooLarge(f"result is over the {max_bytes} byte limit")
        parts.append(text)

    def reserve(count: int) -> None:
        if used[0] + count > max_bytes:
            raise ResultTooLarge(f"result is over the {max_bytes} byte limit")

    def items(opening: str, values: Any, closing: str, depth: int, hashed: bool) -> None:
        emit(opening)
        separator = ""
        for item in values:
            emit(separator)
            separator = ","
            walk(item, depth, hashed)
        emit(closing)

    def pairs(tag: str, values: Any, depth: int) -> None:
        emit('{"' + tag + '":[')
        separator = "["
        for key, item in values:
            emit(separator)
            separator = ",["
            walk(key, depth, True)
            emit(",")
            walk(item, depth, False)
            emit("]")
        emit("]}")

    def walk(item: Any, depth: int, hashed: bool) -> None:
        kind = type(item)
        if kind is str:
            reserve(len(item))
            emit(_quote(item))
        elif kind is int and item.bit_length() <= MAX_INT_BITS:
            emit(_int_text(item))
        elif kind is float:
            emit(_float_text(item))
        elif kind is bool:
            emit("true" if item else "false")
        elif item is None:
            emit("null")
        elif kind is int:
            emit(opaque(item, kind))
        else:
            if depth >= _MAX_DEPTH:
                raise Unconvertible(f"result is nested more than {_MAX_DEPTH} levels deep")
            marker = id(item)
            if marker in active:
                raise Unconvertible("result contains itself (a cycle)")
            active.add(marker)
            try:
                composite(item, kind, depth + 1, hashed)
            finally:
                active.discard(marker)

    def composite(item: Any, kind: type, depth: int, hashed: bool) -> None:
        if kind is list:
            items("[", item, "]", depth, False)
        elif kind is tuple:
            items('{"tuple":[', item, "]}", depth, hashed)
        elif kind is dict:
            pairs("dict", dict.items(item), depth)
        elif kind is set or kind is frozenset:
            items('{"' + kind.__name__ + '":[', item, "]}", depth, True)
        elif kind is bytes or kind is bytearray:
            reserve(2 * len(item))
            emit('{"' + kind.__name__ + '":"' + item.hex() + '"}')
        elif kind is complex:
            emit('{"complex":[' + _float_text(item.real) + "," + _float_text(item.imag) + "]}")
        elif not known(item, kind, depth) and not reduced(item, kind, depth, hashed):
            emit(opaque(item, kind))

    def known(item: Any, kind: type, depth: int) -> bool:
        """Standard-library value types, rebuilt as themselves."""
        if kind is _Fraction:
            numerator, denominator = item.numerator, item.denominator
            if type(numerator) is not int or type(denominator) is not int:
                return False
            if max(numerator.bit_length(), denominator.bit_length()) > MAX_INT_BITS:
                return False
            emit('{"fraction":[' + _int_text(numerator) + "," + _int_text(denominator) + "]}")
        elif kind is _Decimal:
            emit('{"decimal":' + _quote(_Decimal.__str__(item)) + "}")
        elif kind is _date:
            emit(f'{{"date":[{item.year},{item.month},{item.day}]}}')
        elif kind is _datetime or kind is _time:
            zone = _offset_text(item.tzinfo)
            if zone is None:
                return False
            clock = f"{item.hour},{item.minute},{item.second},{item.microsecond},{item.fold}"
            if kind is _time:
                emit('{"time":[' + clock + "," + zone + "]}")
            else:
                day = f"{item.year},{item.month},{item.day}"
                emit('{"datetime":[' + day + "," + clock + "," + zone + "]}")
        elif kind is _timedelta:
            emit(f'{{"timedelta":[{item.days},{item.seconds},{item.microseconds}]}}')
        elif kind is _OrderedDict:
            pairs("ordereddict", _OrderedDict.items(item), depth)
        elif kind is _Counter or kind is _defaultdict:
            pairs(kind.__name__.lower(), dict.items(item), depth)
        elif kind is _deque:
            maxlen = item.maxlen
            items('{"deque":[[', item, "]," + ("null" if maxlen is None else str(maxlen)) + "]}",
                  depth, False)  # fmt: skip
        else:
            return False
        return True

    def reduced(item: Any, kind: type, depth: int, hashed: bool) -> bool:
        """A subclass of a built-in type that compares as its base: written as the base value
        (read through the base type's own methods, never the subclass's)."""
        base = next((b for b in _REDUCIBLE if issubclass(kind, b)), None)
        if base is None or not _keeps_equality(kind, base, hashed):
            return False
        if base is int:
            number = int.__int__(item)
            if number.bit_length() > MAX_INT_BITS:
                return False
            emit(_int_text(number))
        elif base is float:
            emit(_float_text(float.__float__(item)))
        elif base is complex:
            real, imag = complex.real.__get__(item), complex.imag.__get__(item)
            emit('{"complex":[' + _float_text(real) + "," + _float_text(imag) + "]}")
        elif base is str:
            text = str.__str__(item)
            reserve(len(text))
            emit(_quote(text))
        elif base is bytes or base is bytearray:
            text = base.hex(item)
            reserve(len(text))
            emit('{"' + base.__name__ + '":"' + text + '"}')
        elif base is dict:
            pairs("dict", dict.items(item), depth)
        elif base is list:
            items("[", list.__iter__(item), "]", depth, False)
        else:
            opening = '{"' + base.__name__ + '":['
            items(opening, base.__iter__(item), "]}", depth, hashed or base is not tuple)
        return True

    def opaque(item: Any, kind: type) -> str:
        try:
            name = str(type.__dict__["__qualname__"].__get__(kind))
        except BaseException:
            name = "?"
        try:
            description = repr(item)
            if type(description) is not str:
                description = ""
        except BaseException:
            description = ""
        description = description[:_MAX_DESCRIPTION]
        return '{"opaque":[' + _quote(name[:_MAX_DESCRIPTION]) + "," + _quote(description) + "]}"

    walk(value, 0, False)
    return "".join(parts)


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
        chunk = os.read(fd, min(size, 1 << 22))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def pack_frame(header: Any, payload: bytes = b"") -> bytes:
    """One frame: total length, header length, the JSON header (ASCII), the payload."""
    body = json.dumps(header, separators=(",", ":")).encode("ascii")
    return struct.pack(">II", 4 + len(body) + len(payload), len(body)) + body + payload


def unpack_frame(body: bytes) -> tuple[Any, memoryview]:
    """``(header, payload)`` of a frame's body (the bytes after its total length)."""
    (size,) = struct.unpack_from(">I", body, 0)
    return json.loads(body[4 : 4 + size]), memoryview(body)[4 + size :]


def send_frame(fd: int, header: Any, payload: bytes = b"") -> None:
    write_all(fd, pack_frame(header, payload))


def recv_frame(fd: int) -> tuple[Any, memoryview] | None:
    head = read_exact(fd, 4)
    if head is None:
        return None
    body = read_exact(fd, struct.unpack(">I", head)[0])
    return None if body is None else unpack_frame(body)


# --------------------------------------------------------------------------------------------
# The child: one answer, fresh process
# --------------------------------------------------------------------------------------------

# The results region a job's child appends to: a header (entries written, module ready), then
# entries of (call index, length, bytes). The entry for a module that failed has index _FATAL.
_HEADER = struct.Struct("<II")
_COUNT = struct.Struct("<I")
_ENTRY = struct.Struct("<II")
_FIRST_ENTRY = 16
_FATAL = 0xFFFFFFFF
_FAILURE_ROOM = 2 * _MAX_ERROR_CHARS + 200  # room kept for each later call's failure
_MAX_REGION = 32 << 20


def region_size(calls: int, max_output: int) -> int:
    """Bytes of shared memory for one child's results: room for every call's result within
    ``_MAX_REGION`` and always for every call's failure."""
    wanted = calls * (max_output + 16)
    return _FIRST_ENTRY + calls * (_FAILURE_ROOM + 16) + min(wanted, _MAX_REGION)


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


# Per-call timers, set in each child: (wall, CPU) seconds, and whether a call is running (a
# timer that fires after its call ended is ignored; the next call re-arms both).
_timer_limits: list[float] = [0.0, 0.0]
_timer_armed: list[bool] = [False]


def _on_alarm(signum: int, frame: Any) -> None:
    if _timer_armed[0]:
        raise _LimitExceeded("Timeout", f"exceeded the {_timer_limits[0]:g} s wall-time limit")


def _on_cpu(signum: int, frame: Any) -> None:
    if _timer_armed[0]:
        raise _LimitExceeded("CPUTimeLimit", f"exceeded the {_timer_limits[1]:g} s CPU-time limit")


def preload_modules() -> None:
    """Import :data:`PRELOAD` so that children start warm.

    ``random`` is imported without its at-fork hook, which re-seeds the generator from the OS in
    every child: about 45 copied pages and 0.3 ms per answer, half the cost of a bare fork here
    (BENCHMARKS.md). The worker draws from its generator before each fork instead
    (:meth:`Worker._run_child`), so every answer still starts from a different state.
    """
    fork = os.fork
    del os.fork  # random registers the hook only where os.fork exists
    try:
        __import__("random")
    finally:
        os.fork = fork
    for name in PRELOAD:
        __import__(name)


def prepare_worker_process() -> None:
    """What every child needs and can inherit, done once in the worker instead of per fork (each
    page a child writes is copied for it, so the less it does the cheaper it is): an empty
    environment and the per-call timer handlers (the worker itself never arms the timers)."""
    os.environ.clear()
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGPROF, _on_cpu)


# Answers have always run with postponed evaluation of annotations (the evaluator compiles them
# with the same flag, see sandbox_jobs).
_COMPILE_FLAGS = __future__.annotations.compiler_flag
_OPEN_MAX = os.sysconf("SC_OPEN_MAX")


class _Results:
    """The child's side of its results region: appends entries, never reads."""

    def __init__(self, region: mmap.mmap, calls: int):
        self.region = region
        self.position = _FIRST_ENTRY
        self.count = 0
        self.left = calls  # calls that may still need room for a failure

    def put(self, index: int, payload: bytes) -> None:
        end = self.position + _ENTRY.size + len(payload)
        if end + self.left * (_FAILURE_ROOM + _ENTRY.size) > len(self.region):
            payload = _error_entry("OutputTooLarge", "the answer's results together are too large")
            end = self.position + _ENTRY.size + len(payload)
        _ENTRY.pack_into(self.region, self.position, index, len(payload))
        self.region[self.position + _ENTRY.size : end] = payload
        self.position = end
        self.count += 1
        self.left = max(0, self.left - 1)
        _COUNT.pack_into(self.region, 0, self.count)  # the count last: entries are whole

    def ready(self) -> None:
        _COUNT.pack_into(self.region, 4, 1)


def _error_entry(kind: str, message: str) -> bytes:
    return b"e" + dumps([kind, message[:_MAX_ERROR_CHARS]]).encode("ascii", "backslashreplace")


def _child_main(job: Any, first: int, limits: dict, setup: dict, region: mmap.mmap) -> None:
    """Everything the forked child does. Never returns: the caller ``os._exit``s."""
    os.setsid()
    os.chdir(setup["workdir"])
    for target in (0, 1, 2):
        os.dup2(setup["devnull"], target)
    os.closerange(3, _OPEN_MAX)  # the worker's protocol pipes among them
    module, calls = marshal.loads(job)  # the evaluator's own bytes (see the module docstring)
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
        sys.addaudithook(setup["hook"] or _make_audit_hook(setup["workdir"]))

    wall = float(limits["wall_seconds"])
    max_output = int(limits["max_output_bytes"])
    setitimer, ITIMER_REAL, ITIMER_PROF = signal.setitimer, signal.ITIMER_REAL, signal.ITIMER_PROF
    _timer_limits[:] = [wall, cpu]  # for the handlers the worker installed before forking
    results = _Results(region, n_calls)

    def guarded(action: Any, argument: Any) -> tuple[Any, bytes | None]:
        """Run ``action(argument)`` under fresh per-call timers; (value, None) or (None,
        the failure's entry)."""
        _timer_armed[0] = True
        try:
            setitimer(ITIMER_REAL, wall)
            setitimer(ITIMER_PROF, cpu)
            return action(argument), None
        except _LimitExceeded as exc:
            return None, _error_entry(exc.kind, exc.message)
        except ResultTooLarge:
            return None, _error_entry("OutputTooLarge", f"result is over {max_output} bytes")
        except Unconvertible as exc:
            return None, _error_entry("Unconvertible", f"Unconvertible: {exc}")
        except BaseException as exc:
            return None, _error_entry(type(exc).__name__, _describe(exc))
        finally:
            _timer_armed[0] = False

    namespace: dict[str, Any] = {"__name__": "answer", "__builtins__": __builtins__}

    def define(code: Any) -> None:
        if type(code) is str:  # too large to compile in the evaluator
            code = compile(code, "<answer>", "exec", _COMPILE_FLAGS, True)
        exec(code, namespace)

    def call(expression: Any) -> bytes:
        return ("v" + encode_value(eval(expression, namespace), max_output)).encode("ascii")

    _, failure = guarded(define, module)
    if failure is not None:
        results.put(_FATAL, failure)
        return
    results.ready()
    for index in range(first, len(calls)):
        value, failure = guarded(call, calls[index])
        results.put(index, value if failure is None else failure)


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
        # In namespace mode every child works in /tmp: one audit hook serves them all.
        self.hook = _make_audit_hook("/tmp") if self.pid_namespace else None
        self.counter = 0
        self.devnull = os.open(os.devnull, os.O_RDWR)  # the children's stdin/stdout/stderr
        random = sys.modules.get("random")
        self.advance_random = random._inst.getrandbits if random else None

    # -- one answer --------------------------------------------------------------------------

    def evaluate(self, job: Any, n_calls: int, limits: dict) -> list[bytes | dict]:
        """Results of one job (its marshalled module and calls): per call, the child's encoded
        entry (bytes) or a failure the worker assigned."""
        results: list[bytes | dict | None] = [None] * n_calls
        deadline = time.monotonic() + float(limits["total_wall_seconds"])
        first = 0
        while True:
            fatal, death, ready = self._run_child(job, n_calls, first, limits, results, deadline)
            pending = [i for i in range(first, n_calls) if results[i] is None]
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
            if first >= n_calls:
                break
        return results  # type: ignore[return-value]

    def _run_child(self, job, n_calls, first, limits, results, deadline):
        """Run one child from call ``first``; returns (fatal entry, death failure, ready)."""
        region = mmap.mmap(-1, region_size(n_calls - first, int(limits["max_output_bytes"])))
        workdir = self._workdir()
        setup = {"devnull": self.devnull, "workdir": workdir, "uid": self.uid}
        setup["guards"], setup["hook"] = self.guards, self.hook
        if self.advance_random is not None:
            self.advance_random(64)  # each child starts from a different state (see preload)
        pid = os.fork()
        if pid == 0:  # the child
            status = 0
            try:
                _child_main(job, first, limits, setup, region)
            except BaseException:
                status = 70
            finally:
                os._exit(status)
        try:
            try:
                death = self._supervise(pid, region, limits, deadline)
            finally:
                self._kill_all(pid)  # nothing of the answer runs, or writes its region, now
            fatal, ready = _collect(region, first, n_calls, results)
        finally:
            self._remove_files(workdir)
            region.close()
        return fatal, death, ready

    def _workdir(self) -> str:
        if self.pid_namespace:
            return "/tmp"  # private to this worker, emptied after every answer
        self.counter += 1
        workdir = os.path.join(self.workroot, f"answer-{self.counter}")
        os.mkdir(workdir, 0o700)
        if self.uid is not None:
            os.chown(workdir, self.uid, self.uid)
        return workdir

    def _supervise(self, pid: int, region: mmap.mmap, limits: dict, deadline: float) -> dict:
        """Wait for the child to exit; kill it at a deadline. Returns why it ended.

        The worker sleeps on the child's pidfd, so an answer costs one wake-up however many
        calls it has (this machine's cores are shared and every context switch is paid for).
        At a deadline it looks at how many results the child has written: a deadline passes
        only if no call finished since the last check.
        """
        wall = float(limits["wall_seconds"])
        grace = 0.5 + 0.25 * wall
        pidfd = os.pidfd_open(pid)
        try:
            seen = 0
            step_deadline = time.monotonic() + wall + grace
            timed_out = False
            while True:
                wait = max(0.0, min(step_deadline, deadline) - time.monotonic())
                if select.select([pidfd], [], [], wait)[0]:
                    break
                now = time.monotonic()
                written = _COUNT.unpack_from(region, 0)[0]
                if written != seen:
                    seen = written
                    step_deadline = now + wall + grace
                if now >= min(step_deadline, deadline):
                    timed_out = True
                    break
        finally:
            os.close(pidfd)
        if timed_out:
            self._signal_all(pid)
        _, status = os.waitpid(pid, 0)
        if timed_out:
            return _failure("Timeout", f"exceeded the {wall:g} s wall-time limit")
        return _death_reason(status)

    def _signal_all(self, pid: int) -> None:
        """SIGKILL the child and everything it started (in namespace mode: everything but this
        worker)."""
        if self.pid_namespace:
            _kill_namespace()
        else:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)

    def _kill_all(self, pid: int) -> None:
        """Kill whatever the answer left running; in namespace mode also reap it all, so that
        nothing of the answer runs when this returns."""
        self._signal_all(pid)
        if self.pid_namespace:
            _reap_all()

    def _remove_files(self, workdir: str) -> None:
        """Delete every file the answer could have written."""
        if self.pid_namespace:
            for directory in _WRITABLE_DIRS:
                _empty_directory(directory)
        else:
            _remove_tree(workdir)


def _collect(region: mmap.mmap, first: int, n_calls: int, results: list) -> tuple[Any, bool]:
    """Copy the child's entries out of its region into ``results``; returns (the module's
    failure entry or None, whether the module ran). The region is the child's to write, so
    every length is checked against it."""
    written, ready = _HEADER.unpack_from(region, 0)
    size = len(region)
    position = _FIRST_ENTRY
    fatal = None
    for _ in range(min(written, n_calls - first + 1)):
        if position + _ENTRY.size > size:
            break
        index, length = _ENTRY.unpack_from(region, position)
        start = position + _ENTRY.size
        if length > size - start:
            break
        position = start + length
        if index == _FATAL:
            fatal = region[start:position]
        elif first <= index < n_calls and results[index] is None:
            results[index] = region[start:position]
    return fatal, ready == 1


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


class ToolMounts:
    """Mounts made by the ``mount``/``umount`` tools: a process each (~2.5 ms apiece here)."""

    def private(self) -> None:
        _run_tool("mount", "--make-rprivate", "/")

    def tmpfs(self, target: str, options: str) -> None:
        _run_tool("mount", "-t", "tmpfs", "-o", f"{options},nosuid,nodev", "tmpfs", target)

    def bind(self, source: str, target: str) -> None:
        _run_tool("mount", "--bind", source, target)

    def read_only(self, target: str, *, bind: bool) -> None:
        _run_tool("mount", "-o", "remount,bind,ro" if bind else "remount,ro", target)

    def unmount(self, target: str) -> None:
        _run_tool("umount", target)


# mount(2) flags (linux/mount.h) and the per-mount flags a remount must repeat to keep them.
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_REMOUNT, _MS_BIND = 1, 2, 4, 32, 4096
_MS_REC, _MS_PRIVATE = 16384, 1 << 18
_KEPT_FLAGS = (
    (os.ST_NOSUID, _MS_NOSUID),
    (os.ST_NODEV, _MS_NODEV),
    (os.ST_NOEXEC, 8),
    (os.ST_NOATIME, 1024),
    (os.ST_NODIRATIME, 2048),
    (os.ST_RELATIME, 1 << 21),
)


class SyscallMounts:
    """The same mounts as :class:`ToolMounts`, by calling mount(2) and umount2(2) through libc:
    a worker makes ~40 mounts when it starts, so this takes ~100 ms off every start.

    ``ctypes`` is used here only, before any answer runs, and is dropped from ``sys.modules``
    afterwards (:meth:`close`); answers cannot import it (the audit hook) and gain nothing from
    it in OS-only mode, where they may.
    """

    def __init__(self) -> None:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        self._mount, self._umount, self._errno = libc.mount, libc.umount2, ctypes.get_errno
        text = ctypes.c_char_p
        self._mount.argtypes = [text, text, text, ctypes.c_ulong, text]
        self._umount.argtypes = [text, ctypes.c_int]

    def _call(self, source: str | None, target: str, kind: str | None, flags: int,
              data: str | None) -> None:  # fmt: skip
        encode = os.fsencode
        result = self._mount(
            source and encode(source), encode(target), kind and encode(kind), flags,
            data and encode(data),
        )  # fmt: skip
        if result != 0:
            error = self._errno()
            raise OSError(error, f"mount {target}: {os.strerror(error)}")

    def private(self) -> None:
        self._call(None, "/", None, _MS_REC | _MS_PRIVATE, None)

    def tmpfs(self, target: str, options: str) -> None:
        self._call("tmpfs", target, "tmpfs", _MS_NOSUID | _MS_NODEV, options)

    def bind(self, source: str, target: str) -> None:
        self._call(source, target, None, _MS_BIND, None)

    def read_only(self, target: str, *, bind: bool) -> None:
        present = os.statvfs(target).f_flag
        kept = sum(flag for mask, flag in _KEPT_FLAGS if present & mask)
        flags = _MS_REMOUNT | _MS_RDONLY | kept | (_MS_BIND if bind else 0)
        self._call(None, target, None, flags, None)

    def unmount(self, target: str) -> None:
        if self._umount(os.fsencode(target), 0) != 0:
            error = self._errno()
            raise OSError(error, f"umount {target}: {os.strerror(error)}")

    def close(self) -> None:
        self._mount = self._umount = self._errno = None
        for name in [n for n in sys.modules if n == "_ctypes" or n.partition(".")[0] == "ctypes"]:
            del sys.modules[name]


def _mounter() -> SyscallMounts | ToolMounts:
    try:
        return SyscallMounts()
    except (ImportError, OSError, AttributeError):  # no ctypes in this interpreter
        return ToolMounts()


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


def setup_mounts(tmpfs_bytes: int, parent_namespaces: Any, *, tool: bool = False) -> dict:
    """Private tmpfs for every world-writable directory; hide every top-level directory the
    interpreter does not need (project files, data, home directories, sockets under /run).

    Refuses (:class:`NotIsolated`, before mounting anything) unless this process is in fresh
    namespaces (:func:`check_fresh_namespaces`), and after making every mount private, unless
    none still propagates to another namespace. Mounts by system call (:class:`SyscallMounts`),
    or with the mount tool where ctypes is missing or ``tool`` is set.
    """
    check_fresh_namespaces(parent_namespaces)
    mounts = ToolMounts() if tool else _mounter()
    try:
        return _make_mounts(mounts, tmpfs_bytes)
    finally:
        if isinstance(mounts, SyscallMounts):
            mounts.close()


def _make_mounts(mounts: SyscallMounts | ToolMounts, tmpfs_bytes: int) -> dict:
    mounts.private()
    leaking = shared_mounts()
    if leaking:
        raise NotIsolated(f"mounts still propagate to other namespaces: {leaking[:5]}")
    for directory in _WRITABLE_DIRS:
        if os.path.isdir(directory) and not os.path.islink(directory):
            mounts.tmpfs(directory, f"size={tmpfs_bytes},mode=1777")
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
            mounts.bind(path, stage)
            staged.append((stage, path))
    for top in hidden:
        mounts.tmpfs(top, "size=1m,mode=755")
    for stage, path in staged:
        os.makedirs(path, exist_ok=True)
        mounts.bind(stage, path)
        mounts.read_only(path, bind=True)
        mounts.unmount(stage)
        os.rmdir(stage)
    for top in hidden:
        mounts.read_only(top, bind=False)
    for path in hidden_files:
        mounts.bind(os.devnull, path)
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
    preload_modules()
    prepare_worker_process()
    worker = Worker(config)
    gc.collect()
    gc.freeze()  # keep the warm heap out of the children's collections (fewer copied pages)
    send_frame(proto_out, {"hello": True, "isolation": isolation})
    while True:
        request = recv_frame(proto_in)
        if request is None:
            return 0
        header, payload = request
        limits = header["limits"]
        replies: list[list[Any]] = []
        entries: list[bytes] = []
        position = 0
        for size, n_calls in header["jobs"]:
            job = payload[position : position + size]
            position += size
            items: list[Any] = []
            for result in worker.evaluate(job, n_calls, limits):
                if isinstance(result, dict):
                    items.append(result)
                else:
                    items.append(len(result))
                    entries.append(result)
            replies.append(items)
        send_frame(proto_out, {"jobs": replies}, b"".join(entries))


if __name__ == "__main__":
    sys.exit(main())
