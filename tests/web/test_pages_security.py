"""The session pages as an attacker tries them: anonymous visitors, other collaborators,
annotators, forged POSTs; the security headers on every page; ``check --deploy`` clean under
production settings. (Browser-level versions of these live in tests/browser/.)"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.web.conftest import base_env, run_manage
from webapp.accounts.roles import set_role
from webapp.collab.models import CollabSession
from webapp.collab.pages import segments
from webapp.trajectories.models import Task, Trajectory, Turn

pytestmark = pytest.mark.django_db

PUBLIC = {"/", "/healthz", "/status", "/status/", "/accounts/login/"}
NOT_PAGES = {"/accounts/logout/"}  # POST only (405 on GET), signs out whoever asks


def person(name: str, role: str) -> User:
    for group in ("admin", "annotator", "collaborator"):
        Group.objects.get_or_create(name=group)
    user = User.objects.create_user(name, password="x" * 20)
    set_role(user, role)
    return User.objects.get(pk=user.pk)


def client_for(user: User | None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def people(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return {n: person(n, r) for n, r in (("alice", "collaborator"), ("bob", "collaborator"),
                                         ("annie", "annotator"), ("root", "admin"))}  # fmt: skip


@pytest.fixture
def bobs_session(people) -> CollabSession:
    """A stored session of bob's, built directly (no agent needed to test access)."""
    task = Task.objects.create(
        id="be-secret", kind="backend", problem_description="Write a function.",
        ground_truth="def f(x):\n    return x * 42  # SECRET-DETAIL\n",
        test_cases={"t1": {"x": 1}}, split="train",
    )  # fmt: skip
    trajectory = Trajectory.objects.create(task=task, meta={"mode": "play_task"})
    session = CollabSession.objects.create(
        owner=people["bob"], mode="play_task", kind="backend", task=task, trajectory=trajectory
    )
    Turn.objects.create(trajectory=trajectory, index=0, role="user", content="Write a function.")
    Turn.objects.create(trajectory=trajectory, index=1, role="assistant",
                        content="<script>alert(1)</script> What is x?")  # fmt: skip
    return session


def _paths(resolver=None, prefix="") -> list[str]:
    """Every URL pattern of the project as a concrete path (ids filled with 1)."""
    resolver = resolver or get_resolver()
    out = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue  # Django's admin has its own login
            out.extend(_paths(entry, route))
        elif isinstance(entry, URLPattern):
            path = "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route.lstrip("^").rstrip("$"))
            out.append(path)
    return out


def test_every_page_but_the_public_ones_sends_anonymous_visitors_to_sign_in(people):
    anonymous = Client()
    checked = 0
    for path in _paths():
        if path in PUBLIC | NOT_PAGES:
            continue
        response = anonymous.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path
        checked += 1
    assert checked >= 8
    for path in ("/", "/accounts/login/"):
        assert anonymous.get(path).status_code == 200


def test_a_collaborator_opening_anothers_session_by_id_gets_404(people, bobs_session):
    alice = client_for(people["alice"])
    pk = bobs_session.pk
    for path in (f"/sessions/{pk}/", f"/sessions/{pk}/turns/1.json", f"/sessions/{pk}/turns/1.png",
                 f"/sessions/{pk}/target.png"):  # fmt: skip
        assert alice.get(path).status_code == 404, path
    assert alice.post(f"/sessions/{pk}/rate", {"rating": "5"}).status_code == 404
    assert b"SECRET-DETAIL" not in alice.get(f"/sessions/{pk}/").content
    assert client_for(people["alice"]).get("/sessions/999999/").status_code == 404
    mine = client_for(people["bob"]).get(f"/sessions/{pk}/")
    assert mine.status_code == 200 and b"SECRET-DETAIL" in mine.content


def test_an_annotator_cannot_open_sessions_or_simulations(people, bobs_session):
    annie = client_for(people["annie"])
    assert annie.get(f"/sessions/{bobs_session.pk}/").status_code == 404
    for path in ("/sessions/", "/sessions/new", "/sessions/all", "/simulations/"):
        assert annie.get(path).status_code == 403, path
    assert annie.post("/sessions/new", {"mode": "play_task", "kind": "backend"}).status_code == 403
    assert client_for(people["alice"]).get("/simulations/").status_code == 403
    assert client_for(people["alice"]).get("/sessions/all").status_code == 403


def test_an_admin_watches_without_the_hidden_details_or_a_composer(people, bobs_session):
    page = client_for(people["root"]).get(f"/sessions/{bobs_session.pk}/")
    assert page.status_code == 200
    assert b"SECRET-DETAIL" not in page.content
    assert b'id="composer"' not in page.content
    assert b"watching this session read-only" in page.content


def test_agent_text_is_escaped_on_the_page(people, bobs_session):
    page = client_for(people["bob"]).get(f"/sessions/{bobs_session.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 1  # only the page's own module
    assert '<script type="module" src="/static/duet/session.js">' in page


def test_posts_without_a_csrf_token_are_refused(people, bobs_session):
    bob = client_for(people["bob"], enforce_csrf_checks=True)
    assert bob.post("/sessions/new", {"mode": "play_task", "kind": "backend"}).status_code == 403
    assert bob.post(f"/sessions/{bobs_session.pk}/rate", {"rating": "4"}).status_code == 403
    root = client_for(people["root"], enforce_csrf_checks=True)
    assert root.post("/simulations/", {"limit": "1"}).status_code == 403
    assert CollabSession.objects.count() == 1


def test_every_page_has_a_csp_without_inline_script_or_style(people, bobs_session):
    pages = {None: ["/", "/accounts/login/"],
             people["bob"]: ["/sessions/", "/sessions/new", f"/sessions/{bobs_session.pk}/"],
             people["root"]: ["/sessions/all", "/simulations/"]}  # fmt: skip
    for user, paths in pages.items():
        client = client_for(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            policy = response["Content-Security-Policy"]
            directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
            assert directives["script-src"] == "'self'", path
            assert directives["style-src"] == "'self'", path
            assert directives["default-src"] == "'self'" and "frame-ancestors" in directives
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
            assert response["X-Frame-Options"] == "DENY"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Referrer-Policy"] == "same-origin"
            body = response.content.decode()
            assert " style=" not in body, path  # no inline style attributes
            assert not re.search(r"<script(?![^>]*\bsrc=)", body), path  # no inline script


def test_the_session_list_filters_and_paginates_on_the_server(people, bobs_session):
    bob = client_for(people["bob"])
    assert b"Session %d" % bobs_session.pk in bob.get("/sessions/?status=active").content
    assert b"Session %d" % bobs_session.pk not in bob.get("/sessions/?status=finished").content
    assert bob.get("/sessions/?status=nonsense&page=99").status_code == 200
    assert b"Session %d" % bobs_session.pk not in client_for(people["alice"]).get(
        "/sessions/").content  # fmt: skip


def test_code_is_highlighted_into_token_spans():
    parts = segments("Here it is.\nI WANT TO ANSWER:\ndef f(x):\n    return x + 1\n", "backend")
    assert [p["kind"] for p in parts] == ["text", "code"]
    assert ["k", "def"] in parts[1]["tokens"]
    assert "".join(t for _, t in parts[1]["tokens"]) == "def f(x):\n    return x + 1"
    fenced = segments("Try:\n```python\nprint('<b>')\n```\nOK?", "backend")
    assert [p["kind"] for p in fenced] == ["text", "code", "text"]


PRODUCTION_ENV = {
    "DUET_SECRET_KEY": "k3y-" + "x9Qz" * 16,
    "DUET_ALLOWED_HOSTS": "duet.example.org",
    "DUET_CSRF_TRUSTED_ORIGINS": "https://duet.example.org",
    "DUET_BEHIND_TLS_PROXY": "1",
}


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = base_env(tmp_path / "data", **PRODUCTION_ENV)
    done = run_manage(["check", "--deploy", "--fail-level", "WARNING"], env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout, done.stdout + done.stderr


def test_a_frontend_turn_shows_its_screenshot_beside_the_target_only_to_the_player(people):
    from webapp.collab.models import TurnRender

    task = Task.objects.create(
        id="fe-x",
        kind="frontend",
        problem_description="A page.",
        ground_truth="<html><body>target</body></html>",
        split="train",
    )
    trajectory = Trajectory.objects.create(task=task, meta={"mode": "play_task"})
    session = CollabSession.objects.create(
        owner=people["bob"], mode="play_task", kind="frontend", task=task, trajectory=trajectory
    )
    Turn.objects.create(trajectory=trajectory, index=0, role="user", content="A page.")
    turn = Turn.objects.create(trajectory=trajectory, index=1, role="assistant",
                               content="OUTPUT: <html><body>mine</body></html>")  # fmt: skip
    TurnRender.objects.create(turn=turn, image=f"sessions/{session.pk}/turn-1.png", width=1280,
                              height=800)  # fmt: skip
    turn_png = f"/sessions/{session.pk}/turns/1.png"
    target_png = f"/sessions/{session.pk}/target.png"
    mine = client_for(people["bob"]).get(f"/sessions/{session.pk}/").content.decode()
    assert f'<img src="{turn_png}"' in mine and f'<img src="{target_png}"' in mine
    assert "<body>mine" not in mine and "&lt;" in mine  # the agent's HTML only as escaped code
    watched = client_for(people["root"]).get(f"/sessions/{session.pk}/").content.decode()
    assert turn_png in watched and target_png not in watched
