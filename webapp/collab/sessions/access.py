"""Who may open, speak in, and see the hidden details of a session. Checked on every request."""

from __future__ import annotations

from webapp.accounts.roles import ADMIN, COLLABORATOR


def _roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_duet_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._duet_roles = cached
    return cached


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or ADMIN in _roles(user)
    )


def may_hold_sessions(user) -> bool:
    """Collaborators (and admins) start sessions; annotators and anonymous visitors do not."""
    return is_admin(user) or COLLABORATOR in _roles(user)


def can_open(user, session) -> bool:
    """Owners who still hold sessions, and admins (any session, read-only when not theirs)."""
    if is_admin(user):
        return True
    return session.owner_id == getattr(user, "id", None) and may_hold_sessions(user)


def can_say(user, session) -> bool:
    return (
        session.owner_id == getattr(user, "id", None)
        and not session.is_simulator
        and may_hold_sessions(user)
    )


def can_see_hidden(user, session) -> bool:
    """Hidden task details reach only the owner playing the task (never a watcher, never the
    agent)."""
    return (
        session.mode == "play_task"
        and not session.is_simulator
        and session.owner_id == getattr(user, "id", None)
        and may_hold_sessions(user)
    )
