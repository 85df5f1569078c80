"""Every SWEET-RL / baseline hyperparameter in one dataclass tree, loadable from YAML.

``load_config(path, overrides)`` starts from the defaults below, merges a YAML file, then applies
``key.path=value`` overrides (values parsed as YAML scalars). Unknown keys and wrong types are
errors, so a typo in a config never silently trains with a default.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

VLLM_LORA_MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


class ConfigError(ValueError):
    """A config file or override that does not match the schema."""


@dataclass
class ModelConfig:
    """How a trainable model is built from a checkpoint."""

    lora: bool = True
    """LoRA adapter (peft) when true; full fine-tune when false."""
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.0
    target_modules: list[str] = field(default_factory=lambda: list(VLLM_LORA_MODULES))
    """Projection names; the default set is what vLLM's LoRA support accepts."""
    dtype: str = "float32"
    """Weights dtype: float32 (CPU) or bfloat16 (GPU)."""
    gradient_checkpointing: bool = False
    compile: bool = False
    """torch.compile the model's forward (GPU; first steps pay the compile time)."""
    attn_implementation: str = "sdpa"
    max_length: int = 4096
    """Longest training sequence, in tokens. A longer dialogue loses whole early exchanges (an
    agent turn and the reply to it) from its middle: the opening (the critic's privileged prefix
    or the agent's system prompt, and the first request) and the last agent turn are kept whole,
    and no turn is cut inside. Dropped agent turns leave the score and are counted in the step
    metrics (``truncated_sequences``, ``dropped_turns``); a row whose opening and last turn alone
    do not fit is an error naming it."""


@dataclass
class OptimConfig:
    """One training loop's optimisation settings."""

    lr: float = 1e-5
    epochs: int = 1
    batch_size: int = 4
    """Examples per micro-batch (a pair counts as one example; both sides share the batch)."""
    grad_accum: int = 1
    warmup_ratio: float = 0.05
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    bucket_by_length: bool = True
    """Group examples of similar length so little of each batch is padding."""
    checkpoint_every: int = 50
    """Optimizer steps between resumable checkpoints (0: only at epoch ends)."""
    max_steps: int = 0
    """Stop after this many optimizer steps (0: run all epochs). For smoke runs and tests."""


@dataclass
class PairsConfig:
    frontend_min_gap: float = 0.1
    """Frontend: every pair of trajectories of a task whose rewards differ by at least this."""
    backend_require_success: bool = True
    """Backend: only tasks whose best trajectory succeeded give pairs (best vs each worse)."""


@dataclass
class CriticConfig:
    beta: float = 0.1
    privileged: bool = True
    """Put the hidden ground truth in the critic's prefix (false: the ablation without it)."""
    score_reduction: str = "mean"
    """mean: one mean over all agent-turn tokens (as released); turn_sum: per-turn means summed."""
    heldout_fraction: float = 0.1
    """Fraction of TASKS (not pairs) held out for pair accuracy; task-disjoint by construction."""
    max_truth_chars: int = 6000
    """The hidden ground truth is cut to this many characters in the privileged prefix."""
    hard_negatives: int = 0
    """Per successful backend trajectory of the training split, up to this many extra pairs
    against the same dialogue with one detail of the answer's code changed and failing the hidden
    tests (``training/sweet/hard_negatives.py``); 0: off. Never added to the held-out pairs."""
    hard_negative_sources: str = ""
    """A trajectory JSONL whose successful backend trajectories also get hard negatives (with
    ``hard_negatives`` > 0), e.g. the expert dialogues a warm start was fine-tuned on: pairs for
    free, many more than the rollouts give. Trajectories of the critic's held-out tasks are
    skipped, so no held-out task's ground truth shapes the critic. Empty: rollout pairs only."""
    train: OptimConfig = field(
        default_factory=lambda: OptimConfig(lr=2e-5, epochs=4, batch_size=2, checkpoint_every=100)
    )
    """Its reference log-probs are scored up front in batches of 2 × ``train.batch_size``."""


@dataclass
class CandidatesConfig:
    fraction: float = 0.1
    """Fraction of agent turns that get candidates (more overfits, per the paper's scripts)."""
    n: int = 16
    temperature: float = 1.0
    top_p: float = 1.0
    max_tokens: int = 512
    prompt_batch: int = 8
    """Prompts sent to the inference backend per call."""


@dataclass
class RankConfig:
    reference: str = "paper"
    """paper: frozen base model with the privileged prefix; sampling: the policy's own log-probs."""
    batch_size: int = 8
    """Candidates scored per forward by the ranking step (it is this step's alone)."""


@dataclass
class StepPairsConfig:
    num_pairs: int = 4
    """Per turn: chosen from the upper half of the ranking, rejected from the lower half."""


@dataclass
class DPOConfig:
    beta: float = 0.1
    nll_coef: float = 0.01
    """Weight of the chosen NLL term; the NLL is a per-token mean over the chosen tokens."""
    train: OptimConfig = field(
        default_factory=lambda: OptimConfig(lr=5e-6, epochs=1, batch_size=2, checkpoint_every=100)
    )


@dataclass
class RFTConfig:
    select: str = "best_per_task"
    """best_per_task: each task's highest-reward trajectory (the paper's baseline; works for the
    continuous similarities of frontend tasks); threshold: every trajectory at ``min_reward`` or
    more."""
    min_reward: float = 0.0
    """The least reward a selected trajectory may have. A recorded success flag decides instead:
    a failed episode is never selected and a successful one always qualifies."""
    train: OptimConfig = field(default_factory=lambda: OptimConfig(lr=1e-5, epochs=2))


@dataclass
class SweetConfig:
    seed: int = 0
    model: ModelConfig = field(default_factory=ModelConfig)
    pairs: PairsConfig = field(default_factory=PairsConfig)
    critic: CriticConfig = field(default_factory=CriticConfig)
    candidates: CandidatesConfig = field(default_factory=CandidatesConfig)
    rank: RankConfig = field(default_factory=RankConfig)
    step_pairs: StepPairsConfig = field(default_factory=StepPairsConfig)
    policy: DPOConfig = field(default_factory=DPOConfig)
    mtdpo: DPOConfig = field(default_factory=lambda: DPOConfig(nll_coef=0.0))
    rft: RFTConfig = field(default_factory=RFTConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def validate(self) -> None:
        problems = []
        if self.critic.score_reduction not in ("mean", "turn_sum"):
            problems.append("critic.score_reduction: must be 'mean' or 'turn_sum'")
        if self.rank.reference not in ("paper", "sampling"):
            problems.append("rank.reference: must be 'paper' or 'sampling'")
        if not 0.0 < self.candidates.fraction <= 1.0:
            problems.append("candidates.fraction: must be in (0, 1]")
        if self.candidates.n < 2:
            problems.append("candidates.n: must be at least 2 (pairs need an upper and lower half)")
        if self.critic.hard_negatives < 0:
            problems.append("critic.hard_negatives: must be 0 (off) or more")
        if not 0.0 <= self.critic.heldout_fraction < 1.0:
            problems.append("critic.heldout_fraction: must be in [0, 1)")
        if self.rft.select not in ("best_per_task", "threshold"):
            problems.append("rft.select: must be 'best_per_task' or 'threshold'")
        if self.model.dtype not in ("float32", "bfloat16", "float16"):
            problems.append("model.dtype: must be float32, bfloat16 or float16")
        if problems:
            raise ConfigError("\n".join(problems))


def _coerce(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping")
        return _build(hint, value, where)
    if origin in (list, typing.List):  # noqa: UP006
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list")
        (item,) = typing.get_args(hint)
        return [_coerce(v, item, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in typing.get_args(hint):
            return None
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is float and isinstance(value, str):
        try:  # YAML 1.1 reads "1e-4" (no dot) as a string
            return float(value)
        except ValueError:
            pass
    if hint in (int, float, str, bool) and not (
        isinstance(value, hint) and not (hint is int and isinstance(value, bool))
    ):
        raise ConfigError(f"{where}: expected {hint.__name__}, got {value!r}")
    return value


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ConfigError(f"{where or 'config'}: unknown key(s) {', '.join(unknown)}")
    base = cls()
    for name, value in data.items():
        sub = f"{where}.{name}" if where else name
        current = getattr(base, name)
        if dataclasses.is_dataclass(current) and isinstance(value, dict):
            merged = dataclasses.asdict(current) | value
            setattr(base, name, _build(type(current), merged, sub))
        else:
            setattr(base, name, _coerce(value, hints[name], sub))
    return base


def _set_path(data: dict[str, Any], dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    node = data
    for key in keys[:-1]:
        if not isinstance(node.get(key), dict):
            raise ConfigError(f"--set {dotted}: {key} is not a section")
        node = node[key]
    if keys[-1] not in node:
        raise ConfigError(f"--set {dotted}: unknown key {keys[-1]}")
    node[keys[-1]] = value


def load_config(path: str | Path | None = None, overrides: list[str] | None = None) -> SweetConfig:
    """Defaults, then the YAML file (if any), then ``key=value`` overrides; validated."""
    data = SweetConfig().to_dict()
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        try:
            loaded = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}: top level must be a mapping")
        _merge(data, loaded, "")
    for item in overrides or []:
        if "=" not in item:
            raise ConfigError(f"--set {item}: expected key=value")
        key, raw = item.split("=", 1)
        _set_path(data, key.strip(), yaml.safe_load(raw))
    config = _build(SweetConfig, data, "")
    config.validate()
    return config


def _merge(into: dict[str, Any], new: dict[str, Any], where: str) -> None:
    for key, value in new.items():
        sub = f"{where}.{key}" if where else key
        if key not in into:
            raise ConfigError(f"{sub}: unknown key")
        if isinstance(into[key], dict) and isinstance(value, dict):
            _merge(into[key], value, sub)
        else:
            into[key] = value


def config_from_dict(data: dict[str, Any]) -> SweetConfig:
    config = _build(SweetConfig, data, "")
    config.validate()
    return config


def dump_config(config: SweetConfig, path: str | Path) -> None:
    Path(path).write_text(yaml.safe_dump(config.to_dict(), sort_keys=False))
