"""The ColBench interaction protocol: turn limits, markers, reply limits, what counts as an answer.

Backend programming
    The person opens with the vague ``problem_description``. The agent has at most
    :data:`MAX_AGENT_TURNS` turns. A turn containing :data:`ANSWER_MARKER` ends the episode and the
    text after the (first) marker, exactly as written, is the answer. On the last allowed turn the
    answer is taken as-is: the text after the marker when there is one, otherwise the whole turn.
    The person's replies are cut at :data:`BACKEND_REPLY_CHARS` characters.

Frontend design
    The agent may put its reasoning before :data:`OUTPUT_MARKER`; only what follows the (first)
    marker is shown to the person. Each turn may carry one ``<html>…</html>`` snippet (the first one
    in the shown text counts); it is rendered and the person compares its screenshot with the page
    they want. A turn without a snippet gets a fixed reply asking for one. The episode ends after
    :data:`MAX_AGENT_TURNS` agent turns, or earlier when a turn contains :data:`ANSWER_MARKER`.
    The final answer is the last snippet the agent produced in the whole episode (``None`` if it
    never produced one): a closing turn that only says it is done keeps the page already shown.
    The person's replies are cut at :data:`FRONTEND_REPLY_CHARS` characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_AGENT_TURNS = 10
ANSWER_MARKER = "I WANT TO ANSWER:"
OUTPUT_MARKER = "OUTPUT:"
BACKEND_REPLY_CHARS = 400
FRONTEND_REPLY_CHARS = 1000

_HTML_SNIPPET = re.compile(r"<html\b.*?</html\s*>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class AgentAction:
    """What one agent turn means under the protocol."""

    shown: str
    """The part of the turn the person is shown."""
    ends_episode: bool
    answer: str | None = None
    """Backend: the answer when the episode ends. Frontend: unused (see ``html``)."""
    html: str | None = None
    """Frontend: the ``<html>…</html>`` snippet this turn carries, if any."""
    answered: bool = False
    """The turn contained :data:`ANSWER_MARKER` (otherwise it ended by the turn limit, or not)."""


def truncate_reply(text: str, limit: int) -> str:
    """Cut a simulated person's reply to ``limit`` characters (surrounding whitespace dropped)."""
    return text.strip()[:limit]


def text_after_marker(text: str, marker: str) -> str | None:
    """The text after the first ``marker`` in ``text``, or ``None`` if the marker is absent."""
    index = text.find(marker)
    if index < 0:
        return None
    return text[index + len(marker) :]


def shown_text(text: str) -> str:
    """Frontend: the part of an agent turn the person sees (what follows ``OUTPUT:``, if any)."""
    after = text_after_marker(text, OUTPUT_MARKER)
    return text if after is None else after


def extract_html_snippet(text: str) -> str | None:
    """The first complete ``<html …>…</html>`` snippet in ``text``, tags included."""
    match = _HTML_SNIPPET.search(text)
    return match.group(0) if match else None


def parse_backend_turn(text: str, *, last_turn: bool) -> AgentAction:
    """Interpret a backend agent turn; ``last_turn`` is true on the last allowed agent turn."""
    after = text_after_marker(text, ANSWER_MARKER)
    if after is not None:
        return AgentAction(shown=text, ends_episode=True, answer=after, answered=True)
    if last_turn:
        return AgentAction(shown=text, ends_episode=True, answer=text)
    return AgentAction(shown=text, ends_episode=False)


def parse_frontend_turn(text: str, *, last_turn: bool) -> AgentAction:
    """Interpret a frontend agent turn; the episode's final answer is tracked by the environment."""
    shown = shown_text(text)
    answered = ANSWER_MARKER in text
    return AgentAction(
        shown=shown,
        ends_episode=answered or last_turn,
        html=extract_html_snippet(shown),
        answered=answered,
    )
