"""The agent-turn mask: exactly the tokens of each agent action (plus its end-of-turn token)."""

from __future__ import annotations

from training.colbench.tasks import Task
from training.colbench.trajectories import Turn
from training.sweet.sequences import (
    CONTEXT,
    critic_segments,
    end_of_turn_text,
    policy_segments,
    tokenize_segments,
)

TASK = Task(
    id="t1",
    kind="backend",
    problem_description="Write a function that adds a tip.",
    ground_truth="def tip(bill):\n    return round(bill * 1.15, 2)",
    test_cases={"a": "tip(10)"},
)
DIALOGUE = [
    Turn("user", "Write a function that adds a tip."),
    Turn("assistant", "What percentage?", input="P1", output="What percentage?"),
    Turn("user", "Fifteen percent, rounded to cents."),
    Turn(
        "assistant",
        "I WANT TO ANSWER: def tip(b): ...",
        input="P2",
        output="I WANT TO ANSWER: def tip(b): ...",
    ),
]


def _agent_tokens(seq, turn):
    return [i for i, t in zip(seq.input_ids, seq.turn_ids, strict=True) if t == turn]


def test_critic_mask_covers_exactly_the_agent_turn_tokens(tokenizer):
    eot = end_of_turn_text(tokenizer)
    seq = tokenize_segments(tokenizer, critic_segments(tokenizer, TASK, DIALOGUE))
    for turn, text in enumerate(["What percentage?", "I WANT TO ANSWER: def tip(b): ..."]):
        expected = tokenizer(text + eot, add_special_tokens=False)["input_ids"]
        assert _agent_tokens(seq, turn) == expected
    labelled = [t for t in seq.turn_ids if t != CONTEXT]
    assert len(labelled) == sum(
        len(tokenizer(t + eot, add_special_tokens=False)["input_ids"])
        for t in ["What percentage?", "I WANT TO ANSWER: def tip(b): ..."]
    )
    # the person's turns and the template scaffolding are context
    text = tokenizer.decode(seq.input_ids)
    assert "Fifteen percent" in text
    assert "Fifteen" not in tokenizer.decode(_agent_tokens(seq, 0) + _agent_tokens(seq, 1))


def test_critic_sequence_concatenates_to_the_chat_template_rendering(tokenizer):
    segments = critic_segments(tokenizer, TASK, DIALOGUE, privileged=False)
    messages = [{"role": t.role, "content": t.content} for t in DIALOGUE]
    rendered = tokenizer.apply_chat_template(messages, tokenize=False)
    assert "".join(s.text for s in segments) == rendered


def test_privileged_prefix_carries_the_ground_truth_before_the_dialogue(tokenizer):
    with_prefix = "".join(s.text for s in critic_segments(tokenizer, TASK, DIALOGUE))
    without = "".join(s.text for s in critic_segments(tokenizer, TASK, DIALOGUE, privileged=False))
    assert TASK.ground_truth in with_prefix
    assert TASK.ground_truth not in without
    assert with_prefix.index(TASK.ground_truth) < with_prefix.index("What percentage?")


def test_policy_view_scores_each_action_after_its_exact_input(tokenizer):
    sequences = policy_segments(tokenizer, DIALOGUE)
    assert [[(s.text, s.turn) for s in segs] for segs in sequences] == [
        [("P1", CONTEXT), ("What percentage?" + end_of_turn_text(tokenizer), 0)],
        [("P2", CONTEXT), ("I WANT TO ANSWER: def tip(b): ..." + end_of_turn_text(tokenizer), 1)],
    ]


def test_policy_view_shares_one_sequence_when_prompts_nest(tokenizer):
    eot = end_of_turn_text(tokenizer)
    first = "<prompt>"
    second = first + "Q?" + eot + "<reply>"
    turns = [
        Turn("assistant", "Q?", input=first, output="Q?"),
        Turn("user", "reply"),
        Turn("assistant", "A", input=second, output="A"),
    ]
    (only,) = policy_segments(tokenizer, turns)
    assert [(s.text, s.turn) for s in only] == [
        (first, CONTEXT),
        ("Q?" + eot, 0),
        ("<reply>", CONTEXT),
        ("A" + eot, 1),
    ]
