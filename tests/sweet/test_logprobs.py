"""Agent-token log-probs: shifted mask, per-row reduction, batch-size independence."""

from __future__ import annotations

import pytest
import torch

from training.sweet.config import ModelConfig
from training.sweet.logprobs import agent_logprobs, collate
from training.sweet.model_loading import load_base_model
from training.sweet.scoring import score_sequences
from training.sweet.sequences import CONTEXT, TokenSequence


@pytest.fixture(scope="module")
def model(tiny_ref):
    return load_base_model(tiny_ref, ModelConfig()).eval()


def _seq(ids, agent_from, turns=None):
    labels = [CONTEXT] * agent_from + (turns or [0] * (len(ids) - agent_from))
    return TokenSequence(list(ids), labels)


def _by_hand(model, seq):
    ids = torch.tensor([seq.input_ids])
    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=ids).logits[0].double(), -1)
    picked = [
        float(logp[p - 1, seq.input_ids[p]])
        for p in range(1, len(seq))
        if seq.turn_ids[p] != CONTEXT
    ]
    return sum(picked), len(picked)


def test_mean_counts_only_agent_tokens_with_a_shifted_mask(model):
    seq = _seq(range(10, 30), agent_from=15)
    with torch.no_grad():
        lp = agent_logprobs(model, collate([seq], pad_id=0))
    total, count = _by_hand(model, seq)
    assert int(lp.count) == count == 5
    assert float(lp.total) == pytest.approx(total, abs=1e-4)


def test_padded_batch_gives_each_row_its_own_result(model):
    seqs = [
        _seq(range(10, 40), agent_from=20, turns=[0] * 4 + [CONTEXT] * 2 + [1] * 4),
        _seq(range(50, 62), agent_from=8),
        _seq(range(70, 95), agent_from=24),
    ]
    with torch.no_grad():
        together = agent_logprobs(model, collate(seqs, pad_id=0))
        alone = [agent_logprobs(model, collate([s], pad_id=0)) for s in seqs]
    for row, single in enumerate(alone):
        assert float(together.total[row]) == pytest.approx(float(single.total[0]), abs=1e-4)
        assert float(together.count[row]) == float(single.count[0])
        assert float(together.total[row]) == pytest.approx(_by_hand(model, seqs[row])[0], abs=1e-4)
    assert together.turn_count[0].tolist() == [4.0, 4.0]


def test_a_table_scored_up_front_lines_up_with_a_training_batch(model):
    seqs = [
        _seq(range(10, 40), agent_from=20, turns=[0] * 4 + [CONTEXT] * 2 + [1] * 4),
        _seq(range(50, 62), agent_from=8),
    ]
    table = score_sequences(model, seqs, pad_id=0, batch_size=1)
    batch = collate([seqs[1]], pad_id=0)
    with torch.no_grad():
        live = agent_logprobs(model, batch)
    looked_up = table.take([1], batch.num_turns)
    assert looked_up.turn_total.shape == live.turn_total.shape == (1, 1)
    assert float(looked_up.total[0]) == pytest.approx(float(live.total[0]), abs=1e-4)
    wide = table.take([1], 3)  # a batch with more turns: missing turns are zero-padded
    assert wide.turn_count.tolist() == [[4.0, 0.0, 0.0]]
