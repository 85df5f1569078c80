"""Turn ``(code, calls)`` into what a sandbox child runs: code objects compiled here.

The answer's module and every test call are compiled in the evaluator, where the interpreter is
warm, and travel to the child as ``marshal`` data (the worker and the evaluator run the same
interpreter). A forked child pays for every memory page it writes, and compiling is the most
page-hungry thing it used to do (~130 of ~340 pages per answer, measured in BENCHMARKS.md).

Compiling untrusted source here adds no exposure: the evaluator already parses answers to
extract their code, and compilation never runs any of it. Results the child could not give
differently are decided here without a process: a module that does not compile fails every call
with its error, and a call expression that does not compile is a ``BadCall``. A source too large
to compile here cheaply, or one that exhausts the compiler's recursion, is sent as text and
compiled in the child under its limits.
"""

from __future__ import annotations
import __future__

import marshal
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from types import CodeType

# Answers have always run with postponed evaluation of annotations (the flag the worker's own
# module had, inherited by its compile()); kept explicit so both sides compile alike.
COMPILE_FLAGS = __future__.annotations.compiler_flag
MAX_HOST_COMPILE_CHARS = 200_000
_MAX_ERROR_CHARS = 500
_CALL_CACHE_SIZE = 8192


@dataclass(frozen=True)
class PreparedJob:
    """One job ready to send: ``blob`` (marshalled ``(module, [call, ...])``) runs the calls at
    positions ``sent``; ``decided`` holds the failures known without running anything, as
    ``position -> (error type, message)``. ``blob`` is None when nothing needs to run."""

    blob: bytes | None
    sent: tuple[int, ...]
    decided: dict[int, tuple[str, str]]


def describe(exc: BaseException) -> str:
    """An exception as the sandbox reports it (``Type: message``), like the child does."""
    name = type(exc).__name__
    detail = str(exc)
    return (f"{name}: {detail}" if detail else name)[:_MAX_ERROR_CHARS]


def prepare_job(code: str, calls: Sequence[str]) -> PreparedJob:
    """Compile ``code`` and each call expression; see the module docstring."""
    module: CodeType | str
    if len(code) > MAX_HOST_COMPILE_CHARS:
        module = code
    else:
        try:
            module = compile(code, "<answer>", "exec", COMPILE_FLAGS, True)
        except (RecursionError, MemoryError):
            module = code
        except Exception as exc:  # SyntaxError, ValueError (null bytes), ...
            failure = (type(exc).__name__, describe(exc))
            return PreparedJob(None, (), dict.fromkeys(range(len(calls)), failure))
    sent: list[int] = []
    compiled: list[CodeType] = []
    decided: dict[int, tuple[str, str]] = {}
    for position, expression in enumerate(calls):
        outcome = _compiled_call(expression)
        if isinstance(outcome, CodeType):
            sent.append(position)
            compiled.append(outcome)
        else:
            decided[position] = outcome
    if not sent:
        return PreparedJob(None, (), decided)
    return PreparedJob(marshal.dumps((module, compiled)), tuple(sent), decided)


_calls: OrderedDict[str, CodeType | tuple[str, str]] = OrderedDict()
_calls_lock = threading.Lock()


def _compiled_call(expression: str) -> CodeType | tuple[str, str]:
    """A test call compiled once per process (the same calls run against every answer)."""
    with _calls_lock:
        cached = _calls.get(expression)
        if cached is not None:
            _calls.move_to_end(expression)
            return cached
    try:
        outcome: CodeType | tuple[str, str] = compile(
            expression, "<call>", "eval", COMPILE_FLAGS, True
        )
    except Exception as exc:
        outcome = ("BadCall", describe(exc))
    with _calls_lock:
        _calls[expression] = outcome
        while len(_calls) > _CALL_CACHE_SIZE:
            _calls.popitem(last=False)
    return outcome
