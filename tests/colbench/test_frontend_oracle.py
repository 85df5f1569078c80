"""The deterministic frontend simulator: what differences it sees and how it words them."""

from __future__ import annotations

from pathlib import Path

import pytest

from training.colbench.evaluation.colors import color_name, parse_css_color
from training.colbench.evaluation.render import RenderConfig, Renderer
from training.colbench.protocol import FRONTEND_REPLY_CHARS
from training.colbench.simulators.base import FrontendQuery
from training.colbench.simulators.frontend_oracle import (
    Difference,
    FrontendOracleSimulator,
    compose_reply,
)
from training.colbench.tasks import Task

TW2 = (
    '<head><link rel="stylesheet" '
    'href="https://cdn.jsdelivr.net/npm/tailwindcss@2.2.19/dist/tailwind.min.css"></head>'
)
NAV = (
    '<nav class="bg-blue-900 text-white p-4 flex space-x-4">'
    '<a href="#">Home</a><a href="#">Shop</a><a href="#">Contact</a></nav>'
)


def page(body: str, *, body_class: str = "bg-white", nav: bool = True) -> str:
    cards = "".join(
        f'<div class="bg-gray-100 p-6"><h2 class="text-xl">Card {i}</h2><p>Text {i}</p></div>'
        for i in range(3)
    )
    body = body.replace("{cards}", cards)
    return f'<html>{TW2}<body class="{body_class}">{NAV if nav else ""}{body}</body></html>'


TARGET_BODY = (
    '<h1 class="text-4xl font-bold p-8">Fresh Bakery</h1>'
    '<main class="grid grid-cols-3 gap-6 p-8">{cards}</main>'
)
TARGET = page(TARGET_BODY, body_class="bg-gray-800")
TASK = Task(id="fe-test", kind="frontend", problem_description="A bakery page", ground_truth=TARGET)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(RenderConfig().chromium_path).exists(), reason="Chromium is not installed"
    ),
]


@pytest.fixture(scope="module")
def oracle():
    with Renderer(RenderConfig(load_timeout_s=5, script_timeout_s=3, max_html_bytes=100_000)) as r:
        yield FrontendOracleSimulator(r)


def test_identical_page_gets_no_differences(oracle):
    assert oracle.reply(TARGET, TASK).startswith("Your page looks just like the one I want")


def test_background_colour_difference_is_described_in_words(oracle):
    reply = oracle.reply(page(TARGET_BODY, body_class="bg-white"), TASK)
    assert reply.startswith("The background of my page is dark grey, not white.")


def test_missing_navigation_bar_is_described(oracle):
    reply = oracle.reply(page(TARGET_BODY, body_class="bg-gray-800", nav=False), TASK)
    expected = "My page has a dark blue navigation bar at the top with three links; yours has none."
    assert expected in reply


def test_column_count_difference_is_described(oracle):
    one_column = TARGET_BODY.replace("grid grid-cols-3", "grid grid-cols-1")
    reply = oracle.reply(page(one_column, body_class="bg-gray-800"), TASK)
    assert (
        "The main part of my page is laid out in three columns side by side; yours has only one."
        in reply
    )


def test_larger_differences_come_first(oracle):
    reply = oracle.reply(
        page(TARGET_BODY.replace("text-4xl", "text-lg"), body_class="bg-white", nav=False), TASK
    )
    assert reply.index("background") < reply.index("navigation bar") < reply.index("heading")


def test_missing_page_is_said_and_the_wanted_page_summarised(oracle):
    reply = oracle.reply(None, TASK)
    assert reply.startswith("I don't see a page in your message")
    assert "dark grey background" in reply and "three columns" in reply


def test_page_that_cannot_be_rendered_is_said(oracle):
    reply = oracle.reply("<html><body>" + "x" * 200_000 + "</body></html>", TASK)
    assert reply.startswith("I couldn't see your page: it was too large to open.")


def test_reply_to_a_very_different_page_fits_the_reply_limit(oracle):
    different = page("<p>" + "word " * 400 + "</p>", body_class="bg-red-600", nav=False)
    reply = oracle.reply(different, TASK)
    assert 0 < len(reply) <= FRONTEND_REPLY_CHARS


def test_reply_many_matches_reply(oracle):
    pages = [TARGET, page(TARGET_BODY, body_class="bg-white")]
    replies = oracle.reply_many([FrontendQuery(TASK, html) for html in pages])
    assert replies == [oracle.reply(html, TASK) for html in pages]


def test_compose_reply_stops_at_the_limit_on_a_sentence_boundary():
    differences = [Difference(10 - i / 10, f"Difference number {i} is here.") for i in range(100)]
    reply = compose_reply(differences, limit=1000)
    assert len(reply) <= 1000
    assert reply.endswith("is here.")
    assert reply.startswith("Difference number 0 is here.")


@pytest.mark.parametrize(
    ("css", "name"),
    [
        ("rgb(255, 255, 255)", "white"),
        ("rgb(31, 41, 55)", "dark grey"),
        ("oklch(0.21 0.034 264.665)", "dark grey"),
        ("oklch(0.379 0.146 265.522)", "dark blue"),
        ("#dbeafe", "light blue"),
        ("rgba(239, 68, 68, 1)", "red"),
        ("#22c55e", "green"),
        ("#78350f", "brown"),
        ("#000", "black"),
    ],
)
def test_css_colours_are_named_in_plain_words(css, name):
    assert color_name(parse_css_color(css)) == name


def test_missing_coloured_band_is_described(oracle):
    hero = '<section class="bg-yellow-200 py-16"><h1 class="text-4xl">Sale</h1></section>'
    target = page(hero + "<p>Items</p>", nav=False)
    task = Task(id="fe-band", kind="frontend", problem_description="A sale", ground_truth=target)
    reply = oracle.reply(page('<h1 class="text-4xl py-16">Sale</h1><p>Items</p>', nav=False), task)
    assert "My page has a light yellow band across the page near the top; yours does not." in reply
