"""Where a continuation starts in the tokens of prompt + continuation (used by ``score``)."""

from __future__ import annotations

from training.llm.base import LLMError


def continuation_start(prompt_ids: list[int], full_ids: list[int]) -> int:
    """Index in ``full_ids`` (tokens of prompt + continuation) where the continuation begins.

    The continuation's tokens are those after the longest common prefix with the tokens of the
    prompt alone. A token that merges the end of the prompt with the start of the continuation
    therefore counts as continuation, and every backend scores exactly the same tokens.
    """
    start = 0
    for a, b in zip(prompt_ids, full_ids, strict=False):
        if a != b:
            break
        start += 1
    if start == 0 and full_ids:
        raise LLMError("cannot score: the prompt is empty or merges entirely into the continuation")
    return start
