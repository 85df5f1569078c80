"""`duet models bootstrap` and `duet serve vllm` (registered by training/cli.py)."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this package's subcommands. Each sets `handler`; heavy imports go inside handlers."""
    models = subparsers.add_parser("models", help="build the models Duet runs offline")
    models_sub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    bootstrap = models_sub.add_parser(
        "bootstrap",
        help="install the default agent (the committed, checksummed data/models/default-agent)",
        description=(
            "Install the default agent: the small warm-started model committed under "
            "data/models/default-agent/, after checking its weights against the sha256 in its "
            "duet-agent.json. --train rebuilds it from scratch instead (training.default_agent); "
            "--random builds the old random-init tiny model (tests, experiments)."
        ),
    )
    bootstrap.add_argument("--out", help="model directory (default: var/models/tiny-agent)")
    bootstrap.add_argument("--force", action="store_true", help="rebuild even if it exists")
    bootstrap.add_argument("--seed", type=int, default=0, help="seed for --train / --random")
    how = bootstrap.add_mutually_exclusive_group()
    how.add_argument("--train", action="store_true", help="rebuild the default agent (minutes)")
    how.add_argument("--random", action="store_true", help="random-init tiny model instead")
    bootstrap.set_defaults(handler=_bootstrap)

    serve = subparsers.add_parser("serve", help="run model servers")
    serve_sub = serve.add_subparsers(dest="serve_command", required=True, metavar="SERVER")
    vllm = serve_sub.add_parser(
        "vllm", help="start vLLM's OpenAI server with runtime LoRA loading enabled"
    )
    vllm.add_argument("--model", help="model directory (default: var/models/tiny-agent)")
    vllm.add_argument("--host", default="127.0.0.1")
    vllm.add_argument("--port", type=int, default=8100)
    vllm.add_argument("--max-loras", type=int, default=4)
    vllm.add_argument("--max-lora-rank", type=int, default=16)
    vllm.add_argument(
        "--device", choices=("auto", "cpu", "gpu"), default="auto", help="auto: GPU if visible"
    )
    vllm.add_argument(
        "extra", nargs=argparse.REMAINDER, help="after --: more arguments for `vllm serve`"
    )
    vllm.set_defaults(handler=_serve_vllm)


def _bootstrap(args: argparse.Namespace) -> int:
    from pathlib import Path

    from training import paths

    out = Path(args.out) if args.out else paths.default_agent_path()
    if (out / "config.json").is_file() and not args.force:
        print(f"{out} already exists (use --force to rebuild)")
        return 0
    if args.random:
        from training.llm.tiny_model import build_tiny_model, project_texts

        build_tiny_model(out, project_texts(), seed=args.seed)
        print(f"built tiny random-init agent model at {out}")
        return 0
    if args.train:
        from training.default_agent import build_default_agent

        build_default_agent(out, seed=args.seed, log=print)
        print(f"built the default agent at {out}")
        return 0
    from training.default_agent import ARTIFACT_DIR, ArtifactError, install_artifact

    try:
        install_artifact(out, ARTIFACT_DIR)
    except ArtifactError as error:
        print(f"duet models bootstrap: {error}", file=sys.stderr)
        return 2
    print(f"installed the default agent ({ARTIFACT_DIR}) at {out}")
    return 0


def _serve_vllm(args: argparse.Namespace) -> int:
    import os

    from training import paths
    from training.llm.serve import vllm_command, vllm_environment

    model = args.model or str(paths.default_agent_path())
    if not os.path.isfile(os.path.join(model, "config.json")):
        print(f"no model at {model}; run `duet models bootstrap` first", file=sys.stderr)
        return 2
    extra = [a for a in args.extra if a != "--"]
    on_cpu = args.device == "cpu" or (args.device == "auto" and not _gpu_visible())
    command = vllm_command(
        model,
        host=args.host,
        port=args.port,
        max_loras=args.max_loras,
        max_lora_rank=args.max_lora_rank,
        cpu=on_cpu,
        extra=extra,
    )
    print(" ".join(command), file=sys.stderr)
    os.execvpe(command[0], command, vllm_environment(cpu=on_cpu))
    return 0  # not reached


def _gpu_visible() -> bool:
    import torch

    return torch.cuda.is_available()
