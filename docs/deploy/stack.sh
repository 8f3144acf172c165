#!/usr/bin/env bash
# The deployment recipe of docs/deployment.md, tested on this machine (`make stack`,
# .ci/run): the environment file made from ibasho.env.example, gunicorn, the task worker
# and the scheduler started with the very ExecStart lines of the systemd units in
# systemd/ (their /srv/ibasho paths mapped to this checkout and its venv), gunicorn reading
# gunicorn.conf.py, and nginx with nginx.conf (ports, paths and a throwaway self-signed
# certificate substituted) in front. Against this machine's PostgreSQL (databases
# ibasho_stack and ibasho_stack_restore, dropped on exit) and Redis (database 12, our
# keys only).
#
# Then through nginx: pages, the feed and its 304, a static file's year-long cache, a
# media file, a booking (CSRF form post) whose confirmation the worker sends (file e-mail
# backend), the rate limit that a forged X-Forwarded-For does not escape; the scheduler's
# jobs in the database; an upgrade's commands and web reloaded (the unit's ExecReload)
# while requests keep coming; and backup.sh, restore.sh into a second database, compared.
# Everything started is stopped and removed on exit.
#
#   bash docs/deploy/stack.sh            # PY=/path/to/venv/bin/python for another venv
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)

PY=${PY:-.venv/bin/python}
BIN=$(cd "$(dirname "$PY")" && pwd)  # the venv's bin (not resolved: it is the venv's)
PY=$BIN/$(basename "$PY")
PG_URL=${STACK_PG_URL:-postgres://postgres@127.0.0.1:5432}
DB_NAME=${STACK_DB_NAME:-ibasho_stack}
RESTORE_DB=${DB_NAME}_restore
UNITS=docs/deploy/systemd
STARTED=$SECONDS

if ! command -v nginx >/dev/null 2>&1; then
    echo "nginx is not installed: run \`make stack-deps\` (Debian's nginx and openssl)"
    exit 1
fi

WORK=$(mktemp -d /tmp/ibasho-stack.XXXXXX)
chmod 755 "$WORK"
# shellcheck source=docs/deploy/lib.sh
source docs/deploy/lib.sh  # free_port, background, stop_all, choose_redis, wait_http
cleanup_hook() {
    psql "$PG_URL/postgres" -q -c "DROP DATABASE IF EXISTS $DB_NAME" \
        -c "DROP DATABASE IF EXISTS $RESTORE_DB" >/dev/null 2>&1
}
trap stop_all EXIT INT TERM
step() { printf -- '--- %s (%ss)\n' "$*" "$((SECONDS - STARTED))"; }

step "1: the units' commands"
unit_command() {  # unit_command UNIT: its ExecStart, for this checkout and venv
    local unit=$UNITS/$1.service line
    grep -qx 'WorkingDirectory=/srv/ibasho/app' "$unit"
    grep -qx 'EnvironmentFile=/etc/ibasho/ibasho.env' "$unit"
    line=$(sed -n 's/^ExecStart=//p' "$unit")
    line=${line//\/srv\/ibasho\/venv\/bin/$BIN}
    line=${line//\/srv\/ibasho\/app/$REPO}
    if [ -z "$line" ] || [[ "$line" == */srv/ibasho* ]]; then
        echo "cannot map ExecStart of $unit: $line" >&2
        return 1
    fi
    echo "$line"
}
read -ra WEB_COMMAND <<<"$(unit_command ibasho-web)"
read -ra WORKER_COMMAND <<<"$(unit_command ibasho-worker)"
read -ra SCHEDULER_COMMAND <<<"$(unit_command ibasho-scheduler)"
printf '    %s\n' "${WEB_COMMAND[*]}" "${WORKER_COMMAND[*]}" "${SCHEDULER_COMMAND[*]}"
# The Makefile's worker target runs the same command as the unit.
grep -qxF "	\$(PY) ${WORKER_COMMAND[*]:1}" Makefile

step "2: the environment file from ibasho.env.example"
choose_redis 12
APP_PORT=$(free_port)
HTTP_PORT=$(free_port)
HTTPS_PORT=$(free_port)
SITE=https://127.0.0.1:$HTTPS_PORT
mkdir -p "$WORK/srv" "$WORK/mail" "$WORK/backups" "$WORK/nginx" "$WORK/tls" "$WORK/acme"
"$PY" - docs/deploy/ibasho.env.example "$WORK/ibasho.env" <<PYTHON
import re, secrets, sys
source, target = sys.argv[1:]
text = open(source, encoding="utf-8").read()
# Every variable the settings and gunicorn.conf.py read is in the example.
read = set()
for name in ("cms/settings/base.py", "cms/settings/production.py", "docs/deploy/gunicorn.conf.py"):
    code = open(name, encoding="utf-8").read()
    read |= set(re.findall(r'(?:environ\.get|environ\[|env_bool|env_list)\(?"([A-Z_]+)"', code))
missing = sorted(n for n in read | {"DATABASE_URL"} if not re.search(rf"^(# )?{n}=", text, re.M))
if missing:
    sys.exit(f"ibasho.env.example lacks {', '.join(missing)}")
overrides = {
    "SECRET_KEY": "stack-" + secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "127.0.0.1",
    "CSRF_TRUSTED_ORIGINS": "$SITE",
    "BASE_URL": "$SITE",
    "DATABASE_URL": "$PG_URL/$DB_NAME",
    "REDIS_URL": "$REDIS_URL_FOUND",
    "CACHE_KEY_PREFIX": "stack-$$-$RANDOM",
    "GUNICORN_BIND": "127.0.0.1:$APP_PORT",
    "WEB_CONCURRENCY": "2",
    "GUNICORN_ACCESS_LOG": "$WORK/web-access.log",
    "GUNICORN_ERROR_LOG": "$WORK/web-error.log",
    "STATIC_ROOT": "$WORK/srv/static",
    "MEDIA_ROOT": "$WORK/srv/media",
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "EMAIL_FILE_PATH": "$WORK/mail",
    "LOG_LEVEL": "WARNING",
}
for name, value in overrides.items():
    text, n = re.subn(rf"^(# )?{name}=.*$", f"{name}={value}", text, count=1, flags=re.M)
    if n != 1:
        sys.exit(f"ibasho.env.example has no {name}")
open(target, "w", encoding="utf-8").write(text)
PYTHON
set -a
# shellcheck disable=SC1091
source "$WORK/ibasho.env"
set +a
ENV_FILE=$WORK/ibasho.env
export ENV_FILE
echo "    DJANGO_SETTINGS_MODULE=$DJANGO_SETTINGS_MODULE TRUSTED_PROXIES=$TRUSTED_PROXIES REDIS_URL=$REDIS_URL"

step "3: database $DB_NAME: migrate, content, collectstatic (as an upgrade does)"
psql "$PG_URL/postgres" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $DB_NAME" \
    -c "DROP DATABASE IF EXISTS $RESTORE_DB" -c "CREATE DATABASE $DB_NAME"
# docs/deploy/ibasho-manage, pointed at this checkout, its venv and the rendered env file.
manage() { IBASHO_ENV_FILE=$ENV_FILE IBASHO_APP=$REPO IBASHO_VENV=${BIN%/bin} docs/deploy/ibasho-manage "$@"; }
manage migrate --noinput -v 0
manage seed_demo >/dev/null
manage collectstatic --noinput -v 0
manage save_outage_contact >/dev/null
manage check --deploy --fail-level WARNING
manage shell -v 0 <docs/deploy/smoke_seed.py >"$WORK/seed.env"
# shellcheck disable=SC1091
source "$WORK/seed.env"

step "4: gunicorn, the worker and the scheduler, as the units start them"
background "${WEB_COMMAND[@]}" >"$WORK/web.out" 2>&1
WEB_PID=${PIDS[-1]}  # gunicorn's master: the unit's $MAINPID
background "${WORKER_COMMAND[@]}" >"$WORK/worker.log" 2>&1
background "${SCHEDULER_COMMAND[@]}" >"$WORK/scheduler.log" 2>&1
wait_http "$APP_PORT" gunicorn "$WORK/web-error.log"

step "5: nginx with docs/deploy/nginx.conf"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/tls/privkey.pem" \
    -out "$WORK/tls/fullchain.pem" 2>/dev/null
"$PY" - docs/deploy/nginx.conf "$WORK/nginx/ibasho.conf" <<PYTHON
import sys
source, target = sys.argv[1:]
text = open(source, encoding="utf-8").read()
# (what the docs say, what this test uses, how many times it must be there)
for old, new, count in [
    ("    listen [::]:80;\n", "", 1),
    ("    listen [::]:443 ssl http2;\n", "", 1),
    ("listen 80;", "listen 127.0.0.1:$HTTP_PORT;", 1),
    ("listen 443 ssl http2;", "listen 127.0.0.1:$HTTPS_PORT ssl http2;", 1),
    ("server 127.0.0.1:8000 ", "server 127.0.0.1:$APP_PORT ", 1),
    ("/etc/letsencrypt/live/ibasho.example.jp/", "$WORK/tls/", 2),
    ("root /srv/ibasho;", "root $WORK/srv;", 3),
    ("root /var/www/html;", "root $WORK/acme;", 1),
    ("server_name ibasho.example.jp;", "server_name 127.0.0.1;", 2),
]:
    if text.count(old) != count:
        sys.exit(f"nginx.conf: expected {count} × {old!r}, found {text.count(old)}")
    text = text.replace(old, new)
open(target, "w", encoding="utf-8").write(text)
PYTHON
# Debian's /etc/nginx/nginx.conf, reduced to what running as this user needs.
{
    [ "$(id -u)" = 0 ] && echo "user $(id -un) $(id -gn);"
    cat <<NGINX
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log $WORK/nginx/access.log;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    include $WORK/nginx/ibasho.conf;
}
NGINX
} >"$WORK/nginx/nginx.conf"
# The site as the docs install it, in Debian's own /etc/nginx/nginx.conf (a copy; only the
# certificate's paths changed). Its logs and user need root, as on the server.
if [ "$(id -u)" = 0 ] && [ -f /etc/nginx/nginx.conf ]; then
    cp -r /etc/nginx "$WORK/debian-nginx"
    rm -f "$WORK/debian-nginx/sites-enabled/"*
    sed "s|/etc/letsencrypt/live/ibasho.example.jp/|$WORK/tls/|" docs/deploy/nginx.conf \
        >"$WORK/debian-nginx/sites-enabled/ibasho"
    sed -i "s|/etc/nginx/|$WORK/debian-nginx/|g; s|^pid .*|pid $WORK/nginx/debian.pid;|" \
        "$WORK/debian-nginx/nginx.conf"
    nginx -t -q -e "$WORK/nginx/error.log" -c "$WORK/debian-nginx/nginx.conf"
    echo "    nginx -t: docs/deploy/nginx.conf in Debian's nginx.conf is valid"
fi
NGINX_ARGS=(-p "$WORK/nginx/" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf")
nginx -t -q "${NGINX_ARGS[@]}"
echo "    nginx -t: the rendered copy is valid"
background nginx "${NGINX_ARGS[@]}" -g "daemon off;"
wait_http "$HTTP_PORT" nginx "$WORK/nginx/error.log"

step "6: a visitor through nginx"
"$PY" docs/deploy/stack_client.py web "$SITE" "http://127.0.0.1:$HTTP_PORT" \
    "$WORK/tls/fullchain.pem" "$BOOKING_PAGE" "$RENDITION" "$WORK/web-access.log" \
    | tee "$WORK/web.result"
TOKEN=$(sed -n 's/^TOKEN=//p' "$WORK/web.result")
ADDRESS=$(sed -n 's/^ADDRESS=//p' "$WORK/web.result")

step "7: the worker's mail"
"$PY" docs/deploy/stack_client.py mail "$WORK/mail" "$TOKEN" "$ADDRESS"

step "8: the scheduler's jobs"
for _ in $(seq 1 60); do
    manage shell -v 0 <docs/deploy/stack_state.py >"$WORK/state.json"
    "$PY" docs/deploy/stack_client.py state "$(cat "$WORK/state.json")" >"$WORK/state.out" && break
    sleep 2
done
cat "$WORK/state.out"
"$PY" docs/deploy/stack_client.py state "$(cat "$WORK/state.json")" >/dev/null
manage run_periodic --list | sed 's/^/    /'

step "9: an upgrade's steps, and web reloaded as ExecReload does, under requests"
manage migrate --noinput -v 0
manage collectstatic --noinput -v 0
manage save_outage_contact >/dev/null
BEFORE=$(pgrep -P "$WEB_PID" | sort | tr '\n' ' ')
RELOAD=$(sed -n 's/^ExecReload=//p' "$UNITS/ibasho-web.service")
read -ra RELOAD_COMMAND <<<"${RELOAD//\$MAINPID/$WEB_PID}"
"$PY" docs/deploy/stack_client.py during "$SITE" "$WORK/tls/fullchain.pem" 4 \
    "${RELOAD_COMMAND[@]}"
AFTER=$(pgrep -P "$WEB_PID" | sort | tr '\n' ' ')
if [ -n "$AFTER" ] && [ "$BEFORE" != "$AFTER" ]; then
    echo "ok   gunicorn's workers replaced ($BEFORE→ $AFTER)"
else
    echo "FAIL gunicorn's workers were not replaced ($BEFORE→ $AFTER)"
    exit 1
fi

step "10: backup.sh, restore.sh into $RESTORE_DB, compared"
# As the docs run it: nothing in the environment but where the environment file is.
BACKUP=$(env -u DATABASE_URL -u MEDIA_ROOT ENV_FILE="$ENV_FILE" docs/deploy/backup.sh \
    "$WORK/backups" | tail -n 1)
ls -l "$BACKUP" | sed 's/^/    /'
psql "$PG_URL/postgres" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $RESTORE_DB"
DATABASE_URL=$PG_URL/$RESTORE_DB MEDIA_ROOT=$WORK/restored-media \
    docs/deploy/restore.sh "$BACKUP" | sed 's/^/    /'
DATABASE_URL=$PG_URL/$RESTORE_DB "$PY" manage.py shell -v 0 <docs/deploy/stack_state.py \
    >"$WORK/restored.json"
"$PY" docs/deploy/stack_client.py same "$(cat "$WORK/state.json")" "$(cat "$WORK/restored.json")"
files() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
files "$MEDIA_ROOT" >"$WORK/media.sums"
files "$WORK/restored-media" >"$WORK/restored-media.sums"
if diff -q "$WORK/media.sums" "$WORK/restored-media.sums" >/dev/null && [ -s "$WORK/media.sums" ]; then
    echo "ok   restored media: $(wc -l <"$WORK/media.sums") files, same contents"
else
    echo "FAIL restored media differ"
    diff "$WORK/media.sums" "$WORK/restored-media.sums" | head
    exit 1
fi
if cmp -s "$ENV_FILE" "$BACKUP/ibasho.env"; then
    echo "ok   the environment file is in the backup"
else
    echo "FAIL the environment file is not in the backup"
    exit 1
fi

step "stack test passed; stopping everything it started"
