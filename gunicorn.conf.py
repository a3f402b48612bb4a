"""gunicorn's production settings (read from the working directory; flags on the command line win).

Workers are processes, each with a few threads: a cast spends most of its time
waiting on the database's write lock, so threads keep a worker busy meanwhile.
"""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests (with jitter), bounding any slow growth of its memory.
max_requests = 20000
max_requests_jitter = 2000
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
