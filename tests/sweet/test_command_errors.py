"""Training commands: input errors are one line and exit 2; bugs keep their traceback."""

from __future__ import annotations

import argparse

import pytest

from training.cli import main
from training.colbench.tasks import TaskFormatError
from training.jsonl import JsonlError
from training.sweet.cli_common import guard
from training.sweet.config import ConfigError
from training.sweet.errors import TrainingDataError
from training.sweet.model_loading import ModelSpecError
from training.sweet.sequences import SequenceError


def _raising(error: Exception):
    def handler(args: argparse.Namespace) -> int:
        raise error

    return handler


def test_a_plain_value_error_from_a_bug_propagates_with_its_traceback():
    with pytest.raises(ValueError, match="a bug") as caught:
        guard(_raising(ValueError("a bug")))(argparse.Namespace())
    assert caught.traceback[-1].name == "handler"  # raised where the bug is, not re-raised


@pytest.mark.parametrize(
    "error",
    [
        ConfigError("critic.betta: unknown key"),
        JsonlError("x.jsonl:3: invalid JSON"),
        ModelSpecError("vllm:...: training needs local weights"),
        TaskFormatError(["x.jsonl:1: task: missing"]),
        SequenceError("pair 0 (chosen, task t): does not fit"),
        TrainingDataError("no trajectory pairs to train the critic on"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_input_errors_exit_2_with_one_line(error, capsys):
    assert guard(_raising(error))(argparse.Namespace()) == 2
    assert capsys.readouterr().err == f"error: {error}\n"


def test_a_malformed_sampler_spec_fails_before_any_work(tmp_path, capsys):
    argv = ["sweet", "candidates", "--data", str(tmp_path / "missing.jsonl")]
    argv += ["--policy", "local:/nowhere", "--sampler", "vlm:typo", "--out", str(tmp_path / "c")]
    assert main(argv) == 2
    assert "bad model spec 'vlm:typo'" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()
