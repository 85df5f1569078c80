"""`duet default-agent build|check` (registered by training/cli.py)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``duet default-agent build|check``; heavy imports stay in the handlers."""
    parser = subparsers.add_parser(
        "default-agent", help="the default agent of `make run`: build it, check its protocol"
    )
    commands = parser.add_subparsers(dest="default_agent_command", required=True, metavar="STEP")
    build = commands.add_parser(
        "build",
        help="build the default agent from scratch (dialogues, tokenizer, SFT, test metrics)",
    )
    build.add_argument("--out", required=True, help="model directory to write (replaced)")
    build.add_argument("--seed", type=int, default=0)
    build.add_argument("--max-steps", type=int, default=0, help="stop SFT early (smoke runs)")
    build.add_argument("--no-eval", action="store_true", help="skip the test-split metrics")
    build.add_argument("--no-progress", action="store_true")
    build.set_defaults(handler=_build)

    check = commands.add_parser(
        "check",
        help="real rollouts on the bundled test splits (oracle simulators); protocol report",
        description=(
            "Roll the agent out once per bundled task of --split (greedy unless --temperature) "
            "against the oracle simulators, score with the real rewards and print the protocol "
            "report as JSON. Exits 1 if a criterion of issue 10 item 4 is not met."
        ),
    )
    check.add_argument("--agent", required=True, help="agent model spec, e.g. local:DIR")
    check.add_argument("--split", default="test")
    check.add_argument("--max-tokens", type=int, default=512, help="per agent turn (web: 512)")
    check.add_argument("--temperature", type=float, default=0.0)
    check.add_argument("--limit", type=int, help="only the first N tasks per kind")
    check.add_argument("--out", help="write the scored trajectories here (JSONL)")
    check.add_argument("--no-progress", action="store_true")
    check.set_defaults(handler=_check)


def _build(args: argparse.Namespace) -> int:
    import json

    from training.default_agent import RECORD_NAME, Recipe, build_default_agent

    recipe = Recipe(seed=args.seed, max_steps=args.max_steps, evaluate=not args.no_eval)
    out = build_default_agent(
        args.out, seed=args.seed, progress=not args.no_progress, recipe=recipe, log=print
    )
    record = json.loads((out / RECORD_NAME).read_text())
    print(json.dumps({k: record[k] for k in ("wall_seconds", "sha256", "test_metrics")}))
    return 0


def _check(args: argparse.Namespace) -> int:
    import json

    from training.default_agent import check_agent, criteria_met

    report = check_agent(
        args.agent,
        split=args.split,
        max_tokens=args.max_tokens,
        temperature=args.temperature,
        limit=args.limit,
        progress=not args.no_progress,
        out=args.out,
    )
    print(json.dumps(report, indent=2))
    return 0 if criteria_met(report) else 1
