"""User simulators played by a language model through :mod:`training.llm` (any backend).

Backend
    The model gets the ``backend_simulator_system`` prompt (the person's request and the hidden
    function, which it must never reveal) and, as one user message, the transcript so far plus
    the agent's latest message (``backend_simulator_user``). Folding the dialogue into one message
    keeps the prompt valid under any chat template (some reject two turns of the same role or a
    conversation that opens with the assistant). Replies are sampled greedily by default.

Frontend
    The model sees two screenshots, the agent's page and the hidden page, as OpenAI-style image
    content parts with PNG data URLs, after the ``frontend_simulator_system`` prompt. Only chat
    APIs receive content parts unchanged (``openai:`` specs); a backend that formats prompts as
    text would silently drop the images, so :class:`FrontendLLMSimulator` refuses it up front.

The environments cut every reply to the protocol's limit; these classes only produce the text.
"""

from __future__ import annotations

import base64
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

from training.colbench.prompts import render_prompt
from training.colbench.simulators.base import (
    BackendQuery,
    BackendSimulator,
    FrontendQuery,
    FrontendSimulator,
)
from training.colbench.tasks import Task
from training.colbench.trajectories import Turn
from training.llm.base import LLM, LLMError, Message, SamplingParams

DEFAULT_BACKEND_PARAMS = SamplingParams(temperature=0.0, max_tokens=160)
DEFAULT_FRONTEND_PARAMS = SamplingParams(temperature=0.0, max_tokens=400)

Screenshot = Callable[[Sequence[str]], list[bytes | Exception]]
"""Renders HTML pages to PNG bytes (or the error that stopped each one)."""


def transcript(dialogue: Sequence[Turn]) -> str:
    """The dialogue from the person's side: their turns as "Me", the agent's as "Assistant"."""
    return "\n".join(
        f"{'Me' if turn.role == 'user' else 'Assistant'}: {turn.content}" for turn in dialogue
    )


def backend_messages(query: BackendQuery, prompts_dir: Path | None = None) -> list[Message]:
    """The chat an LLM backend simulator is given (hidden information in the system prompt)."""
    task = query.task
    earlier = list(query.dialogue)
    if earlier and earlier[-1].role == "assistant":
        earlier = earlier[:-1]  # the latest agent turn is shown separately as the message
    system = render_prompt(
        "backend_simulator_system",
        prompts_dir,
        problem_description=task.problem_description,
        hidden_information=task.ground_truth,
    )
    user = render_prompt(
        "backend_simulator_user",
        prompts_dir,
        transcript=transcript(earlier),
        message=query.message,
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


class BackendLLMSimulator(BackendSimulator):
    """The backend person played by ``llm``; batched over episodes in :meth:`reply_many`."""

    def __init__(
        self,
        llm: LLM,
        *,
        params: SamplingParams | None = None,
        prompts_dir: Path | None = None,
    ):
        self.llm = llm
        self.params = params or DEFAULT_BACKEND_PARAMS
        self.prompts_dir = prompts_dir
        self.name = f"llm:{llm.spec}" if llm.spec else "llm"

    def reply(self, message: str, task: Task, dialogue: Sequence[Turn] = ()) -> str:
        return self.reply_many([BackendQuery(task=task, message=message, dialogue=dialogue)])[0]

    def reply_many(self, queries: Sequence[BackendQuery]) -> list[str]:
        if not queries:
            return []
        prompts = [self.llm.chat_prompt(backend_messages(q, self.prompts_dir)) for q in queries]
        results = self.llm.generate(prompts, self.params)
        return [choices[0].text.strip() for choices in results]


def png_data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def frontend_messages(
    agent_png: bytes, target_png: bytes, prompts_dir: Path | None = None
) -> list[Message]:
    """System prompt, then one user message: instruction text, agent's screenshot, target's."""
    return [
        {"role": "system", "content": render_prompt("frontend_simulator_system", prompts_dir)},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": render_prompt("frontend_simulator_user", prompts_dir)},
                {"type": "image_url", "image_url": {"url": png_data_url(agent_png)}},
                {"type": "image_url", "image_url": {"url": png_data_url(target_png)}},
            ],
        },
    ]


def accepts_images(llm: LLM) -> bool:
    """Whether ``llm`` passes image content parts to the model (only chat-API backends do).

    A backend may declare it with an ``accepts_images`` attribute; otherwise only the
    OpenAI-compatible chat client qualifies (it sends messages unchanged).
    """
    declared = getattr(llm, "accepts_images", None)
    if declared is not None:
        return bool(declared)
    from training.llm.openai_client import OpenAIClient

    return isinstance(llm, OpenAIClient)


def default_screenshot(pages: Sequence[str]) -> list[bytes | Exception]:
    """Render pages with the process-wide offline renderer."""
    from training.colbench.evaluation.render import RenderError, shared_renderer

    results = shared_renderer().render_many(list(pages))
    return [r if isinstance(r, RenderError) else r.png for r in results]


class FrontendLLMSimulator(FrontendSimulator):
    """The frontend person played by a vision chat model comparing two screenshots."""

    def __init__(
        self,
        llm: LLM,
        *,
        screenshot: Screenshot | None = None,
        params: SamplingParams | None = None,
        prompts_dir: Path | None = None,
        cache_size: int = 64,
    ):
        if not accepts_images(llm):
            raise LLMError(
                f"the frontend LLM simulator needs a vision model that receives images; "
                f"{llm.spec or type(llm).__name__} formats prompts as text and would drop the "
                "screenshots. Use an openai:BASE_URL/MODEL spec of a vision chat model, or the "
                "oracle simulator."
            )
        self.llm = llm
        self.screenshot = screenshot or default_screenshot
        self.params = params or DEFAULT_FRONTEND_PARAMS
        self.prompts_dir = prompts_dir
        self.name = f"llm:{llm.spec}" if llm.spec else "llm"
        self._targets: OrderedDict[str, bytes] = OrderedDict()
        self._cache_size = cache_size

    def _target_pngs(self, tasks: Sequence[Task]) -> list[bytes]:
        keys = [hashlib.sha1(t.ground_truth.encode()).hexdigest() for t in tasks]
        missing = {k: t.ground_truth for k, t in zip(keys, tasks, strict=True)}
        missing = {k: html for k, html in missing.items() if k not in self._targets}
        if missing:
            shots = self.screenshot(list(missing.values()))
            for key, shot in zip(missing, shots, strict=True):
                if isinstance(shot, Exception):
                    raise LLMError(f"the hidden page could not be rendered: {shot}") from shot
                self._targets[key] = shot
            while len(self._targets) > self._cache_size:
                self._targets.popitem(last=False)
        return [self._targets[k] for k in keys]

    def reply(self, agent_html: str, task: Task) -> str:
        return self.reply_many([FrontendQuery(task=task, agent_html=agent_html)])[0]

    def reply_many(self, queries: Sequence[FrontendQuery]) -> list[str]:
        if not queries:
            return []
        targets = self._target_pngs([q.task for q in queries])
        shots = self.screenshot([q.agent_html for q in queries])
        replies: list[str | None] = [None] * len(queries)
        prompts, slots = [], []
        for index, (shot, target) in enumerate(zip(shots, targets, strict=True)):
            if isinstance(shot, Exception):
                replies[index] = render_prompt(
                    "frontend_render_failed_reply", self.prompts_dir, reason=str(shot)[:200]
                )
                continue
            prompts.append(self.llm.chat_prompt(frontend_messages(shot, target, self.prompts_dir)))
            slots.append(index)
        if prompts:
            for index, choices in zip(slots, self.llm.generate(prompts, self.params), strict=True):
                replies[index] = choices[0].text.strip()
        return [r or "" for r in replies]
