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


def guard(handler: Handler) -> Handler:
    """Turn input errors (bad files, specs, configs) into one clear message and exit code 2."""

    def run(args: argparse.Namespace) -> int:
        from training.colbench.tasks import TaskFormatError
        from training.jsonl import JsonlError
        from training.sweet.config import ConfigError
        from training.sweet.model_loading import ModelSpecError
        from training.sweet.sequences import SequenceError

        try:
            return handler(args)
        except (ConfigError, JsonlError, ModelSpecError, TaskFormatError, SequenceError) as exc:
            return fail(str(exc))
        except ValueError as exc:
            return fail(str(exc))

    return run
