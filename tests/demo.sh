#!/usr/bin/env bash
# The demo from a clean clone (the Makefile's demo targets call this):
#   tests/demo.sh site|enable|audit|teardown   make demo, make demo-teardown
#   tests/demo.sh stop                          make demo-stop
#   tests/demo.sh hints                         print the next commands for the recorded endpoint
# A playbook run sets up .venv-demo (only what the playbooks need: tests/setup.sh --demo),
# starts LocalStack or reuses a running one, records its endpoint in .cache/demo/endpoint
# and runs ansible-playbook <playbook>.yml from the root against inventories/localstack,
# which reads that record: every later command reaches the same LocalStack, whatever port
# was chosen. LocalStack keeps running until `make demo-stop`.
# The port: LOCALSTACK_PORT, else the recorded endpoint's port, else 4566 (AWS_URL, when it
# points at a healthy LocalStack, is used as it is).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RECORD=.cache/demo/endpoint
action="${1:-site}"

recorded() { cat "$RECORD" 2>/dev/null || true; }
port_of() { local url="${1%/}"; echo "${url##*:}"; }

hints() {
  local url port
  url="$(recorded)"
  [ -n "$url" ] || { echo "demo: no demo endpoint recorded ($RECORD): run make demo"; return 0; }
  port="$(port_of "$url")"
  cat <<TEXT

LocalStack keeps running at $url ($RECORD records it; inventories/localstack reads it).
Next, from $ROOT:
  source .venv-demo/bin/activate
  ansible-playbook site.yml        # again: the second run changes nothing
  ansible-playbook audit.yml       # VPCs without flow logs (CIS 3.7 / Security Hub EC2.6)
  make demo-teardown               # or: ansible-playbook teardown.yml
  make demo-stop                   # stops LocalStack (LOCALSTACK_PORT=$port tests/localstack/localstack.sh stop)
TEXT
}

# Waits for a background process, printing what it is doing every 20 s, so a long install is
# not silent; returns its exit status.
wait_with_ticker() {
  local label="$1" pid="$2" start=$SECONDS next=20
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ $((SECONDS - start)) -ge "$next" ]; then
      echo "demo: $label ... $((SECONDS - start))s" >&2
      next=$((next + 20))
    fi
  done
  wait "$pid"
}

case "$action" in
  hints) hints; exit 0 ;;
  stop)
    url="$(recorded)"
    if [ -n "$url" ]; then
      LOCALSTACK_PORT="$(port_of "$url")" tests/localstack/localstack.sh stop
      rm -f "$RECORD"
    else
      echo "demo: no demo endpoint recorded ($RECORD): nothing to stop"
    fi
    exit 0 ;;
  site|enable|audit|teardown) ;;
  *) echo "usage: $0 site|enable|audit|teardown|stop|hints" >&2; exit 2 ;;
esac

if [ -z "${LOCALSTACK_PORT:-}" ] && [ -n "$(recorded)" ]; then
  LOCALSTACK_PORT="$(port_of "$(recorded)")"
fi
export LOCALSTACK_PORT="${LOCALSTACK_PORT:-4566}"
if [ ! -f "${LOCALSTACK_VENV:-tests/localstack/.venv}/.requirements.sha256" ]; then
  echo "demo: installing LocalStack into its own virtualenv (the first time only; a few minutes)"
fi
# LocalStack's virtualenv installs while .venv-demo is made: the two installs overlap.
install_log="$(mktemp "${TMPDIR:-/tmp}/flowlogs-demo-localstack.XXXXXX")"
tests/localstack/localstack.sh install > "$install_log" 2>&1 &
install_pid=$!
bash tests/setup.sh --demo
# shellcheck disable=SC1091
source .venv-demo/bin/activate
if ! wait_with_ticker "installing LocalStack" "$install_pid"; then
  cat "$install_log" >&2
  rm -f "$install_log"
  echo "demo: LocalStack could not be installed" >&2
  exit 1
fi
rm -f "$install_log"
eval "$(tests/localstack/localstack.sh start)"
export AWS_URL
mkdir -p "$(dirname "$RECORD")"
echo "$AWS_URL" > "$RECORD"
# The root playbooks and ansible.cfg (demo inventory, collections path) of this clone.
export ANSIBLE_CONFIG="$ROOT/ansible.cfg"
ansible-playbook "$action.yml"
if [ "$action" != teardown ]; then hints; fi
