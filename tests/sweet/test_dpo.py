"""Policy DPO on step pairs moves probability from the rejected to the chosen action."""

from __future__ import annotations

import torch
from peft import PeftModel

from training.sweet.config import load_config
from training.sweet.dpo import grouped_logprobs
from training.sweet.model_loading import load_base_model
from training.sweet.policy import step_pair_examples, train_policy
from training.sweet.trainer import TrainingRun

PROMPTS = [
    f"<|bos|><|turn|>user\nQuestion {i}: what should I do?<|eot|>\n<|turn|>assistant\n"
    for i in range(6)
]
ROWS = [
    {
        "prompt": p,
        "chosen": "Ask which inputs the function takes.",
        "rejected": "I WANT TO ANSWER: pass",
    }
    for p in PROMPTS
]


def _margin(model, tokenizer, examples):
    with torch.no_grad():
        chosen = grouped_logprobs(model, [e.chosen for e in examples], tokenizer.pad_token_id)
        rejected = grouped_logprobs(model, [e.rejected for e in examples], tokenizer.pad_token_id)
    return (chosen.total - rejected.total).mean().item()


def test_dpo_raises_the_chosen_minus_rejected_margin(tiny_ref, tokenizer, tmp_path):
    config = load_config(
        None,
        [
            "policy.train.lr=2e-3",
            "policy.train.epochs=3",
            "policy.train.batch_size=2",
            "policy.train.warmup_ratio=0.0",
        ],
    )
    metrics = train_policy(
        ROWS,
        config.policy,
        TrainingRun(tiny_ref, config.model, tmp_path / "policy", seed=config.seed),
    )
    examples = step_pair_examples(tokenizer, ROWS, config.model.max_length)
    base = load_base_model(tiny_ref, config.model).eval()
    before = _margin(base, tokenizer, examples)
    trained = PeftModel.from_pretrained(base, str(tmp_path / "policy" / "adapter")).eval()
    after = _margin(trained, tokenizer, examples)
    assert after > before + 1.0
    assert abs(metrics["first_margin"]) < 1e-3  # the reference is the policy before the update
    assert metrics["last_margin"] > metrics["first_margin"]
