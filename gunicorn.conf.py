"""gunicorn's production settings (read from the working directory; flags on the command line win).

Sync workers, two per core: a cast is a short write transaction, and sync
workers keep its tail latency lower than threads competing for one
interpreter. GUNICORN_THREADS > 1 switches to threaded workers.

gunicorn's own error and access logs (``--access-logfile``) write a letter's
address as the application's log does, ``/v/<token>``: never with its token.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from app.requestlog import scrub_logger


class TokenlessLogger(Logger):
    """gunicorn's logger, its error and access lines passed through the application's token scrubbing."""

    def setup(self, cfg: object) -> None:
        super().setup(cfg)
        scrub_logger(self.error_log)
        scrub_logger(self.access_log)


logger_class = TokenlessLogger

workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests (with jitter), bounding any slow growth of its memory.
max_requests = 20000
max_requests_jitter = 2000
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
