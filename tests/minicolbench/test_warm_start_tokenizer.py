"""The warm start's tokenizer: short sequences, and stated values copied back as single tokens."""

from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from training.colbench.environments import BackendEnvironment
from training.minicolbench import warm_start as ws
from training.minicolbench.families import FAMILIES, SIGNATURE

SMALL = ws.ModelShape(vocab_size=2048, hidden_size=64, num_heads=2, num_kv_heads=1, num_layers=1)


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    train = ws.split_tasks(0, 60, 0, 0)["train"]
    path = ws.build_base_model(
        tmp_path_factory.mktemp("warm") / "base", ws.tokenizer_corpus(train, []), SMALL, 0
    )
    return AutoTokenizer.from_pretrained(path)


def _count(tokenizer, text: str) -> int:
    return len(tokenizer(text, add_special_tokens=False)["input_ids"])


def test_every_numeric_detail_value_is_one_token(tokenizer) -> None:
    numbers = [
        value
        for family in FAMILIES
        for detail in family.details
        if detail.name != SIGNATURE
        for value in detail.values
        if isinstance(value, (int, float)) and not isinstance(value, bool)
    ]
    split = [v for v in numbers if _count(tokenizer, f" {v!r}") != 1]
    assert not split, f"values cut into several tokens: {split[:10]}"


def test_a_fact_and_its_code_line_share_the_name_and_value_tokens(tokenizer) -> None:
    fact = tokenizer("daily_rate is 1.35.", add_special_tokens=False)["input_ids"]
    code = tokenizer("daily_rate = 1.35", add_special_tokens=False)["input_ids"]
    assert fact[0] == code[0] and fact[2] == code[2]


def test_the_agents_system_prompt_is_one_token(tokenizer) -> None:
    system = BackendEnvironment().system_prompt()
    assert _count(tokenizer, system) == 1
    assert tokenizer.decode(tokenizer(system, add_special_tokens=False)["input_ids"]) == system


def test_spread_takes_tasks_from_every_family() -> None:
    train = ws.split_tasks(0, 240, 0, 0)["train"]
    families = {t.id.split("-")[2] for t in ws.spread(train, 24)}
    assert len(ws.spread(train, 24)) == 24
    assert len(families) == len({t.id.split("-")[2] for t in train})


def test_spread_keeps_everything_when_asked_for_more() -> None:
    train = ws.split_tasks(0, 24, 0, 0)["train"]
    assert ws.spread(train, 0) == train and ws.spread(train, 100) == train
