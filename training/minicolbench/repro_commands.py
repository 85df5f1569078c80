"""`duet repro minicolbench` (registered by training/cli.py); heavy imports stay in the handler."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``duet repro minicolbench``."""
    parser = subparsers.add_parser("repro", help="reproduce a benchmark end to end")
    targets = parser.add_subparsers(dest="repro_target", required=True, metavar="BENCHMARK")
    mcb = targets.add_parser(
        "minicolbench",
        help="SWEET-RL vs multi-turn DPO vs rejection fine-tuning on MiniColBench",
        description=(
            "Generate tasks, SFT warm start on a noisy expert, k rollouts per train task, then per "
            "seed RFT / MTDPO / SWEET-RL on the same data with a matched policy budget, held-out "
            "evaluation and critic metrics. Resumable: finished steps in --out are skipped."
        ),
    )
    mcb.add_argument("--out", default="var/repro-minicolbench", help="run folder")
    mcb.add_argument("--config", help="YAML config (default configs/minicolbench.yaml)")
    mcb.add_argument("--quick", action="store_true", help="small sizes (under 10 minutes)")
    mcb.add_argument("--seeds", help="comma-separated training/evaluation seeds, e.g. 0,1,2")
    mcb.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value (dotted key, YAML value), e.g. rollouts.temperature=0.5",
    )
    mcb.add_argument("--no-progress", action="store_true", help="no progress bars")
    mcb.set_defaults(handler=_minicolbench)


def _minicolbench(args: argparse.Namespace) -> int:
    import json
    import time
    from pathlib import Path

    from training.minicolbench.config import load_repro_config, parse_overrides
    from training.minicolbench.repro import run_repro

    cfg = load_repro_config(
        args.config, quick=args.quick, overrides=parse_overrides(args.overrides)
    )
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else None
    started = time.time()
    results = run_repro(args.out, cfg, seeds=seeds, progress=not args.no_progress)
    out = Path(args.out)
    print((out / "table.md").read_text())
    print(
        json.dumps(
            {
                "results": str(out / "results.json"),
                "table": str(out / "table.md"),
                "plot": str(out / "minicolbench.png"),
                "seeds": results["seeds"],
                "seconds": round(time.time() - started, 1),
            }
        )
    )
    return 0
