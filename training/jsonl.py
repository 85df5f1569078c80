"""JSONL files: the one reader and the one writer of the whole library.

Every file Duet reads or writes row by row (task sets, trajectories, SWEET-RL run files) goes
through here, so a malformed line is reported the same way everywhere (``file:line: reason``) and
a finished file is never half-written:

- :func:`write_jsonl` writes a whole file atomically (a crash leaves the old file or none);
- :class:`JsonlAppender` appends rows one at a time and makes each durable before returning, for
  long runs whose finished rows must survive a crash or Ctrl-C (``duet simulate``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple


class JsonlError(ValueError):
    """A JSONL file that is missing or has a malformed line."""


class JsonlLine(NamedTuple):
    """One non-blank line: its 1-based number, the decoded value (``None`` on error), the error."""

    number: int
    value: Any
    error: str | None


def iter_jsonl(path: str | Path) -> Iterator[JsonlLine]:
    """Yield every non-blank line of ``path``, decoded or with the reason it could not be.

    For loaders that collect every problem of a file before refusing it; :func:`read_jsonl` is
    the strict form.
    """
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield JsonlLine(number, json.loads(line), None)
            except json.JSONDecodeError as exc:
                yield JsonlLine(number, None, f"invalid JSON ({exc.msg} at column {exc.colno})")


def read_jsonl(path: str | Path, *, required: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
    """Yield the objects of ``path``; raise :class:`JsonlError` at the first malformed line.

    ``required`` names keys every row must have.
    """
    path = Path(path)
    if not path.is_file():
        raise JsonlError(f"{path}: not found")
    needed = tuple(required)
    for number, row, error in iter_jsonl(path):
        if error:
            raise JsonlError(f"{path}:{number}: {error}")
        if not isinstance(row, dict):
            raise JsonlError(f"{path}:{number}: expected a JSON object")
        missing = [key for key in needed if key not in row]
        if missing:
            raise JsonlError(f"{path}:{number}: missing {', '.join(missing)}")
        yield row


def dumps_row(row: dict[str, Any]) -> str:
    """One row as a JSONL line (UTF-8 kept as is, newline included)."""
    return json.dumps(row, ensure_ascii=False) + "\n"


def write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write ``rows`` to ``path`` atomically; return how many were written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(dumps_row(row))
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


class JsonlAppender:
    """Append rows to a JSONL file, each one flushed to disk before :meth:`write` returns.

    A torn last line (the process was killed mid-write) is cut off when the file is opened again,
    so the rows before it stay readable and a rerun can resume after them.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _drop_torn_tail(self.path)
        self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed by close()

    def write(self, row: dict[str, Any]) -> None:
        self._handle.write(dumps_row(row))
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> JsonlAppender:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _drop_torn_tail(path: Path) -> None:
    """Truncate ``path`` after its last newline (no-op for a missing or well-ended file)."""
    if not path.is_file():
        return
    with open(path, "rb+") as handle:
        data = handle.read()
        if not data or data.endswith(b"\n"):
            return
        handle.truncate(data.rfind(b"\n") + 1)
