"""The critic learns to use the privileged prefix, and cannot win without it."""

from __future__ import annotations

import time

from training.sweet.config import load_config
from training.sweet.critic import train_critic
from training.sweet.trainer import TrainingRun

SETTINGS = [
    "critic.heldout_fraction=0.25",
    "critic.train.lr=5e-3",
    "critic.train.epochs=2",
    "critic.train.batch_size=4",
    "critic.train.warmup_ratio=0.0",
    "critic.train.checkpoint_every=0",
    "model.lora_r=16",
]


def _train(tiny_ref, tmp_path, secret_pairs, privileged: bool):
    config = load_config(None, [*SETTINGS, f"critic.privileged={str(privileged).lower()}"])
    pairs = secret_pairs(64, config.critic.heldout_fraction, config.seed)
    started = time.time()
    metrics = train_critic(
        pairs,
        config.critic,
        TrainingRun(tiny_ref, config.model, tmp_path / f"critic-{privileged}", seed=config.seed),
    )
    return metrics, time.time() - started


def test_privileged_critic_ranks_heldout_pairs_correctly(tiny_ref, tmp_path, make_secret_pairs):
    metrics, seconds = _train(tiny_ref, tmp_path, make_secret_pairs, privileged=True)
    assert metrics["heldout_tasks"] == 16
    assert metrics["heldout_pair_accuracy"] >= 0.9
    assert seconds < 60
    assert (tmp_path / "critic-True" / "adapter" / "adapter_config.json").is_file()


def test_critic_without_privileged_prefix_stays_at_chance(tiny_ref, tmp_path, make_secret_pairs):
    metrics, _ = _train(tiny_ref, tmp_path, make_secret_pairs, privileged=False)
    assert metrics["heldout_pair_accuracy"] <= 0.6
