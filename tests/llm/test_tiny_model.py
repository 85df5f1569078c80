"""The tiny offline model: deterministic, loadable, chat-formatted, vLLM-compatible in shape."""

from __future__ import annotations

import hashlib
import json

import pytest
from transformers import AutoModelForCausalLM, AutoTokenizer

from training.llm.tiny_model import build_tiny_model


def _file_hashes(directory):
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.iterdir())
    }


def test_same_inputs_give_byte_identical_files(tmp_path, tiny_model_dir, corpus):
    again = build_tiny_model(tmp_path / "again", corpus, seed=0)
    assert _file_hashes(again) == _file_hashes(tiny_model_dir)
    assert "model.safetensors" in _file_hashes(again)


def test_another_seed_gives_other_weights_and_the_same_tokenizer(tmp_path, tiny_model_dir, corpus):
    other = _file_hashes(build_tiny_model(tmp_path / "other", corpus, seed=1))
    ours = _file_hashes(tiny_model_dir)
    assert other["model.safetensors"] != ours["model.safetensors"]
    assert other["tokenizer.json"] == ours["tokenizer.json"]


def test_model_and_tokenizer_load_with_auto_classes(tiny_model_dir):
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    assert model.config.vocab_size == len(tokenizer)
    assert model.config.head_dim >= 32  # vLLM's CPU attention needs head size >= 32


def test_chat_template_formats_roles_and_generation_prompt(tiny_model_dir):
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    text = tokenizer.apply_chat_template(
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
        tokenize=False,
        add_generation_prompt=True,
    )
    assert text == (
        "<|bos|><|turn|>system\nBe brief.<|eot|>\n<|turn|>user\nHi<|eot|>\n<|turn|>assistant\n"
    )


def test_chat_template_accepts_content_parts_with_images(tiny_model_dir):
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    parts = [
        {"type": "text", "text": "Compare:"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
    ]
    text = tokenizer.apply_chat_template(
        [{"role": "user", "content": parts}], tokenize=False, add_generation_prompt=False
    )
    assert text == "<|bos|><|turn|>user\nCompare:[image]<|eot|>\n"


def test_any_text_round_trips_through_the_byte_level_tokenizer(tiny_model_dir):
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    text = "naïve café — 数据 🙂 \t\n def f(): return {'a': 1}"
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert tokenizer.decode(ids) == text


def test_special_tokens_are_single_ids(tiny_model_dir):
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    for token in ("<|bos|>", "<|eot|>", "<|turn|>", "<|pad|>"):
        assert len(tokenizer(token, add_special_tokens=False)["input_ids"]) == 1
    config = json.loads((tiny_model_dir / "generation_config.json").read_text())
    assert config["eos_token_id"] == tokenizer.convert_tokens_to_ids("<|eot|>")


def test_head_size_below_vllm_minimum_is_refused(tmp_path, corpus):
    with pytest.raises(ValueError, match="head size 16"):
        build_tiny_model(tmp_path / "bad", corpus, hidden_size=64, num_heads=4)


def test_rebuild_replaces_an_existing_directory(tmp_path, corpus):
    out = tmp_path / "model"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    build_tiny_model(out, corpus, seed=0)
    assert not (out / "stale.txt").exists()
    assert (out / "config.json").is_file()
