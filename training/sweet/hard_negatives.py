"""Hard negatives for the critic: the same dialogue, one detail of the final answer's code changed.

Why. Rollout pairs of one task differ in many ways at once: how many questions were asked, how
long the dialogue is, whether the agent answered at all. A critic can reach high pair accuracy on
them with shortcuts ("asking beats answering", "longer is better") and still not tell a right
constant from a wrong one, which is the one thing step-level ranking of answer candidates needs.
A hard negative removes every shortcut: chosen is a real successful trajectory, rejected is the
very same dialogue whose final answer differs from it in exactly one detail of the code (a
number, a string or a comparison boundary, found and perturbed by
:mod:`training.colbench.mutation`). Only the privileged ground truth can separate the two.

Rules:

* A mutant is kept only if the sandboxed hidden tests really fail for it (scored in one batch with
  the project's evaluator): some details do not matter to the tests, and a "negative" that passes
  every test would teach the critic to prefer one correct answer over another.
* The edit is made in the text, not by unparsing the AST, so the mutant keeps the original's
  formatting, comments and prose byte for byte except for the changed literal or operator (an
  unparsed answer would differ in layout too, and the critic could learn "unparsed looks wrong").
  The edit is accepted only if the edited code parses to exactly the original AST with that one
  detail changed.
* Hard negatives are built only from the critic's TRAINING split, after the task-disjoint split
  (:func:`critic_split`), and never reach the held-out pairs: a held-out task's ground truth must
  not shape the critic it evaluates, and the held-out pair accuracy keeps its meaning (real
  rollout pairs only) whatever the setting. Hard-negative accuracy on held-out tasks is measured
  separately by :mod:`training.sweet.critic_quality`.
"""

from __future__ import annotations

import ast
import copy
import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from training.colbench.evaluation.code_extraction import extract_code
from training.colbench.mutation import Detail, hidden_details, perturb_number, perturb_string
from training.colbench.protocol import ANSWER_MARKER
from training.colbench.trajectories import Trajectory, Turn, load_trajectories
from training.sweet.config import CriticConfig
from training.sweet.pairs import TrajectoryPair, split_by_task, succeeded
from training.sweet.sequences import action_text

_FLIPS = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}
_OPERATOR = re.compile(r"<=|>=|<|>")
_OP_TYPES = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_OP_CLASSES = {"<": ast.Lt, "<=": ast.LtE, ">": ast.Gt, ">=": ast.GtE}

MUTANT_ATTEMPTS_PER_KEPT = 3
"""Mutants scored per hard negative wanted (some details do not change any test's outcome)."""


# ---------------------------------------------------------------------- one-detail text edits


def _line_starts(data: bytes) -> list[int]:
    starts = [0]
    for index, byte in enumerate(data):
        if byte == 0x0A:
            starts.append(index + 1)
    return starts


def _offset(starts: list[int], line: int, column: int) -> int:
    """Byte offset of an AST position (``col_offset`` counts UTF-8 bytes)."""
    return starts[line - 1] + column


def _dump(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=False)


def one_detail_mutant(code: str, detail: Detail, rng: random.Random) -> str | None:
    """``code`` with ``detail`` (from :func:`hidden_details` of ``code``) perturbed by a minimal
    text edit; ``None`` when the edit cannot be made exactly (e.g. a string inside an f-string)."""
    tree = ast.parse(code)
    data = code.encode("utf-8")
    starts = _line_starts(data)
    if detail.kind == "comparison":
        edit = _comparison_edit(tree, detail, data, starts)
    else:
        edit = _constant_edit(tree, detail, starts, rng)
    if edit is None:
        return None
    start, end, replacement = edit
    mutant = (data[:start] + replacement.encode("utf-8") + data[end:]).decode("utf-8")
    try:
        if _dump(ast.parse(mutant)) != _dump(tree):  # ``tree`` now holds the expected change
            return None
    except SyntaxError:
        return None
    return mutant


def _constant_edit(
    tree: ast.AST, detail: Detail, starts: list[int], rng: random.Random
) -> tuple[int, int, str] | None:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and (node.lineno, node.col_offset) == (detail.line, detail.column)
            and repr(node.value) == detail.value
            and node.end_lineno is not None
            and node.end_col_offset is not None
        ):
            if isinstance(node.value, str):
                new: Any = perturb_string(node.value, rng)
            else:
                new = perturb_number(node.value, rng)
            if new == node.value:
                return None
            start = _offset(starts, node.lineno, node.col_offset)
            end = _offset(starts, node.end_lineno, node.end_col_offset)
            node.value = new
            return start, end, repr(new)
    return None


def _comparison_edit(
    tree: ast.AST, detail: Detail, data: bytes, starts: list[int]
) -> tuple[int, int, str] | None:
    # operators of one chained comparison share the Compare's position: the detail's rank among
    # same-position comparison details is its operator index
    same = [
        d
        for d in hidden_details(data.decode("utf-8"))
        if d.kind == "comparison" and (d.line, d.column) == (detail.line, detail.column)
    ]
    rank = [d.index for d in same].index(detail.index)
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Compare)
            and (node.lineno, node.col_offset) == (detail.line, detail.column)
        ):
            continue
        ordering = [i for i, op in enumerate(node.ops) if type(op) in _OP_TYPES]
        if rank >= len(ordering):
            continue
        position = ordering[rank]
        left = node.left if position == 0 else node.comparators[position - 1]
        right = node.comparators[position]
        if left.end_lineno is None or left.end_col_offset is None:
            return None
        gap_start = _offset(starts, left.end_lineno, left.end_col_offset)
        gap_end = _offset(starts, right.lineno, right.col_offset)
        match = _OPERATOR.search(data[gap_start:gap_end].decode("utf-8"))
        symbol = _OP_TYPES[type(node.ops[position])]
        if match is None or match.group(0) != symbol:
            return None
        flipped = _FLIPS[symbol]
        node.ops[position] = _OP_CLASSES[flipped]()
        begin = gap_start + len(data[gap_start:gap_end].decode("utf-8")[: match.start()].encode())
        return begin, begin + len(symbol.encode()), flipped
    return None


def one_detail_mutants(code: str, rng: random.Random, limit: int) -> list[tuple[Detail, str]]:
    """Up to ``limit`` distinct one-detail mutants of ``code``, details tried in a seeded order."""
    try:
        details = hidden_details(code)
    except SyntaxError:
        return []
    order = list(details)
    rng.shuffle(order)
    found: list[tuple[Detail, str]] = []
    seen = {code}
    for detail in order:
        if len(found) >= limit:
            break
        mutant = one_detail_mutant(code, detail, rng)
        if mutant is not None and mutant not in seen:
            seen.add(mutant)
            found.append((detail, mutant))
    return found


# ---------------------------------------------------------------- mutated final answers


def code_span(text: str) -> tuple[int, int] | None:
    """Where the final answer's code (as the evaluator extracts it) sits in an agent turn's text:
    after the answer marker when there is one. ``None`` when it is not one verbatim piece (several
    joined code blocks) or there is no code."""
    marker = text.find(ANSWER_MARKER)
    base = marker + len(ANSWER_MARKER) if marker >= 0 else 0
    code = extract_code(text[base:])
    core = code.rstrip("\n")  # extract_code appends one newline to the stripped block
    if not core:
        return None
    index = text.find(core, base)
    if index < 0:
        return None
    return index, index + len(core)


def final_answer_mutants(text: str, rng: random.Random, limit: int) -> list[tuple[Detail, str]]:
    """Up to ``limit`` copies of an agent turn's ``text`` whose answer code has one detail changed
    (everything else in the text unchanged)."""
    span = code_span(text)
    if span is None:
        return []
    start, end = span
    return [
        (detail, text[:start] + mutant + text[end:])
        for detail, mutant in one_detail_mutants(text[start:end], rng, limit)
    ]


def with_final_action(trajectory: Trajectory, text: str, **meta: Any) -> Trajectory:
    """A copy of ``trajectory`` whose last agent turn is ``text`` (content and raw output), with
    the answer re-read from it the way the protocol reads it."""
    history = [copy.copy(turn) for turn in trajectory.dialogue_history]
    last = max(i for i, turn in enumerate(history) if turn.role == "assistant")
    old = history[last]
    history[last] = Turn(
        "assistant", text, old.input, text if old.output is not None else None, old.model
    )
    marker = text.find(ANSWER_MARKER)
    answer = text[marker + len(ANSWER_MARKER) :] if marker >= 0 else text
    return Trajectory(
        trajectory.task,
        history,
        answer=answer,
        reward=None,
        success=None,
        meta={**trajectory.meta, **meta},
    )


@dataclass
class HardNegativeReport:
    """Counts of what :func:`hard_negatives` did, for the step metrics."""

    sources: int = 0
    """Successful backend trajectories offered (after removing duplicates)."""
    sources_without_mutants: int = 0
    """Of those, how many had no answer code with a detail that could be changed."""
    mutants_scored: int = 0
    mutants_passing: int = 0
    """Mutants that still passed every hidden test, so were dropped."""
    kept: int = 0
    details: dict[str, int] = field(default_factory=dict)
    """Kept hard negatives by detail kind."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "hard_negative_sources": self.sources,
            "hard_negative_sources_without_mutants": self.sources_without_mutants,
            "hard_negative_mutants_scored": self.mutants_scored,
            "hard_negative_mutants_passing": self.mutants_passing,
            "hard_negative_pairs": self.kept,
            "hard_negative_details": dict(self.details),
        }


def _unique_successes(trajectories: Iterable[Trajectory]) -> list[Trajectory]:
    """Successful backend trajectories with an answer, each once (pairs.jsonl repeats a task's
    best trajectory in every pair it is chosen in)."""
    seen: set[str] = set()
    out = []
    for trajectory in trajectories:
        if trajectory.task.kind != "backend" or not succeeded(trajectory):
            continue
        if not trajectory.answer or not trajectory.agent_turns:
            continue
        key = json.dumps(trajectory.to_row(), sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            out.append(trajectory)
    return out


def hard_negatives(
    trajectories: Iterable[Trajectory],
    per_trajectory: int,
    *,
    seed: int,
    sandbox: Any | None = None,
) -> tuple[list[TrajectoryPair], HardNegativeReport]:
    """Up to ``per_trajectory`` pairs (real successful trajectory, one-detail mutant that fails the
    hidden tests) for each successful backend trajectory in ``trajectories``; others are ignored.
    All mutants are scored in one sandbox batch."""
    from training.colbench.evaluation.backend_scoring import score_backend_many

    report = HardNegativeReport()
    if per_trajectory <= 0:
        return [], report
    sources = _unique_successes(trajectories)
    report.sources = len(sources)
    candidates: list[tuple[int, Detail, Trajectory]] = []
    for number, source in enumerate(sources):
        rng = random.Random(f"hard-negatives-{seed}-{source.task.id}-{number}")
        text = action_text(source.agent_turns[-1])
        found = final_answer_mutants(text, rng, per_trajectory * MUTANT_ATTEMPTS_PER_KEPT)
        if not found:
            report.sources_without_mutants += 1
        for detail, mutant_text in found:
            mutant = with_final_action(
                source, mutant_text, hard_negative=True, mutated_detail=detail.describe()
            )
            candidates.append((number, detail, mutant))
    if not candidates:
        return [], report
    owned = sandbox is None
    if owned:
        from training.colbench.evaluation.sandbox import Sandbox

        sandbox = Sandbox(workers=2)
    try:
        scores = score_backend_many([(m.answer or "", m.task) for _, _, m in candidates], sandbox)
    finally:
        if owned:
            sandbox.close()
    report.mutants_scored = len(candidates)
    kept: dict[int, int] = {}
    pairs = []
    for (number, detail, mutant), score in zip(candidates, scores, strict=True):
        mutant.reward, mutant.success = score.reward, score.success
        if score.success:
            report.mutants_passing += 1
            continue
        if kept.get(number, 0) >= per_trajectory:
            continue
        kept[number] = kept.get(number, 0) + 1
        report.details[detail.kind] = report.details.get(detail.kind, 0) + 1
        pairs.append(TrajectoryPair(sources[number], mutant))
    report.kept = len(pairs)
    return pairs, report


def critic_split(
    pairs: Sequence[TrajectoryPair],
    critic_cfg: CriticConfig,
    seed: int,
    *,
    sandbox: Any | None = None,
) -> tuple[list[TrajectoryPair], list[TrajectoryPair], dict[str, Any]]:
    """(train, held-out, metrics): the task-disjoint split of rollout pairs, then, when
    ``critic.hard_negatives`` > 0, hard negatives from the training side's successful
    trajectories (and from ``critic.hard_negative_sources`` outside the held-out tasks)
    appended to the training pairs only."""
    train, held = split_by_task(pairs, critic_cfg.heldout_fraction, seed)
    metrics: dict[str, Any] = {}
    if critic_cfg.hard_negatives > 0:
        sides = [t for p in train for t in (p.chosen, p.rejected)]
        if critic_cfg.hard_negative_sources:
            held_tasks = {p.task_id for p in held}
            extra_sources = load_trajectories(critic_cfg.hard_negative_sources)
            sides += [t for t in extra_sources if t.task.id not in held_tasks]
            metrics["hard_negative_source_file"] = critic_cfg.hard_negative_sources
        extra, report = hard_negatives(sides, critic_cfg.hard_negatives, seed=seed, sandbox=sandbox)
        train = [*train, *extra]
        metrics.update(report.to_dict())
    return train, held, metrics
