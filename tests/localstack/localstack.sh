#!/usr/bin/env bash
# Start, stop or query a LocalStack instance for the tests, without Docker.
#
#   tests/localstack/localstack.sh start    # prints "export AWS_URL=..." when healthy
#   tests/localstack/localstack.sh stop
#   tests/localstack/localstack.sh status
#   tests/localstack/localstack.sh logs
#
# If AWS_URL already points at a healthy LocalStack (for example one run in Docker),
# start reuses it and stop leaves it alone.  LOCALSTACK_PORT picks the port (default 4566)
# so that several instances can run side by side.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${LOCALSTACK_PYTHON:-python3}"
VENV="${LOCALSTACK_VENV:-$HERE/.venv}"
PORT="${LOCALSTACK_PORT:-4566}"
STATE="${LOCALSTACK_STATE_DIR:-$HERE/state/$PORT}"
URL="http://127.0.0.1:$PORT"
HEALTH_TIMEOUT="${LOCALSTACK_HEALTH_TIMEOUT:-180}"

healthy() {
  # Healthy means the gateway answers and EC2 is available.
  local url="$1"
  curl -fsS --max-time 5 "$url/_localstack/health" 2>/dev/null | grep -q '"ec2": *"\(available\|running\)"'
}

install() {
  local stamp="$VENV/.requirements.sha256" want
  # The stamp covers the pins and the extension's sources: a change reinstalls.
  want="$( (cat "$HERE/requirements.txt"; if [ -d "$HERE/extension" ]; then find "$HERE/extension" -type f \( -name '*.py' -o -name '*.toml' \) -print0 | sort -z | xargs -0r cat; fi) | sha256sum | cut -d' ' -f1)"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "localstack: installing into $VENV" >&2
    # This machine's pip configuration warns about every missing local index entry: hide that noise.
    { "$VENV/bin/python" -m pip install --quiet --upgrade pip &&
      "$VENV/bin/python" -m pip install --quiet -r "$HERE/requirements.txt" &&
      if [ -f "$HERE/extension/pyproject.toml" ]; then
        "$VENV/bin/python" -m pip install --quiet --no-deps "$HERE/extension"
      fi; } 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; } >&2
    echo "$want" > "$stamp"
  fi
}

start() {
  if [ -n "${AWS_URL:-}" ] && healthy "$AWS_URL"; then
    echo "localstack: reusing healthy endpoint $AWS_URL" >&2
    echo "export AWS_URL=$AWS_URL"
    return 0
  fi
  if healthy "$URL"; then
    echo "localstack: already running on $URL" >&2
    echo "export AWS_URL=$URL"
    return 0
  fi
  install
  mkdir -p "$STATE/volume"
  : > "$STATE/localstack.log"
  # Detached (setsid, streams redirected) so it holds no pipe of the caller.
  GATEWAY_LISTEN="127.0.0.1:$PORT" \
  LOCALSTACK_VOLUME_DIR="$STATE/volume" \
  DNS_ADDRESS=0 \
  SKIP_SSL_CERT_DOWNLOAD=1 \
  DISABLE_EVENTS=1 \
  EAGER_SERVICE_LOADING=0 \
    setsid "$VENV/bin/python" -m localstack.runtime.main \
      < /dev/null > "$STATE/localstack.log" 2>&1 &
  echo $! > "$STATE/pid"
  local waited=0
  until healthy "$URL"; do
    if ! kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
      echo "localstack: process exited during start; last log lines:" >&2
      tail -n 60 "$STATE/localstack.log" >&2
      return 1
    fi
    if [ "$waited" -ge "$HEALTH_TIMEOUT" ]; then
      echo "localstack: not healthy after ${HEALTH_TIMEOUT}s; last log lines:" >&2
      tail -n 60 "$STATE/localstack.log" >&2
      stop
      return 1
    fi
    sleep 2
    waited=$((waited + 2))
  done
  echo "localstack: healthy on $URL after ${waited}s (log: $STATE/localstack.log)" >&2
  echo "export AWS_URL=$URL"
}

stop() {
  if [ -f "$STATE/pid" ]; then
    local pid
    pid="$(cat "$STATE/pid")"
    if kill -0 "$pid" 2>/dev/null; then
      # setsid made it a process-group leader: stop the whole group.
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$STATE/pid"
    echo "localstack: stopped" >&2
  else
    echo "localstack: not started by this script on port $PORT" >&2
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if healthy "${AWS_URL:-$URL}"; then echo "healthy: ${AWS_URL:-$URL}"; else echo "not running"; exit 1; fi ;;
  logs) cat "$STATE/localstack.log" ;;
  install) install ;;
  *) echo "usage: $0 start|stop|status|logs|install" >&2; exit 2 ;;
esac
