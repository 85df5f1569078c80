"""How alike two page screenshots are: ColBench's CLIP cosine, or an offline stand-in.

``clip`` is the paper's reward: cosine similarity of CLIP ViT-B/32 image embeddings. It needs a
local checkpoint directory (``DUET_CLIP_PATH`` or an explicit path); nothing is ever downloaded.

Without a checkpoint an offline metric is used. Offline metrics are *not* CLIP and their numbers
are not comparable with CLIP's, the paper's, or each other's:

* ``offline-v2`` (the default, :class:`OfflineV2Scorer`): edge-structure SSIM at two scales
  where either page has content, content coverage on a 64 px grid, per-cell mean Lab colour, and
  page height. A blank page scores low against a rich one.
* ``offline-v1`` (:class:`OfflineV1Scorer`, kept so old figures can be reproduced): 0.5 × SSIM of
  128×128 greyscale + 0.35 × RGB histogram intersection (4×4×4 bins) + 0.15 × height ratio. It
  gives a blank page ~0.7 against a mostly white target, more than it gives a different real
  page, which makes it a poor training reward.

Both are 1.0 for identical images. bench/similarity_quality.py measures how each orders edited
copies, other pages and blank pages (results in BENCHMARKS.md).

Every score carries its metric's name. Scores of different metrics never mix: comparing,
subtracting or averaging them raises :class:`MetricMismatch`.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import total_ordering
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

OFFLINE_V1 = "offline-v1"
OFFLINE_V2 = "offline-v2"
OFFLINE_METRIC = OFFLINE_V2
"""The offline metric used when none is named and no CLIP checkpoint is configured."""
CLIP_ENV_VAR = "DUET_CLIP_PATH"

ImageInput = Any
"""PNG bytes, a ``PIL.Image``, or anything with a ``png`` attribute (a ``RenderResult``)."""


class MetricMismatch(ValueError):
    """Two scores from different metrics were compared or combined."""


@total_ordering
@dataclass(frozen=True)
class SimilarityScore:
    """A similarity value and the name of the metric that produced it."""

    value: float
    metric: str

    def _check(self, other: object) -> SimilarityScore:
        if not isinstance(other, SimilarityScore):
            raise TypeError(f"cannot compare a SimilarityScore with {type(other).__name__}")
        if other.metric != self.metric:
            raise MetricMismatch(
                f"scores from different metrics cannot be compared: {self.metric!r} vs "
                f"{other.metric!r}"
            )
        return other

    def __lt__(self, other: object) -> bool:
        return self.value < self._check(other).value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SimilarityScore):
            return NotImplemented
        return self.value == self._check(other).value

    def __hash__(self) -> int:
        return hash((self.value, self.metric))

    def __sub__(self, other: SimilarityScore) -> float:
        return self.value - self._check(other).value

    def __float__(self) -> float:
        return self.value

    def __str__(self) -> str:
        return f"{self.value:.4f} ({self.metric})"


def mean_score(scores: Iterable[SimilarityScore]) -> SimilarityScore:
    """The mean of scores from one metric (raises :class:`MetricMismatch` on a mix)."""
    items = list(scores)
    if not items:
        raise ValueError("mean of no scores")
    metrics = {s.metric for s in items}
    if len(metrics) > 1:
        raise MetricMismatch(f"cannot average scores of different metrics: {sorted(metrics)}")
    return SimilarityScore(float(np.mean([s.value for s in items])), items[0].metric)


@runtime_checkable
class ImageScorer(Protocol):
    """Scores how alike two screenshots are; ``metric`` names what the number means."""

    metric: str

    def score(self, a: ImageInput, b: ImageInput) -> SimilarityScore: ...


def _to_image(image: ImageInput):
    from PIL import Image

    if hasattr(image, "png"):
        image = image.png
    if isinstance(image, bytes | bytearray):
        image = Image.open(io.BytesIO(image))
    if not isinstance(image, Image.Image):
        raise TypeError(f"expected PNG bytes, a PIL image or a render result, got {type(image)}")
    return image.convert("RGB")


class OfflineV1Scorer:
    """``offline-v1``: structure + colour + page-shape similarity in [0, 1] (see module doc).

    Kept unchanged so that figures recorded with it can be reproduced."""

    metric = OFFLINE_V1
    SIZE = 128
    WINDOW = 8
    WEIGHTS = (0.5, 0.35, 0.15)

    def score(self, a: ImageInput, b: ImageInput) -> SimilarityScore:
        image_a, image_b = _to_image(a), _to_image(b)
        if image_a.size == image_b.size and image_a.tobytes() == image_b.tobytes():
            return SimilarityScore(1.0, self.metric)
        structure = self._structure(image_a, image_b)
        colour = self._colour(image_a, image_b)
        shape = min(image_a.height, image_b.height) / max(image_a.height, image_b.height, 1)
        w_s, w_c, w_h = self.WEIGHTS
        value = w_s * structure + w_c * colour + w_h * shape
        return SimilarityScore(float(np.clip(value, 0.0, 1.0)), self.metric)

    def _grey(self, image) -> np.ndarray:
        from PIL import Image

        small = image.convert("L").resize((self.SIZE, self.SIZE), Image.Resampling.BILINEAR)
        return np.asarray(small, dtype=np.float64)

    def _structure(self, image_a, image_b) -> float:
        """Mean SSIM over non-overlapping windows of the two 128×128 greyscale images."""
        x, y = self._grey(image_a), self._grey(image_b)
        w = self.WINDOW
        shape = (self.SIZE // w, w, self.SIZE // w, w)
        xw = x.reshape(shape).transpose(0, 2, 1, 3).reshape(-1, w * w)
        yw = y.reshape(shape).transpose(0, 2, 1, 3).reshape(-1, w * w)
        mx, my = xw.mean(axis=1), yw.mean(axis=1)
        vx, vy = xw.var(axis=1), yw.var(axis=1)
        cov = ((xw - mx[:, None]) * (yw - my[:, None])).mean(axis=1)
        c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
        ssim = ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
        return float(np.clip(ssim.mean(), 0.0, 1.0))

    @staticmethod
    def _colour(image_a, image_b) -> float:
        """Histogram intersection of 64-bin colour distributions."""

        def histogram(image) -> np.ndarray:
            small = image.copy()
            small.thumbnail((256, 256))
            pixels = np.asarray(small, dtype=np.int64).reshape(-1, 3) // 64
            bins = pixels @ np.array([16, 4, 1])
            counts = np.bincount(bins, minlength=64).astype(np.float64)
            return counts / counts.sum()

        return float(np.minimum(histogram(image_a), histogram(image_b)).sum())


def _srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of an ``(..., 3)`` uint8 sRGB array."""
    c = rgb.astype(np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = (
        linear
        @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    )
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    lightness = 116 * f[..., 1] - 16
    return np.stack([lightness, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def _windows(x: np.ndarray, size: int) -> np.ndarray:
    """Non-overlapping ``size``×``size`` windows of a 2-D array (trailing partials dropped),
    as rows of ``size*size`` values."""
    rows, cols = x.shape[0] // size, x.shape[1] // size
    x = x[: rows * size, : cols * size]
    return x.reshape(rows, size, cols, size).transpose(0, 2, 1, 3).reshape(rows * cols, -1)


def _ssim(x: np.ndarray, y: np.ndarray, dynamic_range: float) -> np.ndarray:
    """SSIM of matching windows (rows) of two images."""
    mx, my = x.mean(axis=1), y.mean(axis=1)
    vx, vy = x.var(axis=1), y.var(axis=1)
    cov = ((x - mx[:, None]) * (y - my[:, None])).mean(axis=1)
    c1, c2 = (0.01 * dynamic_range) ** 2, (0.03 * dynamic_range) ** 2
    return ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))


@dataclass(frozen=True)
class _Page:
    """A screenshot reduced for ``offline-v2``: Lab pixels, background colour, content mask."""

    lab: np.ndarray
    background: np.ndarray
    content: np.ndarray
    height: int


class OfflineV2Scorer:
    """``offline-v2``: layout-aware similarity in [0, 1] that a blank page cannot game.

    Both screenshots are reduced to 1/4 scale (320 px wide for the 1280 px viewport) and put in
    CIE Lab. Each page's *background* is its most common colour; its *content* is every pixel
    more than ``CONTENT_DELTA_E`` from it. Pages are aligned at the top (a page is read from the
    top; stretching a short page to a tall one's height would move everything), the shorter one
    padded with its own background. The value is a weighted sum of four terms, each in [0, 1]
    and 1 for identical pages:

    * structure (``WEIGHTS[0]``): SSIM of the L channel's gradient magnitude (an edge map) at
      two scales (windows of 64 and 128 px of the page, over edge maps averaged down 2× and 4×,
      so a few pixels of shift do not count as a new layout), each window weighted by the edge
      energy either page has there. Windows flat in both are left out, so an empty page cannot
      collect credit for the white space of the target (plain SSIM of grey levels gives a blank
      page more than a different real page: flat coloured blocks match flat white);
    * coverage (``WEIGHTS[1]``): where content is. The fraction of content pixels in each cell
      of a 64 px grid, compared as ``sum(min) / sum(max)`` (weighted Jaccard). A blank page
      against a rich one scores 0;
    * colour (``WEIGHTS[2]``): the mean Lab colour of each grid cell, ``1 - ΔE/COLOUR_SCALE``
      per cell (floored at 0), averaged: the palette and where it is used;
    * shape (``WEIGHTS[3]``): ratio of the shorter to the taller page height.

    The weights were chosen among a handful of settings on the bundled pages with
    bench/similarity_quality.py; there it orders small edits of a page above other pages above
    blank ones for 95% of targets (``offline-v1``: 12%). See BENCHMARKS.md.
    """

    metric = OFFLINE_V2
    SCALE = 4
    CELL = 16
    """Grid cell side at 1/``SCALE`` scale (64 px of the page)."""
    CONTENT_DELTA_E = 8.0
    COLOUR_SCALE = 40.0
    EDGE_SCALES = (2, 4)
    EDGE_RANGE = 50.0
    """Dynamic range of the edge maps for SSIM's constants (L* units per pixel)."""
    WEIGHTS = (0.35, 0.3, 0.15, 0.2)

    def score(self, a: ImageInput, b: ImageInput) -> SimilarityScore:
        image_a, image_b = _to_image(a), _to_image(b)
        if image_a.size == image_b.size and image_a.tobytes() == image_b.tobytes():
            return SimilarityScore(1.0, self.metric)
        page_a, page_b = self._reduce(image_a), self._reduce(image_b)
        page_a, page_b = self._align(page_a, page_b)
        structure = self._structure(page_a, page_b)
        coverage = self._coverage(page_a, page_b)
        colour = self._colour(page_a, page_b)
        shape = min(page_a.height, page_b.height) / max(page_a.height, page_b.height, 1)
        terms = np.array([structure, coverage, colour, shape])
        value = float(np.dot(self.WEIGHTS, terms))
        return SimilarityScore(float(np.clip(value, 0.0, 1.0)), self.metric)

    def components(self, a: ImageInput, b: ImageInput) -> dict[str, float]:
        """The four terms, for inspecting why two pages score as they do."""
        page_a, page_b = self._align(self._reduce(_to_image(a)), self._reduce(_to_image(b)))
        return {
            "structure": self._structure(page_a, page_b),
            "coverage": self._coverage(page_a, page_b),
            "colour": self._colour(page_a, page_b),
            "shape": min(page_a.height, page_b.height) / max(page_a.height, page_b.height, 1),
        }

    def _reduce(self, image) -> _Page:
        from PIL import Image

        width = max(image.width // self.SCALE, 1)
        height = max(round(image.height * width / image.width), 1)
        small = np.asarray(image.resize((width, height), Image.Resampling.BOX))
        lab = _srgb_to_lab(small)
        quantised = (small.reshape(-1, 3) // 8).astype(np.int64) @ np.array([1024, 32, 1])
        mode = np.bincount(quantised).argmax()
        background = lab.reshape(-1, 3)[quantised == mode].mean(axis=0)
        distance = np.linalg.norm(lab - background, axis=-1)
        return _Page(lab, background, distance > self.CONTENT_DELTA_E, image.height)

    def _align(self, a: _Page, b: _Page) -> tuple[_Page, _Page]:
        """Pad both to the same width and a whole number of cells tall with their background."""
        rows = -(-max(a.lab.shape[0], b.lab.shape[0]) // self.CELL) * self.CELL
        cols = -(-max(a.lab.shape[1], b.lab.shape[1]) // self.CELL) * self.CELL

        def pad(page: _Page) -> _Page:
            extra = ((0, rows - page.lab.shape[0]), (0, cols - page.lab.shape[1]))
            lab = np.empty((rows, cols, 3))
            lab[:] = page.background
            lab[: page.lab.shape[0], : page.lab.shape[1]] = page.lab
            return _Page(lab, page.background, np.pad(page.content, extra), page.height)

        return pad(a), pad(b)

    def _structure(self, a: _Page, b: _Page) -> float:
        """Edge-map SSIM at two scales, windows weighted by the edges either page has there."""
        scores = []
        edges_a, edges_b = self._edges(a.lab[..., 0]), self._edges(b.lab[..., 0])
        for factor in self.EDGE_SCALES:
            ea, eb = edges_a, edges_b
            if factor > 1:
                ea, eb = self._pool(ea, factor), self._pool(eb, factor)
            window = self.CELL // 2
            wa, wb = _windows(ea, window), _windows(eb, window)
            ssim = _ssim(wa, wb, self.EDGE_RANGE)
            weight = np.maximum(wa.mean(axis=1), wb.mean(axis=1))
            if weight.sum() > 0:
                scores.append(float(np.clip(np.average(ssim, weights=weight), 0.0, 1.0)))
            else:
                scores.append(1.0)
        return float(np.mean(scores))

    @staticmethod
    def _edges(lightness: np.ndarray) -> np.ndarray:
        """Gradient magnitude of the L channel (central differences, zero at the border)."""
        gy, gx = np.zeros_like(lightness), np.zeros_like(lightness)
        gy[1:-1] = (lightness[2:] - lightness[:-2]) / 2
        gx[:, 1:-1] = (lightness[:, 2:] - lightness[:, :-2]) / 2
        return np.hypot(gx, gy)

    @staticmethod
    def _pool(x: np.ndarray, factor: int) -> np.ndarray:
        rows, cols = x.shape[0] // factor, x.shape[1] // factor
        x = x[: rows * factor, : cols * factor]
        return x.reshape(rows, factor, cols, factor).mean(axis=(1, 3))

    def _cells(self, x: np.ndarray) -> np.ndarray:
        rows, cols = x.shape[0] // self.CELL, x.shape[1] // self.CELL
        shape = (rows, self.CELL, cols, self.CELL, *x.shape[2:])
        return x.reshape(shape).mean(axis=(1, 3))

    def _coverage(self, a: _Page, b: _Page) -> float:
        ca = self._cells(a.content.astype(np.float64))
        cb = self._cells(b.content.astype(np.float64))
        union = np.maximum(ca, cb).sum()
        return 1.0 if union == 0 else float(np.minimum(ca, cb).sum() / union)

    def _colour(self, a: _Page, b: _Page) -> float:
        delta = np.linalg.norm(self._cells(a.lab) - self._cells(b.lab), axis=-1)
        return float(np.clip(1.0 - delta / self.COLOUR_SCALE, 0.0, 1.0).mean())


class ClipImageScorer:
    """CLIP image-embedding cosine from a local checkpoint directory (never downloads).

    The directory must hold a ``CLIPModel`` (``config.json`` + weights) and its image
    preprocessing config (``preprocessor_config.json``), as ``save_pretrained`` writes them.
    The metric is named ``clip:<directory name>`` so scores of different checkpoints never mix.
    Embeddings are cached by image content: a target page is compared many times.
    """

    def __init__(self, path: str | Path, *, device: str = "cpu", cache_size: int = 256):
        path = Path(path).expanduser()
        if not (path / "config.json").is_file():
            raise FileNotFoundError(
                f"no CLIP checkpoint at {path} (expected config.json and weights saved by "
                "CLIPModel.save_pretrained); unset DUET_CLIP_PATH to use the offline metric"
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import CLIPModel

        try:  # the PIL backend; the default one wants torchvision, which is not installed
            from transformers import CLIPImageProcessorPil as CLIPImageProcessor
        except ImportError:
            from transformers import CLIPImageProcessor

        self.path = path
        self.metric = f"clip:{path.name}"
        self.device = device
        self._torch = torch
        self.model = CLIPModel.from_pretrained(path, local_files_only=True).to(device).eval()
        self.processor = CLIPImageProcessor.from_pretrained(path, local_files_only=True)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    def embed(self, image: ImageInput) -> np.ndarray:
        """The L2-normalised image embedding."""
        picture = _to_image(image)
        key = hashlib.sha1(picture.tobytes() + repr(picture.size).encode()).hexdigest()
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        inputs = self.processor(images=picture, return_tensors="pt").to(self.device)
        with self._torch.inference_mode():
            output = self.model.get_image_features(pixel_values=inputs["pixel_values"])
        features = output if isinstance(output, self._torch.Tensor) else output.pooler_output
        vector = features[0].float().cpu().numpy()
        vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
        self._cache[key] = vector
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return vector

    def score(self, a: ImageInput, b: ImageInput) -> SimilarityScore:
        value = float(np.dot(self.embed(a), self.embed(b)))
        return SimilarityScore(float(np.clip(value, -1.0, 1.0)), self.metric)


OFFLINE_SCORERS: dict[str, type] = {OFFLINE_V1: OfflineV1Scorer, OFFLINE_V2: OfflineV2Scorer}


def scorer_for_metric(name: str) -> ImageScorer:
    """The offline scorer called ``name`` (``offline-v1`` or ``offline-v2``)."""
    try:
        return OFFLINE_SCORERS[name]()
    except KeyError:
        raise ValueError(
            f"unknown offline similarity metric {name!r}; known: {', '.join(OFFLINE_SCORERS)}"
        ) from None


def load_scorer(
    clip_path: str | Path | None = None, *, offline_metric: str = OFFLINE_METRIC
) -> ImageScorer:
    """The configured scorer: CLIP from ``clip_path`` or ``$DUET_CLIP_PATH``, else the offline
    metric ``offline_metric`` (``offline-v2`` unless asked otherwise).

    A configured path that does not hold a checkpoint is an error, not a silent fallback: the
    metric must be what the operator asked for.
    """
    path = clip_path if clip_path is not None else os.environ.get(CLIP_ENV_VAR) or None
    if path:
        return ClipImageScorer(path)
    return scorer_for_metric(offline_metric)


def page_similarity(
    agent_html: str | None, target_html: str, *, renderer: Any, scorer: ImageScorer
) -> SimilarityScore:
    """ColBench's frontend reward for one episode: the similarity of the screenshots of the
    agent's final page and the hidden page, ``0.0`` when the agent produced no page or its page
    could not be rendered. ``renderer`` is a :class:`~.render.Renderer`; a hidden page that
    fails to render raises (the task is broken, not the agent)."""
    from training.colbench.evaluation.render import RenderError

    target = renderer.render(target_html)
    if not agent_html or not agent_html.strip():
        return SimilarityScore(0.0, scorer.metric)
    try:
        page = renderer.render(agent_html)
    except RenderError:
        return SimilarityScore(0.0, scorer.metric)
    return scorer.score(page, target)
