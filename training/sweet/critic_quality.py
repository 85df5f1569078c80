"""How good is a trained critic? Measured on held-out TASKS, from real model scores.

High pair accuracy on pairs from the tasks the critic trained on says little: a critic can learn
"asking beats answering" and still not tell a right constant from a wrong one, which is what the
step-level ranking needs. :func:`critic_quality` reports, on trajectories of tasks the critic did
not train on (the critic folder's ``split.json`` names its training tasks; they are excluded):

* ``task_disjoint_pair_accuracy``: Bradley–Terry pair accuracy on the rollout pairs of the held-out
  trajectories (ties count as wrong), the same pairs and arithmetic as training's evaluation.
* ``hard_negative_pair_accuracy``: pairs (successful held-out trajectory, the same dialogue with
  one detail of the answer's code changed so that the hidden tests fail); only the privileged
  information can separate them.
* ``ranks_correct_first``: at each final-answer decision point (the agent turn that gave the
  trajectory's answer) K candidate actions: the agent's own action, ``samples`` fresh samples from
  the policy with the exact prompt the agent saw, and ``mutants`` one-detail mutants of the agent's
  action. Each is scored by the sandboxed hidden tests; a candidate is correct when it answers and
  passes every test (a question at this point is not correct: putting it first is exactly the
  "asking beats answering" failure). Over decision points with at least one correct candidate: the
  fraction where the critic's highest-advantage candidate is correct (a tie at the top counts the
  correct share of the tied candidates), next to ``chance_correct_first``, the expected fraction
  when picking uniformly among the candidates. The ``_mixed`` variants keep only points with both
  correct and incorrect candidates (where a choice is possible at all).
* advantage–outcome correlation (Pearson and Spearman) between the critic's per-turn advantage and
  the trajectory's reward. The primary statistic is the advantage of the FINAL action: for backend
  tasks the reward is a function of the final answer alone, and it is the action whose ranking
  decides the answer candidates' step pairs. The mean over the trajectory's agent turns is reported
  too; it mixes in question turns, so a gap between the two shows the critic scoring questions by
  something other than outcome. ``final_advantage_pearson_within_task`` centres both per task
  (tasks with at least two trajectories), removing differences between tasks in difficulty and in
  the critic's scale.

The critic reads its data exactly as it was trained to (the folder's ``config.yaml``: privileged
prefix or not, β, truth length), so the control, a critic trained with
``critic.privileged=false``, is measured by the same call. Candidates are ranked with the
``paper`` reference (the frozen model with the same context) whatever ``rank.reference`` says:
the agent's own action and the mutants have no sampling log-probs.
"""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from training.colbench.protocol import MAX_AGENT_TURNS, parse_backend_turn
from training.colbench.trajectories import Trajectory
from training.sweet.config import RankConfig, SweetConfig, load_config
from training.sweet.sequences import action_text

SOURCES = ("original", "sampled", "mutant")


# ------------------------------------------------------------------------------- statistics


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson correlation; ``None`` with fewer than two points or no variance on either side."""
    n = len(x)
    if n != len(y):
        raise ValueError("pearson needs sequences of equal length")
    if n < 2:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx <= 0 or syy <= 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman rank correlation (Pearson of average ranks)."""
    return pearson(average_ranks(x), average_ranks(y))


def ranks_correct_first(
    correct: Sequence[Sequence[bool]], advantages: Sequence[Sequence[float]]
) -> dict[str, Any]:
    """Per decision point, the candidates' correctness and the critic's advantages (same order).

    Only points with at least one correct candidate count. A tie for the top advantage scores the
    share of correct candidates among the tied ones (a uniform tie-break)."""
    hits: list[float] = []
    chance: list[float] = []
    mixed_hits: list[float] = []
    mixed_chance: list[float] = []
    for labels, scores in zip(correct, advantages, strict=True):
        if len(labels) != len(scores):
            raise ValueError("each decision point needs one advantage per candidate")
        if not any(labels):
            continue
        best = max(scores)
        top = [ok for ok, s in zip(labels, scores, strict=True) if s == best]
        hit = sum(top) / len(top)
        base = sum(labels) / len(labels)
        hits.append(hit)
        chance.append(base)
        if not all(labels):
            mixed_hits.append(hit)
            mixed_chance.append(base)

    def mean(values: list[float]) -> float | None:
        return sum(values) / len(values) if values else None

    return {
        "ranks_correct_first": mean(hits),
        "chance_correct_first": mean(chance),
        "ranks_correct_first_mixed": mean(mixed_hits),
        "chance_correct_first_mixed": mean(mixed_chance),
        "decision_points": len(correct),
        "decision_points_with_correct": len(hits),
        "decision_points_mixed": len(mixed_hits),
    }


def advantage_outcome_correlation(
    final: Sequence[float],
    mean: Sequence[float],
    rewards: Sequence[float],
    task_ids: Sequence[str],
) -> dict[str, Any]:
    """Correlations of per-trajectory advantages (final action; mean over agent turns) with the
    trajectories' rewards; see the module docstring for why the final action comes first."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, task_id in enumerate(task_ids):
        groups[task_id].append(index)
    centred_adv: list[float] = []
    centred_reward: list[float] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        adv_mean = sum(final[i] for i in members) / len(members)
        reward_mean = sum(rewards[i] for i in members) / len(members)
        centred_adv += [final[i] - adv_mean for i in members]
        centred_reward += [rewards[i] - reward_mean for i in members]
    return {
        "correlation_trajectories": len(rewards),
        "final_advantage_pearson": pearson(final, rewards),
        "final_advantage_spearman": spearman(final, rewards),
        "mean_advantage_pearson": pearson(mean, rewards),
        "mean_advantage_spearman": spearman(mean, rewards),
        "final_advantage_pearson_within_task": pearson(centred_adv, centred_reward),
    }


# ------------------------------------------------------------------------ real model scoring


def trajectory_advantages(
    scorer: Any,
    tokenizer: Any,
    trajectories: Sequence[Trajectory],
    config: SweetConfig,
    *,
    batch_size: int = 8,
) -> list[list[float]]:
    """Per trajectory, the critic's advantage β·(critic − reference mean log-prob) of each agent
    turn still in the window (turns dropped to fit ``model.max_length`` are left out; the last
    turn is always kept)."""
    from training.sweet.critic import critic_view
    from training.sweet.losses import turn_advantages

    if not trajectories:
        return []
    seqs = [
        critic_view(
            tokenizer,
            t.task,
            t.dialogue_history,
            config.critic,
            config.model.max_length,
            where=f"trajectory {i} (task {t.task.id})",
        )
        for i, t in enumerate(trajectories)
    ]
    pad_id = tokenizer.pad_token_id
    critic = scorer.critic(seqs, pad_id=pad_id, batch_size=batch_size)
    reference = scorer.reference(seqs, pad_id=pad_id, batch_size=batch_size)
    table = turn_advantages(critic, reference, beta=config.critic.beta)
    present = critic.turn_count > 0
    return [
        [float(v) for v, keep in zip(row.tolist(), mask.tolist(), strict=True) if keep]
        for row, mask in zip(table, present, strict=True)
    ]


def final_answer_position(trajectory: Trajectory) -> int | None:
    """Index in the dialogue of the agent turn that gave a backend trajectory's answer."""
    if trajectory.task.kind != "backend" or trajectory.answer is None:
        return None
    positions = [i for i, t in enumerate(trajectory.dialogue_history) if t.role == "assistant"]
    return positions[-1] if positions else None


def decision_points(
    trajectories: Sequence[Trajectory],
    *,
    sampler: Any | None = None,
    samples: int = 0,
    mutants: int = 2,
    config: SweetConfig | None = None,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Candidate rows (the format :func:`training.sweet.ranking.rank_rows` reads, plus each
    candidate's ``source``) for every final-answer decision point of ``trajectories``."""
    from training.sweet.candidates import TurnRef, candidate_row
    from training.sweet.hard_negatives import final_answer_mutants

    config = config or SweetConfig()
    rows: list[dict[str, Any]] = []
    for index, trajectory in enumerate(trajectories):
        position = final_answer_position(trajectory)
        if position is None:
            continue
        turn = trajectory.dialogue_history[position]
        original = action_text(turn)
        rng = random.Random(f"critic-quality-{seed}-{index}")
        found = final_answer_mutants(original, rng, mutants) if mutants > 0 else []
        row = candidate_row(TurnRef(index, position), trajectory, [])
        row["candidates"] = [{"text": original, "source": "original"}] + [
            {"text": text, "source": "mutant"} for _, text in found
        ]
        rows.append(row)
    if sampler is not None and samples > 0:
        _add_samples(rows, trajectories, sampler, samples, config, seed)
    return rows


def _add_samples(
    rows: list[dict[str, Any]],
    trajectories: Sequence[Trajectory],
    sampler: Any,
    samples: int,
    config: SweetConfig,
    seed: int,
) -> None:
    """Sample ``samples`` actions per row from the exact prompt the agent saw (rows whose turn has
    no recorded prompt get none), batched like the candidates step."""
    from training.llm.base import SamplingParams

    todo = [row for row in rows if row.get("prompt")]
    cfg = config.candidates
    for start in range(0, len(todo), cfg.prompt_batch):
        batch = todo[start : start + cfg.prompt_batch]
        params = SamplingParams(
            n=samples,
            temperature=cfg.temperature,
            top_p=cfg.top_p,
            max_tokens=cfg.max_tokens,
            seed=seed + start,
        )
        results = sampler.generate([row["prompt"] for row in batch], params)
        for row, completions in zip(batch, results, strict=True):
            row["candidates"] += [{"text": c.text, "source": "sampled"} for c in completions]


def candidate_answer(row: dict[str, Any], text: str) -> str | None:
    """The answer a candidate gives under the protocol, ``None`` for a question."""
    last = row["agent_turn"] >= MAX_AGENT_TURNS - 1
    return parse_backend_turn(text, last_turn=last).answer


def label_candidates(rows: Sequence[dict[str, Any]], sandbox: Any) -> list[list[bool]]:
    """Per row, per candidate: answers and passes every hidden test (scored in one batch)."""
    from training.colbench.evaluation.backend_scoring import score_backend_many
    from training.colbench.tasks import task_from_row

    items: list[tuple[str, Any]] = []
    where: list[tuple[int, int]] = []
    labels = [[False] * len(row["candidates"]) for row in rows]
    for r, row in enumerate(rows):
        task, problems = task_from_row(row["task"], where=f"decision point {row.get('key')}")
        if task is None:
            raise ValueError("\n".join(problems))
        for c, cand in enumerate(row["candidates"]):
            answer = candidate_answer(row, cand["text"])
            if answer is not None and answer.strip():
                items.append((answer, task))
                where.append((r, c))
    if items:
        for (r, c), score in zip(where, score_backend_many(items, sandbox), strict=True):
            labels[r][c] = score.success
    return labels


def candidate_advantages(
    rows: Sequence[dict[str, Any]],
    scorer: Any,
    tokenizer: Any,
    config: SweetConfig,
    *,
    batch_size: int = 8,
) -> list[list[float]]:
    """The critic's advantage of every candidate of every row, in the rows' order, computed by
    the ranking step's own code with the ``paper`` reference."""
    from training.sweet.ranking import rank_rows

    rank = RankConfig(reference="paper", batch_size=batch_size)
    out = []
    ranked = rank_rows(rows, scorer, tokenizer, rank, config.critic, config.model.max_length)
    for row, result in zip(rows, ranked, strict=True):
        by_text = {c["text"]: c["advantage"] for c in result["candidates"]}
        out.append([by_text[c["text"]] for c in row["candidates"]])
    return out


# ------------------------------------------------------------------------------- the report


def critic_config(critic_dir: Path, overrides: Sequence[str] = ()) -> SweetConfig:
    """The config the critic was trained with (its step folder's config.yaml), else defaults."""
    path = critic_dir / "config.yaml"
    return load_config(path if path.is_file() else None, list(overrides))


def training_tasks(critic_dir: Path) -> set[str]:
    """The tasks the critic trained on, from its ``split.json`` (empty when not recorded)."""
    from training.sweet.critic import SPLIT_FILE

    path = critic_dir / SPLIT_FILE
    if not path.is_file():
        return set()
    return set(json.loads(path.read_text())["train_tasks"])


def _pair_accuracy(
    scorer: Any, tokenizer: Any, pairs: Sequence[Any], config: SweetConfig, batch_size: int
) -> dict[str, float] | None:
    from training.sweet.critic import attach_reference, pair_accuracy, tokenize_pairs

    if not pairs:
        return None
    data = tokenize_pairs(tokenizer, pairs, config.critic, config.model.max_length)
    attach_reference(scorer, data, tokenizer.pad_token_id, batch_size)
    return pair_accuracy(scorer.critic_model, data, config.critic, tokenizer.pad_token_id)


def critic_quality(
    critic: Any,
    heldout: Sequence[Trajectory],
    *,
    policy: str | None = None,
    tokenizer: Any | None = None,
    config: SweetConfig | None = None,
    sampler: Any | None = None,
    samples: int = 4,
    mutants: int = 3,
    hard_negatives: int = 2,
    sandbox: Any | None = None,
    exclude_tasks: Collection[str] = (),
    batch_size: int = 8,
    seed: int = 0,
    details: bool = False,
) -> dict[str, Any]:
    """The critic-quality report (see the module docstring) of ``critic`` on ``heldout``.

    ``critic``: a critic step folder (loaded on ``policy``, ``local:PATH[@ADAPTER]``, the model it
    started from; its ``config.yaml`` and ``split.json`` are read) or a
    :class:`~training.sweet.scoring.CriticScorer` (then pass ``tokenizer`` and ``config``).
    ``sampler``: an :class:`training.llm.base.LLM` to draw ``samples`` candidates per decision
    point from (``None``: only the agent's action and its mutants). ``exclude_tasks``: task ids
    to leave out, on top of the folder's training tasks. ``details``: add per-point and
    per-trajectory values under ``points`` and ``trajectories_detail``.
    """
    from training.sweet.hard_negatives import hard_negatives as make_hard_negatives
    from training.sweet.pairs import trajectory_pairs

    excluded = set(exclude_tasks)
    if isinstance(critic, (str, Path)):
        from training.sweet.critic import load_critic
        from training.sweet.model_loading import load_tokenizer, parse_model_spec

        if policy is None:
            raise ValueError("a critic folder needs the policy it started from")
        critic_dir = Path(critic)
        config = config or critic_config(critic_dir)
        excluded |= training_tasks(critic_dir)
        ref = parse_model_spec(policy)
        scorer = load_critic(ref, critic_dir, config.model)
        _to_best_device(scorer)
        tokenizer = tokenizer or load_tokenizer(ref)
    else:
        scorer = critic
        if tokenizer is None or config is None:
            raise ValueError("a scorer needs its tokenizer and the config it was trained with")
    kept = [t for t in heldout if t.task.id not in excluded and t.reward is not None]
    report: dict[str, Any] = {
        "privileged": config.critic.privileged,
        "trajectories": len(kept),
        "tasks": len({t.task.id for t in kept}),
        "excluded_trajectories": len(heldout) - len(kept),
    }

    pairs = trajectory_pairs(kept, config.pairs)
    accuracy = _pair_accuracy(scorer, tokenizer, pairs, config, batch_size)
    report["task_disjoint_pairs"] = len(pairs)
    report["task_disjoint_pair_accuracy"] = accuracy and accuracy["heldout_pair_accuracy"]
    report["task_disjoint_loss"] = accuracy and accuracy["heldout_loss"]

    owned = sandbox is None
    if owned:
        from training.colbench.evaluation.sandbox import Sandbox

        sandbox = Sandbox(workers=2)
    try:
        negatives, _ = make_hard_negatives(kept, hard_negatives, seed=seed, sandbox=sandbox)
        rows = decision_points(
            kept, sampler=sampler, samples=samples, mutants=mutants, config=config, seed=seed
        )
        labels = label_candidates(rows, sandbox)
    finally:
        if owned:
            sandbox.close()
    accuracy = _pair_accuracy(scorer, tokenizer, negatives, config, batch_size)
    report["hard_negative_pairs"] = len(negatives)
    report["hard_negative_pair_accuracy"] = accuracy and accuracy["heldout_pair_accuracy"]

    advantages = candidate_advantages(rows, scorer, tokenizer, config, batch_size=batch_size)
    report.update(ranks_correct_first(labels, advantages))
    report.update(_source_counts(rows, labels, advantages))

    acting = [t for t in kept if t.agent_turns]
    per_turn = trajectory_advantages(scorer, tokenizer, acting, config, batch_size=batch_size)
    final = [turns[-1] for turns in per_turn]
    mean = [sum(turns) / len(turns) for turns in per_turn]
    rewards = [float(t.reward) for t in acting]
    task_ids = [t.task.id for t in acting]
    report.update(advantage_outcome_correlation(final, mean, rewards, task_ids))
    if details:
        report["points"] = [
            {
                "key": row["key"],
                "task_id": row["task"].get("id"),
                "sources": [c["source"] for c in row["candidates"]],
                "correct": labels[i],
                "advantages": advantages[i],
            }
            for i, row in enumerate(rows)
        ]
        report["trajectories_detail"] = [
            {"task_id": t.task.id, "reward": t.reward, "advantages": turns}
            for t, turns in zip(acting, per_turn, strict=True)
        ]
    return report


def _source_counts(
    rows: Sequence[dict[str, Any]], labels: Sequence[Sequence[bool]], advantages: Sequence[Any]
) -> dict[str, Any]:
    """Candidates and correct candidates per source, and which source the critic put first."""
    candidates = dict.fromkeys(SOURCES, 0)
    correct = dict.fromkeys(SOURCES, 0)
    first = dict.fromkeys(SOURCES, 0)
    for row, oks, scores in zip(rows, labels, advantages, strict=True):
        sources = [c["source"] for c in row["candidates"]]
        for source, ok in zip(sources, oks, strict=True):
            candidates[source] += 1
            correct[source] += int(ok)
        if scores:
            first[sources[max(range(len(scores)), key=lambda i: scores[i])]] += 1
    return {
        "candidates_by_source": candidates,
        "correct_by_source": correct,
        "top_candidate_source": first,
    }


def _to_best_device(scorer: Any) -> None:
    import torch

    if torch.cuda.is_available():
        scorer.critic_model.to("cuda")
        if scorer.reference_model is not None:
            scorer.reference_model.to("cuda")
