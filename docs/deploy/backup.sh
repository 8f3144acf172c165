#!/usr/bin/env bash
# Back up ibasho (docs/deployment.md): the database (pg_dump's custom format), the
# uploaded files (MEDIA_ROOT) and the environment file (it holds SECRET_KEY: with another
# key, sessions, password-reset and invitation links already sent and rate-limit keys would
# not match). Static files are not backed up: collectstatic makes them again.
#
#   sudo -u ibasho /srv/ibasho/app/docs/deploy/backup.sh [DIRECTORY]
#   systemctl enable --now ibasho-backup.timer     # every night (systemd/ibasho-backup.*)
#
# Reads DATABASE_URL and MEDIA_ROOT from the environment, or else from ENV_FILE (default
# /etc/ibasho/ibasho.env), which is also copied;
# BACKUP_DIR (default /var/backups/ibasho) when no DIRECTORY is given; BACKUP_KEEP_DAYS
# (default 14): older backups in BACKUP_DIR are removed. Writes DIRECTORY/<UTC time>/ with
# database.dump, media.tar.gz, ibasho.env and SHA256SUMS, and prints its path last.
set -euo pipefail
umask 077  # personal data and the secret key: readable by the owner only

# shellcheck source=docs/deploy/installation_env.sh
. "$(dirname "$0")/installation_env.sh"
ROOT=${1:-${BACKUP_DIR:-/var/backups/ibasho}}
KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}

mkdir -p "$ROOT"
TARGET="$ROOT/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir "$TARGET"
# A failed backup leaves nothing that looks like a good one.
trap 'status=$?; [ "$status" = 0 ] || rm -rf "$TARGET"' EXIT

# One consistent snapshot of the database while the site runs.
pg_dump --format=custom --no-owner --no-privileges --file="$TARGET/database.dump" \
    --dbname="$DATABASE_URL"
if [ -d "$MEDIA_ROOT" ]; then
    tar --create --gzip --file="$TARGET/media.tar.gz" --directory="$MEDIA_ROOT" .
else
    tar --create --gzip --file="$TARGET/media.tar.gz" --files-from=/dev/null
fi
if [ -f "$ENV_FILE" ]; then
    cp "$ENV_FILE" "$TARGET/ibasho.env"
else
    echo "backup.sh: no environment file at $ENV_FILE (set ENV_FILE); not copied" >&2
fi
(cd "$TARGET" && sha256sum -- * >SHA256SUMS)

# Keep KEEP_DAYS days of backups made by this script (directories named by their time).
if [ "$KEEP_DAYS" -gt 0 ]; then
    find "$ROOT" -mindepth 1 -maxdepth 1 -type d -name '20??????T??????Z' \
        -mtime "+$KEEP_DAYS" -exec rm -rf {} +
fi
echo "$TARGET"
