"""Run child processes (web, worker) so that stopping the parent leaves nothing behind.

Each child gets its own session, hence its own process group: a terminal's Ctrl-C reaches only
the supervisor, which then stops the children in order. Stopping a child signals its whole group
(a Celery worker's pool processes included), waits, and kills what is left. On Linux each child
also gets SIGTERM if the supervisor dies without cleaning up.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child between fork and exec
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    process: subprocess.Popen

    @property
    def pgid(self) -> int:
        return self.process.pid  # the child leads its own session and group

    def running(self) -> bool:
        return self.process.poll() is None

    def group_alive(self) -> bool:
        try:
            os.killpg(self.pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, signum)


class Supervisor:
    def __init__(self) -> None:
        self.children: list[Child] = []

    def start(self, name: str, argv: Sequence[str], env: Mapping[str, str] | None = None) -> Child:
        process = subprocess.Popen(
            list(argv),
            env=dict(env) if env is not None else None,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        child = Child(name, process)
        self.children.append(child)
        return child

    def exited(self) -> list[Child]:
        return [child for child in self.children if not child.running()]

    def stop_all(self, timeout: float = 15.0) -> list[str]:
        """Stop every child and everything it started; return the names that had to be killed.

        SIGTERM goes to each child itself (last started first) so that it shuts down in its own
        way: a Celery worker finishes its pool, Daphne closes connections. Whatever is still
        alive in a child's process group after ``timeout`` seconds gets SIGKILL.
        """
        for child in reversed(self.children):
            if child.running():
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(c.group_alive() for c in self.children):
            for child in self.children:
                if child.running():
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        child.process.wait(timeout=0.05)
            time.sleep(0.05)
        killed = []
        for child in self.children:
            if child.group_alive():
                killed.append(child.name)
                child.signal_group(signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=5)
        return killed
