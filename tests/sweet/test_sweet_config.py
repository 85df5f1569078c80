"""Hyperparameters: YAML + overrides, with unknown keys and wrong types rejected."""

from __future__ import annotations

from pathlib import Path

import pytest

from training.sweet.config import ConfigError, load_config

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@pytest.mark.parametrize("name", ["sweet-tiny.yaml", "sweet-llama8b.yaml"])
def test_shipped_configs_load(name):
    config = load_config(CONFIGS / name)
    assert config.critic.beta == 0.1 and config.policy.nll_coef == 0.01


def test_overrides_apply_after_the_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("critic:\n  beta: 0.3\n  train:\n    lr: 1e-4\n")
    config = load_config(path, ["critic.train.epochs=7", "rank.reference=sampling"])
    assert (config.critic.beta, config.critic.train.lr, config.critic.train.epochs) == (
        0.3,
        1e-4,
        7,
    )
    assert config.rank.reference == "sampling"
    assert config.policy.train.lr == 5e-6  # untouched defaults stay


@pytest.mark.parametrize(
    ("text", "overrides", "message"),
    [
        ("critic:\n  betta: 0.1\n", [], "critic.betta: unknown key"),
        ("", ["critic.train.lr=fast"], "critic.train.lr: expected float"),
        ("", ["rank.reference=oracle"], "rank.reference: must be 'paper' or 'sampling'"),
        ("", ["candidates"], "expected key=value"),
    ],
)
def test_bad_settings_fail_with_the_key_named(tmp_path, text, overrides, message):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path, overrides)
