#!/usr/bin/env bash
# Development server; with REDIS_URL set, a Celery worker and beat run beside it and stop with it.
set -euo pipefail
host=$1; port=$2
bin=.venv/bin
set -a; [ -f .env ] && . ./.env; set +a
# settings derive SITE_URL (QR codes, verify links) from the port when .env does not set it
export PORT="$port"
if [ -n "${REDIS_URL:-}" ]; then
  mkdir -p var
  "$bin/celery" -A wagewatch worker -l info --concurrency 2 > var/worker.log 2>&1 &
  "$bin/celery" -A wagewatch beat -l info --schedule var/celerybeat-schedule > var/beat.log 2>&1 &
  trap 'kill $(jobs -p) 2>/dev/null' EXIT
  echo "Celery worker and beat started (logs in var/worker.log, var/beat.log)"
else
  echo "REDIS_URL not set: background tasks run in-process"
fi
echo "WageWatch on http://$host:$port/"
"$bin/python" manage.py runserver "$host:$port"
