#!/usr/bin/env bash
# make restore FILE=path.tar: replace the database's contents and the uploaded files with a backup's.
set -euo pipefail
set -a; [ -f .env ] && . ./.env; set +a
: "${DATABASE_URL:?make restore needs DATABASE_URL (postgres://...)}"
file=${1:?usage: make restore FILE=backups/wagewatch-....tar}
media=${MEDIA_ROOT:-var/media}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
tar -C "$work" -xf "$file"
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
  --dbname="$DATABASE_URL" "$work/db.dump"
mkdir -p "$media"
cp -a "$work/media/." "$media/"
echo "restored from $file"
