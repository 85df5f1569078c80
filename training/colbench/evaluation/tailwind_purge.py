"""Serve each page only the Tailwind 2 rules it can use (what Tailwind's own ``purge`` does).

The full ``tailwind.min.css`` (2.2.19) is 2.9 MB and ~39,000 rules. Loading it costs every render
0.6–1 s of CSS parsing on a busy 2-core machine, while a typical generated page uses a hundred
classes. A rule whose selector needs a class that appears nowhere in the page's source can match
nothing, so dropping it cannot change the page.

Which classes does a page use? Like Tailwind's default extractor, every string-like token in the
*whole* source counts (class attributes, but also inline scripts that add classes), so classes a
script adds at load time are kept. Classes built by string concatenation at run time are the known
limitation (also Tailwind's); :class:`training.colbench.evaluation.render.RenderConfig` can turn
purging off.

Rules without class selectors (the preflight reset, ``*`` variables), ``@keyframes`` and the
licence comment are always kept; kept rules keep their original order and ``@media`` wrapping, so
the cascade is the same as with the full file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Tailwind 2's default content extractors (two patterns; their union is the candidate set).
_EXTRACTORS = (
    re.compile(r"[^<>\"'`\s]*[^<>\"'`\s:]"),
    re.compile(r"[^<>\"'`\s.(){}\[\]#=%]*[^<>\"'`\s.(){}\[\]#=%:]"),
)
_CLASS = re.compile(r"\.((?:\\[0-9a-fA-F]{1,6}\s?|\\[^0-9a-fA-F\n]|[\w-])+)")
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}\s?|.)")


def page_tokens(html: str) -> frozenset[str]:
    """Every token in ``html`` that could be a class name."""
    tokens: set[str] = set()
    for pattern in _EXTRACTORS:
        tokens.update(pattern.findall(html))
    return frozenset(tokens)


def _unescape(name: str) -> str:
    def one(match: re.Match[str]) -> str:
        text = match.group(1)
        if len(text) > 1 or text in "0123456789abcdefABCDEF":
            return chr(int(text.strip(), 16))
        return text

    return _ESCAPE.sub(one, name)


def _split_top_level(text: str, separator: str = ",") -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _strip_negations(selector: str) -> str:
    """Remove ``:not(...)`` groups: a class inside one is not needed for the selector to match."""
    out, i = [], 0
    while i < len(selector):
        if selector.startswith(":not(", i):
            depth, j = 0, i + 4
            while j < len(selector):
                depth += selector[j] == "("
                depth -= selector[j] == ")"
                j += 1
                if depth == 0:
                    break
            i = j
            continue
        out.append(selector[i])
        i += 1
    return "".join(out)


def required_classes(selector_list: str) -> list[frozenset[str]] | None:
    """For each selector in the list, the classes it needs; ``None`` if some selector needs no
    class (the rule may always apply)."""
    alternatives = []
    simple = "(" not in selector_list and "[" not in selector_list
    for selector in selector_list.split(",") if simple else _split_top_level(selector_list):
        if ":not(" in selector:
            selector = _strip_negations(selector)
        classes = frozenset(_unescape(c) if "\\" in c else c for c in _CLASS.findall(selector))
        if not classes:
            return None
        alternatives.append(classes)
    return alternatives


@dataclass(frozen=True)
class _Rule:
    media: tuple[str, ...]
    """The ``@media`` preludes the rule is nested in, outermost first."""
    text: str
    needs: tuple[frozenset[str], ...] | None


_BRACE_TOKENS = re.compile(r"[{}\"']|/\*")


def _match_brace(css: str, open_index: int) -> int:
    """Index of the ``}`` closing the ``{`` at ``open_index`` (quotes and comments respected)."""
    depth, pos = 0, open_index
    while True:
        match = _BRACE_TOKENS.search(css, pos)
        if match is None:
            raise ValueError("unbalanced braces in stylesheet")
        token, pos = match.group(0), match.end()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                return match.start()
        elif token == "/*":
            pos = css.index("*/", pos) + 2
        else:  # a string: skip to its unescaped closing quote
            while True:
                pos = css.index(token, pos) + 1
                if css[pos - 2] != "\\":
                    break


def _parse(css: str, media: tuple[str, ...], rules: list[_Rule], header: list[str]) -> None:
    i = 0
    while i < len(css):
        if css[i].isspace():
            i += 1
            continue
        if css.startswith("/*", i):
            end = css.index("*/", i) + 2
            if not media and css.startswith("/*!", i):
                header.append(css[i:end])
            i = end
            continue
        brace = css.index("{", i)
        prelude = css[i:brace].strip()
        close = _match_brace(css, brace)
        if prelude.startswith("@media"):
            _parse(css[brace + 1 : close], (*media, prelude), rules, header)
        elif prelude.startswith("@"):
            rules.append(_Rule(media, css[i : close + 1], None))
        else:
            needs = required_classes(prelude)
            rules.append(_Rule(media, css[i : close + 1], None if needs is None else tuple(needs)))
        i = close + 1


class PurgeableStylesheet:
    """A parsed stylesheet that can emit the subset of rules a given page can use."""

    def __init__(self, css: str):
        self.rules: list[_Rule] = []
        self.header: list[str] = []
        _parse(css, (), self.rules, self.header)
        self._always = [i for i, r in enumerate(self.rules) if r.needs is None]
        self._by_class: dict[str, list[int]] = {}
        for index, rule in enumerate(self.rules):
            for needed in rule.needs or ():
                key = min(needed, key=len)  # any member works; short keys are common tokens
                self._by_class.setdefault(key, []).append(index)

    def purge(self, html: str) -> str:
        """The stylesheet text with only the rules that can apply to ``html``."""
        tokens = page_tokens(html)
        keep = set(self._always)
        for token in tokens:
            for index in self._by_class.get(token, ()):
                needs = self.rules[index].needs
                if needs is not None and any(n <= tokens for n in needs):
                    keep.add(index)
        out: list[str] = list(self.header)
        open_media: tuple[str, ...] = ()
        for index in sorted(keep):
            rule = self.rules[index]
            if rule.media != open_media:
                shared = 0
                while (
                    shared < min(len(open_media), len(rule.media))
                    and open_media[shared] == rule.media[shared]
                ):
                    shared += 1
                out.append("}" * (len(open_media) - shared))
                out.extend(prelude + "{" for prelude in rule.media[shared:])
                open_media = rule.media
            out.append(rule.text)
        out.append("}" * len(open_media))
        return "".join(out)


@lru_cache(maxsize=2)
def load_stylesheet(path: Path) -> PurgeableStylesheet:
    """Parse a stylesheet file once per process."""
    return PurgeableStylesheet(path.read_text(encoding="utf-8"))
