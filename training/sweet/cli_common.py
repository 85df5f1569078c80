"""What every training command shares: ``--config``/``--set`` and one-line input errors.

Used by ``training/sweet/commands.py`` and ``training/baselines/commands.py``; heavy imports stay
inside the functions so ``duet --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def add_config_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="YAML hyperparameters (configs/*.yaml)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one setting, e.g. --set critic.train.lr=1e-5 (repeatable)",
    )


def config_from_args(args: argparse.Namespace, extra: list[str] | None = None) -> Any:
    """The resolved config: defaults, ``--config``, ``--set``, then ``extra`` overrides."""
    from training.sweet.config import load_config

    return load_config(args.config, [*args.overrides, *(extra or [])])


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def input_errors() -> tuple[type[Exception], ...]:
    """The project's own error types for bad user input: configs, files, specs, data."""
    from training.colbench.tasks import TaskFormatError
    from training.jsonl import JsonlError
    from training.sweet.config import ConfigError
    from training.sweet.errors import TrainingDataError
    from training.sweet.model_loading import ModelSpecError
    from training.sweet.sequences import SequenceError

    return (
        ConfigError,
        JsonlError,
        ModelSpecError,
        TaskFormatError,
        SequenceError,
        TrainingDataError,
    )


def guard(handler: Handler) -> Handler:
    """Turn input errors (bad files, specs, configs, data) into one clear message and exit code
    2. Anything else, a plain ``ValueError`` included, is a bug: it propagates with its traceback.
    """

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except input_errors() as exc:
            return fail(str(exc))

    return run


def check_inference_spec(spec: str) -> str:
    """``spec`` unchanged if ``training.llm`` can parse it, else :class:`ModelSpecError`; called
    before any work, so a typo in ``--sampler`` fails before hours of critic training."""
    from training.llm.spec import SpecError, parse_spec
    from training.sweet.model_loading import ModelSpecError

    try:
        parse_spec(spec)
    except SpecError as exc:
        raise ModelSpecError(str(exc)) from exc
    return spec
