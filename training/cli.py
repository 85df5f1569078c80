"""The ``duet`` command. Each package registers its own subcommands; imports stay lazy."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from training import default_agent_commands
from training.baselines import commands as baseline_commands
from training.colbench import commands as colbench_commands
from training.llm import commands as llm_commands
from training.minicolbench import commands as minicolbench_commands
from training.minicolbench import repro_commands
from training.sweet import commands as sweet_commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="duet", description="Duet: ColBench episodes, inference and SWEET-RL training."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    colbench_commands.register(subparsers)
    llm_commands.register(subparsers)
    train = subparsers.add_parser("train", help="train an agent: SWEET-RL or a baseline")
    algorithms = train.add_subparsers(dest="algorithm", required=True, metavar="ALGORITHM")
    sweet_commands.register_train(algorithms)
    baseline_commands.register_train(algorithms)
    sweet_commands.register(subparsers)
    minicolbench_commands.register(subparsers)
    repro_commands.register(subparsers)
    default_agent_commands.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
