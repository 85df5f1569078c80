"""A deterministic, LLM-free frontend simulator: it compares two rendered pages and says how
they differ, in the first person, as the person who wants the hidden page.

Both pages are rendered offline (:mod:`training.colbench.evaluation.render`) with layout facts
read from the DOM (:mod:`training.colbench.evaluation.page_features`). The page background is
read from the screenshot (the colour covering most of it, whichever element paints it); the rest
comes from the DOM: the navigation bar (presence, colour, position, links), the number of columns
in the main layout, headings (main heading text and size, count, colour), the main text colour,
images (count and size), coloured bands across the page, page length and sections, footer and
buttons. Pictures are left out when the background is read, so grey placeholders do not count.

Each difference gets an importance (how much it changes what a person sees); the reply lists the
largest first and stops at :data:`~training.colbench.protocol.FRONTEND_REPLY_CHARS` characters.
"""

from __future__ import annotations

import difflib
import hashlib
import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from training.colbench.evaluation.colors import (
    RGBA,
    color_name,
    distance,
    lightness,
    parse_css_color,
)
from training.colbench.evaluation.page_features import PageFeatures, dominant_color
from training.colbench.evaluation.render import Renderer, RenderError, RenderResult
from training.colbench.protocol import FRONTEND_REPLY_CHARS
from training.colbench.simulators.base import FrontendQuery, FrontendSimulator
from training.colbench.tasks import Task

#: Colours closer than this (OKLab distance) are treated as the same.
COLOR_TOLERANCE = 0.06

_NUMBER_WORDS = (
    "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
)  # fmt: skip


def number_word(n: int) -> str:
    """``"three"`` for 3, ``"no"`` for 0; numbers above ten stay digits."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def count_words(n: int, noun: str) -> str:
    """``count_words(3, "image") == "three images"``."""
    return f"{number_word(n)} {noun if n == 1 else noun + 's'}"


def _article(phrase: str) -> str:
    return ("an " if phrase[:1] in "aeiou" else "a ") + phrase


@dataclass(frozen=True)
class Difference:
    """One visible difference; ``importance`` orders the reply (larger first)."""

    importance: float
    text: str


@dataclass(frozen=True)
class PageView:
    """What the simulated person looks at: a render and the facts read from it."""

    render: RenderResult
    features: PageFeatures
    background: RGBA

    @classmethod
    def of(cls, render: RenderResult) -> PageView:
        if render.features is None:
            raise ValueError("the page was rendered without features (render(..., features=True))")
        pictures = [image.box for image in render.features.images]
        background, _ = dominant_color(render.png, exclude=pictures)
        return cls(render, render.features, background)


def _color_sentence(subject: str, mine: RGBA, yours: RGBA) -> tuple[float, str] | None:
    """ "<subject> is dark blue, not white." when the colours differ visibly, else ``None``."""
    gap = distance(mine, yours)
    if gap < COLOR_TOLERANCE:
        return None
    my_name, your_name = color_name(mine), color_name(yours)
    if my_name != your_name:
        return gap, f"{subject} is {my_name}, not {your_name}."
    shade = "lighter" if lightness(mine) > lightness(yours) else "darker"
    return gap, f"{subject} is {_article(shade)} {my_name} than yours."


def _weight(gap: float, full: float = 0.25) -> float:
    """Scale a colour distance to 0..1 (``full`` and beyond count fully)."""
    return min(1.0, gap / full)


def _main_heading(features: PageFeatures):
    h1 = [h for h in features.headings if h.tag == "h1"]
    if h1:
        return h1[0]
    return max(features.headings, key=lambda h: h.font_size, default=None)


def _mean_image_size(features: PageFeatures) -> tuple[int, int] | None:
    images = [i for i in features.images if i.box[2] > 0 and i.box[3] > 0]
    if not images:
        return None
    return (
        round(sum(i.box[2] for i in images) / len(images)),
        round(sum(i.box[3] for i in images) / len(images)),
    )


def compare_pages(mine: PageView, yours: PageView) -> list[Difference]:
    """The visible differences between the wanted page (``mine``) and the agent's (``yours``),
    most important first."""
    found: list[Difference] = []
    m, y = mine.features, yours.features

    def add(importance: float, text: str) -> None:
        found.append(Difference(round(importance, 4), text))

    sentence = _color_sentence("The background of my page", mine.background, yours.background)
    if sentence:
        add(8.0 * _weight(sentence[0]), sentence[1])

    _compare_nav(m, y, add)

    if m.main_columns != y.main_columns:
        if m.main_columns == 1:
            mine_cols = "a single column"
        else:
            mine_cols = f"{count_words(m.main_columns, 'column')} side by side"
        your_cols = "only one" if y.main_columns == 1 else number_word(y.main_columns)
        weight = 5.0 if 1 in (m.main_columns, y.main_columns) else 3.5
        add(weight, f"The main part of my page is laid out in {mine_cols}; yours has {your_cols}.")

    _compare_headings(m, y, add)

    my_text, your_text = m.main_text_color, y.main_text_color
    if my_text is not None and your_text is not None:
        sentence = _color_sentence("Most of the text on my page", my_text, your_text)
        if sentence and color_name(my_text) != color_name(your_text):
            add(4.0 * _weight(sentence[0]), sentence[1])

    _compare_images(m, y, add)
    _compare_bands(mine, yours, add)
    _compare_length(m, y, add)
    _compare_footer(m, y, add)

    my_buttons, your_buttons = len(m.button_backgrounds), len(y.button_backgrounds)
    if my_buttons != your_buttons:
        add(
            1.5,
            f"My page has {count_words(my_buttons, 'button')}; yours has "
            f"{count_words(your_buttons, 'button')}.",
        )

    if m.text_chars and y.text_chars:
        ratio = m.text_chars / y.text_chars
        if ratio >= 2.0:
            add(2.0, "My page has much more text than yours.")
        elif ratio <= 0.5:
            add(2.0, "My page has much less text than yours.")

    found.sort(key=lambda d: -d.importance)
    return found


def _compare_nav(m: PageFeatures, y: PageFeatures, add) -> None:
    if m.nav and not y.nav:
        colour = color_name(m.nav.background_color)
        where = "down the side" if m.nav.position == "side" else f"at the {m.nav.position}"
        links = f" with {count_words(m.nav.links, 'link')}" if m.nav.links else ""
        add(6.0, f"My page has {_article(colour)} navigation bar {where}{links}; yours has none.")
        return
    if y.nav and not m.nav:
        add(4.0, "My page has no navigation bar; yours has one.")
        return
    if not (m.nav and y.nav):
        return
    if m.nav.position != y.nav.position:
        where = {"side": "down the left side", "top": "at the top", "bottom": "at the bottom"}
        add(
            4.0,
            f"My navigation bar is {where.get(m.nav.position, m.nav.position)}, "
            f"not {where.get(y.nav.position, y.nav.position)}.",
        )
    sentence = _color_sentence("My navigation bar", m.nav.background_color, y.nav.background_color)
    if sentence:
        add(5.0 * _weight(sentence[0]), sentence[1])
    if abs(m.nav.links - y.nav.links) >= 2:
        add(
            1.5,
            f"My navigation bar has {count_words(m.nav.links, 'link')}; yours has "
            f"{count_words(y.nav.links, 'link')}.",
        )


def _compare_headings(m: PageFeatures, y: PageFeatures, add) -> None:
    mine, yours = _main_heading(m), _main_heading(y)
    if mine and not yours:
        add(3.5, f'My page has a main heading, "{mine.text[:80]}"; yours has no heading.')
    elif mine and yours:
        alike = difflib.SequenceMatcher(None, mine.text.lower(), yours.text.lower()).ratio()
        if alike < 0.8:
            add(3.0, f'My main heading says "{mine.text[:80]}".')
        ratio = mine.font_size / max(yours.font_size, 1.0)
        if ratio >= 1.3 or ratio <= 1 / 1.3:
            size = "bigger" if ratio > 1 else "smaller"
            add(
                2.5,
                f"My main heading is {size} than yours (text about {round(mine.font_size)} px "
                f"tall, yours {round(yours.font_size)} px).",
            )
        my_color, your_color = parse_css_color(mine.color), parse_css_color(yours.color)
        if my_color and your_color:
            sentence = _color_sentence("My main heading", my_color, your_color)
            if sentence:
                add(2.0 * _weight(sentence[0]), sentence[1])
    if abs(len(m.headings) - len(y.headings)) >= 2:
        add(
            2.0,
            f"My page has {count_words(len(m.headings), 'heading')}; yours has "
            f"{count_words(len(y.headings), 'heading')}.",
        )


def _compare_images(m: PageFeatures, y: PageFeatures, add) -> None:
    mine, yours = len(m.images), len(y.images)
    my_size, your_size = _mean_image_size(m), _mean_image_size(y)
    if mine != yours:
        each = " each" if mine > 1 else ""
        size = f" (about {my_size[0]}×{my_size[1]} px{each})" if my_size and mine else ""
        importance = 4.0 if 0 in (mine, yours) else 2.5
        add(
            importance,
            f"My page has {count_words(mine, 'image')}{size}; yours has "
            f"{count_words(yours, 'image')}.",
        )
    elif my_size and your_size:
        ratio = (my_size[0] * my_size[1]) / max(your_size[0] * your_size[1], 1)
        if ratio >= 2.0 or ratio <= 0.5:
            size = "larger" if ratio > 1 else "smaller"
            add(
                2.0,
                f"My images are {size} than yours (about {my_size[0]}×{my_size[1]} px, yours "
                f"{your_size[0]}×{your_size[1]} px).",
            )


def _bands(view: PageView) -> list:
    """Full-width sections painted in a colour other than the page background (a hero banner,
    a feature strip), excluding the navigation bar and the footer."""
    f = view.features
    skip = {b.box for b in (f.nav, f.footer) if b is not None}
    return [
        s
        for s in f.sections
        if s.tag not in ("nav", "footer")
        and s.box not in skip
        and distance(s.background_color, view.background) >= COLOR_TOLERANCE
    ]


def _compare_bands(mine: PageView, yours: PageView, add) -> None:
    their_colours = [s.background_color for s in yours.features.sections]
    their_colours += [b.background_color for b in (yours.features.nav, yours.features.footer) if b]
    height = max(mine.features.full_height, 1)
    for band in _bands(mine)[:2]:
        if any(distance(band.background_color, c) < 0.1 for c in their_colours):
            continue
        middle = (band.box[1] + band.box[3] / 2) / height
        where = (
            "near the top" if middle < 0.33 else "in the middle" if middle < 0.67 else "lower down"
        )
        colour = color_name(band.background_color)
        add(3.0, f"My page has {_article(colour)} band across the page {where}; yours does not.")


def _compare_length(m: PageFeatures, y: PageFeatures, add) -> None:
    if m.full_height and y.full_height:
        ratio = m.full_height / y.full_height
        if ratio >= 1.4 or ratio <= 1 / 1.4:
            longer = "longer" if ratio > 1 else "shorter"
            add(3.0 * min(1.0, abs(math.log(ratio))), f"My page is much {longer} than yours.")
    if abs(len(m.sections) - len(y.sections)) >= 2:
        add(
            2.5,
            f"My page has {count_words(len(m.sections), 'section')} stacked from top to bottom; "
            f"yours has {number_word(len(y.sections)) if y.sections else 'none'}.",
        )


def _compare_footer(m: PageFeatures, y: PageFeatures, add) -> None:
    if m.footer and not y.footer:
        add(3.0, f"My page ends with {_article(color_name(m.footer.background_color))} footer; "
            "yours has no footer.")  # fmt: skip
    elif y.footer and not m.footer:
        add(1.5, "My page has no footer; yours has one.")
    elif m.footer and y.footer:
        sentence = _color_sentence(
            "My footer", m.footer.background_color, y.footer.background_color
        )
        if sentence:
            add(2.5 * _weight(sentence[0]), sentence[1])


def describe_page(page: PageView) -> str:
    """A one-sentence summary of a page (used when there is nothing to compare with)."""
    f = page.features
    parts = [f"{_article(color_name(page.background))} background"]
    if f.nav:
        where = "down the side" if f.nav.position == "side" else f"at the {f.nav.position}"
        parts.append(f"{_article(color_name(f.nav.background_color))} navigation bar {where}")
    if f.main_columns > 1:
        parts.append(f"{count_words(f.main_columns, 'column')} side by side")
    heading = _main_heading(f)
    if heading:
        parts.append(f'a main heading saying "{heading.text[:60]}"')
    if f.images:
        parts.append(count_words(len(f.images), "image"))
    if f.footer:
        parts.append(f"{_article(color_name(f.footer.background_color))} footer")
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return f"The page I want has {listed}."


def compose_reply(differences: Sequence[Difference], limit: int = FRONTEND_REPLY_CHARS) -> str:
    """Join the differences, most important first, without going over ``limit`` characters."""
    if not differences:
        return "Your page looks just like the one I want; I can't see any real difference."
    reply = ""
    for difference in differences:
        candidate = f"{reply} {difference.text}".strip()
        if len(candidate) > limit:
            break
        reply = candidate
    return reply or differences[0].text[:limit]


_FAILURE_WORDS = {
    "too-large": "it was too large to open",
    "load-timeout": "it never finished loading",
    "script-timeout": "it froze after loading",
    "screenshot-timeout": "it froze after loading",
}


class FrontendOracleSimulator(FrontendSimulator):
    """The embedded default frontend simulator (deterministic; no model).

    ``renderer`` defaults to the process-wide :func:`~training.colbench.evaluation.render.
    shared_renderer`. Target pages are rendered once and cached by content.
    """

    name = "oracle"

    def __init__(
        self,
        renderer: Renderer | None = None,
        *,
        max_chars: int = FRONTEND_REPLY_CHARS,
        cache_size: int = 64,
    ):
        self._renderer = renderer
        self.max_chars = max_chars
        self._targets: OrderedDict[str, PageView] = OrderedDict()
        self._cache_size = cache_size

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            from training.colbench.evaluation.render import shared_renderer

            self._renderer = shared_renderer()
        return self._renderer

    def target_view(self, task: Task) -> PageView:
        """The rendered hidden page of ``task`` (cached)."""
        key = hashlib.sha1(task.ground_truth.encode("utf-8", errors="replace")).hexdigest()
        if key in self._targets:
            self._targets.move_to_end(key)
            return self._targets[key]
        try:
            view = PageView.of(self.renderer.render(task.ground_truth, features=True))
        except RenderError as error:
            raise RenderError(
                error.reason, f"the hidden page of task {task.id} could not be rendered: {error}"
            ) from error
        self._targets[key] = view
        if len(self._targets) > self._cache_size:
            self._targets.popitem(last=False)
        return view

    def reply(self, agent_html: str | None, task: Task) -> str:
        """Describe how the agent's page differs from the hidden one (``None``: no page)."""
        target = self.target_view(task)
        if not agent_html or not agent_html.strip():
            return self._no_page("I don't see a page in your message, so I have nothing to "
                                 "compare yet.", target)  # fmt: skip
        try:
            agent = self.renderer.render(agent_html, features=True)
        except RenderError as error:
            return self._failed(error, target)
        return self.reply_to_render(agent, target)

    def reply_to_render(self, agent: RenderResult, target: PageView) -> str:
        """The reply for an agent page that is already rendered (with features)."""
        return compose_reply(compare_pages(target, PageView.of(agent)), self.max_chars)

    def reply_many(self, queries: Sequence[FrontendQuery]) -> list[str]:
        """Render all agent pages concurrently over the renderer's pool, then compare."""
        targets = [self.target_view(q.task) for q in queries]
        pages = [q.agent_html or "" for q in queries]
        renders = self.renderer.render_many(pages, features=True)
        replies = []
        for query, target, render in zip(queries, targets, renders, strict=True):
            if not (query.agent_html or "").strip():
                replies.append(self.reply(None, query.task))
            elif isinstance(render, RenderError):
                replies.append(self._failed(render, target))
            else:
                replies.append(self.reply_to_render(render, target))
        return replies

    def _failed(self, error: RenderError, target: PageView) -> str:
        why = _FAILURE_WORDS.get(error.reason, "it could not be displayed")
        return self._no_page(f"I couldn't see your page: {why}.", target)

    def _no_page(self, opening: str, target: PageView) -> str:
        return compose_reply(
            [Difference(2.0, opening), Difference(1.0, describe_page(target))], self.max_chars
        )
