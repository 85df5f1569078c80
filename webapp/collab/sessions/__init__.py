"""The live-session service. Views and consumers call these functions and nothing deeper.

One purpose per module: ``access`` (who may do what), ``episode`` (the ColBench episode rebuilt
from stored turns), ``lifecycle`` (start, say, retry, end, rate), ``generation`` (one agent turn:
claim, stream, store once, redo after a dead runner), ``dispatch`` (Celery or a thread),
``events`` (channel-layer messages), ``messages`` (state and turn messages), ``renders``
(screenshots), ``scoring`` (the episode's reward), ``simulation`` (simulator batches),
``versions`` (the active model version and its backend).
"""

from webapp.collab.sessions.errors import SessionError
from webapp.collab.sessions.lifecycle import create_session, end_session, rate, retry, say

__all__ = ["SessionError", "create_session", "end_session", "rate", "retry", "say"]
