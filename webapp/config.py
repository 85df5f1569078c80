"""Duet's runtime configuration, read from environment variables.

Everything the deployment decides comes from here, parsed once into a :class:`Config`. Parsing is
pure (a mapping in, a config out) so it can be tested without Django; ``webapp/settings.py`` turns
the result into Django, Channels and Celery settings.

A malformed value raises :class:`ConfigError` whose message is one line that starts with the
variable's name; ``manage.py`` prints that line and exits instead of showing a traceback.
Reachability (is Postgres up, does Redis answer) is checked separately by :mod:`webapp.preflight`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_ALLOWED_HOSTS = ("localhost", "127.0.0.1", "[::1]")
SUPPORTED_DATABASES = {
    "django.db.backends.postgresql": "postgresql",
    "django.db.backends.sqlite3": "sqlite",
}
REDIS_SCHEMES = ("redis", "rediss")
CELERY_QUEUES = ("default", "gpu")
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A configuration value that cannot be used. ``str()`` is one line naming the variable.

    Deliberately not Django's ImproperlyConfigured: ``manage.py`` swallows that one for some
    commands and reports it later with a traceback.
    """

    def __init__(self, variable: str, reason: str):
        self.variable = variable
        self.reason = reason
        super().__init__(f"{variable}: {reason}")


@dataclass(frozen=True)
class RedisTarget:
    """Where a Redis URL points, for messages and connection checks."""

    url: str
    host: str
    port: int
    db: int

    @property
    def display(self) -> str:
        return f"{self.host}:{self.port}/{self.db}"


@dataclass(frozen=True)
class Config:
    data_dir: Path
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    database: dict[str, Any]
    database_url_set: bool
    redis: RedisTarget | None
    agent_spec: str
    behind_tls_proxy: bool = False
    health_cache_seconds: float = 5.0
    worker_ping_timeout: float = 2.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def database_vendor(self) -> str:
        return SUPPORTED_DATABASES[self.database["ENGINE"]]

    @property
    def broker_kind(self) -> str:
        return "redis" if self.redis is not None else "filesystem"

    @property
    def celery_dir(self) -> Path:
        return self.data_dir / "celery"

    def celery_settings(self) -> dict[str, Any]:
        """Celery options (lower-case names, as ``app.conf.update`` takes them)."""
        from kombu import Exchange, Queue

        common: dict[str, Any] = {
            # Each queue has its own direct exchange: a task routed to "gpu" never lands on
            # "default" (with one shared exchange both queues would bind the same key).
            "task_queues": tuple(Queue(q, Exchange(q), routing_key=q) for q in CELERY_QUEUES),
            "task_default_queue": "default",
            "task_default_exchange": "default",
            "task_default_routing_key": "default",
            "task_serializer": "json",
            "result_serializer": "json",
            "accept_content": ["json"],
            "task_track_started": True,
            "result_expires": 3600,
            "worker_hijack_root_logger": False,
            "broker_connection_retry_on_startup": True,
        }
        if self.redis is not None:
            return {
                **common,
                "broker_url": self.redis.url,
                "result_backend": self.redis.url,
                "broker_transport_options": {"visibility_timeout": 6 * 3600},
            }
        queue = self.celery_dir / "queue"
        return {
            **common,
            "broker_url": "filesystem://",
            # kombu's transport, publishing atomically (see workers/filesystem_broker.py)
            "broker_transport": "workers.filesystem_broker:Transport",
            "broker_transport_options": {
                "data_folder_in": str(queue),
                "data_folder_out": str(queue),
                "processed_folder": str(self.celery_dir / "processed"),
                "control_folder": str(self.celery_dir / "control"),
                "store_processed": False,
                # kombu polls the folder; its 1 s default adds a second to every round trip.
                "polling_interval": 0.2,
            },
            "result_backend": f"file://{self.celery_dir / 'results'}",
        }

    def celery_folders(self) -> list[Path]:
        """Folders the filesystem transport and file result backend need (empty with Redis)."""
        if self.redis is not None:
            return []
        return [self.celery_dir / name for name in ("queue", "processed", "control", "results")]


def parse_bool(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(name, f"expected 1/0, true/false, yes/no or on/off, got {raw!r}")


def parse_list(env: Mapping[str, str], name: str, default: tuple[str, ...] = ()) -> list[str]:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(name, f"expected a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(name, f"must be positive, got {raw!r}")
    return value


def resolve_data_dir(env: Mapping[str, str], repo_root: Path) -> Path:
    """Same rule as ``training.paths.data_dir`` (relative paths are from the repo root)."""
    path = Path(env.get("DUET_DATA_DIR") or "var")
    if not path.is_absolute():
        path = repo_root / path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("DUET_DATA_DIR", f"cannot create {path}: {exc.strerror}") from None
    return path


def parse_database(env: Mapping[str, str], data_dir: Path) -> dict[str, Any]:
    import dj_database_url

    url = (env.get("DATABASE_URL") or "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(data_dir / "duet.sqlite3"),
            # Several writers share the file (the web process's live-session runner threads,
            # the worker process): take the write lock at BEGIN, so no transaction ever has to
            # upgrade a read lock (SQLite fails that at once with "database is locked"), wait
            # up to 20 s for it, and let readers run beside the writer (WAL).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            },
        }
    try:
        database = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except Exception as exc:  # dj-database-url raises several types for malformed URLs
        reason = str(exc).split(". ")[0].rstrip(".")
        raise ConfigError("DATABASE_URL", f"cannot parse {_redact(url)!r}: {reason}") from None
    engine = database.get("ENGINE")
    if engine not in SUPPORTED_DATABASES:
        scheme = url.split(":", 1)[0]
        raise ConfigError(
            "DATABASE_URL",
            f"unsupported database {scheme!r}: use postgres://user:pass@host:port/name, "
            "or leave it unset for SQLite in the data directory",
        )
    if engine == "django.db.backends.postgresql" and not database.get("NAME"):
        raise ConfigError("DATABASE_URL", f"no database name in {_redact(url)!r}")
    if engine == "django.db.backends.postgresql":
        # Without it an unroutable host blocks start-up for minutes before failing.
        database.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    return database


def parse_redis(env: Mapping[str, str]) -> RedisTarget | None:
    url = (env.get("REDIS_URL") or "").strip()
    if not url:
        return None
    shown = _redact(url)
    parts = urlsplit(url)
    if parts.scheme not in REDIS_SCHEMES:
        raise ConfigError(
            "REDIS_URL", f"expected redis://host:port/db or rediss://…, got {shown!r}"
        )
    try:
        port = parts.port or 6379
    except ValueError:
        raise ConfigError("REDIS_URL", f"port is not a number in {shown!r}") from None
    if not parts.hostname:
        raise ConfigError("REDIS_URL", f"no host in {shown!r}")
    db_text = parts.path.strip("/") or "0"
    if not db_text.isdigit():
        raise ConfigError("REDIS_URL", f"database must be a number (e.g. /0), got {shown!r}")
    return RedisTarget(url=url, host=parts.hostname, port=port, db=int(db_text))


def secret_key(env: Mapping[str, str], data_dir: Path) -> str:
    """``DUET_SECRET_KEY``, else a key generated once into ``<data_dir>/secret_key`` (mode 0600)."""
    given = env.get("DUET_SECRET_KEY", "").strip()
    if given:
        if len(given) < 32:
            raise ConfigError("DUET_SECRET_KEY", "must be at least 32 characters long")
        return given
    path = data_dir / "secret_key"
    if not path.exists():
        _write_secret_once(path, secrets.token_urlsafe(50))
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise ConfigError("DUET_SECRET_KEY", f"{path} is shorter than 32 characters; delete it")
    return key


def _write_secret_once(path: Path, value: str) -> None:
    """Create ``path`` with ``value`` atomically; if another process won the race, keep theirs."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(value + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def default_agent_spec(data_dir: Path) -> str:
    return f"local:{data_dir / 'models' / 'tiny-agent'}"


def parse_agent(env: Mapping[str, str], data_dir: Path) -> str:
    from training.llm.spec import SpecError, parse_spec

    spec = (env.get("DUET_AGENT") or "").strip() or default_agent_spec(data_dir)
    try:
        parse_spec(spec)
    except SpecError as exc:
        raise ConfigError("DUET_AGENT", str(exc)) from None
    return spec


def load_config(env: Mapping[str, str], repo_root: Path) -> Config:
    """Parse the environment. Raises :class:`ConfigError` for the first unusable value."""
    data_dir = resolve_data_dir(env, repo_root)
    redis = parse_redis(env)
    config = Config(
        data_dir=data_dir,
        debug=parse_bool(env, "DUET_DEBUG"),
        secret_key=secret_key(env, data_dir),
        allowed_hosts=parse_list(env, "DUET_ALLOWED_HOSTS", DEFAULT_ALLOWED_HOSTS),
        csrf_trusted_origins=parse_list(env, "DUET_CSRF_TRUSTED_ORIGINS"),
        database=parse_database(env, data_dir),
        database_url_set=bool((env.get("DATABASE_URL") or "").strip()),
        redis=redis,
        agent_spec=parse_agent(env, data_dir),
        behind_tls_proxy=parse_bool(env, "DUET_BEHIND_TLS_PROXY"),
        health_cache_seconds=parse_float(env, "DUET_HEALTH_CACHE_SECONDS", 5.0),
        worker_ping_timeout=parse_float(env, "DUET_WORKER_PING_TIMEOUT", 2.0),
    )
    for folder in config.celery_folders():
        folder.mkdir(parents=True, exist_ok=True)
    return config


def _redact(url: str) -> str:
    """The URL with any password replaced, for error messages."""
    parts = urlsplit(url)
    try:
        password = parts.password
    except ValueError:
        return url
    if not password:
        return url
    return url.replace(f":{password}@", ":***@", 1)
