"""Local stand-ins for placeholder-image services (placehold.co, picsum.photos, unsplash …).

Generated pages lean on these services for every picture. The renderer is offline, and an aborted
``<img>`` request draws a broken-image icon of the wrong size, so requests to these hosts are
answered with a plain grey PNG of the size the URL asks for. The size is read from the URL the way
each service spells it (``600x400``, ``/600/400``, ``/600``, ``?w=600&h=400``).
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

#: Hosts whose responses are replaced by a grey box (subdomains included).
PLACEHOLDER_HOSTS: tuple[str, ...] = (
    "placehold.co",
    "placehold.it",
    "placeholder.com",
    "via.placeholder.com",
    "dummyimage.com",
    "fakeimg.pl",
    "picsum.photos",
    "placekitten.com",
    "placebear.com",
    "placedog.net",
    "placeimg.com",
    "loremflickr.com",
    "lorempixel.com",
    "source.unsplash.com",
    "images.unsplash.com",
    "images.pexels.com",
)

#: Size used when the URL names none (an unsplash photo id, say).
DEFAULT_SIZE = (640, 480)
#: Largest side generated; bigger requests are clamped (a 100000px image is not a placeholder).
MAX_SIDE = 4000
PLACEHOLDER_RGB = (204, 208, 214)

_WXH = re.compile(r"(?<!\d)(\d{1,5})\s*[x×]\s*(\d{1,5})(?!\d)", re.IGNORECASE)
_INT = re.compile(r"^\d{1,5}$")


def is_placeholder_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in PLACEHOLDER_HOSTS)


def _clamp(side: int) -> int:
    return max(1, min(MAX_SIDE, side))


def placeholder_size(url: str) -> tuple[int, int]:
    """The ``(width, height)`` a placeholder URL asks for; :data:`DEFAULT_SIZE` if it names none."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    width = _first_int(query.get("w") or query.get("width"))
    height = _first_int(query.get("h") or query.get("height"))
    if width or height:
        width = width or height
        height = height or width
        return _clamp(width), _clamp(height)  # type: ignore[arg-type]
    path = parts.path
    match = _WXH.search(path)
    if match:
        return _clamp(int(match.group(1))), _clamp(int(match.group(2)))
    # Path segments: picsum /id/237/200/300 and placekitten /200/300 put the size last.
    numbers = [int(seg) for seg in path.split("/") if _INT.match(seg)]
    if "/id/" in path and len(numbers) == 2:  # picsum /id/237/200 is square
        return _clamp(numbers[1]), _clamp(numbers[1])
    if len(numbers) >= 2:
        return _clamp(numbers[-2]), _clamp(numbers[-1])
    if len(numbers) == 1:
        return _clamp(numbers[0]), _clamp(numbers[0])
    return DEFAULT_SIZE


def _first_int(values: list[str] | None) -> int | None:
    if not values:
        return None
    match = re.match(r"\d{1,5}", values[0])
    return int(match.group(0)) if match else None


@lru_cache(maxsize=256)
def placeholder_png(width: int, height: int) -> bytes:
    """A grey PNG of the given size (cached; flat colour compresses to a few hundred bytes)."""
    from PIL import Image

    image = Image.new("RGB", (_clamp(width), _clamp(height)), PLACEHOLDER_RGB)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
