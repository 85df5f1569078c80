"""Turning sampled token ids into text, one token at a time, with stop strings.

Byte-level BPE tokens need not end on a UTF-8 character boundary, so a token's text is only
released once the bytes decode cleanly (the "prefix offset / read offset" technique vLLM also
uses). Stop strings are matched on the text; while a sequence runs, the tail that could still be the
start of a stop string is held back from streaming so that a stop string is never shown.
"""

from __future__ import annotations

from collections.abc import Sequence


class IncrementalText:
    """The text of one generated sequence, built token by token."""

    def __init__(self, tokenizer, stop: Sequence[str] = (), *, lazy: bool = False) -> None:
        """``lazy``: nobody watches the text while it grows (no stop strings, no streaming), so
        decode once in :meth:`finish` instead of per token (matters at hundreds of rows)."""
        self._tokenizer = tokenizer
        self._lazy = lazy and not any(stop)
        self._stop = [s for s in stop if s]
        self._holdback = max((len(s) for s in self._stop), default=1) - 1
        self._ids: list[int] = []
        self._prefix_offset = 0
        self._read_offset = 0
        self.text = ""
        self.emitted = 0
        self.stopped = False
        """True once a stop string appeared; ``text`` then ends just before it."""

    def _decode(self, ids: list[int]) -> str:
        return self._tokenizer.decode(ids, skip_special_tokens=True)

    def add(self, token_id: int) -> None:
        """Append one token; may set :attr:`stopped` (then the text is cut at the stop string)."""
        self._ids.append(token_id)
        if self._lazy:
            return
        prefix = self._decode(self._ids[self._prefix_offset : self._read_offset])
        current = self._decode(self._ids[self._prefix_offset :])
        if len(current) <= len(prefix) or current.endswith("\ufffd"):
            return  # an incomplete UTF-8 sequence, or a special token: nothing new yet
        delta = current[len(prefix) :]
        self._prefix_offset = self._read_offset
        self._read_offset = len(self._ids)
        searched_from = max(0, len(self.text) - self._holdback)
        self.text += delta
        for stop in self._stop:
            index = self.text.find(stop, searched_from)
            if index != -1:
                self.text = self.text[:index]
                self.stopped = True
                return

    def finish(self) -> None:
        """The sequence ended without a stop string: keep bytes still waiting for completion."""
        if self.stopped:
            return
        prefix = self._decode(self._ids[self._prefix_offset : self._read_offset])
        current = self._decode(self._ids[self._prefix_offset :])
        if len(current) > len(prefix):
            self.text += current[len(prefix) :]
        self._prefix_offset = self._read_offset = len(self._ids)

    def take_delta(self, *, final: bool) -> str:
        """Text not yet handed out that can no longer turn into a stop string."""
        end = len(self.text) if final or self.stopped else len(self.text) - self._holdback
        if end <= self.emitted:
            return ""
        delta = self.text[self.emitted : end]
        self.emitted = end
        return delta
