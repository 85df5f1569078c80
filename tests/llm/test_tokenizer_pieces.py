"""The tiny model's tokenizer options: code pieces keep identifiers and numbers whole, and a
fixed text (the system prompt) can be one token that still decodes verbatim."""

from __future__ import annotations

import pytest

from training.llm.tiny_model import build_tokenizer

CORPUS = [
    "daily_rate is 1.35. free_days is 4. lowest is -50.\n    daily_rate = 1.35\n    lowest = -50"
] * 8
PROMPT = "You are a careful assistant.\nAsk first, then answer."


def _pieces(tokenizer, text: str) -> list[str]:
    return [tokenizer.decode([i]) for i in tokenizer(text, add_special_tokens=False)["input_ids"]]


def test_code_pieces_keep_identifiers_and_numbers_whole() -> None:
    tokenizer = build_tokenizer(CORPUS, 400, pieces="code")
    assert _pieces(tokenizer, "daily_rate is 1.35.") == ["daily_rate", " is", " 1.35", "."]
    assert " -50" in _pieces(tokenizer, "    lowest = -50")


def test_word_pieces_split_at_underscores_and_decimal_points() -> None:
    tokenizer = build_tokenizer(CORPUS, 400, pieces="words")
    pieces = _pieces(tokenizer, "daily_rate is 1.35.")
    assert "daily_rate" not in pieces and " 1.35" not in pieces


def test_a_whole_text_is_one_token_and_decodes_verbatim() -> None:
    tokenizer = build_tokenizer(CORPUS, 400, pieces="code", whole=[PROMPT])
    assert len(tokenizer(PROMPT, add_special_tokens=False)["input_ids"]) == 1
    ids = tokenizer(f"{PROMPT}\ndaily_rate", add_special_tokens=False)["input_ids"]
    assert _pieces(tokenizer, f"{PROMPT}\ndaily_rate")[1:] == ["\n", "daily_rate"]
    assert tokenizer.decode(ids) == f"{PROMPT}\ndaily_rate"


def test_a_changed_prompt_falls_back_to_ordinary_tokens() -> None:
    tokenizer = build_tokenizer(CORPUS, 400, pieces="code", whole=[PROMPT])
    text = PROMPT.replace("first", "twice")
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert len(ids) > 5 and tokenizer.decode(ids) == text


def test_unknown_pieces_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown pieces"):
        build_tokenizer(CORPUS, 400, pieces="sentences")
