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
            "A file holds tasks of one kind: --kind, else its directory (backend/ or "
            "frontend/), else the kind most of its rows have; a row of the other kind or "
            "missing a field its kind needs is a problem. "
            "Prints one 'file:line: field: reason' line per problem and a JSON summary last; "
            "exits 1 on any problem."
        ),
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="task JSONL files")
    validate.add_argument(
        "--kind",
        choices=("backend", "frontend"),
        help="read every file as this kind (default: from its directory, else its rows)",
    )
    validate.set_defaults(handler=_validate_tasks)
    _register_simulate(subparsers)
    _register_evaluate(subparsers)
    _register_protocol_check(subparsers)
    colbench = subparsers.add_parser("colbench", help="ColBench data tools")
    colbench_tools = colbench.add_subparsers(dest="colbench_command", required=True)
    _register_scripted_dialogues(colbench_tools)


def _validate_tasks(args: argparse.Namespace) -> int:
    import json
    import time

    from training.colbench.validation import validate_files

    started = time.perf_counter()
    reports = validate_files(args.paths, kind=args.kind)
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


def _register_simulate(subparsers: argparse._SubParsersAction) -> None:
    simulate = subparsers.add_parser(
        "simulate",
        help="roll out an agent against simulated users; writes official-format trajectories",
        description=(
            "Run ColBench episodes: K rollouts per task of the agent against the simulator, "
            "agent generations batched across episodes. Appends each trajectory (official "
            "JSONL format, exact agent prompts included) to --out as its episode ends; a rerun "
            "with the same --out skips the episodes already there. An episode whose next "
            "prompt does not fit the agent's context window ends with ended_by=context_limit. "
            "Prints a JSON summary last (episodes counted by how they ended)."
        ),
    )
    simulate.add_argument("--tasks", required=True, metavar="FILE", help="task JSONL file")
    simulate.add_argument(
        "--agent", help="agent model spec (default: local:<the tiny agent built by bootstrap>)"
    )
    simulate.add_argument(
        "--simulator",
        default="oracle",
        metavar="oracle|oracle:bm25|SPEC",
        help="user simulator: the deterministic oracle (default) or an LLM spec",
    )
    simulate.add_argument("--best-of-n", type=int, default=1, metavar="K", help="rollouts/task")
    simulate.add_argument("--limit", type=int, metavar="N", help="only the first N tasks")
    simulate.add_argument("--seed", type=int, metavar="S", help="sampling seed")
    simulate.add_argument(
        "--temperature", type=float, help="agent temperature (default 1.0 if K > 1, else 0)"
    )
    simulate.add_argument("--max-tokens", type=int, default=512, help="per agent turn")
    simulate.add_argument("--batch-size", type=int, default=32, help="episodes per agent call")
    simulate.add_argument(
        "--out", required=True, metavar="FILE", help="trajectory JSONL to write or resume"
    )
    simulate.add_argument(
        "--load-adapter",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="load a LoRA adapter into the agent under NAME before the run (repeatable)",
    )
    simulate.add_argument(
        "--active-adapter-file",
        metavar="FILE",
        help=(
            "file naming the adapter for the next agent turns, re-read every round: rewrite it "
            "mid-run to switch versions (empty or missing: the agent's default)"
        ),
    )
    simulate.add_argument("--no-progress", action="store_true", help="no progress bar")
    simulate.set_defaults(handler=_simulate)


def _simulate(args: argparse.Namespace) -> int:
    import json
    import sys
    import time

    from training import paths
    from training.colbench.rollout_file import ResumableRollout, ResumeMismatch
    from training.colbench.rollouts import RolloutConfig
    from training.colbench.simulators.factory import make_simulators
    from training.colbench.tasks import TaskFormatError, load_tasks
    from training.llm.pointer import AdapterPointerFile
    from training.llm.spec import load_llm

    if args.best_of_n < 1 or (args.limit is not None and args.limit < 1):
        print("--best-of-n and --limit must be at least 1", file=sys.stderr)
        return 2
    try:
        tasks = load_tasks(args.tasks)
    except TaskFormatError as error:
        print(error, file=sys.stderr)
        return 2
    tasks = tasks[: args.limit] if args.limit else tasks
    started = time.perf_counter()
    adapters = []
    for item in args.load_adapter:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            print(f"--load-adapter: expected NAME=PATH, got {item!r}", file=sys.stderr)
            return 2
        adapters.append((name, path))
    agent = load_llm(args.agent or f"local:{paths.default_agent_path()}")
    for name, path in adapters:
        agent.load_adapter(name, path)
    pointer = AdapterPointerFile(args.active_adapter_file) if args.active_adapter_file else None
    simulators = make_simulators(args.simulator, {task.kind for task in tasks})
    config = RolloutConfig(
        k=args.best_of_n,
        temperature=args.temperature,
        max_tokens=args.max_tokens,
        seed=args.seed,
        batch_size=args.batch_size,
    )
    run = None
    try:
        run = ResumableRollout(args.out, tasks, agent, simulators, config)
        if run.skipped:
            print(
                f"resuming: {run.skipped} of {len(run.keys)} episodes are already in "
                f"{args.out}; skipping them",
                file=sys.stderr,
            )
        summary = run.run(progress=not args.no_progress, adapter_pointer=pointer)
    except (ResumeMismatch, TaskFormatError) as error:
        print(error, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        kept = 0 if run is None else run.skipped + run.written
        print(
            f"interrupted: {kept} finished episodes are in {args.out}; "
            "run the same command again to resume",
            file=sys.stderr,
        )
        return 130
    finally:
        agent.close()
        for simulator in simulators.values():
            getattr(simulator, "close", lambda: None)()
    print(
        json.dumps(
            {
                "tasks": len(tasks),
                **summary.to_json(),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
    )
    return 0


def _register_evaluate(subparsers: argparse._SubParsersAction) -> None:
    evaluate = subparsers.add_parser(
        "evaluate",
        help="score trajectories (backend: hidden tests; frontend: page similarity)",
        description=(
            "Score every trajectory of a file: backend answers run against the hidden tests in "
            "the sandbox (reward = fraction passed, success = all), frontend final pages are "
            "compared with the hidden page (reward = similarity). Writes the rows with reward, "
            "success and meta.metric set (every other field kept as it was) and "
            "prints a JSON summary (with best-of-k per task) as the last line."
        ),
    )
    evaluate.add_argument("input", metavar="IN", help="trajectory JSONL file")
    evaluate.add_argument("--out", required=True, metavar="OUT", help="scored JSONL to write")
    evaluate.add_argument(
        "--k", type=int, help="best-of-k over each task's first k rollouts (default: all)"
    )
    evaluate.set_defaults(handler=_evaluate)


def _evaluate(args: argparse.Namespace) -> int:
    import json
    import sys

    from training.colbench.evaluation.rewards import score_trajectories, scored_row, summarize
    from training.colbench.tasks import TaskFormatError
    from training.colbench.trajectories import load_trajectory_rows
    from training.jsonl import write_jsonl

    if args.k is not None and args.k < 1:
        print("--k must be at least 1", file=sys.stderr)
        return 2
    try:
        rows = load_trajectory_rows(args.input)
    except TaskFormatError as error:
        print(error, file=sys.stderr)
        return 2
    trajectories = score_trajectories([trajectory for _, trajectory in rows])  # set in place
    write_jsonl(args.out, (scored_row(row, trajectory) for row, trajectory in rows))
    print(json.dumps(summarize(trajectories, args.k)))
    return 0


def _register_protocol_check(subparsers: argparse._SubParsersAction) -> None:
    check = subparsers.add_parser(
        "protocol-check",
        help="how well trajectories follow the ColBench protocol (JSON report)",
        description=(
            "Protocol-following metrics of a trajectory file (see "
            "training/colbench/protocol_checks.py for the exact definitions): backend episodes "
            "that ask before answering, backend answers that parse and define a function, "
            "frontend turns that carry one well-formed <html> page; rewards as recorded. Prints "
            "the report as JSON; exits 2 on a malformed file (file:line: reason)."
        ),
    )
    check.add_argument("input", metavar="FILE", help="trajectory JSONL file")
    check.set_defaults(handler=_protocol_check)


def _protocol_check(args: argparse.Namespace) -> int:
    import json
    import sys

    from training.colbench.protocol_checks import protocol_report
    from training.colbench.tasks import TaskFormatError
    from training.colbench.trajectories import load_trajectories

    try:
        trajectories = load_trajectories(args.input)
    except TaskFormatError as error:
        print(f"protocol-check: malformed trajectory file:\n{error}", file=sys.stderr)
        return 2
    print(json.dumps(protocol_report(trajectories), indent=2))
    return 0


def _register_scripted_dialogues(subparsers: argparse._SubParsersAction) -> None:
    scripted = subparsers.add_parser(
        "scripted-dialogues",
        help="scripted protocol-following dialogues over the bundled tasks (trajectory JSONL)",
        description=(
            "Drive the real environments with a scripted agent (backend: asks the function's "
            "name and one open value, then answers with a short function built from the "
            "replies; frontend: short Tailwind pages refined from the feedback) against the "
            "oracle simulators, score with the real rewards, and write official trajectory "
            "JSONL. Prompts are rendered with the agent's chat template (--agent)."
        ),
    )
    scripted.add_argument("--split", default="train", help="bundled split (default train)")
    scripted.add_argument(
        "--kind", choices=("backend", "frontend"), action="append", help="default: both"
    )
    scripted.add_argument("--out", required=True, metavar="FILE", help="trajectory JSONL")
    scripted.add_argument("--per-task", type=int, default=1, metavar="K", help="episodes/task")
    scripted.add_argument("--seed", type=int, default=0, help="varies wording per episode")
    scripted.add_argument("--limit", type=int, metavar="N", help="only the first N tasks per kind")
    scripted.add_argument(
        "--agent", help="model spec whose chat template formats the prompts (default: tiny agent)"
    )
    scripted.add_argument("--no-score", action="store_true", help="leave rewards unset")
    scripted.set_defaults(handler=_scripted_dialogues)


def _scripted_dialogues(args: argparse.Namespace) -> int:
    import json
    import sys
    import time

    from training import paths
    from training.colbench.protocol_checks import protocol_report
    from training.colbench.scripted_dialogues import run_scripted, score
    from training.colbench.simulators.factory import make_simulators
    from training.colbench.tasks import TaskFormatError, load_tasks
    from training.colbench.trajectories import write_trajectories
    from training.llm.spec import load_llm

    if args.per_task < 1:
        print("--per-task must be at least 1", file=sys.stderr)
        return 2
    started = time.perf_counter()
    tasks = []
    for kind in args.kind or ("backend", "frontend"):
        path = paths.bundled_tasks_dir() / kind / f"{args.split}.jsonl"
        try:
            loaded = load_tasks(path, kind=kind)
        except TaskFormatError as error:
            print(error, file=sys.stderr)
            return 2
        tasks.extend(loaded[: args.limit] if args.limit else loaded)
    agent = load_llm(args.agent or f"local:{paths.default_agent_path()}")
    simulators = make_simulators("oracle", {task.kind for task in tasks})
    try:
        trajectories = run_scripted(
            tasks, simulators, agent.chat_prompt, per_task=args.per_task, seed=args.seed
        )
        if not args.no_score:
            score(trajectories)
    finally:
        agent.close()
        for simulator in simulators.values():
            getattr(simulator, "close", lambda: None)()
    written = write_trajectories(args.out, trajectories)
    report = protocol_report(trajectories)
    report.update(written=written, seconds=round(time.perf_counter() - started, 2))
    print(json.dumps(report))
    return 0
