#!/usr/bin/env bash
# Organization benchmark (not part of tests/run.sh): bash benchmarks/organization.sh [organization.py options]
#
# Runs the site playbook over an organization of 1, 4, 12 and 24 member targets (each a
# LocalStack account) with forks 1, 5 and 10: first run, unchanged re-run, teardown. Writes
# benchmarks/organization_results.json and the GENERATED part of docs/benchmarks-organization.md,
# which has the method.
#
# It prepares .venv (tests/setup.sh; organization.py needs nothing else), starts its own
# LocalStack on port $BENCH_ORG_LOCALSTACK_PORT (default 4578, apart from the tests' 4566 and
# benchmarks/run.sh's 4577) with tests/localstack/localstack.sh, and stops it at the end.
# LOCALSTACK_VENV is passed on to localstack.sh.
# Example of a short trial: bash benchmarks/organization.sh --sizes 1,4 --forks 1,5
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${BENCH_ORG_LOCALSTACK_PORT:-4578}"

bash tests/setup.sh

# A LocalStack of our own, fresh: never reuse the endpoint of the tests (AWS_URL).
unset AWS_URL
url="http://127.0.0.1:$PORT"
if curl -fsS --max-time 5 "$url/_localstack/health" > /dev/null 2>&1; then
  echo "org-bench: something already answers on port $PORT; stop it or set BENCH_ORG_LOCALSTACK_PORT" >&2
  exit 1
fi
started="$(LOCALSTACK_PORT="$PORT" tests/localstack/localstack.sh start)"
eval "$started"
export AWS_URL
trap 'LOCALSTACK_PORT="$PORT" tests/localstack/localstack.sh stop' EXIT

.venv/bin/python benchmarks/organization.py --endpoint-url "$AWS_URL" "$@"
