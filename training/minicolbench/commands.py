"""`duet minicolbench ...` subcommands (registered by training/cli.py)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``duet minicolbench generate|expert|lucky``; heavy imports stay in the handlers."""
    parser = subparsers.add_parser(
        "minicolbench",
        help="MiniColBench: small generated backend tasks and a noisy scripted expert",
    )
    commands = parser.add_subparsers(dest="minicolbench_command", required=True, metavar="STEP")

    generate = commands.add_parser(
        "generate",
        help="write train.jsonl and test.jsonl (official ColBench backend rows)",
        description=(
            "Generate MiniColBench tasks deterministically from a seed: per family, detail "
            "combinations are drawn without replacement, so train and test share none."
        ),
    )
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("--train", type=int, default=3000, help="train tasks (default 3000)")
    generate.add_argument("--test", type=int, default=300, help="test tasks (default 300)")
    generate.add_argument("--out", required=True, help="output directory")
    generate.add_argument(
        "--family", action="append", default=[], help="only these families (repeatable)"
    )
    generate.add_argument(
        "--holdout-family",
        action="append",
        default=[],
        help="a family for the test split only (repeatable)",
    )
    generate.set_defaults(handler=_generate)

    expert = commands.add_parser(
        "expert",
        help="roll out the noisy scripted expert with the oracle; writes scored trajectories",
    )
    expert.add_argument("--tasks", required=True, help="MiniColBench task JSONL")
    expert.add_argument(
        "--noise",
        default="default",
        help="none, default (skip=0.3,irrelevant=0.2,guess=0.15) or skip=P,irrelevant=P,guess=P",
    )
    expert.add_argument("--seed", type=int, default=0)
    expert.add_argument("-k", type=int, default=1, help="episodes per task")
    expert.add_argument("--limit", type=int, help="only the first N tasks")
    expert.add_argument("--out", required=True, help="trajectory JSONL to write")
    expert.set_defaults(handler=_expert)

    lucky = commands.add_parser(
        "lucky",
        help="success rate of answering at once with values guessed from the stated ranges",
    )
    lucky.add_argument("--tasks", required=True, help="MiniColBench task JSONL (the test split)")
    lucky.add_argument("--seed", type=int, default=0)
    lucky.add_argument("--tries", type=int, default=1, help="guesses per task")
    lucky.set_defaults(handler=_lucky)


def _generate(args: argparse.Namespace) -> int:
    import json
    import time

    from training.minicolbench.generate import generate, write_splits

    started = time.perf_counter()
    tasks = generate(
        args.seed,
        args.train,
        args.test,
        families=args.family or None,
        holdout_families=args.holdout_family,
    )
    seconds = time.perf_counter() - started
    paths = write_splits(tasks, args.out)
    counts = {split: sum(t.task.split == split for t in tasks) for split in paths}
    summary = {
        "seed": args.seed,
        "files": {split: str(path) for split, path in paths.items()},
        "tasks": counts,
        "held_out_families": args.holdout_family,
        "seconds": round(seconds, 2),
    }
    print(json.dumps(summary))
    return 0


def _load(path: str):
    from training.colbench.tasks import load_tasks

    return load_tasks(path, kind="backend")


def _expert(args: argparse.Namespace) -> int:
    import json
    import time

    from training.colbench.trajectories import write_trajectories
    from training.minicolbench.expert import parse_noise
    from training.minicolbench.measure import dialogue_stats, run_expert, success_rate

    started = time.perf_counter()
    tasks = _load(args.tasks)
    tasks = tasks[: args.limit] if args.limit else tasks
    noise = parse_noise(args.noise)
    trajectories = run_expert(tasks, noise, seed=args.seed, k=args.k)
    write_trajectories(args.out, trajectories)
    summary = {
        "noise": noise.label(),
        "episodes": len(trajectories),
        "success": success_rate(trajectories).to_json(),
        "mean_reward": round(sum(t.reward or 0 for t in trajectories) / len(trajectories), 4),
        **dialogue_stats(trajectories),
        "out": args.out,
        "seconds": round(time.perf_counter() - started, 2),
    }
    print(json.dumps(summary))
    return 0


def _lucky(args: argparse.Namespace) -> int:
    import json

    from training.minicolbench.measure import expected_lucky_rate, lucky_guess_rate

    tasks = _load(args.tasks)
    rate = lucky_guess_rate(tasks, seed=args.seed, tries=args.tries)
    print(json.dumps({**rate.to_json(), "exact_hit_chance": expected_lucky_rate(tasks)}))
    return 0
