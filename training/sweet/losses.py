"""The three objectives: critic scores + Bradley–Terry, and DPO with an NLL term."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from training.sweet.logprobs import AgentLogprobs


def critic_score(
    critic: AgentLogprobs, reference: AgentLogprobs, *, beta: float, reduction: str = "mean"
) -> torch.Tensor:
    """Trajectory score: β·(critic − reference) agent-token log-prob.

    ``mean``: one mean over all agent tokens of the trajectory (as the released code does);
    ``turn_sum``: the sum over agent turns of the per-turn advantages β·(mean_c(a_t) − mean_r(a_t)).
    """
    if reduction == "mean":
        return beta * (critic.mean - reference.mean)
    if reduction == "turn_sum":
        present = (critic.turn_count > 0).to(critic.turn_mean.dtype)
        return beta * ((critic.turn_mean - reference.turn_mean) * present).sum(-1)
    raise ValueError(f"unknown score reduction {reduction!r}")


def turn_advantages(
    critic: AgentLogprobs, reference: AgentLogprobs, *, beta: float
) -> torch.Tensor:
    """Per-turn advantage β·(mean log-prob of a_t under the critic − under the reference)."""
    return beta * (critic.turn_mean - reference.turn_mean)


def bradley_terry_loss(chosen: torch.Tensor, rejected: torch.Tensor) -> torch.Tensor:
    """−log σ(score(chosen) − score(rejected)), averaged over pairs."""
    return -F.logsigmoid(chosen - rejected).mean()


@dataclass
class DPOTerms:
    loss: torch.Tensor
    dpo: torch.Tensor
    nll: torch.Tensor
    margin: torch.Tensor  # [B] β·((π_c − ref_c) − (π_r − ref_r))


def dpo_loss(
    policy_chosen: AgentLogprobs,
    policy_rejected: AgentLogprobs,
    ref_chosen_total: torch.Tensor,
    ref_rejected_total: torch.Tensor,
    *,
    beta: float,
    nll_coef: float,
) -> DPOTerms:
    """DPO on summed sequence log-probs plus ``nll_coef`` × the chosen NLL per token.

    The NLL is normalised per token (mean over the chosen agent tokens of each example, then over
    examples) so its weight does not grow with answer length.
    """
    chosen_ratio = policy_chosen.total - ref_chosen_total
    rejected_ratio = policy_rejected.total - ref_rejected_total
    margin = beta * (chosen_ratio - rejected_ratio)
    dpo = -F.logsigmoid(margin).mean()
    nll = -(policy_chosen.mean).mean()
    return DPOTerms(dpo + nll_coef * nll, dpo, nll, margin.detach())
