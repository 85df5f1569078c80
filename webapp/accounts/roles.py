"""Duet's roles are Django groups; an admin is also staff and superuser (Django admin access)."""

from __future__ import annotations

ADMIN, ANNOTATOR, COLLABORATOR = "admin", "annotator", "collaborator"
ROLES: tuple[str, ...] = (ADMIN, ANNOTATOR, COLLABORATOR)
ROLE_DESCRIPTIONS = {
    ADMIN: "runs the service: users, training runs, model promotion, Django admin",
    ANNOTATOR: "rates designs and judges pairs of trajectories",
    COLLABORATOR: "works on tasks with the agent in live sessions",
}


def roles_of(user) -> list[str]:
    return sorted(group.name for group in user.groups.all() if group.name in ROLES)


def set_role(user, role: str) -> None:
    """Make ``role`` the user's only Duet role (other, non-Duet groups are kept)."""
    from django.contrib.auth.models import Group

    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose from {', '.join(ROLES)}")
    user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(name=role))
    user.groups.add(Group.objects.get(name=role))
    user.is_staff = user.is_superuser = role == ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])
