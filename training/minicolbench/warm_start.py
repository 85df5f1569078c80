"""The SFT warm start for MiniColBench (issue 10 item 2): a tiny Llama imitating a noisy expert.

Steps, each pure and reusable:

1. :func:`expert_dialogues`: the noisy :class:`~training.minicolbench.expert.ScriptedExpert`
   through the real environment and oracle, scored in the sandbox (``measure.run_expert``).
2. :func:`build_base_model`: a random-init Llama + byte-level BPE trained only on TRAIN-split
   texts (the agent's system prompt, family requests and questions, train ground truths, expert
   dialogues). Held-out tasks never reach the tokenizer.
3. :func:`sft`: full fine-tune on every agent turn of every expert dialogue (failed ones too: the
   point is to imitate a noisy expert, so the policy inherits its skips, off-topic questions and
   guesses). It reuses :func:`training.baselines.rft.train_rft` with ``select=threshold`` and
   ``min_reward=0``; the success flags are cleared first, because a recorded ``success=false`` is
   never selected by RFT.
4. :func:`policy_success`: an early check, rollouts of the trained model on VALIDATION tasks carved
   from the train generation (never the test split).

:func:`build_warm_start` chains them from a seed into a model directory (the web app's default
agent can be built with it).
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from training.colbench.tasks import Task
from training.colbench.trajectories import Trajectory

ROLE_HEADER_REPEATS = 64
"""How often the chat template's role names go into the tokenizer corpus, so each is one token."""


@dataclass
class ModelShape:
    vocab_size: int = 2048
    hidden_size: int = 128
    num_layers: int = 4
    num_heads: int = 4
    num_kv_heads: int = 2
    intermediate_size: int = 384
    context_length: int = 1024
    pieces: str = "code"
    """Tokenizer pre-tokenization (:func:`training.llm.tiny_model.build_tokenizer`): ``code``
    keeps identifiers and numbers whole, so a stated value is copied into code as one token."""


@dataclass
class WarmStartConfig:
    """What :func:`build_warm_start` needs (the ``warm_start`` section of
    configs/minicolbench.yaml; the repro passes its own sections)."""

    seed: int = 0
    n_train: int = 1200
    n_validation: int = 30
    n_test: int = 60
    noise: str = "skip=0.15,irrelevant=0.1,guess=0.1"
    expert_k: int = 1
    model: ModelShape = field(default_factory=ModelShape)
    lr: float = 2e-3
    epochs: int = 16
    batch_size: int = 16
    max_steps: int = 0
    max_tokens: int = 160
    """Agent turn length limit when sampling (an answer is a short function)."""
    rollout_batch: int = 64
    threads: int = 1
    simulator: str = "oracle:bm25"

    @classmethod
    def from_repro_config(cls, cfg: dict[str, Any] | None = None) -> WarmStartConfig:
        """The warm-start settings of ``configs/minicolbench.yaml`` (or a loaded repro config),
        so the web app's default agent is built exactly as the benchmark's."""
        if cfg is None:
            from training.minicolbench.config import load_repro_config

            cfg = load_repro_config()
        w = cfg["warm_start"]
        return cls(
            seed=cfg["task_seed"],
            n_train=cfg["tasks"]["train"],
            n_validation=cfg["tasks"]["validation"],
            n_test=cfg["tasks"]["test"],
            noise=cfg["expert"]["noise"],
            expert_k=cfg["expert"]["k"],
            model=ModelShape(**cfg["model"]),
            lr=w["lr"],
            epochs=w["epochs"],
            batch_size=w["batch_size"],
            max_steps=w.get("max_steps", 0),
            max_tokens=cfg["rollouts"]["max_tokens"],
            rollout_batch=cfg["rollouts"]["batch_size"],
            threads=cfg.get("threads", 1),
            simulator=cfg.get("simulator", "oracle:bm25"),
        )


def set_threads(threads: int) -> None:
    """Tiny matrices: more threads than cores only adds contention on a shared 2-core box."""
    import torch

    torch.set_num_threads(max(1, threads))


def make_simulator(name: str = "oracle:bm25"):
    """The project's oracle simulator: ``oracle:bm25`` (no model, fast) or ``oracle`` (MiniLM
    embeddings, memoised: :class:`~.cached_oracle.CachedOracleSimulator`)."""
    from training.colbench.simulators.backend_oracle import BackendOracleSimulator

    if name == "oracle":
        from training.minicolbench.cached_oracle import CachedOracleSimulator

        return CachedOracleSimulator()
    if name == "oracle:bm25":
        return BackendOracleSimulator("bm25")
    raise ValueError(f"unknown simulator {name!r} (oracle or oracle:bm25)")


def spread(tasks: Sequence[Task], n: int | None) -> list[Task]:
    """``n`` tasks taken evenly through ``tasks`` (every family stays represented); all when
    ``n`` is falsy or not smaller."""
    if not n or n >= len(tasks):
        return list(tasks)
    return [tasks[(i * len(tasks)) // n] for i in range(n)]


def split_tasks(seed: int, n_train: int, n_validation: int, n_test: int) -> dict[str, list[Task]]:
    """Generated tasks: ``train`` and ``validation`` come from the generator's train split
    (validation = every k-th, so each family is represented), ``test`` is its test split."""
    from training.minicolbench.generate import generate

    generated = generate(seed, n_train + n_validation, n_test)
    pool = [t.task for t in generated if t.task.split == "train"]
    test = [t.task for t in generated if t.task.split == "test"]
    step = max(1, len(pool) // n_validation) if n_validation else 0
    val_ids = {t.id for t in pool[::step][:n_validation]} if step else set()
    return {
        "train": [t for t in pool if t.id not in val_ids],
        "validation": [t for t in pool if t.id in val_ids],
        "test": test,
    }


def expert_dialogues(
    tasks: Sequence[Task], noise: str, *, seed: int, k: int, simulator: Any
) -> list[Trajectory]:
    from training.minicolbench.expert import parse_noise
    from training.minicolbench.measure import run_expert

    return run_expert(tasks, parse_noise(noise), seed=seed, k=k, simulator=simulator)


def tokenizer_corpus(train_tasks: Sequence[Task], dialogues: Sequence[Trajectory]) -> list[str]:
    from training.minicolbench.measure import detail_value_texts, tokenizer_texts

    roles = ["system\nuser\nassistant\n"] * ROLE_HEADER_REPEATS
    return [*tokenizer_texts(train_tasks, dialogues), *detail_value_texts(), *roles]


def whole_token_texts() -> list[str]:
    """Texts the tokenizer keeps as one token: the agent's fixed system prompt (~170 BPE tokens
    otherwise, more than half of every sequence). The model still reads the same text, and the
    prompt decodes back verbatim; a different prompt falls back to ordinary tokens."""
    from training.colbench.environments import BackendEnvironment

    return [BackendEnvironment().system_prompt()]


def build_base_model(out_dir: Path, texts: Sequence[str], shape: ModelShape, seed: int) -> Path:
    from training.llm.tiny_model import build_tiny_model

    return build_tiny_model(
        out_dir,
        texts,
        seed=seed,
        vocab_size=shape.vocab_size,
        hidden_size=shape.hidden_size,
        num_layers=shape.num_layers,
        num_heads=shape.num_heads,
        num_kv_heads=shape.num_kv_heads,
        intermediate_size=shape.intermediate_size,
        context_length=shape.context_length,
        pieces=shape.pieces,
        whole=whole_token_texts(),
    )


def imitation_set(dialogues: Sequence[Trajectory]) -> list[Trajectory]:
    """Copies with the success flag cleared, so ``select=threshold, min_reward=0`` keeps all."""
    out = []
    for trajectory in dialogues:
        twin = copy.copy(trajectory)
        twin.success = None
        twin.reward = trajectory.reward if trajectory.reward is not None else 0.0
        out.append(twin)
    return out


def sft(
    base_dir: Path,
    dialogues: Sequence[Trajectory],
    out_dir: Path,
    *,
    lr: float,
    epochs: int,
    batch_size: int,
    max_steps: int = 0,
    seed: int = 0,
    max_length: int = 1024,
) -> dict[str, Any]:
    """Full fine-tune of ``base_dir`` on every agent turn of ``dialogues``; the trained model is
    ``out_dir/model``. Returns train_rft's metrics (history included)."""
    from training.baselines.rft import train_rft
    from training.sweet.config import load_config
    from training.sweet.model_loading import parse_model_spec
    from training.sweet.trainer import TrainingRun

    config = load_config(
        None,
        [
            "model.lora=false",
            f"model.max_length={max_length}",
            "rft.select=threshold",
            "rft.min_reward=0.0",
            f"rft.train.lr={lr}",
            f"rft.train.epochs={epochs}",
            f"rft.train.batch_size={batch_size}",
            f"rft.train.max_steps={max_steps}",
            "rft.train.warmup_ratio=0.05",
            "rft.train.checkpoint_every=0",
        ],
    )
    run = TrainingRun(parse_model_spec(f"local:{base_dir}"), config.model, out_dir, seed=seed)
    return train_rft(imitation_set(dialogues), config.rft, run)


def policy_rollouts(
    policy: str | Any,
    tasks: Sequence[Task],
    *,
    simulator: Any,
    k: int = 1,
    temperature: float = 1.0,
    seed: int = 0,
    max_tokens: int = 160,
    batch_size: int = 64,
    progress: bool = False,
) -> list[Trajectory]:
    """``k`` episodes per task of a policy (spec ``local:PATH[@ADAPTER]`` or an LLM), scored."""
    from training.colbench.rollouts import RolloutConfig, rollout
    from training.llm.spec import load_llm
    from training.minicolbench.measure import score_in_place

    llm = load_llm(policy) if isinstance(policy, str) else policy
    config = RolloutConfig(
        k=k, temperature=temperature, seed=seed, max_tokens=max_tokens, batch_size=batch_size
    )
    try:
        trajectories = rollout(tasks, llm, {"backend": simulator}, config, progress=progress)
    finally:
        if isinstance(policy, str):
            llm.close()
    score_in_place(trajectories)
    return trajectories


def summarize(trajectories: Sequence[Trajectory]) -> dict[str, Any]:
    """Success rate and mean fraction of tests passed; protocol health (answered, turns)."""
    n = len(trajectories) or 1
    return {
        "episodes": len(trajectories),
        "success": round(sum(bool(t.success) for t in trajectories) / n, 4),
        "tests_passed": round(sum(float(t.reward or 0.0) for t in trajectories) / n, 4),
        "answered": round(sum(bool(t.answer and t.answer.strip()) for t in trajectories) / n, 4),
        "agent_turns": round(sum(len(t.agent_turns) for t in trajectories) / n, 2),
    }


def build_warm_start(
    out_dir: str | Path, *, seed: int = 0, config: WarmStartConfig | None = None
) -> Path:
    """Build the warm-started MiniColBench agent from a seed; return its model directory.

    Generates the tasks, rolls out the noisy expert on the train split, builds the tokenizer and
    random-init model, runs SFT and the validation check; writes ``metrics.json`` beside the model.
    The model directory (``OUT/sft/model``) loads with ``load_llm("local:PATH")``.
    """
    from training.colbench.trajectories import write_trajectories

    cfg = copy.deepcopy(config or WarmStartConfig.from_repro_config())
    cfg.seed = seed
    set_threads(cfg.threads)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    simulator = make_simulator(cfg.simulator)
    tasks = split_tasks(seed, cfg.n_train, cfg.n_validation, cfg.n_test)
    dialogues = expert_dialogues(
        tasks["train"], cfg.noise, seed=seed, k=cfg.expert_k, simulator=simulator
    )
    write_trajectories(out / "expert.jsonl", dialogues)
    base = build_base_model(
        out / "base", tokenizer_corpus(tasks["train"], dialogues), cfg.model, seed
    )
    metrics = sft(
        base,
        dialogues,
        out / "sft",
        lr=cfg.lr,
        epochs=cfg.epochs,
        batch_size=cfg.batch_size,
        max_steps=cfg.max_steps,
        seed=seed,
        max_length=cfg.model.context_length,
    )
    check = policy_rollouts(
        f"local:{out / 'sft' / 'model'}",
        tasks["validation"],
        simulator=simulator,
        seed=seed,
        max_tokens=cfg.max_tokens,
        batch_size=cfg.rollout_batch,
    )
    record = {
        "expert": summarize(dialogues),
        "validation": summarize(check),
        "sft_steps": metrics.get("steps"),
        "seconds": round(time.time() - started, 1),
    }
    (out / "metrics.json").write_text(json.dumps(record, indent=2))
    return out / "sft" / "model"
