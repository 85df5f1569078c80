"""One training loop for the critic, policy DPO, multi-turn DPO and rejection fine-tuning.

It owns what every loop needs and nothing task-specific: Accelerate (single process, DDP or FSDP
under ``accelerate launch``), gradient accumulation, warmup + linear decay, gradient clipping,
reproducible length-bucketed batch order per epoch, tqdm progress, and resumable checkpoints.

A checkpoint holds the trainable weights, optimizer, scheduler, every RNG state and the step, and
is written atomically. A resumed run skips the optimizer steps already taken and continues with the
same batches and random streams, so it ends where an uninterrupted run would.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from training.sweet.batching import make_batches
from training.sweet.config import ModelConfig, OptimConfig
from training.sweet.errors import TrainingDataError
from training.sweet.model_loading import ModelRef, load_trainable

LossFn = Callable[[torch.nn.Module, list[int]], tuple[torch.Tensor, dict[str, float]]]
EvalFn = Callable[[torch.nn.Module], dict[str, float]]


@dataclass
class TrainResult:
    history: list[dict[str, Any]] = field(default_factory=list)
    steps: int = 0
    resumed_from: int = 0


def make_accelerator(dtype: str = "float32") -> Any:
    from accelerate import Accelerator

    mixed = "bf16" if dtype == "bfloat16" and torch.cuda.is_available() else "no"
    return Accelerator(mixed_precision=mixed, cpu=not torch.cuda.is_available())


def process_state() -> Any:
    """The process group as Accelerate sees it, created exactly as :func:`make_accelerator` would
    (a state first created with other arguments would pin a single-process run on CPU)."""
    from accelerate import PartialState

    return PartialState(cpu=not torch.cuda.is_available())


def _rng_state() -> dict[str, Any]:
    state = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _is_fsdp(accelerator: Any) -> bool:
    from accelerate.utils import DistributedType

    return accelerator.distributed_type == DistributedType.FSDP


def save_checkpoint(
    directory: Path,
    accelerator: Any,
    model: torch.nn.Module,
    optimizer: Any,
    scheduler: Any,
    step: int,
    history: list[dict[str, Any]],
) -> None:
    """Atomically replace ``directory`` with the current training state."""
    tmp = directory.with_name(directory.name + ".tmp")
    if accelerator.is_main_process and tmp.exists():
        shutil.rmtree(tmp)
    accelerator.wait_for_everyone()
    if _is_fsdp(accelerator):  # sharded weights and optimizer: Accelerate knows how to gather them
        accelerator.save_state(str(tmp))
    if accelerator.is_main_process:
        tmp.mkdir(parents=True, exist_ok=True)
        if not _is_fsdp(accelerator):
            unwrapped = accelerator.unwrap_model(model)
            trainable = {
                n: p.detach().cpu().clone()
                for n, p in unwrapped.named_parameters()
                if p.requires_grad
            }
            torch.save(
                {
                    "trainable": trainable,
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "rng": _rng_state(),
                },
                tmp / "state.pt",
            )
        (tmp / "progress.json").write_text(json.dumps({"step": step, "history": history}))
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(tmp, directory)
    accelerator.wait_for_everyone()


def load_checkpoint(
    directory: Path, accelerator: Any, model: torch.nn.Module, optimizer: Any, scheduler: Any
) -> tuple[int, list[dict[str, Any]]]:
    progress = json.loads((directory / "progress.json").read_text())
    if _is_fsdp(accelerator):
        accelerator.load_state(str(directory))
    else:
        state = torch.load(directory / "state.pt", weights_only=False)
        unwrapped = accelerator.unwrap_model(model)
        params = dict(unwrapped.named_parameters())
        with torch.no_grad():
            for name, value in state["trainable"].items():
                params[name].copy_(value)
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        _set_rng_state(state["rng"])
    return int(progress["step"]), list(progress["history"])


def _schedule(warmup: int, total: int) -> Callable[[int], float]:
    def factor(step: int) -> float:
        if warmup and step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total - step) / max(1, total - warmup))

    return factor


def train(
    model: torch.nn.Module,
    *,
    lengths: Sequence[int],
    loss_fn: LossFn,
    optim: OptimConfig,
    out_dir: Path,
    seed: int,
    accelerator: Any,
    eval_fn: EvalFn | None = None,
    desc: str = "train",
) -> TrainResult:
    """Run ``optim.epochs`` epochs over examples ``0..len(lengths)-1`` (resuming if possible)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ckpt_dir = out_dir / "checkpoint"
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    world, rank = accelerator.num_processes, accelerator.process_index

    def local_batches(epoch: int) -> list[list[int]]:
        batches = make_batches(
            lengths,
            optim.batch_size,
            bucket_by_length=optim.bucket_by_length,
            seed=seed,
            epoch=epoch,
        )
        usable = len(batches) - len(batches) % world if len(batches) >= world else len(batches)
        mine = batches[rank:usable:world] if world > 1 else batches
        return [mine[i : i + optim.grad_accum] for i in range(0, len(mine), optim.grad_accum)]

    steps_per_epoch = len(local_batches(0))
    if steps_per_epoch == 0:
        raise TrainingDataError(f"{desc}: no training examples")
    total = steps_per_epoch * optim.epochs
    if optim.max_steps:
        total = min(total, optim.max_steps)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=optim.lr, weight_decay=optim.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, _schedule(math.ceil(optim.warmup_ratio * total), total)
    )
    model, optimizer = accelerator.prepare(model, optimizer)

    result = TrainResult()
    step = 0
    if (ckpt_dir / "progress.json").is_file():
        step, result.history = load_checkpoint(ckpt_dir, accelerator, model, optimizer, scheduler)
        result.resumed_from = step
    from tqdm.auto import tqdm

    bar = tqdm(
        total=total,
        initial=step,
        desc=desc,
        disable=not accelerator.is_local_main_process,
        dynamic_ncols=True,
    )
    trainable = [p for p in model.parameters() if p.requires_grad]
    for epoch in range(optim.epochs):
        groups = local_batches(epoch)
        epoch_start = epoch * steps_per_epoch
        if epoch_start + len(groups) <= step:
            continue
        for index, group in enumerate(groups):
            if epoch_start + index < step:
                continue
            if step >= total:
                break
            model.train()
            sums: dict[str, float] = {}
            for j, micro in enumerate(group):
                sync = j == len(group) - 1
                with nullcontext() if sync else accelerator.no_sync(model), accelerator.autocast():
                    loss, metrics = loss_fn(model, micro)
                    accelerator.backward(loss / len(group))
                for key, value in {"loss": float(loss.detach()), **metrics}.items():
                    sums[key] = sums.get(key, 0.0) + value / len(group)
            grad_norm = accelerator.clip_grad_norm_(trainable, optim.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            record = {"step": step, "epoch": epoch, "lr": scheduler.get_last_lr()[0], **sums}
            record["grad_norm"] = float(grad_norm)
            result.history.append(record)
            bar.update(1)
            bar.set_postfix(loss=f"{sums['loss']:.4f}")
            last_of_epoch = index == len(groups) - 1 or step >= total
            if optim.checkpoint_every and step % optim.checkpoint_every == 0 and not last_of_epoch:
                save_checkpoint(
                    ckpt_dir, accelerator, model, optimizer, scheduler, step, result.history
                )
        # epoch over (or the step budget is spent): evaluate, then checkpoint the epoch boundary
        if eval_fn is not None:
            model.eval()
            with torch.no_grad():
                result.history.append({"step": step, "epoch": epoch, **eval_fn(model)})
        if step < total:
            save_checkpoint(
                ckpt_dir, accelerator, model, optimizer, scheduler, step, result.history
            )
        if step >= total:
            break
    bar.close()
    result.steps = step
    accelerator.wait_for_everyone()
    return result


def finish(out_dir: Path, accelerator: Any) -> None:
    """Drop the resumable checkpoint once the final weights are saved."""
    if accelerator.is_main_process and (out_dir / "checkpoint").exists():
        shutil.rmtree(out_dir / "checkpoint")


def save_trained(
    accelerator: Any, model: Any, tokenizer: Any, out_dir: Path, *, lora: bool
) -> Path:
    """Write the adapter (LoRA, loadable by LocalLLM/vLLM) or the full model + tokenizer."""
    unwrapped = accelerator.unwrap_model(model)
    state = accelerator.get_state_dict(model)
    target = out_dir / ("adapter" if lora else "model")
    if accelerator.is_main_process:
        unwrapped.save_pretrained(str(target), state_dict=state)
        if not lora:
            tokenizer.save_pretrained(str(target))
    accelerator.wait_for_everyone()
    return target


@dataclass
class TrainingRun:
    """What every training step shares, and nothing step-specific: the policy weights it starts
    from, how a trainable model is built from them, the output folder, the seed, and the Accelerate
    process (made on first use when none is given). Each step adds its own config section."""

    policy: ModelRef
    model: ModelConfig
    out_dir: Path
    seed: int = 0
    accelerator: Any = None

    def accelerate(self) -> Any:
        if self.accelerator is None:
            self.accelerator = make_accelerator(self.model.dtype)
        return self.accelerator

    def trainable(self, *, continue_adapter: bool = False) -> Any:
        """A trainable model on the run's device (see :func:`load_trainable`)."""
        model = load_trainable(
            self.policy, self.model, continue_adapter=continue_adapter, seed=self.seed
        )
        return model.to(self.accelerate().device)

    def fit(
        self,
        model: torch.nn.Module,
        tokenizer: Any,
        *,
        lengths: Sequence[int],
        loss_fn: LossFn,
        optim: OptimConfig,
        desc: str,
        eval_fn: EvalFn | None = None,
    ) -> tuple[TrainResult, Path]:
        """:func:`train` (resuming if possible), then save the trained weights and drop the
        resumable checkpoint; returns the result and where the weights went."""
        accelerator = self.accelerate()
        result = train(
            model,
            lengths=lengths,
            loss_fn=loss_fn,
            optim=optim,
            out_dir=self.out_dir,
            seed=self.seed,
            accelerator=accelerator,
            eval_fn=eval_fn,
            desc=desc,
        )
        target = save_trained(accelerator, model, tokenizer, self.out_dir, lora=self.model.lora)
        finish(self.out_dir, accelerator)
        return result, target
