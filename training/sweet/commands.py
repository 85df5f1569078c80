"""`duet train sweet|mtdpo|rft` and `duet sweet STEP` (registered by training/cli.py).

Every command takes ``--config FILE`` (YAML) and repeated ``--set key.path=value`` overrides; heavy
imports happen inside the handlers so ``duet --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def _config_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="YAML hyperparameters (configs/*.yaml)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one setting, e.g. --set critic.train.lr=1e-5 (repeatable)",
    )


def _config(args: argparse.Namespace):
    from training.sweet.config import load_config

    return load_config(args.config, args.overrides)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _guard(handler):
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
            return _fail(str(exc))
        except ValueError as exc:
            return _fail(str(exc))

    return run


def _train_sweet(args: argparse.Namespace) -> int:
    from training.sweet.pipeline import run_sweet

    summary = run_sweet(args.data, args.policy, args.out, _config(args), sampler=args.sampler)
    print(json.dumps(summary))
    return 0


def _train_baseline(kind: str):
    def handler(args: argparse.Namespace) -> int:
        from training.colbench.trajectories import load_trajectories
        from training.sweet.model_loading import parse_model_spec
        from training.sweet.runfolder import finish_step, is_done, start_step

        config = _config(args)
        if is_done(args.out):
            print(f"{args.out}: already complete")
            return 0
        ref = parse_model_spec(args.policy)
        started = time.time()
        start_step(args.out, config, {"data": args.data, "policy": ref.path})
        trajectories = load_trajectories(args.data)
        if kind == "mtdpo":
            from training.baselines.mtdpo import train_mtdpo as train
        else:
            from training.baselines.rft import train_rft as train
        metrics = train(trajectories, ref, config, args.out)
        history = metrics.pop("history", None)
        finish_step(args.out, metrics, history, started=started)
        print(json.dumps({"output": metrics["output"]}))
        return 0

    return handler


def _step_pairs(args):
    from training.sweet.pipeline import run_pairs

    print(run_pairs(args.data, args.out, _config(args)))
    return 0


def _step_critic(args):
    from training.sweet.pipeline import run_critic

    print(run_critic(args.pairs, args.policy, args.out, _config(args)))
    return 0


def _step_candidates(args):
    from training.sweet.pipeline import run_candidates

    print(run_candidates(args.data, args.policy, args.out, _config(args), sampler=args.sampler))
    return 0


def _step_rank(args):
    from training.sweet.pipeline import run_rank

    print(run_rank(args.candidates, args.critic, args.policy, args.out, _config(args)))
    return 0


def _step_step_pairs(args):
    from training.sweet.pipeline import run_step_pairs

    print(run_step_pairs(args.ranks, args.out, _config(args)))
    return 0


def _step_policy(args):
    from training.sweet.pipeline import run_policy

    print(run_policy(args.step_pairs, args.policy, args.out, _config(args)))
    return 0


def _best_of_n(args):
    from training.sweet.best_of_n import run_best_of_n

    config = _config(args)
    summary = run_best_of_n(
        args.tasks,
        args.policy,
        args.critic,
        args.out,
        config,
        n=args.n,
        simulator=args.simulator,
        limit=args.limit,
    )
    print(json.dumps(summary))
    return 0


def _synth_data(args):
    from training.colbench.evaluation.sandbox import Sandbox
    from training.colbench.simulators.factory import make_simulators
    from training.colbench.tasks import load_tasks
    from training.colbench.trajectories import write_trajectories
    from training.llm.spec import load_llm
    from training.sweet.synthetic import synthesize

    tasks = load_tasks(args.tasks)
    if args.limit:
        tasks = tasks[: args.limit]
    policy = load_llm(args.policy)
    simulator = make_simulators(args.simulator, ["backend"])["backend"]
    with Sandbox(workers=2) as sandbox:
        trajectories = synthesize(tasks, policy, simulator, sandbox, k=args.k, seed=args.seed)
    policy.close()
    count = write_trajectories(args.out, trajectories)
    rewards = [t.reward for t in trajectories]
    print(
        json.dumps(
            {
                "out": str(args.out),
                "trajectories": count,
                "synthetic": True,
                "successes": sum(bool(t.success) for t in trajectories),
                "mean_reward": sum(rewards) / max(len(rewards), 1),
            }
        )
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this package's subcommands. Each sets `handler`; heavy imports go inside handlers."""
    train = subparsers.add_parser("train", help="train an agent: SWEET-RL or a baseline")
    train_sub = train.add_subparsers(dest="algorithm", required=True, metavar="ALGORITHM")
    for name, help_text, handler in (
        ("sweet", "SWEET-RL: pairs -> critic -> candidates -> rank -> step pairs -> DPO", None),
        ("mtdpo", "baseline: multi-turn DPO on trajectory pairs (no privileged info)", "mtdpo"),
        ("rft", "baseline: rejection fine-tuning on successful trajectories", "rft"),
    ):
        p = train_sub.add_parser(name, help=help_text)
        p.add_argument("--data", type=Path, required=True, help="evaluated trajectories (JSONL)")
        p.add_argument("--policy", required=True, help="local:PATH[@ADAPTER] policy weights")
        p.add_argument("--out", type=Path, required=True, help="run folder")
        if handler is None:
            p.add_argument(
                "--sampler",
                help="spec to sample candidates with (default: --policy), e.g. vllm:...",
            )
        _config_args(p)
        p.set_defaults(
            handler=_guard(_train_sweet if handler is None else _train_baseline(handler))
        )

    sweet = subparsers.add_parser("sweet", help="SWEET-RL steps, one at a time")
    steps = sweet.add_subparsers(dest="step", required=True, metavar="STEP")

    def step(name: str, help_text: str, handler, *inputs: tuple[str, str]) -> None:
        p = steps.add_parser(name, help=help_text)
        for flag, text in inputs:
            kwargs = {"type": Path} if flag != "--policy" else {}
            p.add_argument(flag, required=True, help=text, **kwargs)
        p.add_argument("--out", type=Path, required=True, help="output folder")
        if name == "candidates":
            p.add_argument("--sampler", help="spec to sample with (default: --policy)")
        _config_args(p)
        p.set_defaults(handler=_guard(handler))

    step("pairs", "1. trajectory pairs", _step_pairs, ("--data", "trajectories JSONL"))
    step(
        "critic",
        "2. train the privileged critic",
        _step_critic,
        ("--pairs", "pairs.jsonl"),
        ("--policy", "local:PATH[@ADAPTER]"),
    )
    step(
        "candidates",
        "3. sample candidate actions",
        _step_candidates,
        ("--data", "trajectories JSONL"),
        ("--policy", "policy spec"),
    )
    step(
        "rank",
        "4. rank candidates by critic advantage",
        _step_rank,
        ("--candidates", "candidates.jsonl"),
        ("--critic", "critic folder"),
        ("--policy", "local:PATH[@ADAPTER] (the critic's base)"),
    )
    step("step-pairs", "5. step-level pairs", _step_step_pairs, ("--ranks", "ranks.jsonl"))
    step(
        "policy",
        "6. DPO on step pairs",
        _step_policy,
        ("--step-pairs", "step_pairs.jsonl"),
        ("--policy", "local:PATH[@ADAPTER]"),
    )

    bon = steps.add_parser(
        "best-of-n",
        help="diagnostic: critic-guided best-of-N at inference (USES PRIVILEGED INFORMATION)",
    )
    bon.add_argument("--tasks", type=Path, required=True)
    bon.add_argument("--policy", required=True, help="local:PATH[@ADAPTER]")
    bon.add_argument("--critic", type=Path, required=True, help="critic folder")
    bon.add_argument("--out", type=Path, required=True, help="trajectories JSONL to write")
    bon.add_argument("--n", type=int, default=4)
    bon.add_argument("--simulator", default="oracle")
    bon.add_argument("--limit", type=int, default=0, help="first N tasks only")
    _config_args(bon)
    bon.set_defaults(handler=_guard(_best_of_n))

    synth = steps.add_parser(
        "synth-data",
        help="SYNTHETIC offline backend trajectories with real rewards, to exercise the pipeline",
    )
    synth.add_argument("--tasks", type=Path, required=True, help="backend tasks JSONL")
    synth.add_argument("--policy", required=True, help="spec whose chat template formats inputs")
    synth.add_argument("--out", type=Path, required=True, help="trajectories JSONL to write")
    synth.add_argument("--k", type=int, default=4, help="trajectories per task")
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--limit", type=int, default=0, help="first N tasks only")
    synth.add_argument("--simulator", default="oracle", help="oracle, oracle:bm25 or a model spec")
    synth.set_defaults(handler=_guard(_synth_data))
