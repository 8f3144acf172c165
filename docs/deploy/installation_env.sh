# shellcheck shell=bash
# Sourced by backup.sh and restore.sh: the installation's settings, unless the caller has
# them already (a systemd unit with EnvironmentFile, a test). ENV_FILE defaults to
# /etc/ibasho/ibasho.env; DATABASE_URL and MEDIA_ROOT must be known afterwards.
ENV_FILE=${ENV_FILE:-/etc/ibasho/ibasho.env}
if [ -z "${DATABASE_URL:-}" ] && [ -r "$ENV_FILE" ]; then
    set -a
    # shellcheck disable=SC1090
    . "$ENV_FILE"
    set +a
fi
: "${DATABASE_URL:?DATABASE_URL is not set (and no readable ENV_FILE)}"
: "${MEDIA_ROOT:?MEDIA_ROOT is not set}"
