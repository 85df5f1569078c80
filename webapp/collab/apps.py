"""Live collaboration sessions between a person and the agent."""

from django.apps import AppConfig

#: Seconds channels-redis blocks in one BZPOPMIN (its default: 5).
REDIS_BLOCKING_POP_S = 2


class CollabConfig(AppConfig):
    name = "webapp.collab"
    label = "collab"
    verbose_name = "Live sessions"

    def ready(self) -> None:
        # redis-py 8 reads with a 5 s socket timeout by default, the same 5 s that channels-redis
        # blocks waiting for a message: a consumer with nothing to receive for 5 s then dies of
        # "Timeout reading", and a cancelled one lingers until its read times out. A blocking
        # pop shorter than the read timeout returns (empty) first, every time.
        from channels_redis.core import RedisChannelLayer

        RedisChannelLayer.brpop_timeout = REDIS_BLOCKING_POP_S
