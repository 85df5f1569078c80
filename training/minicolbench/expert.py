"""The noisy scripted expert: an agent that asks about each hidden detail, then answers.

It is a real :class:`~training.llm.base.LLM`, so it runs through the project's rollout machinery
(:func:`training.colbench.rollouts.rollout`) against the real environment and the real oracle
simulator, and its answers are scored by the real sandbox. Like any agent it sees only the prompt:
the public request, which names the family (:func:`~.families.family_for_description`), and the
dialogue so far. Its prompts use the tiny model's chat format (:func:`chat_prompt_text`), so the
stored ``input`` of each turn is exactly what the tiny model would be fed.

Policy, per turn (the state is read back from the dialogue, so the expert keeps no memory):
details are asked in the family's order; ``pos`` is the detail after the last one asked.

1. every detail asked or skipped: answer;
2. with probability ``noise.guess``: answer now, guessing every detail not learnt;
3. with probability ``noise.irrelevant`` (at most :data:`MAX_IRRELEVANT` per episode): ask an
   off-topic question;
4. skip each next detail with probability ``noise.skip`` (a skipped detail is guessed), then ask
   about the first one not skipped, or answer if none is left.

A guess is a value drawn uniformly from the detail's range. A reply that does not reveal the
value (the oracle said something else) also leaves the detail to a guess. Randomness comes from
the expert's seed, the call's sampling seed, the prompt and the prompt's position among equal
prompts of the same call, so ``k`` rollouts of one task differ and a rerun repeats them.
"""

from __future__ import annotations

import ast
import hashlib
import random
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, fields
from typing import Any

from training.colbench.protocol import ANSWER_MARKER
from training.llm.base import LLM, Completion, LLMError, Message, SamplingParams
from training.llm.tiny_model import BOS, EOS, TURN_START
from training.minicolbench.families import SIGNATURE, Detail, Family, family_for_description

MAX_IRRELEVANT = 2
IRRELEVANT_QUESTIONS: tuple[str, ...] = (
    "Should the function print anything?",
    "Do you want comments in the code?",
    "Which python version do you use?",
    "Should it work with very large inputs?",
)
MISSING = object()
"""What :func:`parse_reply` returns when a reply does not reveal the detail."""


@dataclass(frozen=True)
class Noise:
    """How often the expert deviates from asking everything (probabilities, see the module)."""

    skip: float = 0.0
    irrelevant: float = 0.0
    guess: float = 0.0

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"noise {item.name} must be within [0, 1], got {value}")

    def label(self) -> str:
        return ",".join(f"{item.name}={getattr(self, item.name):g}" for item in fields(self))


NO_NOISE = Noise()
DEFAULT_NOISE = Noise(skip=0.3, irrelevant=0.2, guess=0.15)
NOISE_PRESETS = {"none": NO_NOISE, "default": DEFAULT_NOISE}


def parse_noise(text: str) -> Noise:
    """``none``, ``default`` or ``skip=0.3,irrelevant=0.2,guess=0.15`` (unnamed knobs are 0)."""
    if text in NOISE_PRESETS:
        return NOISE_PRESETS[text]
    knobs: dict[str, float] = {}
    names = {item.name for item in fields(Noise)}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep or name.strip() not in names:
            raise ValueError(f"noise: expected none, default or NAME=P,... with NAME in {names}")
        knobs[name.strip()] = float(value)
    return Noise(**knobs)


# ------------------------------------------------------------------------------ chat format


def chat_prompt_text(messages: Sequence[Message], *, add_generation_prompt: bool = True) -> str:
    """The tiny model's chat template (:data:`training.llm.tiny_model.CHAT_TEMPLATE`) in Python."""
    parts = [BOS]
    for message in messages:
        content = message["content"]
        if not isinstance(content, str):
            content = "".join(
                p.get("text", "") if p.get("type") == "text" else "[image]" for p in content
            )
        parts.append(f"{TURN_START}{message['role']}\n{content}{EOS}\n")
    if add_generation_prompt:
        parts.append(f"{TURN_START}assistant\n")
    return "".join(parts)


_TURN = re.compile(re.escape(TURN_START) + r"(\w+)\n(.*?)" + re.escape(EOS) + r"\n", re.DOTALL)


def messages_from_prompt(prompt: str) -> list[Message]:
    """The messages a :func:`chat_prompt_text` prompt was made from."""
    return [{"role": role, "content": content} for role, content in _TURN.findall(prompt)]


# ------------------------------------------------------------------------------ the policy


def _signature_pattern(family: Family) -> re.Pattern[str]:
    return re.compile(r"The function is called (\w+) and takes ([\w, ]+?), in that order\.")


def parse_reply(family: Family, detail: Detail, reply: str) -> Any:
    """The detail's value as the reply states it, or :data:`MISSING`.

    The oracle says constants as "NAME is VALUE." and the signature as "The function is called
    NAME and takes A, B, in that order."; a value outside the detail's range counts as missing.
    """
    if detail.name == SIGNATURE:
        match = _signature_pattern(family).search(reply)
        if not match:
            return MISSING
        value: Any = (match[1], tuple(a.strip() for a in match[2].split(",")))
    else:
        match = re.search(rf"(?<![\w.]){re.escape(detail.name)} is (.+?)\.(?=\s|$)", reply)
        if not match:
            return MISSING
        try:
            value = ast.literal_eval(match[1])
        except (ValueError, SyntaxError):
            return MISSING
    known = [v for v in detail.values if v == value and type(v) is type(value)]
    return known[0] if known else MISSING


def guess_values(family: Family, rng: random.Random) -> dict[str, Any]:
    """A value for every detail, drawn uniformly from its range (what a lucky guess uses)."""
    return {detail.name: rng.choice(detail.values) for detail in family.details}


def answer_text(family: Family, values: dict[str, Any]) -> str:
    """The final turn: the answer marker, then the function with these values."""
    return f"{ANSWER_MARKER}\n{family.source(values)}"


@dataclass
class _State:
    learnt: dict[str, Any]
    position: int
    irrelevant: int


def _read_state(family: Family, messages: Sequence[Message]) -> _State:
    questions = {detail.question: i for i, detail in enumerate(family.details)}
    learnt: dict[str, Any] = {}
    position = irrelevant = 0
    turns = [m for m in messages if m["role"] in ("user", "assistant")][1:]  # after the request
    for index, message in enumerate(turns):
        if message["role"] != "assistant":
            continue
        asked = questions.get(str(message["content"]).strip())
        reply = turns[index + 1]["content"] if index + 1 < len(turns) else ""
        if asked is not None:
            detail = family.details[asked]
            value = parse_reply(family, detail, str(reply))
            if value is not MISSING:
                learnt[detail.name] = value
            position = max(position, asked + 1)
        elif str(message["content"]).strip() in IRRELEVANT_QUESTIONS:
            irrelevant += 1
    return _State(learnt, position, irrelevant)


def expert_turn(messages: Sequence[Message], noise: Noise, rng: random.Random) -> str:
    """The expert's next turn given the chat so far (system prompt, request, dialogue)."""
    request = next((m for m in messages if m["role"] == "user"), None)
    family = family_for_description(str(request["content"])) if request else None
    if family is None:
        return f"{ANSWER_MARKER}\ndef solve():\n    return None\n"
    state = _read_state(family, messages)

    def answer() -> str:
        values = guess_values(family, rng)
        values.update(state.learnt)
        return answer_text(family, values)

    details = family.details
    if state.position >= len(details) or rng.random() < noise.guess:
        return answer()
    if state.irrelevant < MAX_IRRELEVANT and rng.random() < noise.irrelevant:
        return rng.choice(IRRELEVANT_QUESTIONS)
    position = state.position
    while position < len(details) and rng.random() < noise.skip:
        position += 1
    if position >= len(details):
        return answer()
    return details[position].question


class ScriptedExpert(LLM):
    """The expert as an agent backend (see the module docstring); it has no probabilities."""

    def __init__(self, noise: Noise = DEFAULT_NOISE, *, seed: int = 0):
        self.noise = noise
        self.seed = seed
        self.spec = f"minicolbench-expert:{noise.label()},seed={seed}"

    def chat_prompt(
        self, messages: Sequence[Message], *, add_generation_prompt: bool = True
    ) -> str:
        return chat_prompt_text(messages, add_generation_prompt=add_generation_prompt)

    def _rng(self, prompt: str, call_seed: int | None, occurrence: int) -> random.Random:
        digest = hashlib.sha256(prompt.encode()).hexdigest()[:16]
        return random.Random(f"{self.seed}:{call_seed}:{digest}:{occurrence}")

    def generate(
        self,
        prompts: Sequence[str],
        params: SamplingParams | None = None,
        *,
        adapter: str | None = None,
    ) -> list[list[Completion]]:
        params = params or SamplingParams()
        seen: dict[str, int] = {}
        out = []
        for prompt in prompts:
            choices = []
            for _ in range(params.n):
                occurrence = seen.get(prompt, 0)
                seen[prompt] = occurrence + 1
                rng = self._rng(prompt, params.seed, occurrence)
                text = expert_turn(messages_from_prompt(prompt), self.noise, rng)
                choices.append(Completion(text=text, model=self.spec))
            out.append(choices)
        return out

    async def stream(
        self, prompt: str, params: SamplingParams | None = None, *, adapter: str | None = None
    ) -> AsyncIterator[str]:
        yield self.generate([prompt], params)[0][0].text

    def score(self, prompt: str, continuation: str, *, adapter: str | None = None) -> list[float]:
        raise LLMError("the scripted expert has no token probabilities")

    def load_adapter(self, name: str, path: str) -> None:
        raise LLMError("the scripted expert has no adapters")

    def unload_adapter(self, name: str) -> None:
        raise LLMError("the scripted expert has no adapters")

    def adapters(self) -> list[str]:
        return []
