"""In-process rate-limit counts without a thread per request.

limits' ``memory://`` storage frees expired counters from a timer thread it
starts again after almost every hit, which costs a busy worker about a tenth of
its time. ``local://`` is the same storage with that sweep done inline, at most
once a second; an expired counter is already ignored when read, so counting is
unchanged. Redis (``redis://``) remains the choice for more than one worker.
"""

from __future__ import annotations

import time
from typing import Any

from limits.storage import MemoryStorage

SWEEP_SECONDS = 1.0


class LocalStorage(MemoryStorage):
    STORAGE_SCHEME = ["local"]  # noqa: RUF012  # limits declares it a plain list, and reads it off the class

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._swept = time.monotonic()

    # Replaces MemoryStorage's private scheduler (name-mangled), which starts the timer thread.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now - self._swept >= SWEEP_SECONDS:
            self._swept = now
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]
