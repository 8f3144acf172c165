# shellcheck shell=bash
# Helpers shared by docs/deploy/smoke.sh and docs/deploy/stack.sh (sourced, not run).
#
# The caller sets PY (the project's python) and WORK (its temporary directory), starts
# processes with `background CMD…` and installs `trap stop_all EXIT INT TERM`. stop_all
# stops what was started (in reverse order), removes the caller's Redis keys
# (CACHE_KEY_PREFIX in database REDIS_DB_NUMBER), runs the caller's `cleanup_hook` if it
# defines one, and removes WORK.

PIDS=()

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

background() {  # background CMD…: start CMD in the background; stop_all stops it
    "$@" &
    PIDS+=($!)
}

stop_all() {
    local index pid
    for ((index = ${#PIDS[@]} - 1; index >= 0; index--)); do
        kill "${PIDS[$index]}" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
    if [ -n "${CACHE_KEY_PREFIX:-}" ] && [ -n "${REDIS_DB_NUMBER:-}" ]; then  # our keys only
        redis-cli -n "$REDIS_DB_NUMBER" --scan --pattern "$CACHE_KEY_PREFIX:*" \
            | xargs -r redis-cli -n "$REDIS_DB_NUMBER" del >/dev/null 2>&1 || true
    fi
    if declare -F cleanup_hook >/dev/null; then
        cleanup_hook || true
    fi
    rm -rf "$WORK"
}

# choose_redis DB: sets REDIS_URL_FOUND (and REDIS_DB_NUMBER when it is the machine's
# Redis) to database DB of the machine's Redis, or to a private redis-server on a free
# port when none answers on 6379.
choose_redis() {
    local db=$1 port
    if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
        REDIS_URL_FOUND=redis://127.0.0.1:6379/$db
        REDIS_DB_NUMBER=$db
        return 0
    fi
    port=$(free_port)
    background redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize no >"$WORK/redis.log" 2>&1
    for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    REDIS_URL_FOUND=redis://127.0.0.1:$port/0
}

# wait_http PORT NAME LOG: wait until something answers HTTP on PORT (any status will do);
# on failure print LOG and return 1.
wait_http() {
    local port=$1 name=$2 log=$3
    for _ in $(seq 1 150); do
        if "$PY" -c "import http.client as h; c = h.HTTPConnection('127.0.0.1', $port, timeout=2); c.request('GET', '/static/css/site.css'); c.getresponse()" 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    echo "$name did not start:"
    cat "$log"
    return 1
}
