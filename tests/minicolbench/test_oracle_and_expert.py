from __future__ import annotations

import random

from training.colbench.protocol import ANSWER_MARKER
from training.minicolbench.expert import (
    IRRELEVANT_QUESTIONS,
    NO_NOISE,
    Noise,
    ScriptedExpert,
    expert_turn,
    messages_from_prompt,
    parse_noise,
)
from training.minicolbench.families import FAMILIES
from training.minicolbench.measure import reveal_rate, run_expert, success_rate


def test_the_oracle_reveals_each_familys_details_to_the_experts_questions(one_per_family, oracle):
    rate = reveal_rate([t.task for t in one_per_family], oracle)
    assert set(rate.by_family) == {f.name for f in FAMILIES}
    assert rate.by_family == {name: [n, n] for name, (_, n) in rate.by_family.items()}


def test_a_noise_free_expert_succeeds_on_every_family(one_per_family, oracle):
    trajectories = run_expert([t.task for t in one_per_family], NO_NOISE, simulator=oracle)
    assert success_rate(trajectories).rate == 1.0
    for trajectory in trajectories:
        family = next(t.family for t in one_per_family if t.task.id == trajectory.task.id)
        agent = trajectory.agent_turns
        assert len(agent) == len(family.details) + 1  # one question per detail, then the answer
        assert ANSWER_MARKER in agent[-1].content and trajectory.meta["ended_by"] == "answer"
        assert all(turn.input for turn in agent) and trajectory.reward == 1.0


def _chat(description: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": "s"}, {"role": "user", "content": description}]


def test_noise_knobs_skip_guess_and_ask_irrelevant_questions():
    family = FAMILIES[0]
    rng = random.Random(0)
    assert expert_turn(_chat(family.description), NO_NOISE, rng) == family.details[0].question
    assert expert_turn(_chat(family.description), Noise(guess=1), rng).startswith(ANSWER_MARKER)
    assert expert_turn(_chat(family.description), Noise(skip=1), rng).startswith(ANSWER_MARKER)
    assert expert_turn(_chat(family.description), Noise(irrelevant=1), rng) in IRRELEVANT_QUESTIONS
    assert parse_noise("skip=0.5") == Noise(skip=0.5) and parse_noise("none") == NO_NOISE


def test_the_expert_reads_its_own_chat_format_back_and_repeats_under_a_seed():
    expert = ScriptedExpert(Noise(skip=0.5, irrelevant=0.5, guess=0.5), seed=1)
    prompt = expert.chat_prompt(_chat(FAMILIES[1].description))
    assert messages_from_prompt(prompt)[1]["content"] == FAMILIES[1].description
    first = [c[0].text for c in expert.generate([prompt] * 20)]
    again = [c[0].text for c in ScriptedExpert(expert.noise, seed=1).generate([prompt] * 20)]
    assert first == again and len(set(first)) > 1  # equal prompts of one call still differ
