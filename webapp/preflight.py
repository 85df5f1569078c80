"""Start-up checks that turn unreachable services into one actionable line.

Run by ``manage.py duet_up`` (and ``manage.py duet_check``) before anything else starts, so a
wrong ``DATABASE_URL`` or ``REDIS_URL`` ends start-up with ``DATABASE_URL: cannot connect ...``
instead of a traceback from deep inside a driver.
"""

from __future__ import annotations

import os
from pathlib import Path

from webapp.config import Config, ConfigError


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def check_database(config: Config) -> str:
    """Connect with the configured settings. Returns a description; raises ConfigError."""
    from django.db import connection

    vendor = config.database_vendor
    if vendor == "sqlite":
        folder = Path(config.database["NAME"]).parent
        if not os.access(folder, os.W_OK):
            raise ConfigError("DUET_DATA_DIR", f"SQLite folder {folder} is not writable")
        where = config.database["NAME"]
    else:
        db = config.database
        where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db.get('NAME')}"
    try:
        connection.ensure_connection()
    except Exception as exc:
        variable = "DATABASE_URL" if config.database_url_set else "DUET_DATA_DIR"
        raise ConfigError(
            variable, f"cannot connect to {vendor} at {where}: {_first_line(exc)}"
        ) from None
    finally:
        connection.close()
    return f"{vendor} at {where}"


def check_redis(config: Config, timeout: float = 3.0) -> str | None:
    """Ping Redis when REDIS_URL is set. Returns a description (None without Redis)."""
    if config.redis is None:
        return None
    import redis

    client = redis.Redis.from_url(
        config.redis.url, socket_connect_timeout=timeout, socket_timeout=timeout
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ConfigError(
            "REDIS_URL", f"cannot reach redis at {config.redis.display}: {_first_line(exc)}"
        ) from None
    finally:
        client.close()
    return f"redis at {config.redis.display}"


def run_preflight(config: Config) -> list[str]:
    """All reachability checks; returns one description per service that answered."""
    found = [check_database(config)]
    redis_found = check_redis(config)
    if redis_found:
        found.append(redis_found)
    return found
