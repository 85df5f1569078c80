"""The project's backend oracle with memoised embeddings, for many rollouts on few CPU cores.

The default oracle (:class:`~training.colbench.simulators.backend_oracle.BackendOracleSimulator`,
embedding retriever) re-encodes every question with MiniLM. MiniColBench agents ask the same few
questions thousands of times, so this subclass caches the sentence embedding of every text it has
encoded (questions and fact texts alike) and every reply per ``(ground truth, message)``. The
replies are exactly the oracle's: same retriever, same threshold, same facts; only repeated work
is skipped (the oracle is deterministic, so a cached reply is the reply).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from training.colbench.simulators.backend_oracle import BackendOracleSimulator, EmbeddingRetriever
from training.colbench.simulators.base import BackendQuery
from training.colbench.tasks import Task
from training.colbench.trajectories import Turn


class _MemoEncoder:
    """Wraps a SentenceTransformer: each distinct text is encoded once (normalised, float32)."""

    def __init__(self, encoder) -> None:
        self._encoder = encoder
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], **kwargs) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            vectors = np.asarray(self._encoder.encode(missing, **kwargs))
            self._memo.update(zip(missing, vectors, strict=True))
        return np.stack([self._memo[t] for t in texts]) if texts else np.zeros((0, 0))


class CachedOracleSimulator(BackendOracleSimulator):
    """:class:`BackendOracleSimulator` (embedding retriever) with memoised encodes and replies."""

    def __init__(self) -> None:
        super().__init__("embedding")
        assert isinstance(self.retriever, EmbeddingRetriever)
        self.retriever._encoder = _MemoEncoder(self.retriever._encoder)
        self._replies: dict[tuple[str, str], str] = {}

    def reply(self, message: str, task: Task, dialogue: Sequence[Turn] = ()) -> str:
        key = (task.ground_truth, message)
        if key not in self._replies:
            self._replies[key] = super().reply(message, task, dialogue)
        return self._replies[key]

    def reply_many(self, queries: Sequence[BackendQuery]) -> list[str]:
        return [self.reply(q.message, q.task, q.dialogue) for q in queries]
