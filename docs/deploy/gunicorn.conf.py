"""gunicorn's settings for ibasho (docs/deployment.md), read by the systemd unit
(``gunicorn --config …/docs/deploy/gunicorn.conf.py cms.wsgi``) and by docs/deploy/stack.sh.

Everything a machine changes comes from the environment file (ibasho.env):

- ``GUNICORN_BIND``: where nginx reaches the app (default ``127.0.0.1:8000``; on an app
  server behind a load balancer, its private address).
- ``WEB_CONCURRENCY``: worker processes (default 2 × cores + 1). Sync workers: nginx
  buffers requests and responses, so a slow phone never holds a worker.
- ``GUNICORN_TIMEOUT``: seconds a request may take before its worker is replaced (30).
- ``GUNICORN_ACCESS_LOG`` / ``GUNICORN_ERROR_LOG``: ``-`` (the journal) unless a file is
  given. Booking tokens are cut out of the access log (cms/logfilters.py).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# Each worker is replaced after about a thousand requests (the jitter keeps them from
# restarting together), so a slow leak never grows into an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30  # a restart lets requests in hand finish
keepalive = 5  # nginx is the only client

# The workers' heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# No query strings in the log (they may hold what someone typed in a filter).
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "ibasho-web"
