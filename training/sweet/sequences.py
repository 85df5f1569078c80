"""Turn trajectories into token sequences whose agent-turn tokens are labelled.

Two views of the same dialogue:

* the **critic view**: a privileged block carrying the hidden ground truth (a system message, or the
  head of the first user message when the template has no system role), then the trajectory
  formatted with the policy tokenizer's chat template. Agent turns are located by rendering the
  template incrementally, so the labels are exact whatever the template looks like.
* the **policy view**: for each agent turn, the exact prompt the agent saw (``turn.input``) followed
  by its action. When a turn's prompt extends the previous prompt plus action (chat templates do),
  the turns share one sequence.

Sequences are tokenized segment by segment and concatenated, so the label of every token is known
by construction and a sampled completion is tokenized exactly as the model continued its prompt.
Each agent segment ends with the template's end-of-turn token: training on it teaches the policy
to stop, and the critic scores the complete action.

A sequence longer than the training window loses whole early exchanges from the middle of the
dialogue (:func:`fit_window`); the opening (privileged prefix or system prompt, first request) and
the scored last turn are never cut.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from training.colbench.tasks import Task
from training.colbench.trajectories import Turn

logger = logging.getLogger(__name__)

CONTEXT = -1
"""Turn label of tokens that are not part of an agent action."""


class SequenceError(ValueError):
    """A dialogue that cannot be turned into a training sequence."""


@dataclass
class Segment:
    text: str
    turn: int = CONTEXT
    """Agent turn index (0-based, counting agent turns only) or CONTEXT."""


@dataclass
class TokenSequence:
    """Token ids with a per-token agent-turn label (CONTEXT for everything else)."""

    input_ids: list[int]
    turn_ids: list[int]
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.input_ids)

    @property
    def num_agent_tokens(self) -> int:
        return sum(1 for t in self.turn_ids if t != CONTEXT)


def action_text(turn: Turn) -> str:
    """What the agent produced on a turn: the raw output when recorded, else the shown content."""
    return turn.output if turn.output is not None else turn.content


def privileged_prefix(task: Task, *, max_truth_chars: int = 6000) -> str:
    """Training-time information the agent never sees, for the critic (Duet's own wording)."""
    truth = task.ground_truth
    if len(truth) > max_truth_chars:
        truth = truth[:max_truth_chars] + "\n[... truncated ...]"
    if task.kind == "backend":
        what = "the Python function the person actually wants (their hidden information)"
    else:
        what = "the HTML page the person actually wants (their hidden information)"
    return (
        "REVIEWER CONTEXT (hidden from the agent; available only during training)\n"
        f"Request as the person first stated it:\n{task.problem_description}\n\n"
        f"Reference solution, {what}:\n<<<\n{truth}\n>>>\n\n"
        "Below is the conversation between the person and the agent. Judge each agent turn by how "
        "much it moves the collaboration toward this reference."
    )


def _render(tokenizer: Any, messages: list[dict[str, str]], generation_prompt: bool) -> str:
    return tokenizer.apply_chat_template(
        messages, tokenize=False, add_generation_prompt=generation_prompt
    )


@lru_cache(maxsize=32)
def _template_facts(tokenizer: Any) -> tuple[bool, str]:
    """(supports a system role, end-of-turn text that follows an assistant message)."""
    try:
        _render(
            tokenizer, [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}], 1
        )
        system_ok = True
    except Exception:  # templates without a system role raise from inside jinja
        system_ok = False
    user = [{"role": "user", "content": "u"}]
    prompt = _render(tokenizer, user, True)
    full = _render(tokenizer, [*user, {"role": "assistant", "content": "ZQXJ"}], False)
    after = full[len(prompt) :].split("ZQXJ", 1)[-1]
    special = sorted(
        (t for t in tokenizer.all_special_tokens if t), key=len, reverse=True
    ) + sorted((t.content for t in tokenizer.added_tokens_decoder.values()), key=len, reverse=True)
    for token in special:
        if after.startswith(token):
            return system_ok, token
    return system_ok, tokenizer.eos_token or ""


def end_of_turn_text(tokenizer: Any) -> str:
    """The special token the template closes an assistant message with (the stop token)."""
    return _template_facts(tokenizer)[1]


def _messages(turns: Sequence[Turn], task: Task) -> list[dict[str, str]]:
    messages = []
    if not turns or turns[0].role != "user":
        messages.append({"role": "user", "content": task.problem_description})
    for turn in turns:
        text = action_text(turn) if turn.role == "assistant" else turn.content
        messages.append({"role": turn.role, "content": text.strip()})
    return messages


def critic_segments(
    tokenizer: Any,
    task: Task,
    turns: Sequence[Turn],
    *,
    privileged: bool = True,
    max_truth_chars: int = 6000,
) -> list[Segment]:
    """The critic view of ``turns`` (a whole trajectory, or the dialogue so far plus one action)."""
    system_ok, eot = _template_facts(tokenizer)
    messages = _messages(turns, task)
    if privileged:
        block = privileged_prefix(task, max_truth_chars=max_truth_chars)
        if system_ok:
            messages.insert(0, {"role": "system", "content": block})
        else:
            first = messages[0]
            messages[0] = {"role": first["role"], "content": f"{block}\n\n{first['content']}"}
    full = _render(tokenizer, messages, False)
    segments: list[Segment] = []
    cursor = 0
    agent_index = 0
    for i, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        prompt = _render(tokenizer, messages[:i], True)
        upto = _render(tokenizer, messages[: i + 1], False)
        content = message["content"]
        if not (full.startswith(upto) and upto.startswith(prompt)):
            raise SequenceError("chat template does not render the dialogue incrementally")
        if not upto[len(prompt) :].startswith(content):
            raise SequenceError("chat template alters assistant content; cannot locate the turn")
        start, end = len(prompt), len(prompt) + len(content)
        if eot and upto[end:].startswith(eot):
            end += len(eot)
        segments.append(Segment(full[cursor:start]))
        segments.append(Segment(full[start:end], agent_index))
        cursor = end
        agent_index += 1
    if cursor < len(full):
        segments.append(Segment(full[cursor:]))
    return [s for s in segments if s.text]


def policy_segments(tokenizer: Any, turns: Sequence[Turn]) -> list[list[Segment]]:
    """The policy view: one segment list per sequence; agent turns without ``input`` are errors."""
    eot = end_of_turn_text(tokenizer)
    sequences: list[list[Segment]] = []
    rendered = ""  # text of the current sequence so far
    agent_index = 0
    for turn in turns:
        if turn.role != "assistant":
            continue
        if not turn.input:
            raise SequenceError(f"agent turn {agent_index} has no recorded input prompt")
        action = action_text(turn) + eot
        if sequences and turn.input.startswith(rendered):
            extra = turn.input[len(rendered) :]
            sequences[-1].append(Segment(extra))
        else:
            sequences.append([Segment(turn.input)])
            rendered = turn.input
        sequences[-1].append(Segment(action, agent_index))
        rendered = turn.input + action
        agent_index += 1
    return [[s for s in segs if s.text] for segs in sequences]


def prompt_completion_segments(tokenizer: Any, prompt: str, completion: str) -> list[Segment]:
    """One agent action (turn 0) after the exact prompt the agent saw."""
    return [Segment(prompt), Segment(completion + end_of_turn_text(tokenizer), 0)]


def tokenize_segments(
    tokenizer: Any,
    segments: Sequence[Segment],
    *,
    max_length: int | None = None,
    where: str = "sequence",
    **meta: Any,
) -> TokenSequence:
    """Tokenize each segment on its own and concatenate, fitted to ``max_length`` by dropping
    whole early turns (:func:`fit_window`); ``meta["dropped_turns"]`` counts them."""
    pieces = [(tokenizer(s.text, add_special_tokens=False)["input_ids"], s.turn) for s in segments]
    if max_length is not None:
        pieces, dropped, cut = fit_window(pieces, max_length, where)
        if dropped:
            meta.update(dropped_turns=dropped, dropped_tokens=cut)
    ids = [token for piece, _ in pieces for token in piece]
    turns = [turn for piece, turn in pieces for _ in piece]
    return TokenSequence(ids, turns, dict(meta))


Piece = tuple[list[int], int]
"""The token ids of one segment and its turn label."""


def fit_window(pieces: list[Piece], max_length: int, where: str) -> tuple[list[Piece], int, int]:
    """Drop whole early exchanges until ``pieces`` fit in ``max_length`` tokens.

    A sequence reads: the opening (everything before the first agent action: the critic's
    privileged prefix or the agent's system prompt, and the person's first request), exchanges
    (an agent action and the context up to the next action: the person's reply and the next turn
    header), and the scored end (the last agent action and what follows it). The earliest
    exchanges go first; the opening and the end are never cut, and no turn is ever cut inside,
    so BOS, the hidden ground truth and the system prompt always survive. Returns the kept pieces,
    how many agent turns were dropped and how many tokens.

    Raises :class:`SequenceError` naming ``where`` when the opening and the last action alone do
    not fit: a silently cut sequence would train on something else.
    """
    lengths = [len(ids) for ids, _ in pieces]
    total = sum(lengths)
    if total <= max_length:
        return pieces, 0, 0
    actions = [i for i, (_, turn) in enumerate(pieces) if turn != CONTEXT]
    if not actions:
        raise SequenceError(
            f"{where}: {total} tokens and no agent turn; model.max_length is {max_length}"
        )
    opening = sum(lengths[: actions[0]])
    for dropped, start in enumerate(actions[1:], start=1):
        kept = opening + sum(lengths[start:])
        if kept <= max_length:
            return pieces[: actions[0]] + pieces[start:], dropped, total - kept
    raise SequenceError(
        f"{where}: {total} tokens do not fit in model.max_length={max_length} even with every "
        f"earlier turn dropped: the opening (privileged prefix or system prompt, and the first "
        f"request) takes {opening} tokens and the scored turn {sum(lengths[actions[-1] :])}. "
        "Raise model.max_length or lower critic.max_truth_chars."
    )


def window_report(sequences: Sequence[TokenSequence], desc: str, max_length: int) -> dict[str, int]:
    """Step metrics of :func:`fit_window`'s work (and one warning when it dropped anything)."""
    truncated = [s for s in sequences if s.meta.get("dropped_turns")]
    dropped = sum(s.meta["dropped_turns"] for s in truncated)
    if truncated:
        logger.warning(
            "%s: %d of %d sequences were longer than model.max_length=%d; %d early agent turns "
            "were dropped whole (the opening and the last turn of each were kept)",
            desc,
            len(truncated),
            len(sequences),
            max_length,
            dropped,
        )
    return {"truncated_sequences": len(truncated), "dropped_turns": dropped}


def policy_sequences(
    tokenizer: Any,
    turns: Sequence[Turn],
    *,
    max_length: int | None = None,
    where: str = "dialogue",
) -> list[TokenSequence]:
    """The agent's own view of a dialogue as tokens: its exact prompts and its actions, never any
    hidden information (one sequence per run of nested prompts)."""
    return [
        tokenize_segments(tokenizer, segments, max_length=max_length, where=where)
        for segments in policy_segments(tokenizer, turns)
    ]
