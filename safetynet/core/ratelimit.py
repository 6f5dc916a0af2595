"""Fixed-window rate limits kept in Django's cache, never in the database.

django-ratelimit was the first choice, but it refuses every cache this project can run
without extra services (its checks reject the local-memory and database caches). The
public report form only needs "at most N per hour per client", which is a dozen lines on
the cache API. Keys are keyed hashes, so even the cache holds no client address in clear.
With several server processes the local-memory cache counts per process: configure a
shared cache (memcached, Redis) through CACHES for an exact limit (README).
"""

from __future__ import annotations

import time

from django.core.cache import cache

from safetynet.people.vault import blind_index

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """"10/h" -> (10, 3600)."""
    count, _slash, period = rate.partition("/")
    return int(count), PERIODS[period[-1]] * int(period[:-1] or 1)


def client_key(request) -> str:
    """The client address as a keyed hash (REMOTE_ADDR; a proxy in front must set it)."""
    return blind_index("client", request.META.get("REMOTE_ADDR", ""))


def hit(scope: str, key: str, rate: str) -> bool:
    """Count one request; True when the limit is exceeded."""
    limit, seconds = parse_rate(rate)
    window = int(time.time() // seconds)
    name = f"rl:{scope}:{window}:{key[:32]}"
    if cache.add(name, 1, timeout=seconds + 5):
        return limit < 1
    try:
        return cache.incr(name) > limit
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=seconds + 5)
        return False
