"""The active-adapter pointer: which adapter new agent turns use.

Serving switches versions by moving this pointer, never by reloading an adapter under an old name
(docs/architecture.md, hot-swap rules). A rollout or live session reads the pointer before every
agent turn, so a switch takes effect at the next turn while turns already generating finish on the
adapter they started with; each turn records the adapter that actually produced it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class AdapterPointer(Protocol):
    def current(self) -> str | None:
        """The adapter name for the next agent turn; ``None`` means the backend's default."""


class FixedAdapter:
    """A pointer that never moves."""

    def __init__(self, name: str | None) -> None:
        self.name = name

    def current(self) -> str | None:
        return self.name


class AdapterPointerFile:
    """A pointer kept in a text file holding one adapter name, re-read on every call.

    Another process switches the active adapter by rewriting the file (write a temporary file and
    rename it, so a reader never sees half a name). A missing or empty file means the default.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def current(self) -> str | None:
        try:
            name = self.path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def switch(self, name: str | None) -> None:
        """Point at ``name`` (``None``: the default) atomically."""
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(f"{name or ''}\n", encoding="utf-8")
        tmp.replace(self.path)
