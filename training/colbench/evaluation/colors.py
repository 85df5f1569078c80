"""CSS colours as data: parse computed-style strings, compare them, and name them in plain words.

Chromium reports computed colours as ``rgb()``/``rgba()`` for most pages, but as ``oklch()`` or
``oklab()`` for Tailwind v4 (the ``cdn.tailwindcss.com`` runtime), so colours are parsed, never
compared as strings. Comparisons and names use OKLab/OKLCH (perceptually even), so "how different"
and "how light" mean roughly what a person would see.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?"


@dataclass(frozen=True)
class RGBA:
    """An sRGB colour with channels in 0..255 and alpha in 0..1."""

    r: float
    g: float
    b: float
    a: float = 1.0

    def over(self, backdrop: RGBA) -> RGBA:
        """This colour composited over an opaque ``backdrop``."""
        if self.a >= 1.0:
            return self
        a = max(0.0, self.a)
        return RGBA(
            self.r * a + backdrop.r * (1 - a),
            self.g * a + backdrop.g * (1 - a),
            self.b * a + backdrop.b * (1 - a),
            1.0,
        )

    @property
    def is_transparent(self) -> bool:
        return self.a <= 0.01

    def hex(self) -> str:
        return "#{:02x}{:02x}{:02x}".format(*(round(_clamp(c, 0, 255)) for c in self.rgb()))

    def rgb(self) -> tuple[float, float, float]:
        return (self.r, self.g, self.b)


WHITE = RGBA(255, 255, 255)
BLACK = RGBA(0, 0, 0)


def _clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _srgb_to_linear(c: float) -> float:
    c /= 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _linear_to_srgb(c: float) -> float:
    c = _clamp(c, 0.0, 1.0)
    v = 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
    return v * 255.0


def to_oklab(color: RGBA) -> tuple[float, float, float]:
    """OKLab (L in 0..1) of the colour's RGB channels (alpha ignored)."""
    r, g, b = (_srgb_to_linear(c) for c in color.rgb())
    l_ = 0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b
    m_ = 0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b
    s_ = 0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b
    l_, m_, s_ = (math.copysign(abs(v) ** (1 / 3), v) for v in (l_, m_, s_))
    return (
        0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_,
        1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_,
        0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_,
    )


def from_oklab(lightness: float, a: float, b: float, alpha: float = 1.0) -> RGBA:
    """The sRGB colour of an OKLab triple (out-of-gamut channels are clipped)."""
    l_ = lightness + 0.3963377774 * a + 0.2158037573 * b
    m_ = lightness - 0.1055613458 * a - 0.0638541728 * b
    s_ = lightness - 0.0894841775 * a - 1.2914855480 * b
    l3, m3, s3 = l_**3, m_**3, s_**3
    r = 4.0767416621 * l3 - 3.3077115913 * m3 + 0.2309699292 * s3
    g = -1.2684380046 * l3 + 2.6097574011 * m3 - 0.3413193965 * s3
    bl = -0.0041960863 * l3 - 0.7034186147 * m3 + 1.7076147010 * s3
    return RGBA(_linear_to_srgb(r), _linear_to_srgb(g), _linear_to_srgb(bl), alpha)


def to_oklch(color: RGBA) -> tuple[float, float, float]:
    """OKLCH: lightness 0..1, chroma (0 for greys, ~0.3 at most), hue in degrees."""
    lightness, a, b = to_oklab(color)
    return lightness, math.hypot(a, b), math.degrees(math.atan2(b, a)) % 360.0


def distance(x: RGBA, y: RGBA) -> float:
    """Perceptual distance (Euclidean in OKLab): ~0.02 is barely visible, >0.1 is obvious."""
    return math.dist(to_oklab(x.over(WHITE)), to_oklab(y.over(WHITE)))


def _split_args(inner: str, components: int = 3) -> tuple[list[str], str | None]:
    """``"1 2 3 / 0.5"`` or ``"1, 2, 3, 0.5"`` into components and alpha."""
    alpha = None
    if "/" in inner:
        inner, alpha = inner.split("/", 1)
        alpha = alpha.strip()
    parts = [p for p in re.split(r"[\s,]+", inner.strip()) if p]
    if alpha is None and len(parts) == components + 1:
        alpha = parts.pop()
    return parts, alpha


def _number(token: str, *, percent_of: float = 1.0) -> float:
    token = token.strip()
    if token == "none":
        return 0.0
    if token.endswith("%"):
        return float(token[:-1]) / 100.0 * percent_of
    if token.endswith("deg"):
        return float(token[:-3])
    if not re.fullmatch(_NUMBER, token, re.IGNORECASE):
        raise ValueError(token)
    return float(token)


def _alpha(token: str | None) -> float:
    return 1.0 if token is None else _clamp(_number(token), 0.0, 1.0)


_FUNCTION = re.compile(r"^([a-z]+)\((.*)\)$", re.IGNORECASE | re.DOTALL)


def parse_css_color(value: str | None) -> RGBA | None:
    """Parse a CSS colour (``rgb``/``rgba``, ``oklch``, ``oklab``, ``color(srgb …)``, hex,
    ``transparent``, ``white``/``black``). Returns ``None`` for anything it cannot read."""
    if not value:
        return None
    text = value.strip().lower()
    if text == "transparent":
        return RGBA(0, 0, 0, 0.0)
    if text in ("white", "black"):
        return WHITE if text == "white" else BLACK
    if text.startswith("#"):
        return _parse_hex(text[1:])
    match = _FUNCTION.match(text)
    if not match:
        return None
    name, inner = match.groups()
    try:
        parts, alpha = _split_args(inner, 4 if name == "color" else 3)
        if name in ("rgb", "rgba") and len(parts) == 3:
            r, g, b = (_number(p, percent_of=255.0) for p in parts)
            return RGBA(r, g, b, _alpha(alpha))
        if name == "oklch" and len(parts) == 3:
            lightness = _number(parts[0])
            chroma = _number(parts[1], percent_of=0.4)
            hue = math.radians(_number(parts[2]))
            return from_oklab(
                lightness, chroma * math.cos(hue), chroma * math.sin(hue), _alpha(alpha)
            )
        if name == "oklab" and len(parts) == 3:
            lightness = _number(parts[0])
            a, b = (_number(p, percent_of=0.4) for p in parts[1:])
            return from_oklab(lightness, a, b, _alpha(alpha))
        if name == "color" and len(parts) == 4 and parts[0] == "srgb":
            r, g, b = (_number(p) * 255.0 for p in parts[1:])
            return RGBA(r, g, b, _alpha(alpha))
    except ValueError:
        return None
    return None


def _parse_hex(digits: str) -> RGBA | None:
    if not re.fullmatch(r"[0-9a-f]+", digits) or len(digits) not in (3, 4, 6, 8):
        return None
    if len(digits) in (3, 4):
        digits = "".join(ch * 2 for ch in digits)
    channels = [int(digits[i : i + 2], 16) for i in range(0, len(digits), 2)]
    alpha = channels[3] / 255.0 if len(channels) == 4 else 1.0
    return RGBA(channels[0], channels[1], channels[2], alpha)


# Hue bands in OKLCH degrees, checked in order (upper bounds exclusive); pure sRGB red is ~29°,
# yellow ~110°, green ~142°, blue ~264°, magenta ~328°.
_HUES: tuple[tuple[float, str], ...] = (
    (8.0, "pink"),
    (40.0, "red"),
    (75.0, "orange"),
    (115.0, "yellow"),
    (170.0, "green"),
    (215.0, "teal"),
    (245.0, "sky blue"),
    (275.0, "blue"),
    (290.0, "indigo"),
    (318.0, "purple"),
    (360.0, "pink"),
)


def hue_name(color: RGBA) -> str:
    """The bare colour family (``"blue"``, ``"grey"``…), without light/dark."""
    lightness, chroma, hue = to_oklch(color.over(WHITE))
    if _is_achromatic(lightness, chroma):
        return "grey"
    if 40.0 <= hue < 100.0 and lightness < 0.55:
        return "brown"
    return next(name for bound, name in _HUES if hue < bound)


def _is_achromatic(lightness: float, chroma: float) -> bool:
    # Near white a little chroma is visible (pale blue); in dark greys it is not (Tailwind's
    # gray-900 has chroma 0.034 and reads as grey).
    return chroma < 0.05 - 0.03 * lightness


def color_name(color: RGBA) -> str:
    """A plain-words name such as ``"white"``, ``"dark grey"``, ``"light blue"``, ``"brown"``."""
    color = color.over(WHITE)
    lightness, chroma, _ = to_oklch(color)
    if _is_achromatic(lightness, chroma):
        if lightness >= 0.97:
            return "white"
        if lightness >= 0.80:
            return "light grey"
        if lightness >= 0.55:
            return "grey"
        if lightness >= 0.18:
            return "dark grey"
        return "black"
    family = hue_name(color)
    if family == "brown":
        return "light brown" if lightness >= 0.45 else "brown"
    if lightness >= 0.80:
        return f"light {family}"
    if lightness < 0.45:
        return f"dark {family}"
    return family


def lightness(color: RGBA) -> float:
    """OKLab lightness (0 black .. 1 white) of the colour over white."""
    return to_oklab(color.over(WHITE))[0]
