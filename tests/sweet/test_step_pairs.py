"""Step pairs: chosen from the upper half of the ranking, rejected from the lower half."""

from __future__ import annotations

from training.sweet.step_pairs import make_step_pairs


def _row(advantages, texts=None):
    texts = texts or [f"a{i}" for i in range(len(advantages))]
    cands = [{"text": t, "advantage": a} for t, a in zip(texts, advantages, strict=True)]
    return {"key": "0:1", "prompt": "P", "candidates": cands}


def test_chosen_from_upper_half_rejected_from_lower_half():
    row = _row([0.8, 0.1, 0.5, -0.2, 0.3, 0.0, 0.9, -0.5])
    pairs = list(make_step_pairs([row], num_pairs=4, seed=0))
    upper = {"a0", "a6", "a2", "a4"}
    assert len(pairs) == 4
    assert len({(p["chosen"], p["rejected"]) for p in pairs}) == 4
    assert all(p["chosen"] in upper and p["rejected"] not in upper for p in pairs)
    assert list(make_step_pairs([row], num_pairs=4, seed=0)) == pairs  # seeded


def test_duplicate_samples_and_ties_never_pair_with_themselves():
    row = _row([0.5, 0.5, 0.5], texts=["same", "same", "same"])
    assert list(make_step_pairs([row], num_pairs=4, seed=0)) == []
    tied = _row([0.2, 0.2, 0.2, 0.2])
    assert list(make_step_pairs([tied], num_pairs=4, seed=0)) == []
