"""`duet train sweet` and `duet sweet STEP` (registered by training/cli.py).

Every command takes ``--config FILE`` (YAML) and repeated ``--set key.path=value`` overrides; heavy
imports happen inside the handlers so ``duet --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from training.sweet.cli_common import (
    Handler,
    add_config_args,
    check_inference_spec,
    config_from_args,
    guard,
)


def _train_sweet(args: argparse.Namespace) -> int:
    from training.sweet.pipeline import run_sweet

    check_inference_spec(args.sampler or args.policy)
    summary = run_sweet(
        args.data, args.policy, args.out, config_from_args(args), sampler=args.sampler
    )
    print(json.dumps(summary))
    return 0


def _pipeline_step(function: str, inputs: list[str]) -> Handler:
    """Run ``training.sweet.pipeline.<function>(*inputs, out, config)``; print its output path."""

    def handler(args: argparse.Namespace) -> int:
        from training.sweet import pipeline

        extra = {}
        if hasattr(args, "sampler"):
            check_inference_spec(args.sampler or args.policy)
            extra["sampler"] = args.sampler
        values = [getattr(args, name) for name in inputs]
        print(getattr(pipeline, function)(*values, args.out, config_from_args(args), **extra))
        return 0

    return handler


def _best_of_n(args):
    from training.sweet.best_of_n import run_best_of_n

    check_inference_spec(args.policy)
    config = config_from_args(args)
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

    check_inference_spec(args.policy)
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


def _critic_quality(args: argparse.Namespace) -> int:
    from training.colbench.trajectories import load_trajectories
    from training.sweet.critic_quality import critic_config, critic_quality

    config = critic_config(args.critic, args.overrides)
    sampler = None
    if args.samples > 0:
        from training.llm.spec import load_llm

        sampler = load_llm(check_inference_spec(args.sampler or args.policy))
    trajectories = load_trajectories(args.data)
    try:
        report = critic_quality(
            args.critic,
            trajectories,
            policy=args.policy,
            config=config,
            sampler=sampler,
            samples=args.samples,
            mutants=args.mutants,
            hard_negatives=args.hard_negatives,
            seed=args.seed,
            details=args.out is not None,
        )
    finally:
        if sampler is not None:
            sampler.close()
    if args.out is not None:
        args.out.write_text(json.dumps(report, indent=2))
    summary = {k: v for k, v in report.items() if k not in ("points", "trajectories_detail")}
    print(json.dumps(summary))
    return 0


def register_train(algorithms: argparse._SubParsersAction) -> None:
    """Add ``sweet`` under ``duet train``: the whole pipeline in one run folder."""
    p = algorithms.add_parser(
        "sweet", help="SWEET-RL: pairs -> critic -> candidates -> rank -> step pairs -> DPO"
    )
    p.add_argument("--data", type=Path, required=True, help="evaluated trajectories (JSONL)")
    p.add_argument("--policy", required=True, help="local:PATH[@ADAPTER] policy weights")
    p.add_argument("--out", type=Path, required=True, help="run folder")
    p.add_argument(
        "--sampler", help="spec to sample candidates with (default: --policy), e.g. vllm:..."
    )
    add_config_args(p)
    p.set_defaults(handler=guard(_train_sweet))


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``duet sweet STEP``. Each sets `handler`; heavy imports go inside handlers."""
    sweet = subparsers.add_parser("sweet", help="SWEET-RL steps, one at a time")
    steps = sweet.add_subparsers(dest="step", required=True, metavar="STEP")

    def step(name: str, help_text: str, function: str, *inputs: tuple[str, str]) -> None:
        p = steps.add_parser(name, help=help_text)
        for flag, text in inputs:
            kwargs = {"type": Path} if flag != "--policy" else {}
            p.add_argument(flag, required=True, help=text, **kwargs)
        p.add_argument("--out", type=Path, required=True, help="output folder")
        if name == "candidates":
            p.add_argument("--sampler", help="spec to sample with (default: --policy)")
        add_config_args(p)
        names = [flag[2:].replace("-", "_") for flag, _ in inputs]
        p.set_defaults(handler=guard(_pipeline_step(function, names)))

    step("pairs", "1. trajectory pairs", "run_pairs", ("--data", "trajectories JSONL"))
    step(
        "critic",
        "2. train the privileged critic",
        "run_critic",
        ("--pairs", "pairs.jsonl"),
        ("--policy", "local:PATH[@ADAPTER]"),
    )
    step(
        "candidates",
        "3. sample candidate actions",
        "run_candidates",
        ("--data", "trajectories JSONL"),
        ("--policy", "policy spec"),
    )
    step(
        "rank",
        "4. rank candidates by critic advantage",
        "run_rank",
        ("--candidates", "candidates.jsonl"),
        ("--critic", "critic folder"),
        ("--policy", "local:PATH[@ADAPTER] (the critic's base)"),
    )
    step("step-pairs", "5. step-level pairs", "run_step_pairs", ("--ranks", "ranks.jsonl"))
    step(
        "policy",
        "6. DPO on step pairs",
        "run_policy",
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
    add_config_args(bon)
    bon.set_defaults(handler=guard(_best_of_n))

    quality = subparsers.add_parser(
        "critic-quality",
        help="measure a trained critic on held-out tasks (pair accuracy, ranks-correct-first, "
        "advantage-outcome correlation)",
    )
    quality.add_argument("--critic", type=Path, required=True, help="critic step folder")
    quality.add_argument(
        "--data",
        type=Path,
        required=True,
        help="evaluated trajectories of held-out tasks (JSONL); tasks in the critic's "
        "split.json training side are left out",
    )
    quality.add_argument("--policy", required=True, help="local:PATH[@ADAPTER] the critic's base")
    quality.add_argument("--sampler", help="spec to sample candidates with (default: --policy)")
    quality.add_argument("--samples", type=int, default=4, help="sampled candidates per point")
    quality.add_argument("--mutants", type=int, default=3, help="one-detail mutants per point")
    quality.add_argument(
        "--hard-negatives", type=int, default=2, help="hard-negative pairs per successful one"
    )
    quality.add_argument("--seed", type=int, default=0)
    quality.add_argument("--out", type=Path, help="write the full report, per-point details too")
    quality.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting of the critic's config.yaml (e.g. candidates.max_tokens=256)",
    )
    quality.set_defaults(handler=guard(_critic_quality))

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
    synth.set_defaults(handler=guard(_synth_data))
