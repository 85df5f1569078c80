"""Issue 9 in a real browser: sessions, the live session page, simulations, access, keyboard.

Headless Debian Chromium against the live Daphne server of ``conftest.duet_server`` (real
Postgres, Redis and a Celery worker when DATABASE_URL / REDIS_URL are set). Every page visited
is screenshotted and checked with axe-core; no CSP violation may occur on any tab.
"""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TURN_S = 60_000  # ms an agent turn (or scoring) may take on 2 busy cores


def new_session(tab, *, kind="backend", mode="play_task", request_text=""):
    page = tab.page
    tab.goto("/sessions/new", "new session")
    page.locator(f"input[name=mode][value={mode}]").check()
    page.locator(f"input[name=kind][value={kind}]").check()
    if request_text:
        page.get_by_label(re.compile("^Your request")).fill(request_text)
    page.get_by_role("button", name="Start session").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    return int(re.search(r"/sessions/(\d+)/$", page.url).group(1))


def wait_agent_turn(page, index: int) -> None:
    page.locator(f"#turn-{index}.turn-assistant:not(.is-streaming)").wait_for(timeout=TURN_S)


def reply(page, text: str) -> None:
    box = page.get_by_label("Your reply")
    page.locator("#send-button:not([disabled]), #composer-text:not([disabled])").first.wait_for()
    box.fill(text)
    box.press("Enter")


def transcript_texts(page) -> list[str]:
    return page.locator("#transcript > li .turn-body").all_inner_texts()


def test_sign_in_and_play_a_backend_task_to_the_end(visit):
    tab = visit("alice")
    page = tab.page
    tab.goto("/accounts/login/", "sign in")
    tab.sign_in("alice")
    tab.goto("/", "home, signed in")
    assert page.get_by_role("link", name="Start a session").is_visible()
    tab.goto("/sessions/", "my sessions, empty")
    assert page.get_by_role("heading", name="My sessions").is_visible()

    session_id = new_session(tab, kind="backend")
    assert page.get_by_text("Hidden details: play the person from these").is_visible()
    wait_agent_turn(page, 1)
    tab.shot("backend session, first agent turn")
    reply(page, "It takes a list of numbers. <script>window.pwned = 1</script>")
    wait_agent_turn(page, 3)
    person = page.locator("#turn-2 .turn-body")
    assert "<script>window.pwned = 1</script>" in person.inner_text()  # shown as text
    assert page.evaluate("() => window.pwned === undefined")
    page.get_by_role("button", name="End session").click()
    result = page.locator("#result-headline")
    result.filter(has_text=re.compile(r"Tests passed \d+/10")).wait_for(timeout=TURN_S)
    assert page.locator("#composer").is_hidden()
    tab.shot("backend session, finished with its reward")

    tab.goto("/sessions/", "my sessions with the result")
    row = page.locator("tr", has=page.get_by_role("link", name=f"Session {session_id}"))
    assert "finished" in row.inner_text().lower()
    assert re.search(r"\d+/10 tests", row.inner_text())
    tab.goto("/sessions/?status=finished&kind=backend", "my sessions filtered")
    assert page.get_by_label("Status").input_value() == "finished"


def test_reload_mid_session_keeps_the_transcript(visit):
    tab = visit("alice")
    page = tab.page
    tab.sign_in("alice")
    new_session(tab, kind="backend")
    wait_agent_turn(page, 1)
    reply(page, "Round to two decimals, please.")
    page.locator("#turn-2").wait_for()  # acknowledged: stored
    page.reload()  # the agent's second turn is being generated (or just done)
    wait_agent_turn(page, 3)
    tab.shot("backend session after a reload")
    before = transcript_texts(page)
    assert len(before) == 4 and "Round to two decimals, please." in before[2]
    page.reload()
    wait_agent_turn(page, 3)
    assert transcript_texts(page) == before
    assert page.locator("#transcript > li").count() == 4  # nothing doubled by the socket


def test_play_a_frontend_task_and_see_the_screenshots(visit):
    tab = visit("alice")
    page = tab.page
    tab.sign_in("alice")
    new_session(tab, kind="frontend")
    target = page.locator("img.target")
    target.wait_for()
    page.wait_for_function(
        "() => { const i = document.querySelector('img.target'); "
        "return i && i.complete && i.naturalWidth > 0; }",
        timeout=TURN_S,
    )
    wait_agent_turn(page, 1)
    tab.shot("frontend session with the target page")
    # The tiny agent writes no page, so each turn gets the protocol's fixed reply and the agent
    # goes on to the turn limit; then the final page is compared with the target.
    page.locator("#result-headline").filter(has_text="Similarity").wait_for(timeout=3 * TURN_S)
    assert "metric" in page.locator("#result-detail").inner_text()
    for img in page.locator(".shot img").all():  # any agent page rendered sits beside the target
        assert img.evaluate("i => i.complete && i.naturalWidth > 0")
    tab.shot("frontend session, finished with its similarity")


def test_a_collaborator_is_refused_anothers_session_and_others_are_kept_out(visit, duet_server):
    bob = visit("bob")
    bob.sign_in("bob")
    session_id = new_session(bob, kind="backend")

    alice = visit("alice")
    alice.sign_in("alice")
    response = alice.goto(f"/sessions/{session_id}/", check=False)
    assert response.status == 404
    assert alice.page.evaluate(f"() => fetch('/sessions/{session_id}/turns/0.json')"
                               ".then(r => r.status)") == 404  # fmt: skip
    refused = alice.page.evaluate(
        """id => new Promise(done => {
            const ws = new WebSocket(`ws://${location.host}/ws/sessions/${id}/`);
            const seen = [];
            ws.onmessage = e => seen.push(JSON.parse(e.data));
            ws.onclose = e => done({code: e.code, seen});
        })""",
        session_id,
    )
    assert refused["code"] == 4403
    assert [m["type"] for m in refused["seen"]] == ["error"]
    assert refused["seen"][0]["code"] == "forbidden"

    annie = visit("annie")
    annie.sign_in("annie")
    assert annie.goto(f"/sessions/{session_id}/", check=False).status == 404
    assert annie.goto("/sessions/", check=False).status == 403
    assert annie.goto("/simulations/", check=False).status == 403
    assert not annie.page.get_by_role("link", name="My sessions").count()

    anonymous = visit("anonymous")
    anonymous.goto("/", "home, anonymous")
    anonymous.goto("/status", "status, anonymous")
    anonymous.goto(f"/sessions/{session_id}/", check=False)
    assert "/accounts/login/" in anonymous.page.url
    anonymous.shot("anonymous visitor sent to sign in")


def test_an_admin_watches_a_simulator_session(visit):
    tab = visit("root")
    page = tab.page
    tab.sign_in("root")
    tab.goto("/simulations/", "simulations")
    page.get_by_label("N tasks", exact=True).fill("1")
    page.get_by_label("Agent turn limit").fill("3")
    page.get_by_role("button", name="Start episodes").click()
    page.wait_for_url(re.compile(r"/sessions/all\?batch=\d+"))
    refresh = page.get_by_label(re.compile("refresh the list"))
    if refresh.count():  # the batch is still running: the list reloads itself until unticked
        refresh.uncheck()
    tab.shot("all sessions of the batch")
    page.locator("table.data-table tbody a").first.click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    assert page.get_by_text("You are watching this session read-only").is_visible()
    assert page.locator("#composer").count() == 0
    assert page.get_by_text("Hidden details").count() == 0  # watchers never see them
    wait_agent_turn(page, 1)
    page.locator("#result-headline").filter(has_text="Tests passed").wait_for(timeout=3 * TURN_S)
    tab.shot("a finished simulator session, watched")
    tab.goto("/simulations/", "simulations with the batch")
    assert page.locator("tbody tr").first.inner_text().count("1 / 1") == 1


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until ``selector`` has the focus, and check that the focus is visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):  # fmt: skip
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"no visible focus on {selector}"
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_whole_session_with_the_keyboard_alone(visit):
    tab = visit("alice")
    page = tab.page
    page.goto(tab.url("/accounts/login/"))
    # the username field takes the focus on load (autofocus); typing before it does loses keys
    page.locator("#id_username:focus").wait_for()
    page.keyboard.type("alice")
    tab_to(page, "#id_password")
    page.keyboard.type("correct-horse-battery-staple-42")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.wait_for_load_state()
    tab_to(page, "a[href='/sessions/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sessions/$"))
    tab_to(page, "a[href='/sessions/new']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sessions/new$"))
    tab_to(page, "input[name=mode]")
    page.keyboard.press("ArrowDown")  # My own request
    tab_to(page, "#id_request_text")
    page.keyboard.type("A function that adds two numbers.")
    tab_to(page, "button[type=submit].button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    wait_agent_turn(page, 1)
    tab_to(page, "#composer-text")
    page.keyboard.type("Integers only.")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("Return their sum.")
    assert page.locator("#composer-count").inner_text() == "32 / 4000"
    page.keyboard.press("Enter")
    wait_agent_turn(page, 3)
    assert "Integers only.\nReturn their sum." in page.locator("#turn-2 .turn-body").inner_text()
    tab.shot("own request, typed with the keyboard")
    tab_to(page, "#end-button")
    page.keyboard.press("Enter")
    page.locator("#rating:not([hidden])").wait_for(timeout=TURN_S)
    tab_to(page, "input[name=rating]")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # 4
    tab_to(page, "input[name=did_what_i_needed]")
    page.keyboard.press("Space")  # yes
    tab_to(page, "#rating button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_text("Thank you: your rating is saved.").wait_for()
    assert page.locator("#result-headline").inner_text() == "Rated 4/5"
    tab.shot("own request, rated")
