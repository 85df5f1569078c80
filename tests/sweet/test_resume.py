"""An interrupted critic run resumes from its checkpoint and ends where a straight run does."""

from __future__ import annotations

import pytest
from safetensors.torch import load_file

import training.sweet.critic as critic_module
from training.sweet.config import load_config
from training.sweet.critic import train_critic
from training.sweet.trainer import TrainingRun

SETTINGS = [
    "critic.heldout_fraction=0.25",
    "critic.train.epochs=2",
    "critic.train.batch_size=2",
    "critic.train.checkpoint_every=1",
    "critic.train.lr=1e-3",
    "model.lora_dropout=0.1",  # exercises the restored RNG state
]


def test_interrupted_run_resumes_to_the_same_adapter(
    tiny_ref, tmp_path, make_secret_pairs, monkeypatch
):
    config = load_config(None, SETTINGS)
    pairs = make_secret_pairs(8, 0.25, config.seed)
    straight = train_critic(
        pairs,
        config.critic,
        TrainingRun(tiny_ref, config.model, tmp_path / "straight", seed=config.seed),
    )

    real_loss = critic_module.bradley_terry_loss
    calls = {"n": 0}

    def crash_in_first_evaluation(chosen, rejected):
        # calls 1-3: the three optimizer steps of epoch 0; call 4: its held-out evaluation, which
        # runs before the epoch-end checkpoint, so the run must redo step 3 from step 2's checkpoint
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt("simulated crash")
        return real_loss(chosen, rejected)

    monkeypatch.setattr(critic_module, "bradley_terry_loss", crash_in_first_evaluation)
    with pytest.raises(KeyboardInterrupt):
        train_critic(
            pairs,
            config.critic,
            TrainingRun(tiny_ref, config.model, tmp_path / "resumed", seed=config.seed),
        )
    assert (tmp_path / "resumed" / "checkpoint" / "progress.json").is_file()
    monkeypatch.setattr(critic_module, "bradley_terry_loss", real_loss)
    resumed = train_critic(
        pairs,
        config.critic,
        TrainingRun(tiny_ref, config.model, tmp_path / "resumed", seed=config.seed),
    )

    assert resumed["resumed_from"] == 2
    assert resumed["steps"] == straight["steps"]
    a = load_file(tmp_path / "straight" / "adapter" / "adapter_model.safetensors")
    b = load_file(tmp_path / "resumed" / "adapter" / "adapter_model.safetensors")
    assert a.keys() == b.keys()
    for key in a:
        assert (a[key] - b[key]).abs().max() <= 1e-6, key
    assert resumed["heldout_pair_accuracy"] == straight["heldout_pair_accuracy"]
