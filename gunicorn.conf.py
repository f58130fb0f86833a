"""gunicorn's settings for the web container and bench/load.py (gunicorn reads ./gunicorn.conf.py).

Measured with bench/load.py (issue 19; docs in the commit): the defaults here are what paid on the 2-core
machine. Each can be overridden from the environment for a measurement."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = 60
# persistent database connections (CONN_MAX_AGE) live in each worker: recycle workers now and then so a
# leak cannot grow without bound, staggered so they do not all restart at once
max_requests = 5000
max_requests_jitter = 500
