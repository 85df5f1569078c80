"""What the offline renderer answers for each network request a page makes.

Rendered pages never reach the network. Every request is classified here:

* the Tailwind 2.x stylesheet from jsDelivr, unpkg or cdnjs (the ``<link>`` WebSight-style pages
  use) is answered with the vendored ``tailwindcss/dist/tailwind.min.css`` (2.2.19), by default
  cut to the rules the page can use (:mod:`.tailwind_purge`; same rendering, far faster);
* the ``cdn.tailwindcss.com`` script (and ``@tailwindcss/browser`` from jsDelivr/unpkg) is
  answered with the vendored v4 browser runtime ``@tailwindcss/browser/dist/index.global.js``;
* placeholder-image services get a grey PNG of the requested size
  (:mod:`.placeholder_image`);
* everything else is aborted.

The vendored files come from ``make vendor`` (npm); a clear error says so when they are missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from training.colbench.evaluation.placeholder_image import (
    is_placeholder_host,
    placeholder_png,
    placeholder_size,
)
from training.colbench.evaluation.tailwind_purge import load_stylesheet
from training.paths import REPO_ROOT

VENDOR_DIR = REPO_ROOT / "vendor" / "node_modules"
TAILWIND_CSS = VENDOR_DIR / "tailwindcss" / "dist" / "tailwind.min.css"
TAILWIND_BROWSER_JS = VENDOR_DIR / "@tailwindcss" / "browser" / "dist" / "index.global.js"

RouteKind = Literal["tailwind-css", "tailwind-browser", "placeholder-image", "blocked"]

# tailwindcss@2, @^2.2, @2.2.19 …; dist/tailwind(.min).css (the full build, not base/utilities)
_TW2_VERSION = r"(?:\^|~)?2(?:\.\d+){0,2}"
_TW2_PATHS = (
    re.compile(rf"^/npm/tailwindcss@{_TW2_VERSION}/dist/tailwind(?:\.min)?\.css$"),  # jsDelivr
    re.compile(rf"^/tailwindcss@{_TW2_VERSION}/dist/tailwind(?:\.min)?\.css$"),  # unpkg
    re.compile(r"^/ajax/libs/tailwindcss/2(?:\.\d+){0,2}/tailwind(?:\.min)?\.css$"),  # cdnjs
)
_TW2_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com")
_TW_BROWSER_PATH = re.compile(r"^/(?:npm/)?@tailwindcss/browser(?:@[^/]+)?(?:/.*)?$")


class VendorAssetsMissing(FileNotFoundError):
    """The vendored Tailwind files are absent: ``make vendor`` was not run."""


@dataclass(frozen=True)
class RouteDecision:
    kind: RouteKind
    content_type: str = ""
    size: tuple[int, int] | None = None
    """Placeholder images: the requested (width, height)."""


def classify(url: str) -> RouteDecision:
    """Decide how the renderer answers a request for ``url``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path
    if host in _TW2_HOSTS and any(p.match(path) for p in _TW2_PATHS):
        return RouteDecision("tailwind-css", "text/css; charset=utf-8")
    if host == "cdn.tailwindcss.com" or (
        host in ("cdn.jsdelivr.net", "unpkg.com") and _TW_BROWSER_PATH.match(path)
    ):
        return RouteDecision("tailwind-browser", "application/javascript; charset=utf-8")
    if parts.scheme in ("http", "https") and is_placeholder_host(host):
        return RouteDecision("placeholder-image", "image/png", placeholder_size(url))
    return RouteDecision("blocked")


@lru_cache(maxsize=4)
def _read_vendor_file(path: Path) -> bytes:
    if not path.is_file():
        raise VendorAssetsMissing(
            f"{path} is missing: the offline renderer serves Tailwind from vendor/. "
            "Run `make vendor` (npm install in vendor/) first."
        )
    return path.read_bytes()


def body_for(decision: RouteDecision, page_html: str | None = None) -> bytes:
    """The response body for a fulfilled request (``blocked`` requests have none).

    With ``page_html``, the Tailwind 2 stylesheet is cut to the rules that page can use
    (:mod:`.tailwind_purge`); without it, the whole file is served.
    """
    if decision.kind == "tailwind-css":
        if page_html is not None:
            return purged_tailwind_css(page_html)
        return _read_vendor_file(TAILWIND_CSS)
    if decision.kind == "tailwind-browser":
        return _read_vendor_file(TAILWIND_BROWSER_JS)
    if decision.kind == "placeholder-image" and decision.size:
        return placeholder_png(*decision.size)
    raise ValueError(f"no local body for a {decision.kind!r} request")


@lru_cache(maxsize=64)
def purged_tailwind_css(page_html: str) -> bytes:
    """The Tailwind 2.2.19 rules ``page_html`` can use (cached: target pages render often)."""
    _read_vendor_file(TAILWIND_CSS)  # the clear error if it is missing
    return load_stylesheet(TAILWIND_CSS).purge(page_html).encode("utf-8")


def check_vendor_assets() -> None:
    """Raise :class:`VendorAssetsMissing` unless both vendored Tailwind files are present."""
    _read_vendor_file(TAILWIND_CSS)
    _read_vendor_file(TAILWIND_BROWSER_JS)
