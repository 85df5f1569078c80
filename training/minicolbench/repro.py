"""`duet repro minicolbench`: SWEET-RL vs multi-turn DPO vs rejection fine-tuning, end to end.

Run folder layout (every step folder has ``metrics.json`` and, once complete, ``done.json``; a
rerun skips complete steps, so an interrupted run resumes)::

    OUT/tasks/            train / validation / test task JSONL + ids.json (generator seed fixed)
    OUT/expert/           noisy expert dialogues on TRAIN tasks (the SFT data)
    OUT/warm_start/       tokenizer + random-init model (base/) and the SFT policy (sft/model)
    OUT/rollouts/         k rollouts per TRAIN task (``rollouts.tasks`` of them, spread over the
                          families) from the warm-started policy: the shared RL data
    OUT/heldout/          warm policy on TEST tasks, k per task at the rollout temperature: the
                          held-out trajectories the critics are measured on
    OUT/seed{S}/{method}/ one method's training on the shared rollouts
    OUT/seed{S}/eval_{method}/  its evaluation on TEST (and VALIDATION) tasks; eval_zero_shot
                          is the warm start's, evaluated the same way
    OUT/seed{S}/critic_{variant}/  critic_quality of that seed's critic on OUT/heldout
    OUT/results.json, OUT/table.md, OUT/minicolbench.png

Held-out (TEST) tasks are only ever evaluated on: they feed no tokenizer, no training step and no
choice; method variants are compared on VALIDATION tasks carved from the train generation.
Budget matching: every policy update (RFT, MTDPO, SWEET-RL's policy DPO) takes the same number of
optimizer steps (``budget.policy_steps``) at the same batch size over the same rollout file;
SWEET-RL additionally spends compute on its critic and candidates (recorded in seconds).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from training.colbench.tasks import Task, load_tasks
from training.colbench.trajectories import Trajectory, load_trajectories, write_trajectories
from training.minicolbench.config import deep_merge

METHOD_LABELS = {
    "zero_shot": "zero-shot (SFT warm start)",
    "rft": "rejection fine-tuning",
    "mtdpo": "multi-turn DPO",
    "sweet": "SWEET-RL",
    "sweet_hn": "SWEET-RL, critic + hard negatives",
    "sweet_noprefix": "SWEET-RL, critic without privileged prefix",
}
SWEET_VARIANTS = {
    "sweet": ["critic.privileged=true"],
    "sweet_hn": ["critic.privileged=true"],  # hard negatives from the config's sweet_hn
    "sweet_noprefix": ["critic.privileged=false"],
}


# ------------------------------------------------------------------------------ methods


def sweet_config(
    cfg: dict[str, Any], seed: int, variant: str, expert_dialogues: Path | None = None
) -> Any:
    """The SweetConfig of one method at one seed: the shared ``sweet`` section, the matched
    policy budget, and the variant's critic setting. ``sweet_hn``'s critic also trains on hard
    negatives of the expert's successful SFT dialogues (``expert_dialogues``) when the config's
    ``sweet_hn.expert_sources`` is true."""
    from training.sweet.config import SweetConfig, config_from_dict

    budget = cfg["budget"]
    data = deep_merge(SweetConfig().to_dict(), cfg.get("sweet", {}))
    data["seed"] = seed
    data["model"]["max_length"] = cfg["model"]["context_length"]
    for section in ("policy", "mtdpo", "rft"):
        data[section]["train"]["max_steps"] = budget["policy_steps"]
        data[section]["train"]["batch_size"] = budget["batch_size"]
        data[section]["train"]["epochs"] = budget.get("max_epochs", 100)
    if variant in SWEET_VARIANTS:
        data["critic"]["privileged"] = variant != "sweet_noprefix"
        hn = cfg.get("sweet_hn", {}) if variant == "sweet_hn" else {"hard_negatives": 0}
        data["critic"]["hard_negatives"] = hn.get("hard_negatives", 2)
        if hn.get("expert_sources") and expert_dialogues is not None:
            data["critic"]["hard_negative_sources"] = str(expert_dialogues)
    return config_from_dict(data)


# ------------------------------------------------------------------------------ steps


class Steps:
    """Resumable steps under one run folder, with a progress bar over all of them."""

    def __init__(self, out: Path, total: int, progress: bool = True) -> None:
        from tqdm.auto import tqdm

        self.out = out
        self.bar = tqdm(total=total, desc="repro minicolbench", unit="step", disable=not progress)
        self.skipped: list[str] = []
        self.ran: list[str] = []

    def run(self, name: str, fn: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
        folder = self.out / name
        done = folder / "done.json"
        self.bar.set_postfix_str(name)
        if done.is_file():
            self.skipped.append(name)
            self.bar.update(1)
            return json.loads((folder / "metrics.json").read_text())
        folder.mkdir(parents=True, exist_ok=True)
        started = time.time()
        metrics = fn(folder)
        metrics = {**metrics, "seconds": round(time.time() - started, 1)}
        (folder / "metrics.json").write_text(json.dumps(metrics, indent=2, default=float))
        done.write_text(json.dumps({"finished": time.time()}))
        self.ran.append(name)
        self.bar.update(1)
        self.bar.write(f"[repro] {name}: {_brief(metrics)}")
        return metrics

    def close(self) -> None:
        self.bar.close()


def _brief(metrics: dict[str, Any]) -> str:
    keys = ("success", "tests_passed", "task_disjoint_pair_accuracy", "ranks_correct_first")
    parts = [f"{k}={metrics[k]}" for k in keys if isinstance(metrics.get(k), (int, float))]
    return " ".join([*parts, f"{metrics.get('seconds', 0)}s"])


def _tasks(out: Path, split: str) -> list[Task]:
    return load_tasks(out / "tasks" / f"{split}.jsonl", kind="backend")


def _write_tasks(folder: Path, tasks: Sequence[Task]) -> None:
    with folder.open("w", encoding="utf-8") as handle:
        for task in tasks:
            handle.write(json.dumps(task.to_row()) + "\n")


def method_policy(out: Path, seed: int, method: str) -> str:
    """The ``local:`` spec of a method's trained policy (full fine-tunes: a model directory).
    A method whose training found no data (recorded ``no_training_data``) keeps the warm start."""
    metrics = out / f"seed{seed}" / method / "metrics.json"
    if (
        method != "zero_shot"
        and metrics.is_file()
        and json.loads(metrics.read_text()).get("no_training_data")
    ):
        method = "zero_shot"
    if method == "zero_shot":
        return f"local:{out / 'warm_start' / 'sft' / 'model'}"
    if method in SWEET_VARIANTS:
        return f"local:{out / f'seed{seed}' / method / 'run' / 'policy' / 'model'}"
    return f"local:{out / f'seed{seed}' / method / 'model'}"


def run_repro(
    out: str | Path,
    cfg: dict[str, Any],
    *,
    seeds: Sequence[int] | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Every step of the comparison (see the module docstring); returns the results dict."""
    from training.minicolbench import warm_start as ws

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    seeds = list(seeds if seeds is not None else cfg["seeds"])
    methods = list(cfg["methods"])
    critic_variants = list(cfg.get("critic_variants", ["sweet", "sweet_noprefix"]))
    ws.set_threads(int(cfg.get("threads", 2)))
    started = time.time()
    (out / "config.yaml").write_text(yaml.safe_dump({**cfg, "seeds": seeds}, sort_keys=False))
    per_seed = 1 + len(methods) * 2 + len([v for v in critic_variants if v in SWEET_VARIANTS])
    steps = Steps(out, total=5 + len(seeds) * per_seed, progress=progress)
    simulator = ws.make_simulator(cfg.get("simulator", "oracle:bm25"))
    warm = method_policy(out, 0, "zero_shot")
    shape = ws.ModelShape(**cfg["model"])
    rollout_kw = {
        "simulator": simulator,
        "max_tokens": cfg["rollouts"]["max_tokens"],
        "batch_size": cfg["rollouts"]["batch_size"],
    }

    def make_tasks(folder: Path) -> dict[str, Any]:
        t = cfg["tasks"]
        split = ws.split_tasks(cfg["task_seed"], t["train"], t["validation"], t["test"])
        for name, tasks in split.items():
            _write_tasks(folder / f"{name}.jsonl", tasks)
        ids = {name: [task.id for task in tasks] for name, tasks in split.items()}
        (folder / "ids.json").write_text(json.dumps(ids, indent=1))
        return {name: len(tasks) for name, tasks in split.items()}

    steps.run("tasks", make_tasks)
    train, validation, test = (_tasks(out, s) for s in ("train", "validation", "test"))

    def expert(folder: Path) -> dict[str, Any]:
        e = cfg["expert"]
        dialogues = ws.expert_dialogues(
            train, e["noise"], seed=cfg["task_seed"], k=e["k"], simulator=simulator
        )
        write_trajectories(folder / "expert.jsonl", dialogues)
        return {"noise": e["noise"], **ws.summarize(dialogues)}

    steps.run("expert", expert)

    def warm_start(folder: Path) -> dict[str, Any]:
        dialogues = load_trajectories(out / "expert" / "expert.jsonl")
        base = ws.build_base_model(
            folder / "base", ws.tokenizer_corpus(train, dialogues), shape, cfg["task_seed"]
        )
        w = cfg["warm_start"]
        metrics = ws.sft(
            base,
            dialogues,
            folder / "sft",
            lr=w["lr"],
            epochs=w["epochs"],
            batch_size=w["batch_size"],
            max_steps=w.get("max_steps", 0),
            seed=cfg["task_seed"],
            max_length=shape.context_length,
        )
        history = metrics.pop("history", [])
        check = ws.policy_rollouts(
            warm, validation, temperature=cfg["eval"]["temperature"], seed=0, **rollout_kw
        )
        write_trajectories(folder / "validation.jsonl", check)
        return {
            "sft_steps": metrics.get("steps"),
            "sft_sequences": metrics.get("sequences"),
            "final_loss": history[-1]["loss"] if history else None,
            "validation": ws.summarize(check),
            **{f"validation_{k}": v for k, v in ws.summarize(check).items()},
        }

    steps.run("warm_start", warm_start)

    def rollouts(folder: Path) -> dict[str, Any]:
        r = cfg["rollouts"]
        agent: Any = warm
        if r.get("agent", "warm_start") == "expert":  # tests only: guarantees some successes
            from training.minicolbench.expert import ScriptedExpert, parse_noise

            agent = ScriptedExpert(parse_noise(cfg["expert"]["noise"]), seed=cfg["task_seed"] + 1)
        data = ws.policy_rollouts(
            agent,
            ws.spread(train, r.get("tasks")),
            k=r["k"],
            temperature=r["temperature"],
            seed=cfg["task_seed"],
            progress=progress,
            **rollout_kw,
        )
        write_trajectories(folder / "rollouts.jsonl", data)
        by_task: dict[str, list[bool]] = {}
        for t in data:
            by_task.setdefault(t.task.id, []).append(bool(t.success))
        return {
            **ws.summarize(data),
            "tasks": len(by_task),
            "tasks_with_a_success": sum(any(v) for v in by_task.values()),
            "tasks_mixed": sum(any(v) and not all(v) for v in by_task.values()),
        }

    steps.run("rollouts", rollouts)
    data_path = out / "rollouts" / "rollouts.jsonl"

    def heldout(folder: Path) -> dict[str, Any]:
        k = int(cfg["critic_metrics"]["heldout_k"])
        rows = ws.policy_rollouts(
            warm,
            test,
            k=k,
            temperature=cfg["rollouts"]["temperature"],
            seed=10_000,
            progress=progress,
            **rollout_kw,
        )
        write_trajectories(folder / "heldout.jsonl", rows)
        return {"k": k, **ws.summarize(rows)}

    steps.run("heldout", heldout)
    heldout_rows = load_trajectories(out / "heldout" / "heldout.jsonl")

    results: dict[str, Any] = {"seeds": seeds, "methods": {}, "critics": {}}
    for seed in seeds:
        for method in ["zero_shot", *methods]:
            if method != "zero_shot":
                trained = steps.run(
                    f"seed{seed}/{method}", _trainer(method, data_path, warm, cfg, seed)
                )
                if trained.get("no_training_data"):
                    results.setdefault("no_training_data", {}).setdefault(method, []).append(seed)
            steps.run(
                f"seed{seed}/eval_{method}",
                _evaluator(
                    method_policy(out, seed, method), test, validation, cfg, seed, rollout_kw
                ),
            )
            metrics = json.loads(
                (out / f"seed{seed}" / f"eval_{method}" / "metrics.json").read_text()
            )
            results["methods"].setdefault(method, {})[seed] = metrics
        for variant in critic_variants:
            if variant not in methods:  # the control's critic alone (no policy step)
                steps.run(
                    f"seed{seed}/{variant}",
                    _critic_only(variant, data_path, warm, cfg, seed),
                )
            critic_dir = out / f"seed{seed}" / variant / "run" / "critic"
            results["critics"].setdefault(variant, {})[seed] = steps.run(
                f"seed{seed}/critic_{variant}",
                _critic_metrics(critic_dir, heldout_rows, warm, cfg, seed),
            )
    steps.close()
    results["zero_shot_validation"] = json.loads(
        (out / "warm_start" / "metrics.json").read_text()
    ).get("validation")
    results["data"] = json.loads((out / "rollouts" / "metrics.json").read_text())
    results["expert"] = json.loads((out / "expert" / "metrics.json").read_text())
    results["wall_seconds_this_call"] = round(time.time() - started, 1)
    results["steps_skipped"] = steps.skipped
    results["train_seconds"] = _train_seconds(out, seeds, methods)
    (out / "results.json").write_text(json.dumps(results, indent=2, default=float))
    table = render_table(results, cfg)
    (out / "table.md").write_text(table)
    plot(results, out / "minicolbench.png")
    return results


def _expert_file(rollout_file: Path) -> Path:
    """OUT/expert/expert.jsonl, from the shared rollout file OUT/rollouts/…."""
    return rollout_file.parent.parent / "expert" / "expert.jsonl"


def _trainer(method: str, data: Path, policy: str, cfg: dict[str, Any], seed: int):
    def train(folder: Path) -> dict[str, Any]:
        from training.sweet.errors import TrainingDataError

        try:
            return _train(folder)
        except TrainingDataError as exc:  # e.g. no successful rollout: nothing to learn from
            return {"no_training_data": str(exc)}

    def _train(folder: Path) -> dict[str, Any]:
        from training.sweet.runfolder import train_in_step

        config = sweet_config(cfg, seed, method, _expert_file(data))
        if method in SWEET_VARIANTS:
            from training.sweet.pipeline import run_sweet

            summary = run_sweet(data, policy, folder / "run", config)
            critic = json.loads((folder / "run" / "critic" / "metrics.json").read_text())
            ranks = json.loads((folder / "run" / "ranks" / "metrics.json").read_text())
            pol = json.loads((folder / "run" / "policy" / "metrics.json").read_text())
            return {
                **summary,
                "critic_train_pair_accuracy_heldout_split": critic.get("heldout_pair_accuracy"),
                "mean_advantage_spread": ranks.get("mean_advantage_spread"),
                "policy_steps": pol.get("steps"),
                "step_pairs": pol.get("pairs") or pol.get("examples"),
            }
        trajectories = load_trajectories(data)
        if method == "rft":
            from training.baselines.rft import train_rft

            fn = lambda run: train_rft(trajectories, config.rft, run)  # noqa: E731
        elif method == "mtdpo":
            from training.baselines.mtdpo import train_mtdpo

            fn = lambda run: train_mtdpo(trajectories, config.pairs, config.mtdpo, run)  # noqa: E731
        else:
            raise ValueError(f"unknown method {method!r}")
        metrics = train_in_step(folder, config, policy, {"data": data}, fn)
        metrics.pop("history", None)
        return metrics

    return train


def _critic_only(variant: str, data: Path, policy: str, cfg: dict[str, Any], seed: int):
    def train(folder: Path) -> dict[str, Any]:
        from training.sweet.errors import TrainingDataError
        from training.sweet.pipeline import run_critic, run_pairs

        config = sweet_config(cfg, seed, variant, _expert_file(data))
        pairs = run_pairs(data, folder / "run" / "pairs", config)
        try:
            run_critic(pairs, policy, folder / "run" / "critic", config)
        except TrainingDataError as exc:
            return {"no_training_data": str(exc)}
        critic = json.loads((folder / "run" / "critic" / "metrics.json").read_text())
        return {"critic_train_pair_accuracy_heldout_split": critic.get("heldout_pair_accuracy")}

    return train


def _evaluator(
    policy: str,
    test: Sequence[Task],
    validation: Sequence[Task],
    cfg: dict[str, Any],
    seed: int,
    rollout_kw: dict[str, Any],
):
    from training.minicolbench import warm_start as ws

    def evaluate(folder: Path) -> dict[str, Any]:
        from training.llm.spec import load_llm

        e = cfg["eval"]
        llm = load_llm(policy)
        try:
            rows = ws.policy_rollouts(
                llm, test, k=e["k"], temperature=e["temperature"], seed=1000 + seed, **rollout_kw
            )
            val = ws.policy_rollouts(
                llm, validation, k=1, temperature=e["temperature"], seed=2000 + seed, **rollout_kw
            )
        finally:
            llm.close()
        write_trajectories(folder / "test.jsonl", rows)
        write_trajectories(folder / "validation.jsonl", val)
        return {"test": ws.summarize(rows), "validation": ws.summarize(val), "policy": policy}

    return evaluate


def _critic_metrics(
    critic_dir: Path, heldout: Sequence[Trajectory], policy: str, cfg: dict[str, Any], seed: int
):
    def measure(folder: Path) -> dict[str, Any]:
        from training.llm.spec import load_llm
        from training.sweet.critic_quality import critic_quality

        if not (critic_dir / "done.json").is_file():
            return {"no_critic": str(critic_dir), "privileged": "noprefix" not in str(critic_dir)}
        c = cfg["critic_metrics"]
        sampler = load_llm(policy) if c.get("samples", 0) else None
        try:
            report = critic_quality(
                critic_dir,
                heldout,
                policy=policy,
                sampler=sampler,
                samples=c.get("samples", 4),
                mutants=c.get("mutants", 3),
                hard_negatives=c.get("hard_negatives", 2),
                seed=seed,
            )
        finally:
            if sampler is not None:
                sampler.close()
        return report

    return measure


def _train_seconds(out: Path, seeds: Sequence[int], methods: Sequence[str]) -> dict[str, float]:
    totals: dict[str, list[float]] = {}
    for seed in seeds:
        for method in methods:
            path = out / f"seed{seed}" / method / "metrics.json"
            if path.is_file():
                totals.setdefault(method, []).append(json.loads(path.read_text())["seconds"])
    return {m: round(sum(v) / len(v), 1) for m, v in totals.items()}


# ------------------------------------------------------------------------------ reporting


def mean_se(values: Sequence[float]) -> tuple[float, float]:
    """Mean and standard error of the mean over seeds (0 for one seed)."""
    n = len(values)
    if not n:
        return math.nan, math.nan
    mean = sum(values) / n
    if n == 1:
        return mean, 0.0
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var / n)


def method_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for method, by_seed in results["methods"].items():
        seeds = sorted(by_seed, key=int)
        row = {"method": method, "label": METHOD_LABELS.get(method, method), "n": len(seeds)}
        for split in ("test", "validation"):
            for key in ("success", "tests_passed"):
                values = [by_seed[s][split][key] for s in seeds if split in by_seed[s]]
                row[f"{split}_{key}"] = mean_se(values) if values else None
        rows.append(row)
    return rows


def _fmt(pair: tuple[float, float] | None) -> str:
    if pair is None:
        return "–"
    mean, se = pair
    return f"{100 * mean:.1f} ± {100 * se:.1f}"


def _num(value: Any, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def render_table(results: dict[str, Any], cfg: dict[str, Any]) -> str:
    """Markdown: methods (held-out success and tests passed, mean ± s.e. over seeds), then the
    critics (task-disjoint held-out metrics, mean over seeds)."""
    e = cfg["eval"]
    lines = [
        f"Held-out TEST tasks: {len(results.get('test_ids', [])) or cfg['tasks']['test']}, "
        f"temperature {e['temperature']}, {e['k']} episode(s) per task per seed; "
        f"seeds {results['seeds']}; mean ± standard error over seeds (percent).",
        "",
        "| method | success (test) | tests passed (test) | success (validation) | seeds |",
        "| --- | --- | --- | --- | --- |",
    ]
    fallback = results.get("no_training_data", {})
    for row in method_rows(results):
        if row["method"] in fallback:
            row["label"] += f" † (no training data at seeds {fallback[row['method']]})"
        lines.append(
            f"| {row['label']} | {_fmt(row['test_success'])} | {_fmt(row['test_tests_passed'])} "
            f"| {_fmt(row['validation_success'])} | {row['n']} |"
        )
    if fallback:
        lines += [
            "",
            "† nothing to learn from (e.g. no successful rollout): that policy is the warm start.",
        ]
    lines += [
        "",
        "| critic | task-disjoint pair acc. | hard-negative pair acc. | ranks a correct candidate "
        "first (chance) | advantage–reward Pearson / Spearman (final turn) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for variant, by_seed in results["critics"].items():
        reports = list(by_seed.values())

        def avg(key: str, reports: list[dict[str, Any]] = reports) -> float | None:
            values = [r[key] for r in reports if isinstance(r.get(key), (int, float))]
            return sum(values) / len(values) if values else None

        label = "privileged" if variant == "sweet" else METHOD_LABELS.get(variant, variant)
        if variant == "sweet_noprefix":
            label = "no privileged prefix (control)"
        lines.append(
            f"| {label} | {_num(avg('task_disjoint_pair_accuracy'))} "
            f"({int(avg('task_disjoint_pairs') or 0)} pairs) "
            f"| {_num(avg('hard_negative_pair_accuracy'))} "
            f"| {_num(avg('ranks_correct_first'))} ({_num(avg('chance_correct_first'))}) "
            f"| {_num(avg('final_advantage_pearson'))} / {_num(avg('final_advantage_spearman'))} |"
        )
    return "\n".join(lines) + "\n"


def plot(results: dict[str, Any], path: Path) -> None:
    """Bar chart: held-out success and tests passed per method, error bars = s.e. over seeds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = method_rows(results)
    labels = [r["label"].replace(", ", ",\n").replace(" + ", "\n+ ") for r in rows]
    x = range(len(rows))
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(rows)), 4))
    width = 0.38
    for offset, key, name in (
        (-width / 2, "test_success", "success"),
        (width / 2, "test_tests_passed", "tests passed"),
    ):
        means = [100 * (r[key] or (math.nan, 0))[0] for r in rows]
        errs = [100 * (r[key] or (0, 0))[1] for r in rows]
        ax.bar([i + offset for i in x], means, width, yerr=errs, capsize=4, label=name)
    ax.set_xticks(list(x))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("held-out %")
    ax.set_title(f"MiniColBench held-out, seeds {results['seeds']} (mean ± s.e.)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
