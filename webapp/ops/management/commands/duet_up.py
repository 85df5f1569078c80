"""``manage.py duet_up --port N``: everything ``make run`` needs, in one foreground process.

1. check the configuration and that the database (and Redis, if configured) answer;
2. apply migrations;
3. load the bundled task sets (data/colbench/*/{train,test}.jsonl) when present;
4. build the default models with ``duet models bootstrap`` when they are missing, and make the
   default agent the active ``ModelVersion`` when none is active;
5. start Daphne (web) and a Celery worker as child processes in their own process groups;
6. wait until ``/healthz`` answers, print the URL and how to create the first admin;
7. on Ctrl-C or SIGTERM stop both and leave nothing running.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from training.colbench.tasks import TaskFormatError
from training.llm.spec import parse_spec
from training.paths import REPO_ROOT, bundled_tasks_dir
from webapp.config import ConfigError
from webapp.ops.supervisor import Supervisor
from webapp.preflight import run_preflight
from webapp.trajectories.importing import bundled_task_files, import_tasks

ADMIN_HINT = ".venv/bin/python manage.py duet_user create NAME --role admin"
WORKER_GRACE_SECONDS = 30.0


def port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def health_host() -> str:
    """A Host header that ALLOWED_HOSTS accepts, for polling our own server."""
    allowed = settings.ALLOWED_HOSTS
    if "localhost" in allowed or "*" in allowed or not allowed:
        return "localhost"
    return allowed[0].lstrip(".")


def fetch_health(url: str, *, host_header: str = "localhost", timeout: float = 5.0) -> dict | None:
    """The /healthz document, whatever its HTTP status; None while nothing answers."""
    request = urllib.request.Request(url, headers={"Host": host_header})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            return json.loads(exc.read())
        except ValueError:
            return None
    except (OSError, ValueError):
        return None


class Command(BaseCommand):
    help = "Migrate, load bundled tasks, build default models, run web + worker (make run)."
    requires_system_checks = []  # run them after the preflight, which gives clearer errors

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1", help="address to bind (0.0.0.0: all)")
        parser.add_argument("--no-worker", action="store_true", help="start only the web server")
        parser.add_argument(
            "--skip-bootstrap", action="store_true", help="do not build missing default models"
        )
        parser.add_argument(
            "--worker-concurrency", type=int, default=2, help="Celery worker processes"
        )
        parser.add_argument(
            "--ready-timeout", type=float, default=120.0, help="seconds to wait for /healthz"
        )
        parser.add_argument(
            "--stop-timeout", type=float, default=15.0, help="seconds children get to exit"
        )

    def say(self, message: str) -> None:
        self.stdout.write(f"duet: {message}")
        self.stdout.flush()

    def handle(self, *args, **options):
        host, port = options["host"], options["port"]
        if not 0 < port < 65536:
            raise ConfigError("--port", f"{port} is not a TCP port")
        if not port_is_free(host, port):
            raise ConfigError("--port", f"{host}:{port} is already in use; pick another PORT")

        for found in run_preflight(settings.DUET):
            self.say(f"reached {found}")
        call_command("check")
        self.say("applying migrations")
        call_command("migrate", interactive=False, verbosity=0)
        self.load_bundled_tasks()
        if not options["skip_bootstrap"]:
            self.bootstrap_models()
        self.ensure_model_version()

        stop = threading.Event()
        received: list[int] = []

        def on_signal(signum, _frame):
            received.append(signum)
            stop.set()

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        supervisor = Supervisor()
        failed = False
        try:
            self.start_children(supervisor, host, port, options)
            failed = not self.wait_until_ready(supervisor, host, port, options, stop)
            while not failed and not stop.wait(0.5):
                gone = supervisor.exited()
                if gone:
                    for child in gone:
                        self.say(f"{child.name} exited with code {child.process.returncode}")
                    failed = True
        finally:
            if received:
                self.say(f"received {signal.Signals(received[0]).name}, stopping web and worker")
            killed = supervisor.stop_all(timeout=options["stop_timeout"])
            if killed:
                self.say(f"killed after {options['stop_timeout']:g} s: {', '.join(killed)}")
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self.say("stopped")
        if failed and not received:
            raise CommandError("a child process stopped; see its output above")

    # --- steps ----------------------------------------------------------------------------------

    def load_bundled_tasks(self) -> None:
        files = bundled_task_files(bundled_tasks_dir())
        if not files:
            self.say(f"no bundled task files under {bundled_tasks_dir()} yet; skipping")
            return
        try:
            report = import_tasks(files)
        except TaskFormatError as exc:
            raise CommandError(f"bundled tasks are malformed; nothing imported:\n{exc}") from None
        self.say(f"bundled tasks from {len(files)} file(s): {report.summary()}")

    def bootstrap_models(self) -> None:
        """Build the local agent model if ``DUET_AGENT`` names one that does not exist yet."""
        spec = parse_spec(settings.DUET_AGENT)
        if spec.backend != "local":
            self.say(f"agent is {settings.DUET_AGENT}; no local model to build")
            return
        model_dir = Path(spec.target)
        if (model_dir / "config.json").is_file():
            self.say(f"default models present ({model_dir})")
            return
        self.say(f"building the default agent model into {model_dir} (first start only)")
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "training.cli", "models", "bootstrap", "--out", str(model_dir)],
            cwd=REPO_ROOT,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"`duet models bootstrap` failed with exit code {result.returncode}")
        self.say(f"default models built in {time.monotonic() - started:.0f} s")

    def ensure_model_version(self) -> None:
        """The first active ``ModelVersion`` (the default agent) on first start."""
        from webapp.collab.sessions.versions import ensure_default_version

        version = ensure_default_version()
        self.say(f"active model version: {version.name} ({version.base_model})")

    def start_children(self, supervisor: Supervisor, host: str, port: int, options) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        supervisor.start(
            "web",
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                host,
                "-p",
                str(port),
                "webapp.asgi:application",
            ],
            env,
        )
        if not options["no_worker"]:
            supervisor.start(
                "worker",
                [
                    sys.executable, "-m", "celery", "-A", "workers", "worker",
                    "--queues", "default,gpu",
                    "--concurrency", str(options["worker_concurrency"]),
                    "--hostname", "duet@%h",
                    "--beat",  # one worker, so it runs the scheduler too (sessions/sweep.py)
                    "--loglevel", "INFO",
                ],
                env,
            )  # fmt: skip

    def wait_until_ready(self, supervisor, host, port, options, stop: threading.Event) -> bool:
        """Poll /healthz until it answers; then give a starting worker a moment to join in."""
        probe_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        probe_host = f"[{probe_host}]" if ":" in probe_host else probe_host
        url = f"http://{probe_host}:{port}/healthz"
        deadline = time.monotonic() + options["ready_timeout"]
        health, answered_at = None, None
        while not stop.is_set() and time.monotonic() < deadline:
            if supervisor.exited():
                for child in supervisor.exited():
                    self.say(f"{child.name} exited with code {child.process.returncode}")
                return False
            health = fetch_health(url, host_header=health_host())
            if health is not None:
                answered_at = answered_at or time.monotonic()
                worker_ok = health["components"].get("worker", {}).get("status") == "ok"
                if worker_ok or options["no_worker"]:
                    break
                if time.monotonic() - answered_at > WORKER_GRACE_SECONDS:
                    break
            stop.wait(0.5)
        if stop.is_set():
            return True
        if health is None:
            self.say(f"/healthz did not answer within {options['ready_timeout']:g} s")
            return False
        self.print_ready(host, port, health)
        return True

    def print_ready(self, host: str, port: int, health: dict) -> None:
        shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "") else host
        self.say(f"health: {health['status']}")
        for name, component in health["components"].items():
            self.say(f"  {name:<14} {component['status']:<9} {component['detail']}")
        self.say(f"Duet is running at http://{shown_host}:{port}/  (status: /status)")
        self.say(f"create the first admin with: {ADMIN_HINT}")
        self.say("press Ctrl-C to stop")
