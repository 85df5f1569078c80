"""Frontend tasks fe-train-001..030 and fe-test-001..010: specs, page components and the build.

Each page is described by a spec (``PAGES`` at the bottom): the request the person opens with, a
colour palette, a navigation style, a hero style, a list of sections and a footer. The components
below turn a spec into a standalone HTML page styled with Tailwind 2.2.19 from jsDelivr (the
renderer serves that URL offline) and images only from ``https://placehold.co/WxH``. Specs vary
exactly what the frontend simulator compares: layout, background and text colours, nav bars,
number of columns, headings and their sizes. No page carries JavaScript.

Build: ``.venv/bin/python data/colbench/authoring/frontend.py [--out DIR]`` writes
``train.jsonl`` and ``test.jsonl`` (default ``data/colbench/frontend``) through
``training.colbench.tasks.write_tasks`` and re-reads them with ``load_tasks``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

AUTHORING_DIR = Path(__file__).resolve().parent
REPO_ROOT = AUTHORING_DIR.parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from training.colbench.tasks import Task, write_task_splits  # noqa: E402

TAILWIND_URL = "https://cdn.jsdelivr.net/npm/tailwindcss@2.2.19/dist/tailwind.min.css"
PLACEHOLDER_PREFIX = "https://placehold.co/"
#: Every image URL these pages use matches this (placehold.co, a pixel size, nothing else).
PLACEHOLDER_IMAGE_PATTERN = r"https://placehold\.co/[1-9][0-9]{1,3}x[1-9][0-9]{1,3}"
SPLIT_PREFIXES = {"fe-train-": "train", "fe-test-": "test"}


@dataclass(frozen=True)
class Palette:
    """Tailwind class groups for one colour scheme."""

    page: str  # body background and text colour
    nav: str  # nav bar background and text
    accent: str  # buttons and highlighted blocks (background + text)
    heading: str  # heading text colour
    muted: str  # secondary text colour
    card: str  # card background (and border, if any)
    footer: str  # footer background and text


# ------------------------------------------------------------------------------ small helpers


def img(width: int, height: int, classes: str, alt: str = "") -> str:
    """A placeholder image of the given pixel size (10 to 9999 px a side)."""
    if not (10 <= width <= 9999 and 10 <= height <= 9999):
        raise ValueError(f"placeholder size {width}x{height}: sides must be 10 to 9999 px")
    return f'<img src="{PLACEHOLDER_PREFIX}{width}x{height}" alt="{escape(alt)}" class="{classes}">'


def button(label: str, classes: str) -> str:
    return f'<a href="#" class="inline-block {classes}">{escape(label)}</a>'


def links(items: list[str], classes: str) -> str:
    return "".join(f'<a href="#" class="{classes}">{escape(item)}</a>' for item in items)


def section_heading(text: str, p: Palette, size: str = "text-3xl", align: str = "") -> str:
    return f'<h2 class="{size} font-bold {p.heading} {align} mb-8">{escape(text)}</h2>'


def wrap(inner: str, width: str = "max-w-6xl", pad: str = "py-16", extra: str = "") -> str:
    return (
        f'<section class="{pad} px-6 {extra}"><div class="{width} mx-auto">{inner}</div></section>'
    )


# ----------------------------------------------------------------------------------- nav bars


def nav(kind: str, brand: str, items: list[str], cta: str | None, p: Palette) -> str:
    """One of the navigation styles; ``sidebar`` is rendered by :func:`page` as an aside."""
    b = escape(brand)
    cta_html = button(cta, f"{p.accent} px-4 py-2 rounded") if cta else ""
    if kind == "bar":
        return (
            f'<nav class="{p.nav} px-8 py-4 flex items-center justify-between">'
            f'<a href="#" class="text-2xl font-bold">{b}</a>'
            f'<div class="flex items-center space-x-6">{links(items, "hover:underline")}'
            f"{cta_html}</div></nav>"
        )
    if kind == "centered":
        return (
            f'<header class="{p.nav} py-6 text-center">'
            f'<a href="#" class="text-3xl font-bold tracking-widest uppercase">{b}</a>'
            f'<div class="mt-4 flex justify-center space-x-10 text-sm uppercase tracking-wide">'
            f"{links(items, '')}</div></header>"
        )
    if kind == "split":
        return (
            f'<nav class="{p.nav} px-8 py-5 grid grid-cols-3 items-center">'
            f'<div class="flex space-x-5 text-sm">{links(items, "")}</div>'
            f'<a href="#" class="text-center text-2xl font-extrabold">{b}</a>'
            f'<div class="text-right">{cta_html}</div></nav>'
        )
    if kind == "pill":
        return (
            f'<div class="pt-6 px-6"><nav class="max-w-5xl mx-auto rounded-full shadow-lg '
            f'{p.nav} px-8 py-3 flex items-center justify-between">'
            f'<a href="#" class="text-xl font-bold">{b}</a>'
            f'<div class="flex space-x-6 text-sm">{links(items, "")}</div>{cta_html}</nav></div>'
        )
    if kind == "minimal":
        return (
            f'<nav class="{p.nav} px-10 py-6 flex items-center justify-between border-b">'
            f'<a href="#" class="text-lg font-semibold tracking-tight">{b}</a>{cta_html}</nav>'
        )
    if kind == "none":
        return ""
    raise ValueError(f"unknown nav kind {kind!r}")


def sidebar(brand: str, items: list[str], p: Palette) -> str:
    return (
        f'<aside class="{p.nav} w-64 min-h-screen px-6 py-8 flex-shrink-0">'
        f'<a href="#" class="block text-2xl font-bold mb-10">{escape(brand)}</a>'
        f'<div class="flex flex-col space-y-4">{links(items, "block py-1")}</div></aside>'
    )


# -------------------------------------------------------------------------------------- heroes


def hero(spec: dict[str, Any], p: Palette) -> str:
    kind = spec["kind"]
    size = spec.get("size", "text-5xl")
    heading = (
        f'<h1 class="{size} font-extrabold {p.heading} leading-tight">'
        f"{escape(spec['heading'])}</h1>"
    )
    text = f'<p class="mt-6 text-lg {p.muted}">{escape(spec["text"])}</p>'
    cta = spec.get("cta")
    cta_html = (
        f'<div class="mt-8">{button(cta, f"{p.accent} px-6 py-3 rounded-lg font-semibold")}</div>'
        if cta
        else ""
    )
    if kind == "split":
        copy = f"<div>{heading}{text}{cta_html}</div>"
        picture = img(600, 450, "w-full rounded-xl shadow-lg", "hero")
        cols = picture + copy if spec.get("image_side") == "left" else copy + picture
        return wrap(f'<div class="grid grid-cols-2 gap-12 items-center">{cols}</div>', pad="py-20")
    if kind == "centered":
        return wrap(
            f'<div class="text-center">{heading}{text}{cta_html}</div>',
            width="max-w-3xl",
            pad="py-28",
        )
    if kind == "banner":
        return (
            f"<section>{img(1400, 450, 'w-full h-96 object-cover', 'banner')}"
            f'<div class="max-w-5xl mx-auto px-6 py-12">{heading}{text}{cta_html}</div></section>'
        )
    if kind == "large_text":
        return wrap(f'<div class="max-w-4xl">{heading}{text}{cta_html}</div>', pad="py-32")
    if kind == "block":
        return (
            f'<section class="{p.accent} px-6 pt-20 pb-32 text-center">'
            f'<h1 class="{size} font-extrabold leading-tight">{escape(spec["heading"])}</h1>'
            f'<p class="mt-6 text-xl opacity-90">{escape(spec["text"])}</p></section>'
            f'<div class="max-w-4xl mx-auto px-6 -mt-20">'
            f"{img(1000, 420, 'w-full rounded-2xl shadow-2xl', 'showcase')}</div>"
        )
    raise ValueError(f"unknown hero kind {kind!r}")


# ------------------------------------------------------------------------------------ sections


def features(p: Palette, heading: str, cols: int, items: list[tuple[str, str]], **kw: Any) -> str:
    icon = kw.get("icon", True)
    cards = ""
    for title, body in items:
        badge = f'<div class="w-12 h-12 rounded-full {p.accent} mb-4"></div>' if icon else ""
        cards += (
            f'<div class="{p.card} rounded-lg p-6">{badge}'
            f'<h3 class="text-xl font-semibold {p.heading}">{escape(title)}</h3>'
            f'<p class="mt-2 {p.muted}">{escape(body)}</p></div>'
        )
    align = kw.get("align", "text-center")
    inner = (
        section_heading(heading, p, align=align)
        + f'<div class="grid grid-cols-{cols} gap-8">{cards}</div>'
    )
    return wrap(inner, extra=kw.get("band", ""))


def gallery(
    p: Palette, heading: str, cols: int, count: int, size: tuple[int, int], **kw: Any
) -> str:
    width, height = size
    rounded = kw.get("rounded", "rounded-lg")
    pics = "".join(img(width, height, f"w-full {rounded}", f"photo {n + 1}") for n in range(count))
    title = section_heading(heading, p, align=kw.get("align", "")) if heading else ""
    gap = kw.get("gap", "gap-6")
    return wrap(
        f'{title}<div class="grid grid-cols-{cols} {gap}">{pics}</div>', extra=kw.get("band", "")
    )


def testimonial(p: Palette, quote: str, author: str, **kw: Any) -> str:
    photo = img(96, 96, "w-16 h-16 rounded-full mx-auto mb-4", author) if kw.get("photo") else ""
    inner = (
        f'<blockquote class="text-center">{photo}'
        f'<p class="text-2xl italic {p.heading}">&ldquo;{escape(quote)}&rdquo;</p>'
        f'<cite class="block mt-6 not-italic font-semibold {p.muted}">{escape(author)}</cite>'
        "</blockquote>"
    )
    return wrap(inner, width="max-w-3xl", extra=kw.get("band", ""))


def pricing(p: Palette, heading: str, plans: list[tuple[str, str, list[str]]], **kw: Any) -> str:
    best = kw.get("highlight", -1)
    cards = ""
    for index, (name, price, perks) in enumerate(plans):
        style = f"{p.accent} transform scale-105 shadow-xl" if index == best else p.card
        perk_items = "".join(f'<li class="py-1">{escape(perk)}</li>' for perk in perks)
        cards += (
            f'<div class="{style} rounded-xl p-8 text-center">'
            f'<h3 class="text-lg font-semibold uppercase tracking-wide">{escape(name)}</h3>'
            f'<p class="text-4xl font-extrabold my-4">{escape(price)}</p>'
            f'<ul class="text-sm">{perk_items}</ul></div>'
        )
    inner = section_heading(heading, p, align="text-center") + (
        f'<div class="grid grid-cols-{len(plans)} gap-8 items-center">{cards}</div>'
    )
    return wrap(inner, width=kw.get("width", "max-w-5xl"), extra=kw.get("band", ""))


def stats(p: Palette, items: list[tuple[str, str]], **kw: Any) -> str:
    cells = "".join(
        f'<div><p class="text-5xl font-extrabold">{escape(number)}</p>'
        f'<p class="mt-2 uppercase text-sm tracking-wide opacity-80">{escape(label)}</p></div>'
        for number, label in items
    )
    band = kw.get("band", p.accent)
    return wrap(
        f'<div class="grid grid-cols-{len(items)} gap-8 text-center">{cells}</div>',
        pad="py-12",
        extra=band,
    )


def menu(
    p: Palette, heading: str, items: list[tuple[str, str, str]], cols: int = 2, **kw: Any
) -> str:
    rows = "".join(
        f'<div class="flex justify-between border-b border-dashed pb-3">'
        f'<div><h3 class="font-semibold text-lg {p.heading}">{escape(name)}</h3>'
        f'<p class="text-sm {p.muted}">{escape(desc)}</p></div>'
        f'<span class="font-bold text-lg">{escape(price)}</span></div>'
        for name, desc, price in items
    )
    inner = section_heading(heading, p, align=kw.get("align", "text-center")) + (
        f'<div class="grid grid-cols-{cols} gap-x-12 gap-y-6">{rows}</div>'
    )
    return wrap(inner, width=kw.get("width", "max-w-5xl"), extra=kw.get("band", ""))


def steps(p: Palette, heading: str, items: list[tuple[str, str]], **kw: Any) -> str:
    if kw.get("vertical"):
        entries = "".join(
            f'<div class="flex mb-8"><div class="flex-shrink-0 w-10 h-10 rounded-full {p.accent} '
            f'flex items-center justify-center font-bold">{n}</div>'
            f'<div class="ml-6"><h3 class="text-xl font-semibold {p.heading}">{escape(title)}</h3>'
            f'<p class="{p.muted}">{escape(body)}</p></div></div>'
            for n, (title, body) in enumerate(items, start=1)
        )
        return wrap(
            section_heading(heading, p) + entries, width="max-w-3xl", extra=kw.get("band", "")
        )
    entries = "".join(
        f'<div class="text-center"><div class="mx-auto w-14 h-14 rounded-full {p.accent} flex '
        f'items-center justify-center text-2xl font-bold">{n}</div>'
        f'<h3 class="mt-4 text-lg font-semibold {p.heading}">{escape(title)}</h3>'
        f'<p class="mt-1 text-sm {p.muted}">{escape(body)}</p></div>'
        for n, (title, body) in enumerate(items, start=1)
    )
    inner = section_heading(heading, p, align="text-center") + (
        f'<div class="grid grid-cols-{len(items)} gap-10">{entries}</div>'
    )
    return wrap(inner, extra=kw.get("band", ""))


def contact(p: Palette, heading: str, fields: list[str], submit: str, **kw: Any) -> str:
    inputs = "".join(
        f'<label class="block mb-4">'
        f'<span class="text-sm font-medium {p.muted}">{escape(label)}</span>'
        + (
            '<textarea rows="4" class="mt-1 block w-full border rounded p-2 text-gray-900">'
            "</textarea>"
            if label.lower().startswith(("message", "notes", "anything", "tell"))
            else '<input type="text" class="mt-1 block w-full border rounded p-2 text-gray-900">'
        )
        + "</label>"
        for label in fields
    )
    form = (
        f'<form class="{p.card} rounded-xl p-8 shadow">{inputs}'
        f'<button type="submit" class="{p.accent} w-full py-3 rounded-lg font-semibold">'
        f"{escape(submit)}</button></form>"
    )
    aside = kw.get("aside")
    if aside:
        info = "".join(f'<p class="mb-2 {p.muted}">{escape(line)}</p>' for line in aside)
        body = (
            f'<div class="grid grid-cols-2 gap-12"><div>{section_heading(heading, p)}{info}</div>'
            f"{form}</div>"
        )
        return wrap(body, width="max-w-5xl", extra=kw.get("band", ""))
    return wrap(
        section_heading(heading, p, align="text-center") + form,
        width="max-w-xl",
        extra=kw.get("band", ""),
    )


def cta(p: Palette, heading: str, text: str, label: str, **kw: Any) -> str:
    return (
        f'<section class="{p.accent} px-6 py-16 text-center">'
        f'<h2 class="text-3xl font-bold">{escape(heading)}</h2>'
        f'<p class="mt-3 text-lg opacity-90">{escape(text)}</p>'
        f'<div class="mt-8">'
        f"{button(label, 'bg-white text-gray-900 px-8 py-3 rounded-full font-semibold')}"
        f"</div></section>"
    )


def articles(p: Palette, heading: str, items: list[tuple[str, str, str]], **kw: Any) -> str:
    entries = "".join(
        f'<article class="flex items-start mb-10">{img(240, 160, "w-60 rounded-lg flex-shrink-0")}'
        f'<div class="ml-8"><p class="text-xs uppercase tracking-wide {p.muted}">{escape(date)}</p>'
        f'<h3 class="text-2xl font-bold {p.heading} mt-1">{escape(title)}</h3>'
        f'<p class="mt-2 {p.muted}">{escape(excerpt)}</p></div></article>'
        for title, date, excerpt in items
    )
    return wrap(section_heading(heading, p) + entries, width=kw.get("width", "max-w-4xl"))


def team(p: Palette, heading: str, people: list[tuple[str, str]], cols: int, **kw: Any) -> str:
    shape = kw.get("shape", "rounded-full")
    cards = "".join(
        f'<div class="text-center">{img(200, 200, f"w-32 h-32 {shape} mx-auto", name)}'
        f'<h3 class="mt-4 text-lg font-semibold {p.heading}">{escape(name)}</h3>'
        f'<p class="text-sm {p.muted}">{escape(role)}</p></div>'
        for name, role in people
    )
    inner = section_heading(heading, p, align="text-center") + (
        f'<div class="grid grid-cols-{cols} gap-10">{cards}</div>'
    )
    return wrap(inner, extra=kw.get("band", ""))


def faq(p: Palette, heading: str, items: list[tuple[str, str]], **kw: Any) -> str:
    entries = "".join(
        f'<div class="{p.card} rounded-lg p-5 mb-4">'
        f'<h3 class="font-semibold text-lg {p.heading}">{escape(q)}</h3>'
        f'<p class="mt-2 {p.muted}">{escape(a)}</p></div>'
        for q, a in items
    )
    return wrap(section_heading(heading, p) + entries, width="max-w-3xl", extra=kw.get("band", ""))


def table(p: Palette, heading: str, columns: list[str], rows: list[list[str]], **kw: Any) -> str:
    head = "".join(f'<th class="px-4 py-3 text-left">{escape(c)}</th>' for c in columns)
    body = "".join(
        '<tr class="border-b">'
        + "".join(f'<td class="px-4 py-3">{escape(cell)}</td>' for cell in row)
        + "</tr>"
        for row in rows
    )
    inner = section_heading(heading, p) + (
        f'<table class="w-full {p.card} rounded-lg overflow-hidden">'
        f'<thead class="{p.accent}"><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )
    return wrap(inner, width=kw.get("width", "max-w-5xl"), extra=kw.get("band", ""))


def newsletter(p: Palette, heading: str, text: str, label: str, **kw: Any) -> str:
    inner = (
        f'<div class="{p.card} rounded-2xl p-10 text-center">'
        f'<h2 class="text-2xl font-bold {p.heading}">{escape(heading)}</h2>'
        f'<p class="mt-2 {p.muted}">{escape(text)}</p>'
        f'<form class="mt-6 flex justify-center"><input type="email" placeholder="you@example.com" '
        f'class="w-72 border rounded-l-lg px-4 py-3 text-gray-900">'
        f'<button type="submit" class="{p.accent} px-6 rounded-r-lg font-semibold">'
        f"{escape(label)}</button></form></div>"
    )
    return wrap(inner, width="max-w-3xl", extra=kw.get("band", ""))


def about(p: Palette, heading: str, paragraphs: list[str], **kw: Any) -> str:
    copy = f"<div>{section_heading(heading, p)}" + "".join(
        f'<p class="mb-4 text-lg {p.muted}">{escape(text)}</p>' for text in paragraphs
    )
    copy += "</div>"
    if kw.get("image", True):
        picture = img(560, 420, "w-full rounded-lg", heading)
        cols = picture + copy if kw.get("image_side") == "left" else copy + picture
        body = f'<div class="grid grid-cols-2 gap-12 items-center">{cols}</div>'
        return wrap(body, extra=kw.get("band", ""))
    return wrap(copy, width="max-w-3xl", extra=kw.get("band", ""))


def cards(p: Palette, heading: str, cols: int, items: list[tuple[str, str, str]], **kw: Any) -> str:
    """Image cards with a title, a line of detail and a highlighted value (price, date...)."""
    width, height = kw.get("size", (400, 300))
    entries = "".join(
        f'<div class="{p.card} rounded-xl overflow-hidden shadow">'
        f'{img(width, height, "w-full")}<div class="p-5">'
        f'<h3 class="text-lg font-bold {p.heading}">{escape(title)}</h3>'
        f'<p class="text-sm {p.muted}">{escape(detail)}</p>'
        f'<p class="mt-3 font-semibold text-lg">{escape(value)}</p></div></div>'
        for title, detail, value in items
    )
    inner = section_heading(heading, p, align=kw.get("align", "")) + (
        f'<div class="grid grid-cols-{cols} gap-8">{entries}</div>'
    )
    return wrap(inner, extra=kw.get("band", ""))


SECTIONS = {
    "features": features,
    "gallery": gallery,
    "testimonial": testimonial,
    "pricing": pricing,
    "stats": stats,
    "menu": menu,
    "steps": steps,
    "contact": contact,
    "cta": cta,
    "articles": articles,
    "team": team,
    "faq": faq,
    "table": table,
    "newsletter": newsletter,
    "about": about,
    "cards": cards,
}


# -------------------------------------------------------------------------------------- footers


def footer(kind: str, brand: str, text: str, p: Palette, columns: dict[str, list[str]]) -> str:
    if kind == "none":
        return ""
    if kind == "simple":
        return f'<footer class="{p.footer} py-8 text-center text-sm">{escape(text)}</footer>'
    if kind == "columns":
        blocks = "".join(
            '<div><h4 class="font-semibold uppercase text-sm tracking-wide mb-3">'
            f"{escape(title)}</h4>"
            + "".join(f'<p class="text-sm opacity-80 mb-1">{escape(item)}</p>' for item in items)
            + "</div>"
            for title, items in columns.items()
        )
        return (
            f'<footer class="{p.footer} px-6 py-12"><div class="max-w-6xl mx-auto grid '
            f'grid-cols-{len(columns) + 1} gap-8">'
            f'<div><p class="text-xl font-bold">{escape(brand)}</p>'
            f'<p class="mt-2 text-sm opacity-80">{escape(text)}</p></div>{blocks}</div></footer>'
        )
    raise ValueError(f"unknown footer kind {kind!r}")


# ----------------------------------------------------------------------------------- the page


def page(spec: dict[str, Any]) -> str:
    """The whole HTML document for one page spec."""
    p: Palette = spec["palette"]
    nav_kind, nav_items, nav_cta = spec["nav"]
    body = ""
    if nav_kind != "sidebar":
        body += nav(nav_kind, spec["brand"], nav_items, nav_cta, p)
    if spec.get("hero"):
        body += hero(spec["hero"], p)
    for name, kwargs in spec["sections"]:
        body += SECTIONS[name](p, **kwargs)
    foot_kind, foot_text, *foot_cols = spec["footer"]
    body += footer(foot_kind, spec["brand"], foot_text, p, foot_cols[0] if foot_cols else {})
    if nav_kind == "sidebar":
        body = (
            f'<div class="flex">{sidebar(spec["brand"], nav_items, p)}'
            f'<main class="flex-1">{body}</main></div>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(spec['brand'])}</title>\n"
        f'<link href="{TAILWIND_URL}" rel="stylesheet">\n</head>\n'
        f'<body class="{p.page} {spec.get("font", "font-sans")}">\n{body}\n</body>\n</html>\n'
    )


# ---------------------------------------------------------------------------------- the build


class AuthoringError(ValueError):
    """A page spec that cannot become a task row."""


def split_for(task_id: str) -> str:
    for prefix, split in SPLIT_PREFIXES.items():
        if task_id.startswith(prefix):
            return split
    raise AuthoringError(f"id {task_id!r}: must start with one of {', '.join(SPLIT_PREFIXES)}")


def collect_tasks(pages: list[dict[str, Any]] | None = None) -> list[Task]:
    """One frontend :class:`Task` per page spec, sorted by id; ids must be unique."""
    tasks: dict[str, Task] = {}
    for spec in PAGES if pages is None else pages:
        task_id = spec["id"]
        if task_id in tasks:
            raise AuthoringError(f"id {task_id}: defined twice")
        tasks[task_id] = Task(
            id=task_id,
            kind="frontend",
            problem_description=" ".join(spec["request"].split()),
            ground_truth=page(spec),
            split=split_for(task_id),
            source="duet",
        )
    return [tasks[key] for key in sorted(tasks)]


def build(out_dir: Path) -> dict[str, int]:
    """Write ``train.jsonl`` and ``test.jsonl`` under ``out_dir``; returns rows per split."""
    return write_task_splits(collect_tasks(), out_dir, kind="frontend")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the bundled ColBench frontend tasks.")
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_ROOT / "data" / "colbench" / "frontend",
        help="output folder (default: data/colbench/frontend)",
    )
    args = parser.parse_args(argv)
    try:
        counts = build(args.out)
    except AuthoringError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for split, count in counts.items():
        print(f"{args.out / (split + '.jsonl')}: {count} tasks")
    return 0


# ---------------------------------------------------------------------------------- the pages
# Tailwind 2.2.19's default build has only gray, red, yellow, green, blue, indigo, purple and pink
# (plus black and white); every palette below stays within them.

PAGES: list[dict[str, Any]] = [
    {
        "id": "fe-train-001",
        "request": (
            "I want a landing page for my bakery. Something warm that makes people want to come "
            "in and try our bread."
        ),
        "brand": "Crumb & Co.",
        "font": "font-serif",
        "palette": Palette(
            page="bg-yellow-50 text-gray-800",
            nav="bg-yellow-900 text-yellow-50",
            accent="bg-yellow-600 text-white",
            heading="text-yellow-900",
            muted="text-gray-600",
            card="bg-white border border-yellow-200",
            footer="bg-yellow-900 text-yellow-100",
        ),
        "nav": ("bar", ["Breads", "Pastries", "Our Story", "Visit"], "Order ahead"),
        "hero": {
            "kind": "split",
            "image_side": "right",
            "heading": "Baked before sunrise, every single day",
            "text": "Slow-fermented sourdough, flaky croissants and seasonal tarts from our "
            "wood-fired oven on Mill Street.",
            "cta": "See today's bakes",
        },
        "sections": [
            (
                "features",
                {
                    "heading": "What comes out of our oven",
                    "cols": 3,
                    "items": [
                        ("Country sourdough", "48-hour rise, crackling crust, open crumb."),
                        ("Butter croissants", "Laminated by hand with cultured French butter."),
                        ("Seasonal tarts", "Fruit from the farm down the road, all summer."),
                    ],
                },
            ),
            (
                "testimonial",
                {
                    "quote": "The best loaf in town. I walk twenty minutes for it every Saturday.",
                    "author": "Helen, a regular since 2015",
                    "band": "bg-yellow-100",
                },
            ),
        ],
        "footer": ("simple", "Crumb & Co. - 12 Mill Street - Open Tue-Sun 7am to 2pm"),
    },
    {
        "id": "fe-train-002",
        "request": "I'm a photographer and I need a portfolio site to show my work.",
        "brand": "NORA VEGA",
        "palette": Palette(
            page="bg-gray-900 text-gray-100",
            nav="bg-gray-900 text-white",
            accent="bg-white text-gray-900",
            heading="text-white",
            muted="text-gray-400",
            card="bg-gray-800",
            footer="bg-black text-gray-500",
        ),
        "nav": ("minimal", [], "Book a shoot"),
        "hero": {
            "kind": "large_text",
            "size": "text-7xl",
            "heading": "Light, people, places.",
            "text": "Editorial and documentary photographer based in Lisbon.",
        },
        "sections": [
            (
                "gallery",
                {
                    "heading": "",
                    "cols": 3,
                    "count": 9,
                    "size": (500, 500),
                    "rounded": "",
                    "gap": "gap-2",
                },
            ),
            (
                "about",
                {
                    "heading": "About",
                    "image": False,
                    "paragraphs": [
                        "I photograph people at work and the places they love, mostly on film.",
                        "Recent clients include Monocle, Kinfolk and the Lisbon Architecture "
                        "Triennale.",
                    ],
                },
            ),
        ],
        "footer": ("simple", "nora@noravega.photo"),
    },
    {
        "id": "fe-train-003",
        "request": (
            "I teach yoga and want a website for my studio so people can see when classes are."
        ),
        "brand": "Still Water Yoga",
        "palette": Palette(
            page="bg-green-50 text-green-900",
            nav="bg-white text-green-800",
            accent="bg-green-600 text-white",
            heading="text-green-800",
            muted="text-green-700",
            card="bg-white",
            footer="bg-green-800 text-green-100",
        ),
        "nav": ("centered", ["Classes", "Schedule", "Pricing", "Teachers"], None),
        "hero": {
            "kind": "centered",
            "size": "text-6xl",
            "heading": "Breathe in. Slow down.",
            "text": "Small classes in a sunlit room, for every body and every level.",
            "cta": "Try a class free",
        },
        "sections": [
            (
                "table",
                {
                    "heading": "Weekly schedule",
                    "columns": ["Day", "Time", "Class", "Teacher"],
                    "rows": [
                        ["Monday", "7:00", "Vinyasa Flow", "Ana"],
                        ["Tuesday", "18:30", "Yin", "Marco"],
                        ["Thursday", "7:00", "Hatha Basics", "Ana"],
                        ["Saturday", "10:00", "Restorative", "Lina"],
                    ],
                },
            ),
            (
                "pricing",
                {
                    "heading": "Passes",
                    "highlight": 1,
                    "plans": [
                        ("Drop-in", "$18", ["One class", "Mat included"]),
                        ("10 classes", "$150", ["Valid 3 months", "Share with a friend"]),
                        ("Unlimited", "$120/mo", ["Every class", "Workshops -20%"]),
                    ],
                },
            ),
        ],
        "footer": ("simple", "Still Water Yoga - 4 Harbour Lane"),
    },
    {
        "id": "fe-train-004",
        "request": (
            "I run a plumbing business and I need a simple site where customers can find me and "
            "ask for a quote."
        ),
        "brand": "Reliable Pipes",
        "palette": Palette(
            page="bg-white text-gray-800",
            nav="bg-blue-700 text-white",
            accent="bg-blue-600 text-white",
            heading="text-blue-900",
            muted="text-gray-600",
            card="bg-blue-50",
            footer="bg-blue-900 text-blue-100",
        ),
        "nav": ("bar", ["Services", "How it works", "Contact"], "Call 555-0142"),
        "hero": {
            "kind": "banner",
            "size": "text-4xl",
            "heading": "Leaks, clogs and boilers fixed the same day",
            "text": "Licensed plumbers serving the whole county, 24 hours a day.",
            "cta": "Get a free quote",
        },
        "sections": [
            (
                "steps",
                {
                    "heading": "How it works",
                    "items": [
                        ("Call or write", "Tell us what is wrong."),
                        ("We quote", "A fixed price before we start."),
                        ("We fix it", "Most jobs done in one visit."),
                    ],
                },
            ),
            (
                "contact",
                {
                    "heading": "Ask for a quote",
                    "fields": ["Name", "Phone", "Address", "Message"],
                    "submit": "Send request",
                    "aside": ["Phone: 555-0142", "Email: help@reliablepipes.com", "Mon-Sun, 24h"],
                    "band": "bg-gray-100",
                },
            ),
        ],
        "footer": ("simple", "Reliable Pipes LLC - Licence #44-1902"),
    },
    {
        "id": "fe-train-005",
        "request": (
            "I'm launching a software product for small teams and need a landing page for it."
        ),
        "brand": "Tasklane",
        "palette": Palette(
            page="bg-white text-gray-700",
            nav="bg-gray-900 text-white",
            accent="bg-indigo-600 text-white",
            heading="text-gray-900",
            muted="text-gray-500",
            card="bg-gray-50 border border-gray-200",
            footer="bg-gray-900 text-gray-300",
        ),
        "nav": ("pill", ["Features", "Pricing", "Docs"], "Sign up"),
        "hero": {
            "kind": "centered",
            "size": "text-6xl",
            "heading": "Plan less. Ship more.",
            "text": "Tasklane keeps your team's work in one calm list, with no meetings about "
            "the meetings.",
            "cta": "Start free trial",
        },
        "sections": [
            (
                "features",
                {
                    "heading": "Everything a small team needs",
                    "cols": 4,
                    "items": [
                        ("Lanes", "Group work by goal, not by tool."),
                        ("Focus mode", "Only today's tasks on screen."),
                        ("Integrations", "GitHub, Slack and your calendar."),
                        ("Reports", "A weekly summary in your inbox."),
                    ],
                },
            ),
            (
                "pricing",
                {
                    "heading": "Simple pricing",
                    "highlight": 1,
                    "plans": [
                        ("Starter", "$0", ["3 users", "1 workspace"]),
                        ("Team", "$8", ["Per user / month", "Unlimited lanes"]),
                        ("Business", "$15", ["Per user / month", "SSO and audit log"]),
                    ],
                },
            ),
        ],
        "footer": (
            "columns",
            "Made for teams of 2 to 50.",
            {
                "Product": ["Features", "Pricing", "Changelog"],
                "Company": ["About", "Careers", "Blog"],
                "Help": ["Docs", "Status", "Contact"],
            },
        ),
    },
    {
        "id": "fe-train-006",
        "request": "We're getting married next summer and I'd like a page for our guests.",
        "brand": "Maya & Tom",
        "font": "font-serif",
        "palette": Palette(
            page="bg-pink-50 text-gray-700",
            nav="bg-pink-50 text-pink-700",
            accent="bg-pink-500 text-white",
            heading="text-pink-700",
            muted="text-gray-500",
            card="bg-white",
            footer="bg-pink-100 text-pink-700",
        ),
        "nav": ("none", [], None),
        "hero": {
            "kind": "centered",
            "size": "text-7xl",
            "heading": "Maya & Tom",
            "text": "Saturday, 14 June - Villa Rosa, Lake Como",
        },
        "sections": [
            (
                "gallery",
                {
                    "heading": "",
                    "cols": 2,
                    "count": 2,
                    "size": (600, 400),
                    "rounded": "rounded-full",
                },
            ),
            (
                "steps",
                {
                    "heading": "The day",
                    "vertical": True,
                    "items": [
                        ("3 pm - Ceremony", "In the garden by the lake."),
                        ("5 pm - Drinks", "On the terrace, with music."),
                        ("7 pm - Dinner", "Long tables under the lemon trees."),
                        ("10 pm - Dancing", "Until the boats stop running."),
                    ],
                },
            ),
            (
                "contact",
                {
                    "heading": "Will you join us?",
                    "fields": ["Your names", "Number of guests", "Dietary needs", "Message for us"],
                    "submit": "Send RSVP",
                },
            ),
        ],
        "footer": ("simple", "With love, Maya & Tom"),
    },
    {
        "id": "fe-train-007",
        "request": (
            "I own a coffee shop and want our menu online so people can check it before coming."
        ),
        "brand": "Ember Coffee",
        "palette": Palette(
            page="bg-yellow-900 text-yellow-50",
            nav="bg-yellow-900 text-yellow-100 border-b border-yellow-700",
            accent="bg-yellow-400 text-yellow-900",
            heading="text-yellow-200",
            muted="text-yellow-100",
            card="bg-yellow-800",
            footer="bg-black text-yellow-200",
        ),
        "nav": ("split", ["Menu", "Beans", "Find us"], "Order pickup"),
        "hero": None,
        "sections": [
            (
                "menu",
                {
                    "heading": "Coffee",
                    "items": [
                        ("Espresso", "Our house blend, chocolate and cherry", "$3.00"),
                        ("Flat white", "Double shot, silky milk", "$4.20"),
                        ("Filter of the day", "Single origin, ask the barista", "$3.80"),
                        ("Iced oat latte", "With house vanilla syrup", "$5.00"),
                    ],
                },
            ),
            (
                "menu",
                {
                    "heading": "Something to eat",
                    "items": [
                        ("Cardamom bun", "Baked in house every morning", "$3.50"),
                        ("Avocado toast", "Chilli, lime, sourdough", "$9.00"),
                        ("Granola bowl", "Yoghurt and berries", "$7.50"),
                        ("Grilled cheese", "Three cheeses, pickles", "$8.50"),
                    ],
                    "band": "bg-yellow-800",
                },
            ),
            (
                "gallery",
                {
                    "heading": "",
                    "cols": 4,
                    "count": 4,
                    "size": (300, 300),
                    "rounded": "rounded-full",
                },
            ),
        ],
        "footer": ("simple", "Ember Coffee - 88 Foundry Road - 7am to 5pm daily"),
    },
    {
        "id": "fe-train-008",
        "request": "I write about gardening and want a blog homepage for my posts.",
        "brand": "The Patient Gardener",
        "font": "font-serif",
        "palette": Palette(
            page="bg-white text-gray-900",
            nav="bg-white text-gray-900 border-b",
            accent="bg-gray-900 text-white",
            heading="text-gray-900",
            muted="text-gray-500",
            card="bg-gray-50",
            footer="bg-white text-gray-500 border-t",
        ),
        "nav": ("bar", ["Posts", "Seasons", "About", "Subscribe"], None),
        "hero": None,
        "sections": [
            (
                "articles",
                {
                    "heading": "Latest posts",
                    "items": [
                        (
                            "Planting garlic in October",
                            "October 3",
                            "Why autumn cloves make bigger bulbs, and how deep to set them.",
                        ),
                        (
                            "A small pond for frogs",
                            "September 18",
                            "Dug in a weekend with a spade and a second-hand liner.",
                        ),
                        (
                            "Saving tomato seeds",
                            "September 2",
                            "Ferment, rinse, dry: the three steps to next year's crop.",
                        ),
                        (
                            "The case for leaving the leaves",
                            "August 21",
                            "Your beetles, your soil and your back will thank you.",
                        ),
                    ],
                },
            ),
            (
                "newsletter",
                {
                    "heading": "A letter every season",
                    "text": "Four emails a year, one for each season. Nothing else.",
                    "label": "Subscribe",
                },
            ),
        ],
        "footer": ("simple", "Written in a shed in Devon."),
    },
    {
        "id": "fe-train-009",
        "request": "I'm a dentist opening my own practice. I need a website for it.",
        "brand": "Brightside Dental",
        "palette": Palette(
            page="bg-blue-50 text-gray-800",
            nav="bg-white text-blue-800 shadow",
            accent="bg-blue-500 text-white",
            heading="text-blue-800",
            muted="text-gray-600",
            card="bg-white shadow",
            footer="bg-blue-800 text-white",
        ),
        "nav": ("bar", ["Treatments", "Team", "FAQ"], "Book online"),
        "hero": {
            "kind": "split",
            "image_side": "left",
            "size": "text-4xl",
            "heading": "Gentle dentistry for the whole family",
            "text": "New patients welcome. Evening and Saturday appointments available.",
            "cta": "Book a check-up",
        },
        "sections": [
            (
                "team",
                {
                    "heading": "Meet the team",
                    "cols": 3,
                    "people": [
                        ("Dr. Priya Shah", "Dentist and founder"),
                        ("Dr. Leo Martin", "Orthodontist"),
                        ("Sam Okafor", "Hygienist"),
                    ],
                },
            ),
            (
                "faq",
                {
                    "heading": "Questions",
                    "items": [
                        ("Do you take insurance?", "Yes, most major plans. Ask us about yours."),
                        ("Is there parking?", "Free parking behind the building."),
                        ("What if I'm nervous?", "Tell us. We go at your pace."),
                    ],
                },
            ),
        ],
        "footer": ("simple", "Brightside Dental - 200 Elm Avenue - (555) 014-2288"),
    },
    {
        "id": "fe-train-010",
        "request": "I opened a gym and need a bold website that gets people to sign up.",
        "brand": "IRONWORKS",
        "palette": Palette(
            page="bg-black text-white",
            nav="bg-black text-yellow-400",
            accent="bg-yellow-400 text-black",
            heading="text-yellow-400",
            muted="text-gray-300",
            card="bg-gray-900",
            footer="bg-yellow-400 text-black",
        ),
        "nav": ("bar", ["Classes", "Coaches", "Membership"], "Join now"),
        "hero": {
            "kind": "large_text",
            "size": "text-8xl",
            "heading": "NO EXCUSES.",
            "text": "Open 24/7. Free weights, rigs, sleds and coaches who actually coach.",
            "cta": "Get your first week free",
        },
        "sections": [
            (
                "stats",
                {
                    "items": [
                        ("24/7", "Open"),
                        ("3,000", "sq m of floor"),
                        ("40+", "Classes a week"),
                    ]
                },
            ),
            (
                "pricing",
                {
                    "heading": "MEMBERSHIP",
                    "highlight": 0,
                    "width": "max-w-3xl",
                    "plans": [
                        ("Monthly", "$49", ["All classes", "No contract"]),
                        ("Yearly", "$490", ["Two months free", "Guest passes"]),
                    ],
                },
            ),
        ],
        "footer": ("simple", "IRONWORKS - 1 Forge Street"),
    },
    {
        "id": "fe-train-011",
        "request": "I own an independent bookstore and want a homepage for it.",
        "brand": "Paper Lantern Books",
        "palette": Palette(
            page="bg-white text-gray-800",
            nav="bg-green-900 text-green-50",
            accent="bg-green-700 text-white",
            heading="text-green-900",
            muted="text-gray-600",
            card="bg-green-50",
            footer="bg-green-900 text-green-200",
        ),
        "nav": ("centered", ["New", "Staff picks", "Events", "Visit"], None),
        "hero": {
            "kind": "split",
            "image_side": "right",
            "size": "text-5xl",
            "heading": "Good books, chosen by people who read them",
            "text": "Thirty thousand titles, a reading nook and a cat called Dickens.",
        },
        "sections": [
            (
                "cards",
                {
                    "heading": "Staff picks this month",
                    "cols": 4,
                    "size": (300, 420),
                    "items": [
                        ("The Salt Path", "Chosen by Ruth", "$16.99"),
                        ("Piranesi", "Chosen by Ahmed", "$14.50"),
                        ("Braiding Sweetgrass", "Chosen by June", "$18.00"),
                        ("Klara and the Sun", "Chosen by Ben", "$15.25"),
                    ],
                },
            ),
            (
                "newsletter",
                {
                    "heading": "Events and new arrivals",
                    "text": "Author readings, book clubs and the occasional party.",
                    "label": "Sign me up",
                },
            ),
        ],
        "footer": ("simple", "Paper Lantern Books - 9 Quay Street - Open daily 10 to 7"),
    },
    {
        "id": "fe-train-012",
        "request": "My band needs a website with our tour dates and some photos.",
        "brand": "The Night Owls",
        "palette": Palette(
            page="bg-purple-900 text-purple-100",
            nav="bg-purple-900 text-white",
            accent="bg-pink-500 text-white",
            heading="text-white",
            muted="text-purple-300",
            card="bg-purple-800",
            footer="bg-black text-purple-300",
        ),
        "nav": ("minimal", [], "Listen now"),
        "hero": {
            "kind": "banner",
            "size": "text-6xl",
            "heading": "New album 'Static Hearts' out now",
            "text": "Ten songs recorded live in a church in Leeds.",
        },
        "sections": [
            (
                "table",
                {
                    "heading": "Tour dates",
                    "columns": ["Date", "City", "Venue", "Tickets"],
                    "rows": [
                        ["Mar 02", "Manchester", "Band on the Wall", "Sold out"],
                        ["Mar 05", "Glasgow", "King Tut's", "Available"],
                        ["Mar 09", "Dublin", "Whelan's", "Available"],
                        ["Mar 14", "London", "Scala", "Few left"],
                    ],
                },
            ),
            ("gallery", {"heading": "Live", "cols": 3, "count": 6, "size": (400, 300)}),
        ],
        "footer": ("simple", "Booking: agent@nightowls.band"),
    },
    {
        "id": "fe-train-013",
        "request": "I'm a real estate agent and I want a page that shows the houses I'm selling.",
        "brand": "Harbor Homes",
        "palette": Palette(
            page="bg-gray-100 text-gray-800",
            nav="bg-white text-gray-800 shadow",
            accent="bg-red-600 text-white",
            heading="text-gray-900",
            muted="text-gray-500",
            card="bg-white",
            footer="bg-gray-800 text-gray-300",
        ),
        "nav": ("bar", ["Buy", "Sell", "Rent", "About"], "Book a viewing"),
        "hero": None,
        "sections": [
            (
                "cards",
                {
                    "heading": "Homes for sale",
                    "cols": 3,
                    "items": [
                        ("14 Willow Lane", "3 bed - 2 bath - garden", "$425,000"),
                        ("The Old Mill, Unit 4", "2 bed - river view", "$389,000"),
                        ("88 Harbor Road", "4 bed - garage - sea view", "$610,000"),
                        ("7 Chapel Row", "2 bed cottage", "$299,000"),
                        ("Flat 12, Quay House", "1 bed - balcony", "$245,000"),
                        ("Ridge Farmhouse", "5 bed - 2 acres", "$875,000"),
                    ],
                },
            ),
            (
                "cta",
                {
                    "heading": "Thinking of selling?",
                    "text": "Get a free valuation within 48 hours.",
                    "label": "Value my home",
                },
            ),
        ],
        "footer": ("simple", "Harbor Homes Realty - Licensed in ME and NH"),
    },
    {
        "id": "fe-train-014",
        "request": (
            "I volunteer at an animal shelter and we need a website to find homes for our pets."
        ),
        "brand": "Second Chance Shelter",
        "palette": Palette(
            page="bg-white text-gray-800",
            nav="bg-yellow-400 text-gray-900",
            accent="bg-red-500 text-white",
            heading="text-gray-900",
            muted="text-gray-600",
            card="bg-yellow-50",
            footer="bg-gray-900 text-yellow-300",
        ),
        "nav": ("bar", ["Adopt", "Volunteer", "Donate"], "Donate"),
        "hero": {
            "kind": "split",
            "image_side": "right",
            "size": "text-5xl",
            "heading": "Every pet deserves a second chance",
            "text": "We are a volunteer-run shelter. Every adoption frees a kennel for another "
            "animal in need.",
            "cta": "Meet our animals",
        },
        "sections": [
            (
                "stats",
                {"items": [("1,240", "Pets adopted"), ("85", "Volunteers"), ("12", "Years")]},
            ),
            (
                "cards",
                {
                    "heading": "Looking for a home",
                    "cols": 4,
                    "size": (300, 300),
                    "items": [
                        ("Biscuit", "Beagle mix, 3 years", "Good with kids"),
                        ("Luna", "Tabby cat, 1 year", "Loves laps"),
                        ("Rocco", "Boxer, 6 years", "Gentle giant"),
                        ("Pip", "Rabbit, 2 years", "Litter trained"),
                    ],
                },
            ),
        ],
        "footer": ("simple", "Second Chance Shelter is a registered charity."),
    },
    {
        "id": "fe-train-015",
        "request": (
            "I have an Italian restaurant and want a nice website where people can book a table."
        ),
        "brand": "Trattoria Nonna",
        "font": "font-serif",
        "palette": Palette(
            page="bg-red-50 text-gray-800",
            nav="bg-white text-red-800 border-b-4 border-red-700",
            accent="bg-red-700 text-white",
            heading="text-red-800",
            muted="text-gray-600",
            card="bg-white",
            footer="bg-green-800 text-white",
        ),
        "nav": ("centered", ["Menu", "Wine", "Private dining", "Book"], None),
        "hero": {
            "kind": "banner",
            "size": "text-5xl",
            "heading": "Recipes from our grandmother's kitchen in Bologna",
            "text": "Fresh pasta rolled every morning. Dinner Tuesday to Sunday.",
        },
        "sections": [
            (
                "menu",
                {
                    "heading": "From the menu",
                    "cols": 1,
                    "width": "max-w-2xl",
                    "items": [
                        ("Tagliatelle al ragu", "Slow-cooked beef and pork ragu", "$19"),
                        ("Tortellini in brodo", "Hand-folded, in capon broth", "$17"),
                        ("Saltimbocca", "Veal, sage, prosciutto, white wine", "$26"),
                        ("Tiramisu", "The way Nonna made it", "$9"),
                    ],
                },
            ),
            (
                "contact",
                {
                    "heading": "Book a table",
                    "fields": ["Name", "Date", "Time", "Number of guests"],
                    "submit": "Request booking",
                    "band": "bg-white",
                },
            ),
        ],
        "footer": ("simple", "Trattoria Nonna - 21 Via Roma Street - Closed Mondays"),
    },
    {
        "id": "fe-train-016",
        "request": "I teach an evening course at the university and want a page for my students.",
        "brand": "DATA 210",
        "palette": Palette(
            page="bg-gray-50 text-gray-800",
            nav="bg-blue-900 text-blue-100",
            accent="bg-blue-900 text-white",
            heading="text-blue-900",
            muted="text-gray-600",
            card="bg-white",
            footer="bg-gray-200 text-gray-600",
        ),
        "nav": (
            "sidebar",
            ["Overview", "Schedule", "Assignments", "Office hours", "Resources"],
            None,
        ),
        "hero": {
            "kind": "large_text",
            "size": "text-4xl",
            "heading": "Introduction to Data Analysis",
            "text": "Tuesdays 6-9 pm, Hall B 104. Bring a laptop with Python installed.",
        },
        "sections": [
            (
                "table",
                {
                    "heading": "Schedule",
                    "width": "max-w-4xl",
                    "columns": ["Week", "Topic", "Due"],
                    "rows": [
                        ["1", "Spreadsheets to DataFrames", "-"],
                        ["2", "Cleaning messy data", "Lab 1"],
                        ["3", "Summaries and plots", "Lab 2"],
                        ["4", "Sampling and uncertainty", "Quiz 1"],
                        ["5", "Linear regression", "Project proposal"],
                    ],
                },
            ),
            (
                "faq",
                {
                    "heading": "Course policies",
                    "items": [
                        ("Late work", "Two free late days for the term, no questions asked."),
                        ("Collaboration", "Discuss freely, write your own code."),
                    ],
                },
            ),
        ],
        "footer": ("simple", "Dr. R. Alvarez - Department of Statistics"),
    },
    {
        "id": "fe-train-017",
        "request": (
            "I need an internal dashboard page for my online shop that shows how sales are going."
        ),
        "brand": "ShopAdmin",
        "palette": Palette(
            page="bg-gray-100 text-gray-800",
            nav="bg-gray-800 text-gray-200",
            accent="bg-indigo-500 text-white",
            heading="text-gray-800",
            muted="text-gray-500",
            card="bg-white shadow",
            footer="bg-gray-100 text-gray-400",
        ),
        "nav": ("sidebar", ["Dashboard", "Orders", "Products", "Customers", "Settings"], None),
        "hero": None,
        "sections": [
            (
                "features",
                {
                    "heading": "This week",
                    "cols": 4,
                    "icon": False,
                    "align": "text-left",
                    "items": [
                        ("$12,480", "Revenue, up 8%"),
                        ("312", "Orders"),
                        ("2.4%", "Conversion rate"),
                        ("18", "Refunds"),
                    ],
                },
            ),
            (
                "table",
                {
                    "heading": "Recent orders",
                    "width": "max-w-6xl",
                    "columns": ["Order", "Customer", "Total", "Status"],
                    "rows": [
                        ["#1042", "Amira K.", "$84.00", "Shipped"],
                        ["#1041", "Jonas P.", "$19.50", "Processing"],
                        ["#1040", "Chen L.", "$240.00", "Shipped"],
                        ["#1039", "Maria G.", "$62.25", "Refunded"],
                        ["#1038", "Tom B.", "$31.00", "Delivered"],
                    ],
                },
            ),
        ],
        "footer": ("none", ""),
    },
    {
        "id": "fe-train-018",
        "request": (
            "I run a small travel agency and want a homepage that makes people dream of a trip."
        ),
        "brand": "Far & Away",
        "palette": Palette(
            page="bg-blue-50 text-blue-900",
            nav="bg-blue-50 text-blue-900",
            accent="bg-yellow-400 text-blue-900",
            heading="text-blue-900",
            muted="text-blue-700",
            card="bg-white",
            footer="bg-blue-900 text-yellow-300",
        ),
        "nav": ("bar", ["Destinations", "Tours", "Stories", "Contact"], "Plan my trip"),
        "hero": {
            "kind": "block",
            "size": "text-6xl",
            "heading": "Go somewhere that changes you",
            "text": "Small-group journeys to places most tourists never see.",
        },
        "sections": [
            (
                "cards",
                {
                    "heading": "Popular this season",
                    "cols": 3,
                    "align": "text-center",
                    "items": [
                        ("Lofoten, Norway", "8 days - northern lights", "from $2,900"),
                        ("Oaxaca, Mexico", "10 days - food and markets", "from $1,850"),
                        ("Hokkaido, Japan", "12 days - hot springs", "from $3,400"),
                    ],
                },
            ),
            (
                "testimonial",
                {
                    "quote": (
                        "Every detail was taken care of. We just had to show up and look around."
                    ),
                    "author": "Daniel and Rosa, Lofoten 2023",
                    "photo": True,
                },
            ),
        ],
        "footer": ("simple", "Far & Away Travel - ABTA P1234"),
    },
    {
        "id": "fe-train-019",
        "request": "I'm a freelance developer and want an online resume I can send to clients.",
        "brand": "Sam Park",
        "font": "font-mono",
        "palette": Palette(
            page="bg-white text-gray-800",
            nav="bg-gray-100 text-gray-900",
            accent="bg-green-600 text-white",
            heading="text-gray-900",
            muted="text-gray-600",
            card="bg-gray-100",
            footer="bg-white text-gray-400",
        ),
        "nav": ("sidebar", ["About", "Experience", "Skills", "Contact"], None),
        "hero": {
            "kind": "split",
            "image_side": "left",
            "size": "text-4xl",
            "heading": "Sam Park - backend developer",
            "text": "Ten years of Python and Go. I build APIs that stay up and code that the next "
            "person can read.",
            "cta": "Download CV",
        },
        "sections": [
            (
                "steps",
                {
                    "heading": "Experience",
                    "vertical": True,
                    "items": [
                        ("2021 - now: Freelance", "APIs and data pipelines for six startups."),
                        (
                            "2017 - 2021: Lead engineer, Parcelly",
                            "Scaled tracking to 2M parcels a day.",
                        ),
                        ("2014 - 2017: Developer, CityBank", "Payments and reporting services."),
                    ],
                },
            ),
            (
                "features",
                {
                    "heading": "Skills",
                    "cols": 3,
                    "icon": False,
                    "align": "text-left",
                    "items": [
                        ("Python", "Django, FastAPI, pandas"),
                        ("Go", "gRPC, high-throughput services"),
                        ("Ops", "Postgres, Kubernetes, Terraform"),
                    ],
                },
            ),
        ],
        "footer": ("simple", "sam@park.dev - github.com/sampark"),
    },
    {
        "id": "fe-train-020",
        "request": "We're organising a tech conference and need a website for it.",
        "brand": "DevSummit 2025",
        "palette": Palette(
            page="bg-indigo-900 text-indigo-100",
            nav="bg-indigo-700 text-white",
            accent="bg-pink-500 text-white",
            heading="text-white",
            muted="text-indigo-300",
            card="bg-indigo-800",
            footer="bg-indigo-900 text-indigo-300 border-t border-indigo-700",
        ),
        "nav": ("pill", ["Speakers", "Schedule", "Venue"], "Get tickets"),
        "hero": {
            "kind": "centered",
            "size": "text-7xl",
            "heading": "DevSummit 2025",
            "text": "May 14-15, Amsterdam. Two days, forty talks, one very long coffee break.",
            "cta": "Get tickets",
        },
        "sections": [
            (
                "team",
                {
                    "heading": "Speakers",
                    "cols": 4,
                    "people": [
                        ("Grace Liu", "Staff engineer, Stripe"),
                        ("Omar Haddad", "Creator of Tinyqueue"),
                        ("Eva Novak", "Security researcher"),
                        ("Kenji Sato", "Rust core team"),
                    ],
                },
            ),
            (
                "table",
                {
                    "heading": "Day one",
                    "columns": ["Time", "Talk", "Room"],
                    "rows": [
                        ["09:00", "Opening keynote", "Main hall"],
                        ["10:30", "Queues without tears", "Room A"],
                        ["13:00", "Rust in production", "Room B"],
                        ["16:00", "Breaking things on purpose", "Main hall"],
                    ],
                },
            ),
        ],
        "footer": ("simple", "DevSummit - hello@devsummit.example"),
    },
    {
        "id": "fe-train-021",
        "request": "I run a summer camp for kids and parents need a website to learn about it.",
        "brand": "Camp Sunny Pines",
        "palette": Palette(
            page="bg-yellow-100 text-gray-800",
            nav="bg-green-500 text-white",
            accent="bg-red-400 text-white",
            heading="text-green-700",
            muted="text-gray-700",
            card="bg-white border-4 border-yellow-300",
            footer="bg-green-600 text-white",
        ),
        "nav": ("split", ["Activities", "Dates", "Parents"], "Enrol now"),
        "hero": {
            "kind": "centered",
            "size": "text-6xl",
            "heading": "The best summer ever starts here!",
            "text": "Day and overnight camps for ages 6 to 14, by the lake.",
            "cta": "See summer dates",
        },
        "sections": [
            (
                "features",
                {
                    "heading": "What we do all day",
                    "cols": 3,
                    "items": [
                        ("Canoeing", "Lessons on calm water with certified guards."),
                        ("Arts and crafts", "Tie-dye, pottery and a giant mural."),
                        ("Campfires", "Songs, stories and far too many marshmallows."),
                    ],
                },
            ),
            (
                "faq",
                {
                    "heading": "Parents ask",
                    "items": [
                        ("What should my child bring?", "Swimsuit, hat, water bottle and a smile."),
                        ("Are meals included?", "Yes, lunch and two snacks every day."),
                        ("Is there a bus?", "Pick-up from three points in town."),
                    ],
                },
            ),
        ],
        "footer": ("simple", "Camp Sunny Pines - Lake Road - Summer 2025"),
    },
    {
        "id": "fe-train-022",
        "request": "I'm a partner at a small law firm. We need a professional website.",
        "brand": "Whitmore & Hale",
        "font": "font-serif",
        "palette": Palette(
            page="bg-white text-gray-800",
            nav="bg-gray-900 text-gray-100",
            accent="bg-yellow-600 text-white",
            heading="text-gray-900",
            muted="text-gray-600",
            card="bg-gray-50 border-l-4 border-yellow-600",
            footer="bg-gray-900 text-gray-400",
        ),
        "nav": ("bar", ["Practice areas", "Attorneys", "Insights", "Contact"], None),
        "hero": {
            "kind": "large_text",
            "size": "text-6xl",
            "heading": "Counsel you can rely on when it matters most",
            "text": "Business, property and family law since 1987.",
            "cta": "Schedule a consultation",
        },
        "sections": [
            (
                "features",
                {
                    "heading": "Practice areas",
                    "cols": 2,
                    "icon": False,
                    "align": "text-left",
                    "items": [
                        ("Business law", "Formation, contracts, disputes and sales."),
                        ("Real estate", "Purchases, leases and zoning."),
                        ("Family law", "Divorce, custody and mediation."),
                        ("Estate planning", "Wills, trusts and probate."),
                    ],
                },
            ),
            (
                "contact",
                {
                    "heading": "Contact us",
                    "fields": ["Full name", "Email", "Phone", "Tell us briefly about your matter"],
                    "submit": "Request consultation",
                    "aside": ["500 Main Street, Suite 300", "(555) 201-7700", "Mon-Fri 8:30-6:00"],
                },
            ),
        ],
        "footer": ("simple", "Whitmore & Hale LLP. Attorney advertising."),
    },
    {
        "id": "fe-train-023",
        "request": "I own a flower shop and want a pretty website to show our bouquets.",
        "brand": "Petal & Stem",
        "palette": Palette(
            page="bg-white text-gray-700",
            nav="bg-white text-pink-600",
            accent="bg-green-600 text-white",
            heading="text-pink-600",
            muted="text-gray-500",
            card="bg-pink-50",
            footer="bg-pink-600 text-pink-50",
        ),
        "nav": ("minimal", [], "Order flowers"),
        "hero": {
            "kind": "split",
            "image_side": "left",
            "size": "text-5xl",
            "heading": "Fresh flowers, delivered today",
            "text": "Order before noon for same-day delivery anywhere in the city.",
            "cta": "Shop bouquets",
        },
        "sections": [
            (
                "gallery",
                {
                    "heading": "This week's bouquets",
                    "cols": 4,
                    "count": 8,
                    "size": (300, 380),
                    "align": "text-center",
                },
            ),
            (
                "testimonial",
                {
                    "quote": "My mother cried happy tears. The roses lasted two whole weeks.",
                    "author": "Priya S.",
                    "band": "bg-pink-50",
                },
            ),
        ],
        "footer": ("simple", "Petal & Stem - 3 Garden Row - 9am to 6pm"),
    },
    {
        "id": "fe-train-024",
        "request": (
            "I made a habit-tracking app and need a landing page to get people to download it."
        ),
        "brand": "Streaky",
        "palette": Palette(
            page="bg-white text-gray-700",
            nav="bg-white text-purple-700",
            accent="bg-purple-600 text-white",
            heading="text-purple-900",
            muted="text-gray-500",
            card="bg-purple-50",
            footer="bg-purple-900 text-purple-200",
        ),
        "nav": ("bar", ["Features", "Reviews", "FAQ"], "Download"),
        "hero": {
            "kind": "split",
            "image_side": "right",
            "size": "text-6xl",
            "heading": "Small habits. Big streaks.",
            "text": "Track up to five habits with one tap a day. No account, no ads.",
            "cta": "Get it free",
        },
        "sections": [
            (
                "steps",
                {
                    "heading": "Three taps to start",
                    "band": "bg-purple-50",
                    "items": [
                        ("Pick a habit", "Read, stretch, drink water..."),
                        ("Tap daily", "One tap marks the day done."),
                        ("Keep the streak", "Gentle reminders, never nagging."),
                    ],
                },
            ),
            (
                "features",
                {
                    "heading": "Why people love it",
                    "cols": 2,
                    "items": [
                        ("Widgets", "See your streaks on the home screen."),
                        ("Private", "Your data stays on your phone."),
                    ],
                },
            ),
        ],
        "footer": ("simple", "Streaky for iOS and Android"),
    },
    {
        "id": "fe-train-025",
        "request": (
            "I own a car repair garage and want a website that shows what we do and our prices."
        ),
        "brand": "TORQUE AUTO",
        "palette": Palette(
            page="bg-gray-800 text-gray-100",
            nav="bg-red-700 text-white",
            accent="bg-red-600 text-white",
            heading="text-white",
            muted="text-gray-400",
            card="bg-gray-700",
            footer="bg-gray-900 text-gray-500",
        ),
        "nav": ("bar", ["Services", "Prices", "Book"], "Book a service"),
        "hero": {
            "kind": "banner",
            "size": "text-5xl",
            "heading": "Honest repairs. Fair prices.",
            "text": "All makes and models. Free check before any work starts.",
        },
        "sections": [
            (
                "stats",
                {
                    "items": [
                        ("25", "Years"),
                        ("4", "Bays"),
                        ("9,000+", "Cars fixed"),
                        ("12 mo", "Warranty"),
                    ]
                },
            ),
            (
                "menu",
                {
                    "heading": "Prices",
                    "items": [
                        ("Oil change", "Up to 5 litres, filter included", "$59"),
                        ("Brake pads", "Per axle, parts and labour", "$149"),
                        ("Annual service", "40-point inspection", "$199"),
                        ("Diagnostics", "Engine light check", "$45"),
                    ],
                },
            ),
        ],
        "footer": ("simple", "Torque Auto - Unit 7, Riverside Industrial Estate"),
    },
    {
        "id": "fe-train-026",
        "request": (
            "I manage our town's farmers market and want a website for shoppers and vendors."
        ),
        "brand": "Saturday Market",
        "palette": Palette(
            page="bg-green-50 text-gray-800",
            nav="bg-green-700 text-yellow-100",
            accent="bg-yellow-500 text-gray-900",
            heading="text-green-800",
            muted="text-gray-600",
            card="bg-white",
            footer="bg-yellow-500 text-gray-900",
        ),
        "nav": ("centered", ["Vendors", "Map", "Recipes", "Become a vendor"], None),
        "hero": {
            "kind": "banner",
            "size": "text-5xl",
            "heading": "Every Saturday, 8 am to 1 pm, in the town square",
            "text": "Forty local farmers, bakers and makers. Rain or shine.",
        },
        "sections": [
            (
                "table",
                {
                    "heading": "Who's here this week",
                    "columns": ["Stall", "Vendor", "Selling"],
                    "rows": [
                        ["1", "Hillside Farm", "Eggs, chicken"],
                        ["2", "Blue Gate Orchard", "Apples, cider"],
                        ["5", "Wildflower Honey", "Honey, beeswax"],
                        ["8", "Rye & Sons", "Bread, pastries"],
                    ],
                },
            ),
            ("gallery", {"heading": "", "cols": 3, "count": 3, "size": (400, 260)}),
        ],
        "footer": ("simple", "Saturday Market - Town Square - Run by volunteers"),
    },
    {
        "id": "fe-train-027",
        "request": "I'm selling an online course about photography and need a page to sell it.",
        "brand": "Shoot Better",
        "palette": Palette(
            page="bg-white text-gray-800",
            nav="bg-white text-gray-900 border-b",
            accent="bg-red-500 text-white",
            heading="text-gray-900",
            muted="text-gray-500",
            card="bg-gray-50",
            footer="bg-gray-100 text-gray-500",
        ),
        "nav": ("bar", ["Curriculum", "Instructor", "FAQ"], "Enrol"),
        "hero": {
            "kind": "split",
            "image_side": "right",
            "size": "text-5xl",
            "heading": "Take photos you're proud of in 30 days",
            "text": "A video course for people with any camera, even a phone.",
            "cta": "Enrol for $79",
        },
        "sections": [
            (
                "steps",
                {
                    "heading": "Curriculum",
                    "vertical": True,
                    "items": [
                        ("Light", "Find good light anywhere, any time of day."),
                        ("Composition", "Simple rules and when to break them."),
                        ("People", "Portraits that look like the person."),
                        ("Editing", "A five-minute edit for every photo."),
                    ],
                },
            ),
            (
                "pricing",
                {
                    "heading": "One price, lifetime access",
                    "highlight": 0,
                    "width": "max-w-md",
                    "plans": [("Full course", "$79", ["32 lessons", "Assignments", "Community"])],
                },
            ),
        ],
        "footer": ("simple", "Shoot Better - a course by Lena Moss"),
    },
    {
        "id": "fe-train-028",
        "request": "I own a hair salon and want an elegant website with our services and stylists.",
        "brand": "MAISON BLANC",
        "palette": Palette(
            page="bg-white text-black",
            nav="bg-white text-black border-b border-black",
            accent="bg-black text-white",
            heading="text-black",
            muted="text-gray-500",
            card="bg-white",
            footer="bg-black text-white",
        ),
        "nav": ("split", ["Services", "Stylists", "Book"], "Book"),
        "hero": {
            "kind": "banner",
            "size": "text-6xl",
            "heading": "Hair, quietly perfected.",
            "text": "By appointment, Tuesday to Saturday.",
        },
        "sections": [
            (
                "menu",
                {
                    "heading": "Services",
                    "cols": 1,
                    "width": "max-w-2xl",
                    "items": [
                        ("Cut and finish", "Consultation, wash, cut, style", "from $85"),
                        ("Colour", "Single process", "from $120"),
                        ("Balayage", "Hand-painted highlights", "from $220"),
                        ("Blow-dry", "Wash and style", "$55"),
                    ],
                },
            ),
            (
                "team",
                {
                    "heading": "Stylists",
                    "cols": 3,
                    "shape": "rounded-none",
                    "people": [
                        ("Camille", "Creative director"),
                        ("Idris", "Colour specialist"),
                        ("Hana", "Senior stylist"),
                    ],
                },
            ),
        ],
        "footer": ("simple", "Maison Blanc - 41 Rue Street - 555 0199"),
    },
    {
        "id": "fe-train-029",
        "request": "I'm part of a hiking club and want a website for our upcoming trips.",
        "brand": "Ridge Walkers",
        "palette": Palette(
            page="bg-green-900 text-green-50",
            nav="bg-green-900 text-green-100",
            accent="bg-yellow-500 text-green-900",
            heading="text-yellow-400",
            muted="text-green-200",
            card="bg-green-800",
            footer="bg-black text-green-300",
        ),
        "nav": ("bar", ["Trips", "Join", "Gear list"], None),
        "hero": {
            "kind": "banner",
            "size": "text-6xl",
            "heading": "Up early. Up high.",
            "text": "A friendly club for hill walkers of every pace.",
            "cta": "Come on a walk",
        },
        "sections": [
            (
                "steps",
                {
                    "heading": "Upcoming trips",
                    "vertical": True,
                    "items": [
                        (
                            "12 Apr - Helvellyn via Striding Edge",
                            "Hard - 14 km - 950 m of climbing",
                        ),
                        ("26 Apr - Catbells loop", "Easy - 6 km - good for first-timers"),
                        ("10 May - Scafell Pike", "Hard - 15 km - leaves at 6 am"),
                    ],
                },
            ),
            (
                "newsletter",
                {
                    "heading": "Get the trip list",
                    "text": "One email a month with the next walks.",
                    "label": "Join",
                },
            ),
        ],
        "footer": ("simple", "Ridge Walkers - since 1994"),
    },
    {
        "id": "fe-train-030",
        "request": "I curate a small art gallery and want a page for our current exhibition.",
        "brand": "Gallery Nine",
        "palette": Palette(
            page="bg-gray-50 text-gray-900",
            nav="bg-gray-50 text-gray-900",
            accent="bg-gray-900 text-white",
            heading="text-gray-900",
            muted="text-gray-500",
            card="bg-white",
            footer="bg-gray-50 text-gray-400 border-t",
        ),
        "nav": ("minimal", [], "Visit"),
        "hero": {
            "kind": "large_text",
            "size": "text-8xl",
            "heading": "Tide Lines",
            "text": "New paintings by Ines Moreau. 3 March - 28 April.",
        },
        "sections": [
            (
                "gallery",
                {
                    "heading": "",
                    "cols": 2,
                    "count": 4,
                    "size": (700, 500),
                    "rounded": "",
                    "gap": "gap-12",
                },
            ),
            (
                "menu",
                {
                    "heading": "List of works",
                    "cols": 1,
                    "width": "max-w-2xl",
                    "align": "text-left",
                    "items": [
                        ("Low water, January", "Oil on linen, 120 x 90 cm", "$6,400"),
                        ("Kelp and rope", "Oil on linen, 60 x 60 cm", "$3,100"),
                        ("After the storm", "Oil on board, 40 x 30 cm", "Sold"),
                        ("Glass, salt, light", "Oil on linen, 150 x 110 cm", "$8,900"),
                    ],
                },
            ),
            (
                "about",
                {
                    "heading": "About the work",
                    "image": False,
                    "paragraphs": [
                        "Moreau walked the same beach every morning for a year and painted what "
                        "the sea left behind.",
                        "Free entry. Wednesday to Sunday, 11 am to 6 pm.",
                    ],
                },
            ),
        ],
        "footer": ("simple", "Gallery Nine - 9 Canal Street"),
    },
    {
        "id": "fe-test-001",
        "request": "I run a dog grooming salon and want a website where owners can see our prices.",
        "brand": "Fluff & Buff",
        "palette": Palette(
            page="bg-white text-gray-800",
            nav="bg-pink-400 text-white",
            accent="bg-blue-500 text-white",
            heading="text-blue-900",
            muted="text-gray-600",
            card="bg-blue-50",
            footer="bg-blue-900 text-blue-100",
        ),
        "nav": ("bar", ["Services", "Prices", "Gallery", "Book"], "Book a groom"),
        "hero": {
            "kind": "split",
            "image_side": "left",
            "size": "text-5xl",
            "heading": "Happy dogs leave here looking fabulous",
            "text": "Calm, cage-free grooming by certified groomers. Cats welcome on Mondays.",
            "cta": "Book a groom",
        },
        "sections": [
            (
                "pricing",
                {
                    "heading": "Grooming packages",
                    "highlight": 1,
                    "plans": [
                        ("Bath & brush", "$35", ["Shampoo and blow-dry", "Nail trim"]),
                        ("Full groom", "$65", ["Everything in bath", "Haircut and styling"]),
                        ("Spa day", "$90", ["Full groom", "Teeth and paw balm"]),
                    ],
                },
            ),
            (
                "gallery",
                {
                    "heading": "Recent clients",
                    "cols": 4,
                    "count": 4,
                    "size": (300, 300),
                    "align": "text-center",
                },
            ),
        ],
        "footer": (
            "columns",
            "Grooming with patience since 2012.",
            {
                "Visit": ["22 Bark Street", "Tue-Sat 8am-5pm"],
                "Contact": ["(555) 014-3380", "hello@fluffandbuff.example"],
            },
        ),
    },
    {
        "id": "fe-test-002",
        "request": "I opened a tea house and want a calm website that shows our teas.",
        "brand": "Quiet Leaf",
        "font": "font-serif",
        "palette": Palette(
            page="bg-green-100 text-gray-800",
            nav="bg-green-100 text-green-900",
            accent="bg-green-800 text-white",
            heading="text-green-900",
            muted="text-gray-600",
            card="bg-white",
            footer="bg-green-900 text-green-100",
        ),
        "nav": ("centered", ["Teas", "Tea room", "Workshops"], None),
        "hero": None,
        "sections": [
            (
                "about",
                {
                    "heading": "A pause in the middle of the day",
                    "image_side": "left",
                    "paragraphs": [
                        "We brew loose-leaf teas from small gardens in Japan, Taiwan and Yunnan.",
                        "Sit as long as you like. The second and third steeps are free.",
                    ],
                },
            ),
            (
                "menu",
                {
                    "heading": "Today's teas",
                    "items": [
                        ("Sencha Asatsuyu", "Green, Kagoshima, sweet and grassy", "$6"),
                        ("Dong Ding oolong", "Roasted, Taiwan", "$7"),
                        ("Yunnan gold", "Black tea, malty and honeyed", "$6"),
                        ("Aged white peony", "White tea, 2016 harvest", "$8"),
                    ],
                    "band": "bg-white",
                },
            ),
            (
                "testimonial",
                {
                    "quote": "The quietest hour of my week, and the best oolong I've had outside "
                    "Taipei.",
                    "author": "Mei, regular",
                },
            ),
        ],
        "footer": ("simple", "Quiet Leaf Tea House - 5 Lantern Alley - 10am to 7pm"),
    },
    {
        "id": "fe-test-003",
        "request": (
            "I'm a private chef and I want a site that shows off my food and lets people enquire."
        ),
        "brand": "Chef Marco Bellini",
        "palette": Palette(
            page="bg-gray-900 text-gray-200",
            nav="bg-gray-900 text-yellow-500",
            accent="bg-yellow-500 text-gray-900",
            heading="text-yellow-500",
            muted="text-gray-400",
            card="bg-gray-800",
            footer="bg-black text-gray-500",
        ),
        "nav": ("minimal", [], "Enquire"),
        "hero": {
            "kind": "large_text",
            "size": "text-7xl",
            "heading": "Restaurant dinners, at your table.",
            "text": "Seasonal tasting menus for 2 to 20 guests, cooked in your kitchen.",
            "cta": "Plan a dinner",
        },
        "sections": [
            (
                "gallery",
                {
                    "heading": "Recent menus",
                    "cols": 3,
                    "count": 6,
                    "size": (400, 400),
                    "rounded": "rounded-none",
                    "gap": "gap-4",
                },
            ),
            (
                "contact",
                {
                    "heading": "Enquire",
                    "fields": [
                        "Name",
                        "Email",
                        "Date",
                        "Number of guests",
                        "Anything we should know",
                    ],
                    "submit": "Send enquiry",
                    "aside": [
                        "Serving the Bay Area",
                        "Menus from $120 per guest",
                        "marco@bellini.example",
                    ],
                },
            ),
        ],
        "footer": ("simple", "Marco Bellini Private Dining"),
    },
    {
        "id": "fe-test-004",
        "request": "I manage a coworking space and we need a website to get new members.",
        "brand": "HIVE",
        "palette": Palette(
            page="bg-white text-gray-800",
            nav="bg-yellow-300 text-gray-900",
            accent="bg-gray-900 text-white",
            heading="text-gray-900",
            muted="text-gray-600",
            card="bg-gray-100",
            footer="bg-yellow-300 text-gray-900",
        ),
        "nav": ("pill", ["Spaces", "Membership", "Events"], "Book a tour"),
        "hero": {
            "kind": "block",
            "size": "text-6xl",
            "heading": "Work next to people who get things done",
            "text": "Desks, private offices and meeting rooms in the old print works.",
        },
        "sections": [
            (
                "stats",
                {
                    "items": [("180", "Desks"), ("12", "Meeting rooms"), ("24/7", "Access")],
                    "band": "bg-yellow-300 text-gray-900",
                },
            ),
            (
                "pricing",
                {
                    "heading": "Membership",
                    "highlight": 2,
                    "plans": [
                        ("Day pass", "$25", ["Any open desk", "Coffee included"]),
                        ("Flex", "$190/mo", ["10 days a month", "Meeting credits"]),
                        ("Fixed desk", "$320/mo", ["Your own desk", "Locker and mail"]),
                    ],
                },
            ),
            (
                "faq",
                {
                    "heading": "Good to know",
                    "items": [
                        ("Can I bring a dog?", "Yes, on the ground floor."),
                        ("Is there parking?", "Bike storage inside, car park next door."),
                    ],
                },
            ),
        ],
        "footer": ("simple", "HIVE Coworking - The Old Print Works"),
    },
    {
        "id": "fe-test-005",
        "request": "I write picture books for children and want an author website.",
        "brand": "Lucy Marlow Books",
        "palette": Palette(
            page="bg-purple-50 text-purple-900",
            nav="bg-purple-200 text-purple-900",
            accent="bg-yellow-400 text-purple-900",
            heading="text-purple-800",
            muted="text-purple-700",
            card="bg-white",
            footer="bg-purple-800 text-purple-100",
        ),
        "nav": ("centered", ["Books", "School visits", "About Lucy"], None),
        "hero": {
            "kind": "split",
            "image_side": "right",
            "size": "text-5xl",
            "heading": "Stories about brave little creatures",
            "text": "Picture books for ages 3 to 7, read in over 20 languages.",
            "cta": "See the books",
        },
        "sections": [
            (
                "cards",
                {
                    "heading": "The books",
                    "cols": 3,
                    "size": (300, 380),
                    "align": "text-center",
                    "items": [
                        ("Pip the Puffin", "A puffin who is scared of the sea", "2019"),
                        ("Moon Mouse", "A mouse who wants to visit the moon", "2021"),
                        ("The Tiny Bear", "The smallest bear in the big woods", "2023"),
                    ],
                },
            ),
            (
                "newsletter",
                {
                    "heading": "Colouring pages and news",
                    "text": "Free printable activities with every new book.",
                    "label": "Send them",
                },
            ),
        ],
        "footer": ("simple", "Lucy Marlow - illustrated by Ben Ade"),
    },
    {
        "id": "fe-test-006",
        "request": "I fix bikes out of a little workshop and want a website for it.",
        "brand": "Spoke & Chain",
        "palette": Palette(
            page="bg-yellow-50 text-gray-900",
            nav="bg-black text-yellow-400",
            accent="bg-black text-yellow-400",
            heading="text-black",
            muted="text-gray-700",
            card="bg-white border-2 border-black",
            footer="bg-black text-yellow-400",
        ),
        "nav": ("split", ["Repairs", "Prices", "Find us"], "Book in"),
        "hero": {
            "kind": "banner",
            "size": "text-6xl",
            "heading": "Bring it in broken. Ride it home.",
            "text": "Most repairs done while you have a coffee next door.",
        },
        "sections": [
            (
                "steps",
                {
                    "heading": "How it works",
                    "items": [
                        ("Drop off", "No appointment needed."),
                        ("Check", "We call with a price."),
                        ("Fix", "Usually the same day."),
                        ("Ride", "Free re-check in 30 days."),
                    ],
                },
            ),
            (
                "menu",
                {
                    "heading": "Prices",
                    "items": [
                        ("Puncture repair", "Tube or tubeless", "$15"),
                        ("Gear tune", "Cables adjusted", "$30"),
                        ("Brake bleed", "Hydraulic, per brake", "$40"),
                        ("Full service", "Strip, clean, rebuild", "$120"),
                    ],
                    "band": "bg-white",
                },
            ),
        ],
        "footer": ("simple", "Spoke & Chain - Arch 14, Station Road"),
    },
    {
        "id": "fe-test-007",
        "request": "I run a small architecture studio and want a minimal site for our projects.",
        "brand": "Studio Kettle",
        "palette": Palette(
            page="bg-white text-gray-900",
            nav="bg-white text-gray-900 border-r",
            accent="bg-gray-900 text-white",
            heading="text-gray-900",
            muted="text-gray-500",
            card="bg-gray-50",
            footer="bg-white text-gray-400",
        ),
        "nav": ("sidebar", ["Projects", "Studio", "Press", "Contact"], None),
        "hero": None,
        "sections": [
            (
                "gallery",
                {
                    "heading": "Selected projects",
                    "cols": 2,
                    "count": 6,
                    "size": (600, 400),
                    "rounded": "",
                    "gap": "gap-4",
                },
            ),
            (
                "table",
                {
                    "heading": "All projects",
                    "width": "max-w-4xl",
                    "columns": ["Project", "Place", "Year"],
                    "rows": [
                        ["Larch House", "Lake District", "2024"],
                        ["Hill Street Primary", "Bristol", "2022"],
                        ["The Boat Store", "Whitstable", "2020"],
                        ["Two Barns", "Somerset", "2018"],
                    ],
                },
            ),
            (
                "about",
                {
                    "heading": "Studio",
                    "image": False,
                    "paragraphs": [
                        "Studio Kettle designs homes, schools and small public buildings in timber "
                        "and brick.",
                        "Founded in 2011 by Ada Kettle and Jonas Ree. Eight people, one long "
                        "table.",
                    ],
                },
            ),
        ],
        "footer": ("none", ""),
    },
    {
        "id": "fe-test-008",
        "request": "We're organising a charity fun run and need a page where people can sign up.",
        "brand": "Run for Kids",
        "palette": Palette(
            page="bg-white text-gray-800",
            nav="bg-red-600 text-white",
            accent="bg-red-600 text-white",
            heading="text-red-700",
            muted="text-gray-600",
            card="bg-red-50",
            footer="bg-gray-800 text-gray-300",
        ),
        "nav": ("bar", ["The route", "Fundraising", "Sign up"], None),
        "hero": {
            "kind": "centered",
            "size": "text-7xl",
            "heading": "10K for Kids",
            "text": "Sunday 21 September, Riverside Park. Run, jog or walk for the children's "
            "hospital.",
            "cta": "Sign up now",
        },
        "sections": [
            (
                "stats",
                {
                    "items": [
                        ("10 km", "Route"),
                        ("1,500", "Runners"),
                        ("$92,000", "Raised last year"),
                    ]
                },
            ),
            (
                "table",
                {
                    "heading": "On the day",
                    "width": "max-w-3xl",
                    "columns": ["Time", "What"],
                    "rows": [
                        ["08:00", "Race village opens"],
                        ["09:30", "Warm-up with the fire brigade"],
                        ["10:00", "10K start"],
                        ["10:15", "Family 2K start"],
                    ],
                },
            ),
            (
                "contact",
                {
                    "heading": "Sign up",
                    "fields": ["Full name", "Email", "T-shirt size", "Distance (10K or 2K)"],
                    "submit": "Register - $20",
                    "band": "bg-red-50",
                },
            ),
        ],
        "footer": ("simple", "All profits go to St. Mary's Children's Hospital."),
    },
    {
        "id": "fe-test-009",
        "request": "I run a language school and want a website that helps us get new students.",
        "brand": "Lingua Viva",
        "palette": Palette(
            page="bg-white text-gray-800",
            nav="bg-blue-800 text-white",
            accent="bg-yellow-400 text-blue-900",
            heading="text-blue-800",
            muted="text-gray-600",
            card="bg-blue-50",
            footer="bg-blue-800 text-blue-100",
        ),
        "nav": ("bar", ["Courses", "Teachers", "Prices", "Placement test"], "Free trial lesson"),
        "hero": {
            "kind": "split",
            "image_side": "right",
            "size": "text-5xl",
            "heading": "Speak a new language by summer",
            "text": "Small classes in Spanish, Italian, French and German with native teachers.",
            "cta": "Take the placement test",
        },
        "sections": [
            (
                "features",
                {
                    "heading": "Courses",
                    "cols": 4,
                    "items": [
                        ("Spanish", "A1 to C1"),
                        ("Italian", "A1 to B2"),
                        ("French", "A1 to C1"),
                        ("German", "A1 to B2"),
                    ],
                },
            ),
            (
                "team",
                {
                    "heading": "Our teachers",
                    "cols": 4,
                    "people": [
                        ("Lucia", "Spanish"),
                        ("Giulia", "Italian"),
                        ("Amelie", "French"),
                        ("Jonas", "German"),
                    ],
                },
            ),
            (
                "pricing",
                {
                    "heading": "Prices",
                    "highlight": 0,
                    "width": "max-w-3xl",
                    "plans": [
                        ("Group", "$180", ["Per term", "8 students max"]),
                        ("Private", "$45", ["Per hour", "Any time"]),
                    ],
                },
            ),
        ],
        "footer": ("simple", "Lingua Viva Language School"),
    },
    {
        "id": "fe-test-010",
        "request": "I host a podcast and want a website where people can find the episodes.",
        "brand": "Night Shift Radio",
        "palette": Palette(
            page="bg-black text-gray-100",
            nav="bg-black text-green-400",
            accent="bg-green-400 text-black",
            heading="text-green-400",
            muted="text-gray-400",
            card="bg-gray-900",
            footer="bg-gray-900 text-gray-500",
        ),
        "nav": ("minimal", [], "Subscribe"),
        "hero": {
            "kind": "split",
            "image_side": "left",
            "size": "text-6xl",
            "heading": "Stories from people who work while you sleep",
            "text": "A weekly podcast about nurses, bakers, pilots and everyone else on the night "
            "shift.",
            "cta": "Listen to the latest",
        },
        "sections": [
            (
                "articles",
                {
                    "heading": "Latest episodes",
                    "items": [
                        (
                            "Ep. 48 - The 3 am baker",
                            "March 12",
                            "Mo has baked bread for the whole town every night for 30 years.",
                        ),
                        (
                            "Ep. 47 - Air traffic",
                            "March 5",
                            "What it is like to land planes while everyone else is dreaming.",
                        ),
                        (
                            "Ep. 46 - Night nurse",
                            "February 26",
                            "Twelve-hour shifts and the patients who stay with you.",
                        ),
                    ],
                },
            ),
            (
                "cta",
                {
                    "heading": "Never miss an episode",
                    "text": "New episodes every Tuesday night.",
                    "label": "Subscribe",
                },
            ),
        ],
        "footer": ("simple", "Night Shift Radio - hosted by Jess Ortiz"),
    },
]

if __name__ == "__main__":
    sys.exit(main())
