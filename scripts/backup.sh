#!/usr/bin/env bash
# make backup [FILE=path.tar]: the PostgreSQL database (pg_dump custom format) and the uploaded files, in one tar.
# FIELD_ENCRYPTION_KEY is NOT in the backup: keep it apart (README, "Keys and backups").
set -euo pipefail
set -a; [ -f .env ] && . ./.env; set +a
: "${DATABASE_URL:?make backup needs DATABASE_URL (postgres://...)}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "make backup supports PostgreSQL only" >&2; exit 1;; esac
media=${MEDIA_ROOT:-var/media}
out=${1:-backups/wagewatch-$(date +%Y%m%d-%H%M%S).tar}
mkdir -p "$(dirname "$out")"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$work/db.dump"
mkdir -p "$work/media"
[ -d "$media" ] && cp -a "$media/." "$work/media/"
tar -C "$work" -cf "$out" db.dump media
echo "backup written: $out"
