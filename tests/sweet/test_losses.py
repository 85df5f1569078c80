"""The objectives against hand computations on fixed log-probs."""

from __future__ import annotations

import math

import pytest
import torch

from training.sweet.logprobs import AgentLogprobs
from training.sweet.losses import bradley_terry_loss, critic_score, dpo_loss, turn_advantages


def _lp(total, count, turn_total, turn_count):
    return AgentLogprobs(
        *(torch.tensor(x, dtype=torch.float64) for x in (total, count, turn_total, turn_count))
    )


def test_bradley_terry_loss_equals_hand_computation_with_beta():
    # two pairs; chosen/rejected critic and reference mean log-probs
    critic = _lp(
        [-6.0, -4.0, -9.0, -2.0],
        [3, 2, 3, 1],
        [[-6.0], [-4.0], [-9.0], [-2.0]],
        [[3], [2], [3], [1]],
    )
    ref = _lp(
        [-7.5, -3.0, -6.0, -2.5],
        [3, 2, 3, 1],
        [[-7.5], [-3.0], [-6.0], [-2.5]],
        [[3], [2], [3], [1]],
    )
    scores = critic_score(critic, ref, beta=0.1)
    # means: critic [-2, -2, -3, -2], reference [-2.5, -1.5, -2, -2.5]
    expected_scores = [0.1 * 0.5, 0.1 * -0.5, 0.1 * -1.0, 0.1 * 0.5]
    assert scores.tolist() == pytest.approx(expected_scores)
    loss = bradley_terry_loss(scores[:2], scores[2:])
    hand = -0.5 * (
        math.log(1 / (1 + math.exp(-(0.05 - -0.1)))) + math.log(1 / (1 + math.exp(-(-0.05 - 0.05))))
    )
    assert float(loss) == pytest.approx(hand, rel=1e-12)


def test_turn_sum_score_adds_per_turn_advantages():
    critic = _lp([-5.0], [3], [[-2.0, -3.0]], [[1, 2]])
    ref = _lp([-7.0], [3], [[-3.0, -4.0]], [[1, 2]])
    advantages = turn_advantages(critic, ref, beta=0.1)
    assert advantages[0].tolist() == pytest.approx([0.1 * 1.0, 0.1 * 0.5])
    assert float(critic_score(critic, ref, beta=0.1, reduction="turn_sum")) == pytest.approx(0.15)
    assert float(critic_score(critic, ref, beta=0.1, reduction="mean")) == pytest.approx(
        0.1 * (2 / 3)
    )


def test_dpo_loss_is_sigmoid_of_log_ratio_margin_plus_per_token_nll():
    chosen = _lp([-10.0], [5], [[-10.0]], [[5]])
    rejected = _lp([-12.0], [4], [[-12.0]], [[4]])
    terms = dpo_loss(
        chosen, rejected, torch.tensor([-11.0]), torch.tensor([-11.0]), beta=0.1, nll_coef=0.01
    )
    margin = 0.1 * ((-10 - -11) - (-12 - -11))
    expected_dpo = -math.log(1 / (1 + math.exp(-margin)))
    assert float(terms.margin) == pytest.approx(margin)
    assert float(terms.dpo) == pytest.approx(expected_dpo)
    assert float(terms.nll) == pytest.approx(2.0)  # 10 nats over 5 tokens
    assert float(terms.loss) == pytest.approx(expected_dpo + 0.01 * 2.0)
