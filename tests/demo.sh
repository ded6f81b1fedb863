#!/usr/bin/env bash
# The demo from a clean clone: tests/demo.sh [site|teardown]
# Sets up .venv, starts LocalStack (left running so you can explore it; stop it with
# tests/localstack/localstack.sh stop) and runs the playbook against inventories/localstack.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
playbook="${1:-site}"
bash tests/setup.sh
# shellcheck disable=SC1091
source .venv/bin/activate
eval "$(tests/localstack/localstack.sh start)"
export AWS_URL
ansible-playbook "flowlogs.aws.$playbook" -i inventories/localstack
echo
echo "LocalStack keeps running at $AWS_URL; stop it with: tests/localstack/localstack.sh stop"
