"""The one error type the session service raises; its ``code`` is the protocol's error code."""

from __future__ import annotations

#: Error codes of the live protocol (PRODUCT.md), plus ``read_only`` (a watcher's ``say``),
#: ``bad_message`` (malformed JSON, unknown type, missing fields) and ``internal``.
CODES = (
    "too_long",
    "rate_limited",
    "not_your_turn",
    "finished",
    "backend_unavailable",
    "forbidden",
    "read_only",
    "bad_message",
    "internal",
)


class SessionError(Exception):
    def __init__(self, code: str, message: str, *, retry_after: float | None = None):
        assert code in CODES, code
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after

    def to_message(self) -> dict:
        out: dict = {"type": "error", "code": self.code, "message": self.message}
        if self.retry_after is not None:
            out["retry_after"] = self.retry_after
        return out
