#!/usr/bin/env bash
# Restore an ibasho backup made by backup.sh (docs/deployment.md).
#
#   systemctl stop ibasho.target                     # nothing writes while restoring
#   sudo -u ibasho /srv/ibasho/app/docs/deploy/restore.sh /var/backups/ibasho/20260101T030000Z
#   systemctl start ibasho.target
#
# DATABASE_URL and MEDIA_ROOT come from the environment, or else from ENV_FILE (default
# /etc/ibasho/ibasho.env). Checks SHA256SUMS, then replaces the contents of the database
# DATABASE_URL (which must exist, e.g. `createdb -O ibasho ibasho`; tables of the backup
# are dropped and made again) and unpacks the uploaded files into MEDIA_ROOT (files of the same name are
# overwritten). The backup's ibasho.env is not installed: compare it with the machine's
# and keep its SECRET_KEY (install -m 640 -g ibasho …/ibasho.env /etc/ibasho/ibasho.env).
set -euo pipefail

BACKUP=${1:?usage: restore.sh BACKUP_DIRECTORY}
# shellcheck source=docs/deploy/installation_env.sh
. "$(dirname "$0")/installation_env.sh"

(cd "$BACKUP" && sha256sum --check --quiet SHA256SUMS)

pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
    --single-transaction --dbname="$DATABASE_URL" "$BACKUP/database.dump"
mkdir -p "$MEDIA_ROOT"
tar --extract --gzip --file="$BACKUP/media.tar.gz" --directory="$MEDIA_ROOT" \
    --no-same-owner
echo "restored $BACKUP into the database and $MEDIA_ROOT"
if [ -f "$BACKUP/ibasho.env" ]; then
    echo "the backup's environment file (SECRET_KEY): $BACKUP/ibasho.env"
fi
