"""`duet train mtdpo` and `duet train rft` (registered by training/cli.py).

Same flags as `duet train sweet`: ``--data``, ``--policy``, ``--out``, ``--config`` and ``--set``.
The output folder is a step folder (config.yaml, inputs.json, metrics.json, loss.png, done.json)
holding ``adapter/`` (or ``model/``); a rerun of a complete folder does nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from training.sweet.cli_common import add_config_args, config_from_args, guard


def _train_mtdpo(trajectories, config, run) -> dict:
    from training.baselines.mtdpo import train_mtdpo

    return train_mtdpo(trajectories, config.pairs, config.mtdpo, run)


def _train_rft(trajectories, config, run) -> dict:
    from training.baselines.rft import train_rft

    return train_rft(trajectories, config.rft, run)


TRAINERS = {"mtdpo": _train_mtdpo, "rft": _train_rft}


def _flag_overrides(args: argparse.Namespace) -> list[str]:
    """``--select``/``--min-reward`` as config overrides (applied after ``--set``)."""
    extra = []
    if getattr(args, "select", None) is not None:
        extra.append(f"rft.select={args.select}")
    if getattr(args, "min_reward", None) is not None:
        extra.append(f"rft.min_reward={args.min_reward}")
    return extra


def _run(args: argparse.Namespace) -> int:
    from training.colbench.trajectories import load_trajectories
    from training.sweet.runfolder import is_done, train_in_step

    config = config_from_args(args, _flag_overrides(args))
    if is_done(args.out):
        print(f"{args.out}: already complete")
        return 0

    def train(run) -> dict:
        return TRAINERS[args.algorithm](load_trajectories(args.data), config, run)

    metrics = train_in_step(args.out, config, args.policy, {"data": args.data}, train)
    print(json.dumps({"output": metrics["output"]}))
    return 0


def register_train(algorithms: argparse._SubParsersAction) -> None:
    """Add ``mtdpo`` and ``rft`` under ``duet train``."""
    for name, help_text in (
        ("mtdpo", "baseline: multi-turn DPO on trajectory pairs (no privileged info)"),
        ("rft", "baseline: rejection fine-tuning on the best trajectory of each task"),
    ):
        p = algorithms.add_parser(name, help=help_text)
        p.add_argument("--data", type=Path, required=True, help="evaluated trajectories (JSONL)")
        p.add_argument("--policy", required=True, help="local:PATH[@ADAPTER] policy weights")
        p.add_argument("--out", type=Path, required=True, help="run folder")
        if name == "rft":
            p.add_argument(
                "--select",
                choices=["best_per_task", "threshold"],
                help="which trajectories to imitate (rft.select; default best_per_task)",
            )
            p.add_argument(
                "--min-reward",
                type=float,
                help="least reward of a selected trajectory (rft.min_reward; default 0.0)",
            )
        add_config_args(p)
        p.set_defaults(handler=guard(_run))
