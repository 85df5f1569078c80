"""Spec strings: the one-line grammar that picks a backend, server, model and default adapter."""

from __future__ import annotations

import pytest

from training.llm.spec import Spec, SpecError, parse_spec


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("local:var/models/tiny-agent", Spec("local", "var/models/tiny-agent")),
        ("local:/m/base@/m/adapters/v3", Spec("local", "/m/base", adapter="/m/adapters/v3")),
        ("vllm:http://gpu:8000/tiny-agent", Spec("vllm", "http://gpu:8000", model="tiny-agent")),
        (
            "vllm:http://gpu:8000/tiny-agent@agent-v7",
            Spec("vllm", "http://gpu:8000", model="tiny-agent", adapter="agent-v7"),
        ),
        (
            "vllm:http://gpu:8000/meta/llama-3",
            Spec("vllm", "http://gpu:8000", model="meta/llama-3"),
        ),
        (
            "openai:https://api.openai.com/v1/gpt-4o",
            Spec("openai", "https://api.openai.com/v1", model="gpt-4o"),
        ),
        ("openai:http://h:9/v1/org/model", Spec("openai", "http://h:9/v1", model="org/model")),
    ],
)
def test_valid_specs_parse(spec, expected):
    assert parse_spec(spec) == expected


@pytest.mark.parametrize(
    "spec",
    ["", "tiny-agent", "hf:gpt2", "local:", "local:@adapter", "vllm:gpu:8000/m", "vllm:http://h:1"],
)
def test_malformed_specs_are_refused_with_the_grammar(spec):
    with pytest.raises(SpecError, match="spec"):
        parse_spec(spec)


def test_openai_spec_takes_no_adapter():
    assert parse_spec("openai:http://h:9/v1/model@x").model == "model@x"
