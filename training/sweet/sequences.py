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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from training.colbench.tasks import Task
from training.colbench.trajectories import Turn

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
    """Tokenize each segment on its own and concatenate; left-truncate to ``max_length``."""
    ids: list[int] = []
    turns: list[int] = []
    for segment in segments:
        piece = tokenizer(segment.text, add_special_tokens=False)["input_ids"]
        ids.extend(piece)
        turns.extend([segment.turn] * len(piece))
    if max_length is not None and len(ids) > max_length:
        meta["truncated"] = len(ids) - max_length
        ids, turns = ids[-max_length:], turns[-max_length:]
    return TokenSequence(ids, turns, dict(meta))


def critic_sequence(
    tokenizer: Any,
    task: Task,
    turns: Sequence[Turn],
    *,
    privileged: bool = True,
    max_truth_chars: int = 6000,
    max_length: int | None = None,
    where: str = "dialogue",
) -> TokenSequence:
    """The critic view of ``turns`` as tokens, fitted to ``max_length``."""
    segments = critic_segments(
        tokenizer, task, turns, privileged=privileged, max_truth_chars=max_truth_chars
    )
    return tokenize_segments(tokenizer, segments, max_length=max_length, where=where)


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
