#!/usr/bin/env bash
# Development server with a Celery worker and beat beside it, stopped with it. With REDIS_URL they use Redis;
# without it kombu's filesystem transport under VAR_DIR (wagewatch/settings.py), so an import above the row
# threshold still runs in the background with its progress bar, as in production.
set -euo pipefail
host=$1; port=$2
bin=.venv/bin
set -a; [ -f .env ] && . ./.env; set +a
# settings derive SITE_URL (QR codes, verify links) from the port when .env does not set it
export PORT="$port"
var=${VAR_DIR:-var}
mkdir -p "$var"
"$bin/celery" -A wagewatch worker -l info --concurrency 2 > "$var/worker.log" 2>&1 &
"$bin/celery" -A wagewatch beat -l info --schedule "$var/celerybeat-schedule" > "$var/beat.log" 2>&1 &
trap 'kill $(jobs -p) 2>/dev/null' EXIT
if [ -n "${REDIS_URL:-}" ]; then
  echo "Celery worker and beat started on Redis (logs in $var/worker.log, $var/beat.log)"
else
  echo "Celery worker and beat started on the file queue in $var/celery (logs in $var/worker.log, $var/beat.log)"
fi
echo "WageWatch on http://$host:$port/"
"$bin/python" manage.py runserver "$host:$port"
