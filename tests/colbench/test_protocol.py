"""The ColBench protocol rules (DESIGN.md), as pure functions."""

from training.colbench import protocol
from training.colbench.protocol import parse_backend_turn, parse_frontend_turn


def test_constants_match_the_paper():
    assert protocol.MAX_AGENT_TURNS == 10
    assert protocol.ANSWER_MARKER == "I WANT TO ANSWER:"
    assert protocol.BACKEND_REPLY_CHARS == 400
    assert protocol.FRONTEND_REPLY_CHARS == 1000


def test_answer_marker_ends_backend_episode_with_text_after_marker_as_answer():
    text = "Thanks!\nI WANT TO ANSWER:\ndef f(x):\n    return x"
    action = parse_backend_turn(text, last_turn=False)
    assert action.ends_episode and action.answered
    assert action.answer == "\ndef f(x):\n    return x"


def test_backend_question_without_marker_continues():
    action = parse_backend_turn("What should happen for negative numbers?", last_turn=False)
    assert not action.ends_episode
    assert action.answer is None


def test_last_allowed_backend_turn_is_taken_as_is():
    text = "def f(x):\n    return 2 * x"
    action = parse_backend_turn(text, last_turn=True)
    assert action.ends_episode and not action.answered
    assert action.answer == text


def test_marker_on_last_turn_still_keeps_only_text_after_it():
    action = parse_backend_turn("ok I WANT TO ANSWER: def f(): pass", last_turn=True)
    assert action.answer == " def f(): pass"


def test_reply_is_cut_at_the_limit():
    assert protocol.truncate_reply("  " + "x" * 500 + "  ", 400) == "x" * 400
    assert protocol.truncate_reply(" short ", 400) == "short"


def test_frontend_shows_only_what_follows_output_marker():
    text = "I think a dark header fits.\nOUTPUT: Here is a draft <html><body>A</body></html>"
    action = parse_frontend_turn(text, last_turn=False)
    assert action.shown == " Here is a draft <html><body>A</body></html>"
    assert action.html == "<html><body>A</body></html>"
    assert not action.ends_episode


def test_frontend_snippet_in_reasoning_before_output_is_not_shown():
    text = "Draft: <html><body>old</body></html> OUTPUT: no page this time"
    assert parse_frontend_turn(text, last_turn=False).html is None


def test_first_complete_html_snippet_counts_and_unclosed_one_does_not():
    two = "<html><b>1</b></html> and <HTML lang='en'><b>2</b></HTML>"
    assert protocol.extract_html_snippet(two) == "<html><b>1</b></html>"
    assert protocol.extract_html_snippet("<html><body>cut off") is None


def test_frontend_answer_marker_or_last_turn_ends_episode():
    assert parse_frontend_turn("I WANT TO ANSWER: <html></html>", last_turn=False).ends_episode
    assert parse_frontend_turn("<html></html>", last_turn=True).ends_episode
