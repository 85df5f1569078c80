"""Roles (groups from a data migration), ``manage.py duet_user``, login and logout."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from webapp.accounts.roles import roles_of

PASSWORD = "correct-horse-battery-staple-42"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's cost is for attackers, not for tests on two cores."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def duet_user(*args: str, stdin: str | None = None, monkeypatch=None) -> str:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("duet_user", *args, stdout=out)
    return out.getvalue()


def test_migrations_create_the_three_role_groups():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"admin", "annotator", "collaborator"} <= names


def test_create_reads_the_password_from_stdin(monkeypatch):
    out = duet_user(
        "create", "alice", "--role", "annotator", "--password-stdin",
        stdin=PASSWORD + "\n", monkeypatch=monkeypatch,
    )  # fmt: skip
    alice = User.objects.get(username="alice")
    assert out.strip() == "created alice with role annotator"
    assert alice.check_password(PASSWORD)
    assert roles_of(alice) == ["annotator"]
    assert not alice.is_staff


def test_create_reads_the_password_from_duet_password(monkeypatch):
    monkeypatch.setenv("DUET_PASSWORD", PASSWORD)
    duet_user("create", "root", "--role", "admin")
    root = User.objects.get(username="root")
    assert root.check_password(PASSWORD)
    assert root.is_staff and root.is_superuser


def test_create_without_any_password_source_refuses(monkeypatch):
    monkeypatch.delenv("DUET_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: no prompt possible
    with pytest.raises(CommandError, match="no password given"):
        duet_user("create", "bob", "--role", "collaborator")
    assert not User.objects.filter(username="bob").exists()


def test_weak_password_is_rejected_and_nothing_is_created(monkeypatch):
    monkeypatch.setenv("DUET_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="password rejected"):
        duet_user("create", "carol", "--role", "collaborator")
    assert not User.objects.filter(username="carol").exists()


def test_creating_an_existing_user_is_an_error(monkeypatch):
    monkeypatch.setenv("DUET_PASSWORD", PASSWORD)
    duet_user("create", "dave", "--role", "collaborator")
    with pytest.raises(CommandError, match="already exists"):
        duet_user("create", "dave", "--role", "admin")
    assert roles_of(User.objects.get(username="dave")) == ["collaborator"]


def test_set_role_replaces_the_role_and_staff_flags(monkeypatch):
    monkeypatch.setenv("DUET_PASSWORD", PASSWORD)
    duet_user("create", "erin", "--role", "admin")
    duet_user("set-role", "erin", "--role", "collaborator")
    erin = User.objects.get(username="erin")
    assert roles_of(erin) == ["collaborator"]
    assert not erin.is_staff and not erin.is_superuser


def test_set_password_changes_it(monkeypatch):
    monkeypatch.setenv("DUET_PASSWORD", PASSWORD)
    duet_user("create", "frank", "--role", "annotator")
    duet_user(
        "set-password", "frank", "--password-stdin",
        stdin="another-long-passphrase-7", monkeypatch=monkeypatch,
    )  # fmt: skip
    assert User.objects.get(username="frank").check_password("another-long-passphrase-7")


def test_list_shows_users_with_their_roles(monkeypatch):
    monkeypatch.setenv("DUET_PASSWORD", PASSWORD)
    duet_user("create", "gina", "--role", "annotator")
    assert "gina\tannotator" in duet_user("list").splitlines()


def test_login_and_logout_pages(client, monkeypatch):
    monkeypatch.setenv("DUET_PASSWORD", PASSWORD)
    duet_user("create", "hana", "--role", "collaborator")
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "hana", "password": PASSWORD})
    assert response.status_code == 302
    assert "Sign out hana" in client.get("/").content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert "Sign in" in client.get("/").content.decode()


def test_wrong_password_shows_an_error(client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert response.status_code == 200
    assert "form-error" in response.content.decode()
