"""Layout facts about a rendered page, read from its DOM and computed styles.

The renderer runs :data:`FEATURES_JS` in the page right after it loads (bounded by a timeout, and
only on pages that loaded) and wraps the result in :class:`PageFeatures`. The frontend oracle
compares two pages' features to describe their differences in words. The script walks a bounded
number of elements so a huge page cannot make it slow; colours are returned as computed-style
strings and parsed in Python (:mod:`.colors`), because Tailwind v4 pages report ``oklch(…)``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from training.colbench.evaluation.colors import RGBA, WHITE, parse_css_color

FEATURES_JS = r"""
() => {
  const MAX_ELEMENTS = 4000;
  const vw = window.innerWidth, vh = window.innerHeight;
  const doc = document.documentElement, body = document.body || doc;
  const css = (el) => getComputedStyle(el);
  // Fully transparent: 'rgba(r, g, b, 0)' or an alpha of 0 after a slash ('oklab(… / 0)').
  const clear = (c) => !c || c === 'transparent' || (c.startsWith('rgba(') && /,\s*0\)$/.test(c))
    || /\/\s*0%?\)$/.test(c);
  const rect = (el) => el.getBoundingClientRect();
  const box = (r) => [Math.round(r.left + scrollX), Math.round(r.top + scrollY),
                      Math.round(r.width), Math.round(r.height)];
  const shown = (el) => {
    const r = rect(el), s = css(el);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none'
      && parseFloat(s.opacity || '1') > 0.05;
  };
  const background = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = css(e).backgroundColor;
      if (!clear(c)) return c;
    }
    return '';
  };
  const text = (el, n) => (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim()
    .slice(0, n);
  const inside = (el, sel) => !!el.closest(sel);

  const fullHeight = Math.max(doc.scrollHeight, body.scrollHeight || 0, doc.clientHeight);

  // Text colours weighted by the amount of text drawn in them.
  const textColors = {};
  let textChars = 0, fontWeighted = 0;
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let i = 0, node; (node = walker.nextNode()) && i < MAX_ELEMENTS; i++) {
    const t = node.nodeValue.trim();
    const el = node.parentElement;
    if (!t || !el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TITLE'].includes(el.tagName)) continue;
    const s = css(el);
    if (s.display === 'none' || s.visibility === 'hidden') continue;
    textColors[s.color] = (textColors[s.color] || 0) + t.length;
    textChars += t.length;
    fontWeighted += t.length * parseFloat(s.fontSize || '16');
  }

  // Navigation bar: a nav element (or a header holding links), else a wide short strip near the
  // top full of links. A header without links is a hero banner, not navigation.
  let nav = null;
  const navCandidates = [...document.querySelectorAll('nav, header, [role=navigation]')]
    .filter((el) => el.tagName !== 'HEADER' || el.querySelectorAll('a').length >= 2)
    .filter(shown);
  nav = navCandidates.find((el) => rect(el).top + scrollY < 200) || navCandidates[0] || null;
  if (!nav) {
    for (const el of [...body.querySelectorAll('div, ul')].slice(0, MAX_ELEMENTS)) {
      const r = rect(el);
      if (r.top + scrollY < 120 && r.width >= 0.6 * vw && r.height <= 160 && r.height > 20
          && el.querySelectorAll('a').length >= 3 && shown(el)) { nav = el; break; }
    }
  }
  let navInfo = null;
  if (nav) {
    const r = rect(nav);
    const side = r.width < 0.35 * vw && r.height > 0.5 * vh;
    const y = r.top + scrollY;
    navInfo = {tag: nav.tagName.toLowerCase(), box: box(r), background: background(nav),
               links: nav.querySelectorAll('a').length,
               position: side ? 'side' : (y > fullHeight / 2 ? 'bottom' : 'top')};
  }

  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(shown)
    .slice(0, 40).map((el) => {
      const s = css(el);
      return {tag: el.tagName.toLowerCase(), text: text(el, 80),
              font_size: parseFloat(s.fontSize), color: s.color,
              weight: parseInt(s.fontWeight, 10) || 400, box: box(rect(el))};
    });

  const images = [...document.images].filter(shown).slice(0, 60).map((el) => ({
    box: box(rect(el)), loaded: el.complete && el.naturalWidth > 0,
    natural: [el.naturalWidth, el.naturalHeight]}));

  const buttons = [...document.querySelectorAll(
      'button, input[type=submit], input[type=button], a[role=button]')]
    .filter(shown).slice(0, 60).map((el) => ({text: text(el, 40), background: background(el)}));

  // Sections: descend through single full-width wrappers, then list the blocks stacked inside.
  let root = body;
  for (let depth = 0; depth < 6; depth++) {
    const kids = [...root.children].filter(shown);
    if (kids.length !== 1 || rect(kids[0]).width < 0.9 * rect(root).width) break;
    root = kids[0];
  }
  const sections = [...root.children].filter(shown)
    .filter((el) => rect(el).height >= 40).slice(0, 40).map((el) => ({
      tag: el.tagName.toLowerCase(), box: box(rect(el)), background: background(el)}));

  const footerEl = [...document.querySelectorAll('footer')].find(shown);
  const footer = footerEl ? {box: box(rect(footerEl)), background: background(footerEl)} : null;

  // Side-by-side blocks: for each wide element, its children that share a row.
  const rows = [];
  const all = body.querySelectorAll('*');
  for (let i = 0; i < all.length && i < MAX_ELEMENTS; i++) {
    const parent = all[i];
    if (parent.children.length < 2 || rect(parent).width < 0.5 * vw) continue;
    if (inside(parent, 'nav, header, footer, [role=navigation]')) continue;
    const kids = [...parent.children].map((el) => [el, rect(el)])
      .filter(([el, r]) => r.width >= 120 && r.height >= 60 && shown(el))
      .sort((a, b) => a[1].top - b[1].top || a[1].left - b[1].left);
    if (kids.length < 2) continue;
    const first = kids[0][1];
    const row = kids.filter(([, r]) => Math.abs(r.top - first.top) < 0.5 * Math.min(r.height,
                                                                                 first.height));
    if (row.length < 2) continue;
    const sorted = row.map(([, r]) => r).sort((a, b) => a.left - b.left);
    let disjoint = true;
    for (let k = 1; k < sorted.length; k++) {
      if (sorted[k].left < sorted[k - 1].right - 4) { disjoint = false; break; }
    }
    if (!disjoint) continue;
    const height = Math.max(...sorted.map((r) => r.height));
    const width = sorted[sorted.length - 1].right - sorted[0].left;
    rows.push({columns: row.length, y: Math.round(first.top + scrollY),
               height: Math.round(height), area: Math.round(width * height)});
  }
  rows.sort((a, b) => b.area - a.area);

  const topColors = Object.entries(textColors).sort((a, b) => b[1] - a[1]).slice(0, 6);
  return {
    title: document.title || '', viewport: [vw, vh], full_height: fullHeight,
    body_background: background(body), font_family: css(body).fontFamily,
    text_colors: topColors, text_chars: textChars,
    mean_font_size: textChars ? fontWeighted / textChars : 0,
    nav: navInfo, headings, images, buttons, links: document.links.length,
    sections, footer, rows: rows.slice(0, 8),
  };
}
"""


@dataclass(frozen=True)
class Heading:
    tag: str
    text: str
    font_size: float
    color: str
    weight: int
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Block:
    """A box on the page (nav bar, section, footer) and its effective background colour."""

    box: tuple[int, int, int, int]
    background: str
    tag: str = ""
    links: int = 0
    position: str = "top"

    @property
    def background_color(self) -> RGBA:
        return _opaque(self.background)


@dataclass(frozen=True)
class Image:
    box: tuple[int, int, int, int]
    loaded: bool


@dataclass(frozen=True)
class Row:
    """Blocks standing side by side under one parent (a multi-column layout)."""

    columns: int
    y: int
    height: int
    area: int


@dataclass(frozen=True)
class PageFeatures:
    """What :data:`FEATURES_JS` found on a page (boxes are ``(x, y, width, height)`` in CSS px)."""

    title: str = ""
    viewport: tuple[int, int] = (0, 0)
    full_height: int = 0
    body_background: str = ""
    font_family: str = ""
    text_colors: list[tuple[str, int]] = field(default_factory=list)
    text_chars: int = 0
    mean_font_size: float = 0.0
    nav: Block | None = None
    headings: list[Heading] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    button_backgrounds: list[str] = field(default_factory=list)
    links: int = 0
    sections: list[Block] = field(default_factory=list)
    footer: Block | None = None
    rows: list[Row] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageFeatures:
        """Build from the script's result (missing keys take defaults)."""

        def block(d: dict[str, Any] | None) -> Block | None:
            if not d:
                return None
            return Block(
                box=tuple(d.get("box", (0, 0, 0, 0))),  # type: ignore[arg-type]
                background=d.get("background", ""),
                tag=d.get("tag", ""),
                links=int(d.get("links", 0)),
                position=d.get("position", "top"),
            )

        return cls(
            title=data.get("title", ""),
            viewport=tuple(data.get("viewport", (0, 0))),  # type: ignore[arg-type]
            full_height=int(data.get("full_height", 0)),
            body_background=data.get("body_background", ""),
            font_family=data.get("font_family", ""),
            text_colors=[(c, int(n)) for c, n in data.get("text_colors", [])],
            text_chars=int(data.get("text_chars", 0)),
            mean_font_size=float(data.get("mean_font_size", 0.0)),
            nav=block(data.get("nav")),
            headings=[
                Heading(
                    tag=h["tag"],
                    text=h.get("text", ""),
                    font_size=float(h.get("font_size", 16.0)),
                    color=h.get("color", ""),
                    weight=int(h.get("weight", 400)),
                    box=tuple(h.get("box", (0, 0, 0, 0))),  # type: ignore[arg-type]
                )
                for h in data.get("headings", [])
            ],
            images=[
                Image(box=tuple(i["box"]), loaded=bool(i.get("loaded")))  # type: ignore[arg-type]
                for i in data.get("images", [])
            ],
            button_backgrounds=[b.get("background", "") for b in data.get("buttons", [])],
            links=int(data.get("links", 0)),
            sections=[s for s in (block(d) for d in data.get("sections", [])) if s is not None],
            footer=block(data.get("footer")),
            rows=[
                Row(int(r["columns"]), int(r["y"]), int(r["height"]), int(r["area"]))
                for r in data.get("rows", [])
            ],
        )

    @property
    def main_text_color(self) -> RGBA | None:
        """The colour most of the text is drawn in."""
        for value, _ in self.text_colors:
            color = parse_css_color(value)
            if color is not None and not color.is_transparent:
                return color.over(WHITE)
        return None

    @property
    def main_columns(self) -> int:
        """Columns of the largest side-by-side row (1 when nothing stands side by side)."""
        return self.rows[0].columns if self.rows else 1


def _opaque(value: str) -> RGBA:
    color = parse_css_color(value)
    return WHITE if color is None else color.over(WHITE)


def dominant_color(
    png: bytes, *, exclude: Sequence[tuple[int, int, int, int]] = ()
) -> tuple[RGBA, float]:
    """The most common colour of a screenshot and the fraction of (counted) pixels near it.

    A page's background is what covers most of its screenshot, whatever element paints it.
    ``exclude`` lists boxes ``(x, y, width, height)`` in screenshot pixels to leave out (the
    page's images: many grey placeholders would otherwise outvote the real background).
    """
    import numpy as np
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        width, height = rgb.size
        rgb.thumbnail((256, 256))
        pixels = np.asarray(rgb, dtype=np.int32)
    keep = np.ones(pixels.shape[:2], dtype=bool)
    sx, sy = pixels.shape[1] / width, pixels.shape[0] / height
    for x, y, w, h in exclude:
        keep[int(y * sy) : int(np.ceil((y + h) * sy)), int(x * sx) : int(np.ceil((x + w) * sx))] = (
            False
        )
    if not keep.any():
        keep[:] = True
    counted = pixels[keep]
    bins = (counted // 16) @ np.array([256, 16, 1])
    counts = np.bincount(bins, minlength=4096)
    best = int(counts.argmax())
    mean = counted[bins == best].mean(axis=0)
    return RGBA(float(mean[0]), float(mean[1]), float(mean[2])), float(counts[best] / len(bins))
