"""`duet` subcommands of training.colbench (registered by training/cli.py)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this package's subcommands. Each sets `handler`; heavy imports go inside handlers."""
    validate = subparsers.add_parser(
        "validate-tasks",
        help="check that task files make good collaborative tasks",
        description=(
            "Check ColBench task files: backend ground truths pass their own deterministic, "
            "diverse tests (run in the sandbox) and hide at least two details a guess gets wrong; "
            "frontend pages are full Tailwind pages without scripts or non-placeholder images. "
            "Prints one 'file:line: field: reason' line per problem and a JSON summary last; "
            "exits 1 on any problem."
        ),
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="task JSONL files")
    validate.set_defaults(handler=_validate_tasks)


def _validate_tasks(args: argparse.Namespace) -> int:
    import json
    import time

    from training.colbench.validation import validate_files

    started = time.perf_counter()
    reports = validate_files(args.paths)
    problems = [line for report in reports for line in report.problem_lines()]
    for line in problems:
        print(line)
    summary = {
        "ok": not problems,
        "problems": len(problems),
        "seconds": round(time.perf_counter() - started, 2),
        "files": [report.summary() for report in reports],
    }
    print(json.dumps(summary))
    return 1 if problems else 0
