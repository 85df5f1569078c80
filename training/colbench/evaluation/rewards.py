"""Score trajectories and summarise them (the logic behind ``duet evaluate``).

Backend: ``reward`` = fraction of the hidden tests passed by the answer (run in the sandbox),
``success`` = all passed; a trajectory without an answer scores 0. Frontend: ``reward`` = the
similarity of the final page's screenshot to the hidden page's, under the configured metric (CLIP
when a checkpoint is configured, else the labelled offline metric); no answer scores 0.

Best-of-k groups trajectories by task id and, within each group, looks at the first ``k`` in file
order: best reward, and success if any of them succeeded.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from training.colbench.trajectories import Trajectory

BACKEND_METRIC = "tests-passed"


@dataclass(frozen=True)
class Scored:
    reward: float
    success: bool | None
    metric: str


def score_backend_trajectories(trajectories: Sequence[Trajectory], sandbox=None) -> list[Scored]:
    from training.colbench.evaluation.backend_scoring import score_backend_many
    from training.colbench.evaluation.sandbox import Sandbox

    owned = sandbox is None
    sandbox = sandbox or Sandbox(workers=2)
    answered = [i for i, t in enumerate(trajectories) if t.answer and t.answer.strip()]
    try:
        items = [(trajectories[i].answer or "", trajectories[i].task) for i in answered]
        scores = dict(zip(answered, score_backend_many(items, sandbox), strict=True))
    finally:
        if owned:
            sandbox.close()
    out = []
    for index in range(len(trajectories)):
        score = scores.get(index)
        if score is None:
            out.append(Scored(0.0, False, BACKEND_METRIC))
        else:
            out.append(Scored(score.reward, score.success, BACKEND_METRIC))
    return out


def score_frontend_trajectories(
    trajectories: Sequence[Trajectory], renderer=None, scorer=None
) -> list[Scored]:
    from training.colbench.evaluation.render import RenderError, shared_renderer
    from training.colbench.evaluation.similarity import load_scorer

    renderer = renderer or shared_renderer()
    scorer = scorer or load_scorer()
    metric = scorer.metric
    answered = [i for i, t in enumerate(trajectories) if t.answer and t.answer.strip()]
    pages = [trajectories[i].answer for i in answered]
    targets = [trajectories[i].task.ground_truth for i in answered]
    renders = renderer.render_many(pages + targets) if answered else []
    agent_renders, target_renders = renders[: len(answered)], renders[len(answered) :]
    rewards = [0.0] * len(trajectories)
    for index, page, target in zip(answered, agent_renders, target_renders, strict=True):
        if isinstance(target, RenderError):
            task_id = trajectories[index].task.id
            raise RenderError(target.reason, f"hidden page of task {task_id}: {target}")
        if not isinstance(page, RenderError):
            rewards[index] = float(scorer.score(page.png, target.png).value)
    return [Scored(reward, None, metric) for reward in rewards]


def score_trajectories(
    trajectories: Sequence[Trajectory], *, sandbox=None, renderer=None, scorer=None
) -> list[Trajectory]:
    """Set ``reward`` (and ``success`` for backend) on every trajectory; returns them."""
    by_kind: dict[str, list[int]] = {}
    for index, trajectory in enumerate(trajectories):
        by_kind.setdefault(trajectory.task.kind, []).append(index)
    for kind, indices in by_kind.items():
        group = [trajectories[i] for i in indices]
        if kind == "backend":
            scored = score_backend_trajectories(group, sandbox)
        else:
            scored = score_frontend_trajectories(group, renderer, scorer)
        for trajectory, result in zip(group, scored, strict=True):
            trajectory.reward = result.reward
            trajectory.success = result.success
            trajectory.meta["metric"] = result.metric
    return list(trajectories)


def scored_row(row: dict[str, Any], trajectory: Trajectory) -> dict[str, Any]:
    """``row`` as read, with the fields ``duet evaluate`` owns set from ``trajectory``.

    Evaluate owns ``reward``, ``success`` (written when known, or when the row had one) and
    ``meta.metric``. Every other field (a user's ids, case names, metadata, extra keys on turns
    or on the task) is kept as it was, in the same key order, so an official file round-trips.
    """
    out = dict(row)
    out["reward"] = trajectory.reward
    if trajectory.success is not None or "success" in out:
        out["success"] = trajectory.success
    metric = trajectory.meta.get("metric")
    meta = out.get("meta")
    if metric is not None and (meta is None or isinstance(meta, dict)):
        out["meta"] = {**(meta or {}), "metric": metric}
    return out


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def best_of_k(trajectories: Sequence[Trajectory], k: int) -> dict[str, Any]:
    """Per task id, the first ``k`` trajectories: mean best reward, share with any success."""
    groups: OrderedDict[str, list[Trajectory]] = OrderedDict()
    for trajectory in trajectories:
        groups.setdefault(trajectory.task.id, []).append(trajectory)
    best_rewards, any_success = [], []
    for group in groups.values():
        first = group[:k]
        best_rewards.append(max(t.reward or 0.0 for t in first))
        any_success.append(any(bool(t.success) for t in first))
    result: dict[str, Any] = {
        "k": k,
        "tasks": len(groups),
        "reward": _mean(best_rewards),
        "tasks_with_fewer": sum(len(g) < k for g in groups.values()),
    }
    if trajectories and trajectories[0].task.kind == "backend":
        result["success_rate"] = _mean([float(s) for s in any_success])
    return result


def summarize_kind(trajectories: Sequence[Trajectory], k: int | None) -> dict[str, Any]:
    kind = trajectories[0].task.kind
    rewards = [t.reward or 0.0 for t in trajectories]
    group_sizes: dict[str, int] = {}
    for trajectory in trajectories:
        group_sizes[trajectory.task.id] = group_sizes.get(trajectory.task.id, 0) + 1
    k = k or max(group_sizes.values())
    summary: dict[str, Any] = {
        "n": len(trajectories),
        "kind": kind,
        "metric": trajectories[0].meta.get("metric"),
    }
    if kind == "backend":
        summary["success_rate"] = _mean([float(bool(t.success)) for t in trajectories])
        summary["tests_passed"] = _mean(rewards)
    else:
        summary["success_rate"] = None
        summary["similarity"] = _mean(rewards)
    summary["best_of_k"] = best_of_k(trajectories, k)
    return summary


def summarize(trajectories: Sequence[Trajectory], k: int | None = None) -> dict[str, Any]:
    """The JSON summary ``duet evaluate`` prints; a file with both kinds gets ``by_kind``."""
    if not trajectories:
        return {"n": 0, "kind": None, "metric": None, "success_rate": None}
    kinds = sorted({t.task.kind for t in trajectories})
    if len(kinds) == 1:
        return summarize_kind(trajectories, k)
    return {
        "n": len(trajectories),
        "kind": "mixed",
        "metric": None,
        "success_rate": None,
        "by_kind": {
            kind: summarize_kind([t for t in trajectories if t.task.kind == kind], k)
            for kind in kinds
        },
    }
