"""Small JSONL helpers for the run folder's intermediate files (pairs, candidates, ranks...)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


class RunFileError(ValueError):
    """An intermediate file that is missing or malformed."""


def write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write rows atomically (a crash leaves the previous file or none, never half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with open(tmp, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    os.replace(tmp, path)
    return count


def read_jsonl(path: str | Path, *, required: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
    path = Path(path)
    if not path.is_file():
        raise RunFileError(f"{path}: not found")
    needed = tuple(required)
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RunFileError(f"{path}:{number}: invalid JSON ({exc.msg})") from exc
            if not isinstance(row, dict):
                raise RunFileError(f"{path}:{number}: expected a JSON object")
            missing = [key for key in needed if key not in row]
            if missing:
                raise RunFileError(f"{path}:{number}: missing {', '.join(missing)}")
            yield row
