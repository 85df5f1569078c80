"""What every step's output folder records: resolved config, input hashes, metrics, loss plot.

A step is complete when its ``done.json`` exists; pipelines skip complete steps, so a rerun after a
crash continues where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from training.sweet.config import SweetConfig, dump_config

DONE = "done.json"


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_done(step_dir: Path) -> bool:
    return (step_dir / DONE).is_file()


def _is_main_process() -> bool:
    from training.sweet.trainer import process_state

    return process_state().is_main_process


def start_step(step_dir: Path, config: SweetConfig, inputs: Mapping[str, str | Path]) -> None:
    """Record the resolved config and the sha256 of every input file (main process only)."""
    if not _is_main_process():
        return
    step_dir.mkdir(parents=True, exist_ok=True)
    dump_config(config, step_dir / "config.yaml")
    hashes = {}
    for name, path in inputs.items():
        path = Path(path)
        hashes[name] = {"path": str(path)}
        if path.is_file():
            hashes[name]["sha256"] = sha256_file(path)
        elif path.is_dir():
            hashes[name]["sha256"] = sha256_dir(path)
    (step_dir / "inputs.json").write_text(json.dumps(hashes, indent=2))


def sha256_dir(path: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(path)).encode())
        digest.update(sha256_file(file).encode())
    return digest.hexdigest()


def finish_step(
    step_dir: Path,
    metrics: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]] | None = None,
    *,
    started: float | None = None,
) -> None:
    """Write metrics.json (and loss.png from the history), then mark the step done."""
    if not _is_main_process():
        return
    record = dict(metrics)
    if started is not None:
        record["seconds"] = round(time.time() - started, 2)
    if history:
        record["history"] = list(history)
        plot_history(history, step_dir / "loss.png", title=step_dir.name)
    (step_dir / "metrics.json").write_text(json.dumps(record, indent=2, default=float))
    (step_dir / DONE).write_text(json.dumps({"finished": time.time()}))


def train_in_step(
    step_dir: Path,
    config: SweetConfig,
    policy: str,
    inputs: Mapping[str, str | Path],
    train: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """One training step in ``step_dir``: record the config and inputs (the policy's weights
    included), call ``train`` with the step's ``TrainingRun``, record its metrics (``history``
    becomes loss.png) and mark the step done. Returns the metrics without the history."""
    from training.sweet.model_loading import parse_model_spec
    from training.sweet.trainer import TrainingRun

    started = time.time()
    ref = parse_model_spec(policy)
    start_step(step_dir, config, {**inputs, "policy": ref.path})
    metrics = dict(train(TrainingRun(ref, config.model, step_dir, seed=config.seed)))
    history = metrics.pop("history", None)
    finish_step(step_dir, metrics, history, started=started)
    return metrics


def plot_history(history: Sequence[Mapping[str, Any]], path: Path, *, title: str = "") -> None:
    """Training loss per optimizer step, plus any evaluation metrics on a second axis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    train = [h for h in history if "loss" in h and "lr" in h]
    evals = [h for h in history if "lr" not in h]
    fig, ax = plt.subplots(figsize=(7, 4))
    if train:
        ax.plot([h["step"] for h in train], [h["loss"] for h in train], label="train loss")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss")
    keys = sorted({k for h in evals for k in h if k not in ("step", "epoch")})
    if keys:
        twin = ax.twinx()
        for key in keys:
            points = [(h["step"], h[key]) for h in evals if key in h]
            twin.plot(*zip(*points, strict=True), marker="o", linestyle="--", label=key)
        twin.legend(loc="upper right")
    ax.legend(loc="upper left")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
