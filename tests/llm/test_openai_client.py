"""The OpenAI-compatible backend's requests (the live round trip is in test_vllm_backend)."""

from __future__ import annotations

from training.llm import SamplingParams
from training.llm.openai_client import OpenAIClient, chat_request, pack_messages, unpack_messages

IMAGE_TURN = {
    "role": "user",
    "content": [
        {"type": "text", "text": "Here is my page:"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
    ],
}


def test_content_parts_with_images_pass_through_unchanged():
    prompt = OpenAIClient("http://h:1/v1", "vlm").chat_prompt([IMAGE_TURN])
    params = SamplingParams(max_tokens=9)
    body = chat_request("vlm", unpack_messages(prompt), params, logprobs=False)
    assert body["messages"] == [IMAGE_TURN]
    assert body["max_tokens"] == 9


def test_a_plain_prompt_becomes_one_user_message():
    assert unpack_messages("hello") == [{"role": "user", "content": "hello"}]
    assert unpack_messages(pack_messages([IMAGE_TURN])) == [IMAGE_TURN]


def test_api_key_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("DUET_OPENAI_API_KEY", "sk-duet")
    assert OpenAIClient("http://h:1/v1", "m")._headers == {"Authorization": "Bearer sk-duet"}
    monkeypatch.delenv("DUET_OPENAI_API_KEY")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    assert OpenAIClient("http://h:1/v1", "m")._headers == {"Authorization": "Bearer sk-openai"}
    monkeypatch.delenv("OPENAI_API_KEY")
    assert OpenAIClient("http://h:1/v1", "m")._headers == {}
