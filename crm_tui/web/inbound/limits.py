"""What the receiver refuses before it reads a request: too big, too often."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

BODY_LIMIT = 64 * 1024
"""A form, a call event or a bot's update is a few hundred bytes; 64 KB is generous."""


class TooLarge(Exception):
    pass


async def read_body(request: web.Request, limit: int = BODY_LIMIT) -> bytes:
    """The body, never reading past ``limit`` (a declared length over it is refused unread)."""
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge
    body = bytearray()
    while True:
        chunk = await request.content.read(limit + 1 - len(body))
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > limit:
            raise TooLarge


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class RateLimits:
    """A token bucket per source: ``per_minute`` events, in bursts of up to a minute's worth."""

    clock: Callable[[], float] = time.monotonic
    buckets: dict[str, _Bucket] = field(default_factory=dict)

    def allow(self, source: str, per_minute: int) -> bool:
        now = self.clock()
        bucket = self.buckets.get(source)
        if bucket is None:
            bucket = self.buckets[source] = _Bucket(float(per_minute), now)
        bucket.tokens = min(float(per_minute), bucket.tokens + (now - bucket.at) * per_minute / 60)
        bucket.at = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True
