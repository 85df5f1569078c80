"""The sandbox: hostile answers score 0 on the affected tests and harm nothing.

Attacks that the OS layers (namespaces, unprivileged uid, rlimits) and the in-interpreter guard
(audit hook) both stop run twice: with the full sandbox and with the OS layers alone
(``interpreter_guards=False``), so neither layer is the only thing that holds.
"""

from __future__ import annotations

import collections
import enum
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from datetime import time as time_of_day
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from training.colbench.evaluation.sandbox import (
    WORKER_SCRIPT,
    CallResult,
    Sandbox,
    SandboxError,
    SandboxLimits,
    namespaces_available,
    sandbox_uids,
    shutdown_warm_workers,
)
from training.colbench.evaluation.sandbox_worker import (
    NotIsolated,
    ResultTooLarge,
    Unconvertible,
    check_fresh_namespaces,
    current_namespaces,
    encode_value,
)
from training.colbench.evaluation.value_codec import MalformedResult, Opaque, decode

SECRET_NAME = "DUET_SANDBOX_TEST_SECRET"
SECRET_VALUE = "s3cret-token-that-must-not-leak"
FAST_LIMITS = SandboxLimits(
    cpu_seconds=1.0, wall_seconds=1.0, total_wall_seconds=8.0, memory_bytes=256 * 1024 * 1024
)

needs_namespaces = pytest.mark.skipif(
    not namespaces_available(), reason="needs root and unshare (network/PID/mount namespaces)"
)

HEALTHY_CODE = "def double(x):\n    return x * 2\n"


HOST_DIRECTORIES = ("/", "/etc", "/usr", "/usr/local")


def directory_stamps() -> dict[str, int]:
    """Modification times of host directories no test here writes to (a new or removed entry
    would change them)."""
    return {path: os.stat(path).st_mtime_ns for path in HOST_DIRECTORIES if os.path.isdir(path)}


@pytest.fixture(scope="module")
def host_before():
    return directory_stamps()


@pytest.fixture(scope="module")
def sandbox(host_before):
    os.environ[SECRET_NAME] = SECRET_VALUE
    with Sandbox(workers=2, limits=FAST_LIMITS) as box:
        yield box
    os.environ.pop(SECRET_NAME, None)


@pytest.fixture(scope="module")
def os_only_sandbox():
    if not namespaces_available():
        pytest.skip("the OS layers need root and unshare")
    with Sandbox(workers=1, limits=FAST_LIMITS, interpreter_guards=False) as box:
        yield box


@pytest.fixture(params=["full", "os-layers-only"])
def any_sandbox(request, sandbox):
    if request.param == "full":
        return sandbox
    return request.getfixturevalue("os_only_sandbox")


def assert_still_works(box: Sandbox) -> None:
    """The sandbox (every worker) evaluates an ordinary answer correctly afterwards."""
    for _ in range(3):
        results = box.run_calls(HEALTHY_CODE, {"a": "double(21)", "b": "double('ab')"})
        assert results == {"a": CallResult(True, 42), "b": CallResult(True, "abab")}


def sandbox_processes() -> list[int]:
    """Host pids of processes running under this test process's sandbox uids (answer
    processes; other evaluators on the machine use other uids)."""
    ours = sandbox_uids()
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
        if uid in ours:
            pids.append(int(entry))
    return pids


# -- ordinary behaviour -----------------------------------------------------------------------


def test_results_come_back_with_their_types_keyed_by_test_name(sandbox):
    code = "def f(x):\n    return (x, [x], {x}, {'k': x}, {1: x}, None, 1.5)\n"
    results = sandbox.run_calls(code, {"t1": "f(3)"})
    assert results == {"t1": CallResult(True, (3, [3], {3}, {"k": 3}, {1: 3}, None, 1.5))}
    assert [type(item) for item in results["t1"].value] == [
        int, list, set, dict, dict, type(None), float
    ]  # fmt: skip


def test_any_string_survives_the_round_trip(sandbox):
    odd = 'é ✓ 😀 \x00 \ud800 \\ " \n'
    code = f"TEXT = {odd!r}\n"
    results = sandbox.run_calls(code, {"a": "TEXT", "b": "{TEXT: [TEXT]}", "c": "len(TEXT)"})
    assert results == {
        "a": CallResult(True, odd),
        "b": CallResult(True, {odd: [odd]}),
        "c": CallResult(True, len(odd)),
    }


def test_an_exception_fails_only_its_own_call(sandbox):
    results = sandbox.run_calls("def inv(x):\n    return 1 / x\n", {"a": "inv(0)", "b": "inv(4)"})
    assert results["a"].ok is False
    assert results["a"].error_type == "ZeroDivisionError"
    assert results["a"].error == "ZeroDivisionError: division by zero"
    assert results["b"] == CallResult(True, 0.25)


def test_a_syntax_error_in_the_answer_fails_every_call(sandbox):
    results = sandbox.run_calls("def broken(:\n", {"a": "broken()", "b": "broken()"})
    assert {r.error_type for r in results.values()} == {"SyntaxError"}


def test_a_malformed_call_expression_is_a_bad_call(sandbox):
    results = sandbox.run_calls(HEALTHY_CODE, {"a": "double(", "b": "double(1)"})
    assert results["a"].error_type == "BadCall"
    assert results["b"] == CallResult(True, 2)


def test_an_object_of_a_class_the_answer_defines_arrives_opaque_and_equals_nothing(sandbox):
    code = "class Yes:\n    def __eq__(self, other):\n        return True\n"
    results = sandbox.run_calls(code, {"a": "Yes()"})
    value = results["a"].value
    assert isinstance(value, Opaque) and value.type_name == "Yes"
    assert value != value


def test_each_answer_starts_in_an_empty_working_directory(sandbox):
    code = "import os\nopen('mine.txt', 'w').write('x')\n"
    first = sandbox.run_calls(code, {"files": "sorted(os.listdir('.'))"})
    assert first["files"] == CallResult(True, ["mine.txt"])
    listing = "import os\n"
    for _ in range(3):
        assert sandbox.run_calls(listing, {"files": "os.listdir('.')"})["files"].value == []


def test_results_do_not_depend_on_which_worker_ran_them(sandbox):
    code = "def order():\n    return list({'apple', 'pear', 'fig', 'kiwi', 'plum'})\n"
    orders = {tuple(sandbox.run_calls(code, {"a": "order()"})["a"].value) for _ in range(4)}
    assert len(orders) == 1  # one hash seed everywhere, so set order is reproducible


@needs_namespaces
def test_the_active_isolation_layers_are_reported(sandbox):
    assert sandbox.isolation["namespaces"] is True
    assert sandbox.isolation["interpreter_guards"] is True
    assert sandbox.isolation["uid"] in sandbox_uids()
    assert "/work" in sandbox.isolation["mounts"]["hidden"] or not os.path.isdir("/work")


def test_bad_arguments_are_rejected_with_a_clear_error(sandbox):
    with pytest.raises(TypeError, match="code must be a string"):
        sandbox.run_calls(b"x = 1", {"a": "x"})
    with pytest.raises(TypeError, match="calls must map"):
        sandbox.run_calls("x = 1", {"a": 1})
    with pytest.raises(ValueError, match="wall_seconds"):
        SandboxLimits(wall_seconds=0)
    with pytest.raises(ValueError, match="workers"):
        Sandbox(workers=0)


# -- the encoding (written inside the child, rebuilt here; checked here in-process) ----------


class Colour:
    def __repr__(self) -> str:
        return "Colour('red')"


class Loud(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class Plain(int):
    """An int subclass that keeps int's equality."""


class Shade(enum.IntEnum):
    DARK = 1


Point = collections.namedtuple("Point", "x y")


def round_trip(value):
    return decode(encode_value(value))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        0,
        -(10**30),
        10**5000,
        1.5,
        -0.0,
        27.200000000000003,
        float("inf"),
        -float("inf"),
        "é ✓ 😀 \x00 \ud800",
        b"\x00\xff",
        bytearray(b"ab"),
        1 + 2j,
        complex(float("inf"), -1.0),
        (1, (2, 3)),
        ("a",),
        (),
        [1, [2, "x"]],
        {3, 1, 2},
        frozenset({"b", "a"}),
        {1: "a", (2, 3): [4], "__type__": "x", None: frozenset({1})},
        Fraction(5, 3),
        Decimal("1.10"),
        Decimal("-Infinity"),
        date(2024, 2, 29),
        datetime(2024, 2, 29, 23, 59, 1, 7),
        datetime(2024, 1, 1, 12, tzinfo=timezone(timedelta(hours=-5))),
        time_of_day(7, 30, tzinfo=UTC),
        timedelta(days=-1, seconds=5),
        collections.OrderedDict([("b", 1), ("a", 2)]),
        collections.Counter("abracadabra"),
        collections.deque([1, 2, 3], maxlen=5),
    ],
    ids=lambda value: type(value).__name__,
)
def test_trusted_values_keep_their_type_and_value_across_the_boundary(value):
    rebuilt = round_trip(value)
    assert type(rebuilt) is type(value)
    assert rebuilt == value
    if type(value) is not int:  # a repr shows what == hides (-0.0, Decimal('1.10'), inner types)
        assert shown(rebuilt) == shown(value)


def shown(value) -> object:
    """``repr``, with a set's members sorted: a set rebuilt in another process may iterate in
    another order (string hashes are salted per process), which is not a difference."""
    if isinstance(value, (set, frozenset)):
        return type(value).__name__, sorted(repr(member) for member in value)
    return repr(value)


def test_nan_crosses_the_boundary_and_stays_unequal_to_itself():
    rebuilt = round_trip([float("nan"), complex(0, float("nan")), Decimal("NaN")])
    assert all(item != item for item in rebuilt)


def test_a_defaultdict_arrives_without_its_factory():
    rebuilt = round_trip(collections.defaultdict(list, {"a": [1]}))
    assert type(rebuilt) is collections.defaultdict and rebuilt.default_factory is None
    assert rebuilt == {"a": [1]}


@pytest.mark.parametrize(
    ("value", "base_value"),
    [(Plain(4), 4), (Shade.DARK, 1), (Point(1, 2), (1, 2)), ({Shade.DARK: "x"}, {1: "x"})],
    ids=["int-subclass", "int-enum", "namedtuple", "int-enum-key"],
)
def test_a_subclass_that_keeps_its_bases_equality_arrives_as_the_base_value(value, base_value):
    rebuilt = round_trip(value)
    assert type(rebuilt) is type(base_value) and rebuilt == base_value


def returns_self():
    return returns_self


@pytest.mark.parametrize(
    "value",
    [
        Loud("hi"),
        Colour(),
        object(),
        (x for x in range(3)),
        returns_self,
        {Loud("k"): 1},
        datetime(2024, 1, 1, tzinfo=type("Zone", (tzinfo,), {})()),
    ],
    ids=["str-subclass-with-eq", "own-class", "object", "generator", "function", "key", "tz"],
)
def test_values_of_other_types_arrive_opaque_and_equal_nothing(value):
    rebuilt = round_trip(value)
    opaque = rebuilt if isinstance(rebuilt, Opaque) else next(iter(rebuilt))
    assert isinstance(opaque, Opaque)
    assert rebuilt != round_trip(value) and opaque != value


def test_an_object_whose_repr_raises_is_still_opaque():
    class Hostile:
        def __repr__(self):
            raise RuntimeError("no")

    assert isinstance(round_trip(Hostile()), Opaque)


def test_an_int_too_large_to_compare_cheaply_arrives_opaque():
    assert round_trip(1 << 99_999) == 1 << 99_999
    assert isinstance(round_trip(1 << 100_000), Opaque)
    assert isinstance(round_trip(Fraction(1, 1 << 100_000)), Opaque)
    with pytest.raises(MalformedResult):
        decode('{"int": "0x' + "f" * 30_000 + '"}')


FLOOD = [k * ((1 << 61) - 1) for k in range(1, 2_001)]  # ints that all hash alike


@pytest.mark.parametrize(
    "text",
    [
        '{"set": [' + ",".join(map(str, FLOOD)) + "]}",
        '{"dict": [' + ",".join(f"[{n}, 0]" for n in FLOOD) + "]}",
    ],
    ids=["set", "dict-keys"],
)
def test_members_flooding_one_hash_are_refused_before_any_set_is_built(text):
    started = time.monotonic()
    with pytest.raises(MalformedResult, match="hash"):
        decode(text)
    assert time.monotonic() - started < 0.5


def test_a_cyclic_value_is_unconvertible():
    loop: list = []
    loop.append(loop)
    with pytest.raises(Unconvertible, match="cycle"):
        encode_value(loop)


def test_a_value_nested_too_deeply_is_unconvertible():
    deep: list = []
    for _ in range(300):
        deep = [deep]
    with pytest.raises(Unconvertible, match="nested"):
        encode_value(deep)


def test_encoding_stops_at_the_size_budget():
    assert round_trip("x" * 100) == "x" * 100
    with pytest.raises(ResultTooLarge):
        encode_value(["x" * 100] * 3, max_bytes=200)


@pytest.mark.parametrize(
    "text",
    [
        '{"tuple": 1}',
        '{"a": 1, "b": 2}',
        '{"eval": "1"}',
        '{"fraction": [1, 0]}',
        "[1",
        '{"set": [[1]]}',
    ],
)
def test_text_the_encoder_never_writes_is_refused(text):
    with pytest.raises(MalformedResult):
        decode(text)


# -- attacks ------------------------------------------------------------------------------------


def test_infinite_loop_times_out_only_the_affected_call(sandbox):
    code = "def f(x):\n    while x < 0:\n        pass\n    return x\n"
    started = time.monotonic()
    results = sandbox.run_calls(code, {"loops": "f(-1)", "fine": "f(5)"})
    assert results["loops"].error_type == "Timeout"
    assert results["fine"] == CallResult(True, 5)
    assert time.monotonic() - started < 4
    assert_still_works(sandbox)


def test_infinite_loop_that_swallows_the_timeout_is_killed(sandbox):
    code = (
        "def f(x):\n"
        "    while x < 0:\n"
        "        try:\n"
        "            while True:\n"
        "                pass\n"
        "        except BaseException:\n"
        "            pass\n"
        "    return x\n"
    )
    results = sandbox.run_calls(code, {"a": "f(1)", "loops": "f(-1)", "after": "f(2)"})
    assert results["loops"].error_type == "Timeout"
    assert results["a"] == CallResult(True, 1)
    assert results["after"] == CallResult(True, 2)  # ran again in a fresh process
    assert_still_works(sandbox)


def test_cpu_time_is_limited_per_call():
    limits = SandboxLimits(cpu_seconds=0.3, wall_seconds=5.0, total_wall_seconds=10.0)
    code = "def spin(n):\n    while n:\n        n += 1\n    return n\n"
    with Sandbox(workers=1, limits=limits) as box:
        results = box.run_calls(code, {"a": "spin(1)", "b": "spin(1)", "c": "spin(0)"})
    assert results["a"].error_type == "CPUTimeLimit"
    assert results["b"].error_type == "CPUTimeLimit"  # each call has its own budget
    assert results["c"] == CallResult(True, 0)


def test_total_time_of_an_answer_is_bounded():
    limits = SandboxLimits(cpu_seconds=5.0, wall_seconds=0.4, total_wall_seconds=1.5)
    code = "import time\ndef nap():\n    time.sleep(10)\n"
    calls = {f"t{i}": "nap()" for i in range(10)}
    with Sandbox(workers=1, limits=limits) as box:
        started = time.monotonic()
        results = box.run_calls(code, calls)
        elapsed = time.monotonic() - started
    assert {r.error_type for r in results.values()} == {"Timeout"}
    assert elapsed < 1.5 + 0.4 + 1.5  # the budget, one call's grace, and slack for a busy host


def test_file_size_is_limited(sandbox):
    code = "def write(n):\n    with open('big.bin', 'wb') as f:\n        return f.write(b'x' * n)\n"
    results = sandbox.run_calls(code, {"small": "write(1000)", "big": "write(8 * 1024 * 1024)"})
    assert results["small"] == CallResult(True, 1000)
    assert results["big"].error_type == "OSError"
    assert "File too large" in results["big"].error


@needs_namespaces
def test_fork_bomb(any_sandbox):
    code = (
        "import os\n"
        "def bomb():\n"
        "    pids = []\n"
        "    for _ in range(10_000):\n"
        "        pids.append(os.fork())\n"
        "    return len(pids)\n"
    )
    results = any_sandbox.run_calls(code, {"a": "bomb()"})
    assert results["a"].ok is False
    assert sandbox_processes() == []
    assert_still_works(any_sandbox)


def test_memory_bomb(sandbox):
    code = (
        "def grab():\n"
        "    hoard = []\n"
        "    while True:\n"
        "        hoard.append(bytearray(16 * 1024 * 1024))\n"
    )
    calls = {"gradual": "grab()", "at_once": "bytearray(10**12)", "list": "[0] * 10**9"}
    results = sandbox.run_calls(code, calls)
    # Filling 256 MiB can outlast a 1 s budget on a busy machine: either way the call fails.
    assert results["gradual"].error_type in {"MemoryError", "Timeout", "CPUTimeLimit"}
    assert results["at_once"].error_type == "MemoryError"
    assert results["list"].error_type == "MemoryError"
    assert_still_works(sandbox)


def test_deep_recursion(sandbox):
    code = (
        "import sys\n"
        "def plain(n):\n"
        "    return plain(n + 1) + 1\n"
        "def deeper(n):\n"
        "    sys.setrecursionlimit(10**8)\n"
        "    return plain(n)\n"
    )
    results = sandbox.run_calls(code, {"a": "plain(0)", "b": "deeper(0)", "c": "len('ok')"})
    assert results["a"].error_type == "RecursionError"
    assert results["b"].ok is False  # the C stack overflows: the process dies, not the worker
    assert results["c"] == CallResult(True, 2)
    assert_still_works(sandbox)


def test_sys_exit(sandbox):
    in_call = sandbox.run_calls("import sys\n", {"a": "sys.exit(0)", "b": "1 + 1"})
    assert in_call["a"].error_type == "SystemExit"
    assert in_call["b"] == CallResult(True, 2)
    at_import = sandbox.run_calls("import sys\nsys.exit(3)\n", {"a": "1"})
    assert at_import["a"].error_type == "SystemExit"
    assert_still_works(sandbox)


def test_os_exit(sandbox):
    in_call = sandbox.run_calls("import os\n", {"a": "os._exit(0)", "b": "2 + 2"})
    assert in_call["a"].error_type == "Exit"
    assert in_call["b"] == CallResult(True, 4)
    at_import = sandbox.run_calls("import os\nos._exit(0)\n", {"a": "1", "b": "2"})
    assert {r.error_type for r in at_import.values()} == {"Exit"}
    assert_still_works(sandbox)


@needs_namespaces
def test_writing_outside_the_working_directory(any_sandbox, tmp_path):
    open_dir = tmp_path / "world-writable"
    open_dir.mkdir()
    open_dir.chmod(0o777)
    project_file = Path(__file__).resolve().parent / "sandbox-escape.txt"
    targets = [
        str(open_dir / "escape.txt"),
        str(project_file),
        "/etc/duet-sandbox-escape",
        "/dev/shm/duet-sandbox-escape",
        "../duet-sandbox-escape",
    ]
    code = "def write(path):\n    with open(path, 'w') as f:\n        return f.write('pwned')\n"
    calls = {f"t{i}": f"write({target!r})" for i, target in enumerate(targets)}
    any_sandbox.run_calls(code, calls)
    for target in targets[:4]:
        assert not os.path.exists(target), target
    assert not list(Path("/tmp").glob("duet-sandbox-escape"))
    assert_still_works(any_sandbox)


def test_reading_environment_variables(sandbox):
    code = (
        "import os\n"
        "def read(path):\n"
        "    try:\n"
        "        return open(path, 'rb').read().decode('latin-1')\n"
        "    except OSError as exc:\n"
        "        return str(exc)\n"
    )
    calls = {
        "environ": "dict(os.environ)",
        "self": "read('/proc/self/environ')",
        "worker": "read('/proc/1/environ')",
        "parent": f"read('/proc/{os.getpid()}/environ')",
    }
    results = sandbox.run_calls(code, calls)
    assert results["environ"] == CallResult(True, {})
    for result in results.values():
        assert SECRET_VALUE not in repr(result)
    assert_still_works(sandbox)


@needs_namespaces
def test_opening_sockets(any_sandbox):
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    code = (
        "import socket\n"
        "def call_home(port):\n"
        "    s = socket.create_connection(('127.0.0.1', port), timeout=1)\n"
        "    s.sendall(b'stolen')\n"
        "    return 'sent'\n"
    )
    try:
        results = any_sandbox.run_calls(code, {"a": f"call_home({port})"})
        assert results["a"].ok is False
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()
    assert_still_works(any_sandbox)


def test_patching_builtins(sandbox):
    patch = (
        "import builtins, json\n"
        "builtins.len = lambda obj: 7\n"
        "builtins.isinstance = lambda obj, kind: True\n"
        "json.dumps = lambda *args, **kwargs: '42'\n"
        "def answer():\n"
        "    return len('abc')\n"
    )
    patched = sandbox.run_calls(patch, {"a": "answer()"})
    assert patched["a"] == CallResult(True, 7)  # its own process saw the patch...
    for _ in range(3):  # ...and no later evaluation does, on any worker
        results = sandbox.run_calls("def n(s):\n    return len(s)\n", {"a": "n('abc')"})
        assert results["a"] == CallResult(True, 3)


def test_printing_100_mb(sandbox):
    code = (
        "import sys\n"
        "def shout():\n"
        "    print('x' * 100_000_000)\n"
        "    chunk = 'y' * 1_000_000\n"
        "    for _ in range(100):\n"
        "        sys.stdout.write(chunk)\n"
        "        sys.stderr.write(chunk)\n"
        "    return 'done'\n"
    )
    results = sandbox.run_calls(code, {"a": "shout()"})
    assert results["a"] == CallResult(True, "done")  # the output went nowhere
    assert_still_works(sandbox)


def test_returning_100_mb_is_refused(sandbox):
    results = sandbox.run_calls("", {"a": "'x' * 100_000_000"})
    assert results["a"].error_type == "OutputTooLarge"
    assert_still_works(sandbox)


@needs_namespaces
def test_importing_ctypes(any_sandbox):
    code = (
        "def escalate():\n"
        "    import ctypes, signal\n"
        "    libc = ctypes.CDLL(None)\n"
        "    return [libc.setuid(0), libc.kill(1, signal.SIGKILL)]\n"
        "def crash():\n"
        "    import ctypes\n"
        "    return ctypes.string_at(1, 8)\n"
    )
    workers = any_sandbox.worker_pids()
    results = any_sandbox.run_calls(code, {"escalate": "escalate()", "crash": "crash()", "b": "3"})
    # Without the guard ctypes loads, but the uid cannot become root or signal the worker.
    assert results["escalate"].value in (None, [-1, -1])
    assert results["crash"].ok is False
    assert results["b"] == CallResult(True, 3)
    assert any_sandbox.worker_pids() == workers
    assert_still_works(any_sandbox)


def test_importing_ctypes_is_refused_by_the_guard(sandbox):
    results = sandbox.run_calls("import ctypes\n", {"a": "1"})
    assert results["a"].error_type == "ImportError"


@needs_namespaces
def test_project_files_are_hidden(any_sandbox):
    repo_file = str(Path(__file__).resolve())
    code = "import os\n"
    results = any_sandbox.run_calls(
        code, {"exists": f"os.path.exists({repo_file!r})", "listing": "os.listdir('/work')"}
    )
    assert results["exists"] == CallResult(True, False)
    assert results["listing"].value in ([], None)


@needs_namespaces
def test_files_left_in_tmp_do_not_reach_the_next_answer(sandbox):
    sandbox.run_calls("open('/tmp/left-behind', 'w').close()\n", {"a": "1"})
    assert not os.path.exists("/tmp/left-behind")
    for _ in range(3):
        results = sandbox.run_calls("import os\n", {"a": "os.path.exists('/tmp/left-behind')"})
        assert results["a"] == CallResult(True, False)


# -- the host ------------------------------------------------------------------------------------


def test_a_killed_worker_is_replaced_transparently(sandbox):
    victim = sandbox.worker_pids()[0]
    os.kill(victim, signal.SIGKILL)
    assert_still_works(sandbox)
    assert victim not in sandbox.worker_pids()
    assert len(sandbox.worker_pids()) == 2


def test_work_in_flight_on_a_killed_worker_is_retried(sandbox):
    jobs = [("import time\ntime.sleep(0.2)\n", {"a": f"{i}"}) for i in range(6)]
    killer = threading.Timer(0.3, lambda: os.kill(sandbox.worker_pids()[0], signal.SIGKILL))
    killer.start()
    try:
        results = sandbox.run_many(jobs)
    finally:
        killer.join()
    assert [r["a"] for r in results] == [CallResult(True, i) for i in range(6)]
    assert len(sandbox.worker_pids()) == 2


def test_concurrent_callers_share_the_pool(sandbox):
    jobs = [(HEALTHY_CODE, {"a": f"double({i})"}) for i in range(12)]
    results = sandbox.run_many(jobs)
    assert [r["a"].value for r in results] == [2 * i for i in range(12)]
    outcomes = []
    threads = [
        threading.Thread(target=lambda: outcomes.append(sandbox.run_calls(*jobs[1])))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [o["a"].value for o in outcomes] == [2] * 4


def test_the_host_is_unharmed_after_the_attacks(sandbox, host_before):
    # Runs after the attack tests in this module: nothing of theirs is left running, no host
    # directory gained or lost an entry, the evaluator's own environment is intact and it still
    # answers quickly.
    assert sandbox_processes() == []
    assert directory_stamps() == host_before
    assert os.environ[SECRET_NAME] == SECRET_VALUE
    started = time.monotonic()
    assert_still_works(sandbox)
    assert time.monotonic() - started < 5


# -- the host's mount table ---------------------------------------------------------------------
# A tmpfs mounted over the host's /dev/shm hides PostgreSQL's shared memory and breaks every new
# connection; these check that the worker's mounts never reach the host.


def host_mount_table() -> str:
    return Path("/proc/self/mountinfo").read_text()


@needs_namespaces
def test_sandbox_leaves_the_host_mount_table_unchanged(tmp_path):
    before = host_mount_table()
    assert namespaces_available.__wrapped__()  # the probe mounts too (in its own namespace)
    attacks = {
        "shm": "open('/dev/shm/duet-mount-test', 'w').write('x')",
        "tmp": "open('/tmp/duet-mount-test', 'w').write('x')",
        "mount": "os.system('mount -t tmpfs tmpfs /dev/shm')",
        "syscall": "__import__('ctypes').CDLL(None).mount(b'tmpfs', b'/dev/shm', b'tmpfs', 0, 0)",
        "unmount": "__import__('ctypes').CDLL(None).umount2(b'/tmp', 2)",
        "loop": "[0 for _ in iter(int, 1)]",
    }
    slow = [("import time\ntime.sleep(0.3)\n", {"a": str(i)}) for i in range(4)]
    for guards in (True, False):
        box = Sandbox(workers=2, limits=FAST_LIMITS, interpreter_guards=guards)
        try:
            box.run_calls("import os\n", attacks)
            os.kill(box.worker_pids()[0], signal.SIGKILL)  # killed while idle
            killer = threading.Timer(0.2, lambda b=box: os.kill(b.worker_pids()[0], signal.SIGKILL))
            killer.start()  # and killed mid-answer
            box.run_many(slow)
            killer.join()
            assert_still_works(box)
        finally:
            box.close()
    assert host_mount_table() == before
    assert not os.path.exists("/dev/shm/duet-mount-test")
    assert not os.path.exists("/tmp/duet-mount-test")


def test_the_namespace_check_refuses_the_evaluators_own_namespaces():
    with pytest.raises(NotIsolated, match="process 1"):
        check_fresh_namespaces(current_namespaces())
    with pytest.raises(NotIsolated, match="not given"):
        check_fresh_namespaces(None)
    with pytest.raises(NotIsolated, match="not given"):
        check_fresh_namespaces({"mnt": current_namespaces()["mnt"]})


SETUP_MOUNTS_OUTSIDE_A_FRESH_NAMESPACE = """
import json, sys
sys.path.insert(0, {directory!r})
from sandbox_worker import NotIsolated, current_namespaces, setup_mounts
parent = json.loads(sys.argv[1]) if len(sys.argv) > 1 else current_namespaces()
before = open('/proc/self/mountinfo').read()
try:
    setup_mounts(1 << 20, parent)
except NotIsolated as exc:
    unchanged = open('/proc/self/mountinfo').read() == before
    print(json.dumps({{"refused": str(exc), "unchanged": unchanged}}))
else:
    print(json.dumps({{"refused": None}}))
"""


@needs_namespaces
@pytest.mark.parametrize(
    ("unshare_flags", "parent", "reason"),
    [
        # process 1 of fresh PID and mount namespaces, but told they are the evaluator's own
        (["--mount", "--pid", "--fork", "--mount-proc", "--net", "--ipc"], None, "still in"),
        # a fresh mount namespace, but not process 1 of a fresh PID namespace
        (["--mount"], "host", "process 1"),
    ],
    ids=["same-namespaces-as-the-evaluator", "not-pid-1"],
)
def test_setup_mounts_refuses_outside_a_fresh_namespace(unshare_flags, parent, reason):
    # Run in a throwaway mount namespace, so even a broken check could not touch the host.
    directory = str(WORKER_SCRIPT.parent)
    script = SETUP_MOUNTS_OUTSIDE_A_FRESH_NAMESPACE.format(directory=directory)
    argv = ["unshare", *unshare_flags, "--", sys.executable, "-c", script]
    if parent == "host":
        argv.append(json.dumps(current_namespaces()))
    before = host_mount_table()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=True)
    outcome = json.loads(done.stdout)
    assert outcome["refused"] is not None and reason in outcome["refused"]
    assert outcome["unchanged"] is True
    assert host_mount_table() == before


def test_closing_leaves_nothing_of_the_answers_and_refuses_work():
    box = Sandbox(workers=2, limits=FAST_LIMITS)
    box.run_calls("import time\n", {"a": "time.sleep(0.01)"})
    box.close()
    assert box.worker_pids() == []
    assert sandbox_processes() == []
    with pytest.raises(SandboxError, match="closed"):
        box.run_calls(HEALTHY_CODE, {"a": "double(1)"})


def test_the_next_sandbox_reuses_the_idle_workers_a_closed_one_left():
    first = Sandbox(workers=2, limits=FAST_LIMITS)
    pids = set(first.worker_pids())
    first.close()
    started = time.monotonic()
    with Sandbox(workers=2, limits=FAST_LIMITS) as second:
        assert time.monotonic() - started < 0.05  # no worker start
        assert set(second.worker_pids()) == pids
        assert_still_works(second)


def test_shutting_down_the_warm_workers_stops_every_worker():
    box = Sandbox(workers=2, limits=FAST_LIMITS)
    pids = box.worker_pids()
    box.close()
    shutdown_warm_workers()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert sandbox_processes() == []


def test_each_answer_starts_from_a_different_random_state(sandbox):
    draws = [sandbox.run_calls("import random\n", {"a": "random.random()"})["a"] for _ in range(4)]
    assert all(draw.ok for draw in draws)
    assert len({draw.value for draw in draws}) == 4


MOUNT_TABLE_AFTER_SETUP = """
import json, sys
sys.path.insert(0, {directory!r})
from sandbox_worker import setup_mounts
setup_mounts(1 << 20, json.loads(sys.argv[1]), tool=sys.argv[2] == "tool")
rows = []
for line in open("/proc/self/mountinfo"):
    fields = line.split()
    end = fields.index("-")
    tags = [tag for tag in fields[6:end] if not tag.startswith(("shared:", "master:"))]
    rows.append(" ".join(fields[3:6] + tags + fields[end + 1 :]))  # without mount ids
print(json.dumps({{"rows": sorted(rows), "ctypes": "ctypes" in sys.modules}}))
"""


@needs_namespaces
def test_mounts_made_by_system_call_equal_those_of_the_mount_tool():
    script = MOUNT_TABLE_AFTER_SETUP.format(directory=str(WORKER_SCRIPT.parent))
    flags = ["--mount", "--pid", "--fork", "--mount-proc", "--net", "--ipc"]
    tables = {}
    for way in ("tool", "syscall"):
        argv = ["unshare", *flags, "--", sys.executable, "-c", script]
        argv += [json.dumps(current_namespaces()), way]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=True)
        tables[way] = json.loads(done.stdout)
    assert tables["syscall"]["rows"] == tables["tool"]["rows"]
    assert len(tables["tool"]["rows"]) > 10
    assert tables["syscall"]["ctypes"] is False  # dropped before any answer could run


def test_without_namespaces_the_interpreter_guards_still_refuse_sockets_writes_and_proc(tmp_path):
    with Sandbox(workers=1, limits=FAST_LIMITS, namespaces=False) as box:
        assert box.isolation["namespaces"] is False
        code = "import socket\n"
        target = str(tmp_path / "escape.txt")
        results = box.run_calls(
            code,
            {
                "socket": "socket.socket()",
                "write": f"open({target!r}, 'w')",
                "ok": "len('abc')",
            },
        )
        environ = box.run_calls("", {"a": f"open('/proc/{os.getpid()}/environ').read()"})
        assert environ["a"].error_type == "PermissionError"
        assert results["socket"].error_type == "PermissionError"
        assert results["write"].error_type == "PermissionError"
        assert results["ok"] == CallResult(True, 3)
        assert not os.path.exists(target)
