"""A session's episode rebuilt from its stored turns with ``training.colbench``'s environments.

The database is the only state: every step replays the stored turns into a fresh environment,
so the protocol (turn limit, answer marker, reply caps, one page per frontend turn, the fixed
reply to a frontend turn without a page) is exactly the library's, whichever process runs it.
"""

from __future__ import annotations

from django.conf import settings

from training.colbench.environments import ColBenchEnvironment, make_environment
from webapp.trajectories.models import Turn


def text_limit(session) -> int:
    """The longest message a person may send: the setting, and in play_task mode the protocol's
    reply cap (a longer reply would be cut; refusing it tells the person instead)."""
    limit = settings.DUET_COLLAB["MAX_TEXT_CHARS"]
    if session.mode == "play_task":
        limit = min(limit, make_environment(session.kind).reply_limit)
    return limit


def stored_turns(session) -> list[Turn]:
    return list(
        Turn.objects.filter(trajectory_id=session.trajectory_id)
        .select_related("model_version")
        .order_by("index")
    )


def replay(session, turns: list[Turn] | None = None) -> ColBenchEnvironment:
    """The environment after the stored turns (turn 0 is the task's opening message)."""
    turns = stored_turns(session) if turns is None else turns
    env = make_environment(session.kind, max_agent_turns=session.max_agent_turns)
    if session.mode == "own_request":
        env.reply_limit = settings.DUET_COLLAB["MAX_TEXT_CHARS"]  # no protocol cap to mimic
    env.reset(session.task.to_record())
    for turn in turns[1:]:
        if turn.role == Turn.Role.ASSISTANT:
            env.act(turn.content, prompt=turn.input, model=turn.model)
        elif env.awaiting_reply:
            env.observe(turn.content)
        # else: the environment's own fixed reply (frontend turn without a page), already there
    return env
