"""The reference the critic is measured against stays frozen: no gradient ever reaches it."""

from __future__ import annotations

import torch

from training.sweet.config import load_config
from training.sweet.critic import attach_reference, pair_scores, tokenize_pairs
from training.sweet.losses import bradley_terry_loss
from training.sweet.model_loading import frozen_reference, load_trainable
from training.sweet.scoring import CriticScorer


def _one_backward(model, scorer, pairs, tokenizer, config):
    data = tokenize_pairs(tokenizer, pairs, config.critic, config.model.max_length)
    attach_reference(scorer, data, tokenizer.pad_token_id, batch_size=4)
    chosen, rejected = pair_scores(model, data, [0, 1], config.critic, tokenizer.pad_token_id)
    bradley_terry_loss(chosen, rejected).backward()
    return data


def test_lora_reference_is_the_base_model_and_gets_no_gradient(
    tiny_ref, tokenizer, make_secret_pairs
):
    config = load_config()
    model = load_trainable(tiny_ref, config.model)
    scorer = CriticScorer(model)
    pairs = make_secret_pairs(4, 0.0, 0)[:2]
    data = _one_backward(model, scorer, pairs, tokenizer, config)
    assert not data.ref_chosen.total.requires_grad
    frozen = {n: p for n, p in model.named_parameters() if "lora_" not in n}
    assert frozen and all(p.grad is None for p in frozen.values())
    assert any(
        p.grad is not None and p.grad.abs().sum() > 0
        for n, p in model.named_parameters()
        if "lora_B" in n
    )
    # moving the adapter moves the critic, never the reference
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "lora_B" in name:
                param.add_(0.05)
    again = scorer.reference(data.chosen, pad_id=tokenizer.pad_token_id)
    critic = scorer.critic(data.chosen, pad_id=tokenizer.pad_token_id)
    assert torch.equal(again.total, data.ref_chosen.total)
    assert not torch.allclose(critic.total, again.total)


def test_full_finetune_reference_is_a_separate_frozen_copy(tiny_ref, tokenizer, make_secret_pairs):
    config = load_config(None, ["model.lora=false"])
    model = load_trainable(tiny_ref, config.model)
    reference = frozen_reference(tiny_ref, config.model)
    pairs = make_secret_pairs(4, 0.0, 0)[:2]
    _one_backward(model, CriticScorer(model, reference), pairs, tokenizer, config)
    assert all(not p.requires_grad and p.grad is None for p in reference.parameters())
    assert all(p.grad is not None for p in model.parameters() if p.requires_grad)
