"""How alike two page screenshots are: ColBench's CLIP cosine, or an offline stand-in.

``clip`` is the paper's reward: cosine similarity of CLIP ViT-B/32 image embeddings. It needs a
local checkpoint directory (``DUET_CLIP_PATH`` or an explicit path); nothing is ever downloaded.

``offline-v1`` is used when no checkpoint is configured. It is *not* CLIP and its numbers are not
comparable with CLIP's or the paper's. Definition (both images converted to RGB):

* structure (weight 0.5): SSIM of the two screenshots as 128×128 greyscale images (each resized
  whole, so a full page is compared with a full page), averaged over 8×8 windows, clipped to
  [0, 1];
* colour (weight 0.35): histogram intersection of the two images' colour distributions
  (RGB quantised to 4×4×4 bins);
* shape (weight 0.15): ratio of the shorter to the taller page height (screenshots share a width).

It is 1.0 for identical images, and drops for a blank page against a rich one, for different
colour schemes, and for different layouts.

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

OFFLINE_METRIC = "offline-v1"
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


class OfflineImageScorer:
    """``offline-v1``: structure + colour + page-shape similarity in [0, 1] (see module doc)."""

    metric = OFFLINE_METRIC
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


def load_scorer(clip_path: str | Path | None = None) -> ImageScorer:
    """The configured scorer: CLIP from ``clip_path`` or ``$DUET_CLIP_PATH``, else ``offline-v1``.

    A configured path that does not hold a checkpoint is an error, not a silent fallback: the
    metric must be what the operator asked for.
    """
    path = clip_path if clip_path is not None else os.environ.get(CLIP_ENV_VAR) or None
    if path:
        return ClipImageScorer(path)
    return OfflineImageScorer()


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
