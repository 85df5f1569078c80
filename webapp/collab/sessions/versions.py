"""The agent that answers: the active ``ModelVersion``, and one cached backend per process.

``ensure_default_version`` creates the first version for ``settings.DUET_AGENT`` when no version
is active (``manage.py duet_up`` calls it; the service calls it lazily). The active version is
read before every agent turn, so a promotion takes effect at the next turn.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from training.llm.base import LLM
from training.llm.spec import load_llm
from webapp.ops.models import ModelVersion

DEFAULT_VERSION_NAME = "default-agent"

_llms: dict[str, LLM] = {}
_llms_lock = threading.Lock()


def ensure_default_version() -> ModelVersion:
    """The active version, creating ``default-agent`` for ``DUET_AGENT`` if none is active."""
    active = ModelVersion.objects.filter(status=ModelVersion.Status.ACTIVE).first()
    if active is not None:
        return active
    try:
        with transaction.atomic():
            version, _ = ModelVersion.objects.get_or_create(
                name=DEFAULT_VERSION_NAME,
                defaults={"base_model": settings.DUET_AGENT},
            )
            if version.status != ModelVersion.Status.ACTIVE:
                version.status = ModelVersion.Status.ACTIVE
                version.promoted_at = timezone.now()
                version.save(update_fields=["status", "promoted_at"])
            return version
    except IntegrityError:  # another process made a version active at the same moment
        return ModelVersion.objects.get(status=ModelVersion.Status.ACTIVE)


def version_for(session) -> ModelVersion:
    """The version that answers this session's next turn: a pinned one, else the active one."""
    if session.pinned_version_id is not None:
        return ModelVersion.objects.get(pk=session.pinned_version_id)
    return ensure_default_version()


def backend_for(version: ModelVersion) -> tuple[LLM, str | None]:
    """The process's backend for the version's base model, and the adapter name to request.

    One backend per base-model spec per process, built on first use (a failure is not cached,
    so a retry after the backend is back works). A local adapter is loaded under the version's
    name on first use; a vLLM adapter is assumed loaded under that name by the swap.
    """
    spec = version.base_model
    with _llms_lock:
        llm = _llms.get(spec)
        if llm is None:
            llm = load_llm(spec)
            _llms[spec] = llm
        if not version.adapter_path:
            return llm, None
        if spec.startswith("local:") and version.name not in llm.adapters():
            llm.load_adapter(version.name, version.adapter_path)
        return llm, version.name


def forget_backends() -> None:
    """Drop cached backends (tests; a process that must reload its model)."""
    with _llms_lock:
        for llm in _llms.values():
            llm.close()
        _llms.clear()
