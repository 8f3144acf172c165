#!/usr/bin/env bash
# Production smoke test (docs/deployment.md, run by .ci/run).
#
# gunicorn with production settings against this machine's PostgreSQL (a separate
# database, ibasho_smoke, created, migrated and seeded here) and Redis, behind a pretend
# TLS proxy (the client sends X-Forwarded-Proto/-For; TRUSTED_PROXY_COUNT=1). Then a second
# instance whose REDIS_URL points at a closed port, and a third whose database is
# unreachable. Every process started here is stopped on exit.
#
#   bash docs/deploy/smoke.sh            # PY=/path/to/python to use another interpreter
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PY:-.venv/bin/python}
PG_URL=${SMOKE_PG_URL:-postgres://postgres@127.0.0.1:5432}
DB_NAME=${SMOKE_DB_NAME:-ibasho_smoke}
WORK=$(mktemp -d /tmp/ibasho-smoke.XXXXXX)
# shellcheck source=docs/deploy/lib.sh
source docs/deploy/lib.sh  # free_port, background, stop_all, choose_redis, wait_http
trap stop_all EXIT INT TERM

# Redis: the machine's, or a private one on a free port when none answers.
if [ -z "${SMOKE_REDIS_URL:-}" ]; then
    choose_redis 14
    SMOKE_REDIS_URL=$REDIS_URL_FOUND
fi

export DJANGO_SETTINGS_MODULE=cms.settings.production
export SECRET_KEY="smoke-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(60))')"
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="$PG_URL/$DB_NAME"
export REDIS_URL=$SMOKE_REDIS_URL
export CACHE_KEY_PREFIX="smoke-$$-$RANDOM"  # nothing cached by an earlier run is seen
export TRUSTED_PROXY_COUNT=1
export SERVE_MEDIA=true
export MEDIA_ROOT="$WORK/media"
export STATIC_ROOT="$WORK/static"
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export BASE_URL=https://127.0.0.1
export LOG_LEVEL=WARNING

echo "--- database $DB_NAME, Redis $REDIS_URL"
psql "$PG_URL/postgres" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $DB_NAME" \
    -c "CREATE DATABASE $DB_NAME"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed_demo >/dev/null
"$PY" manage.py collectstatic --noinput -v 0
"$PY" manage.py save_outage_contact
"$PY" manage.py check --deploy --fail-level WARNING
"$PY" manage.py shell -v 0 <docs/deploy/smoke_seed.py >"$WORK/seed.env"
# shellcheck disable=SC1091
source "$WORK/seed.env"
PHONE=$("$PY" manage.py shell -v 0 -c \
    "from home.outage import load_contact; print(load_contact('127.0.0.1')['phone'])")

start_web() {  # start_web PORT NAME [VAR=value ...]: gunicorn with the docs' gunicorn.conf.py
    local port=$1 name=$2
    shift 2
    background env GUNICORN_BIND="127.0.0.1:$port" WEB_CONCURRENCY=2 \
        GUNICORN_ACCESS_LOG="$WORK/$name-access.log" GUNICORN_ERROR_LOG="$WORK/$name-error.log" \
        "$@" "$PY" -m gunicorn --config docs/deploy/gunicorn.conf.py cms.wsgi
    # Any HTTP answer will do (without the proxy header it is a redirect to HTTPS).
    wait_http "$port" "gunicorn ($name)" "$WORK/$name-error.log"
}

echo "--- 1: production settings, PostgreSQL and Redis, behind the pretend proxy"
PORT=$(free_port)
start_web "$PORT" web
"$PY" docs/deploy/smoke.py full "http://127.0.0.1:$PORT" "$BOOKING_PAGE" "$RENDITION" \
    "$WORK/web-access.log" | tee "$WORK/full.out"
MANAGE_PATH=$(sed -n 's/^MANAGE_PATH=//p' "$WORK/full.out")

echo "--- 2: REDIS_URL at a closed port"
CLOSED=$(free_port)
PORT2=$(free_port)
start_web "$PORT2" redis-down REDIS_URL="redis://127.0.0.1:$CLOSED/0"
"$PY" docs/deploy/smoke.py redis-down "http://127.0.0.1:$PORT2" "$BOOKING_PAGE" "$MANAGE_PATH"

echo "--- 3: the database unreachable"
PORT3=$(free_port)
DB_CLOSED=$(free_port)
start_web "$PORT3" database-down DATABASE_URL="postgres://postgres@127.0.0.1:$DB_CLOSED/none"
"$PY" docs/deploy/smoke.py database-down "http://127.0.0.1:$PORT3" "$PHONE"

echo "--- smoke test passed; stopping everything it started"
