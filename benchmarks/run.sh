#!/usr/bin/env bash
# Benchmark (not part of tests/run.sh): bash benchmarks/run.sh [run.py options]
#
# Enables a custom-format S3 flow log on 1, 10, 100 and 500 subnets of a LocalStack VPC
# three ways (one flowlogs.aws task, a loop of the module, a loop of `aws ec2
# create-flow-logs`), re-runs the single task unchanged, runs the site playbook twice,
# and writes docs/benchmarks.md, docs/benchmarks.png and benchmarks/results.json.
# About 20 minutes on a quiet 2-core machine (43 on a busy one). docs/benchmarks.md has the method.
#
# It prepares .venv (tests/setup.sh) and .venv-bench (the AWS CLI from PyPI, psutil,
# matplotlib), starts its own LocalStack on port $BENCH_LOCALSTACK_PORT (default 4577, so
# that it never shares the test instance on 4566) with tests/localstack/localstack.sh, and
# stops it at the end. LOCALSTACK_VENV is passed on to localstack.sh.
# Example of a short trial: bash benchmarks/run.sh --sizes 1,10 --reps 2 --skip-site
# One member target's cost per run (benchmarks/per_target.py): BENCH_SCRIPT=per_target.py bash benchmarks/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
BENCH_VENV="${BENCH_VENV:-$ROOT/.venv-bench}"
PORT="${BENCH_LOCALSTACK_PORT:-4577}"

bash tests/setup.sh

if [ ! -x "$BENCH_VENV/bin/python" ]; then
  "$PYTHON" -m venv "$BENCH_VENV"
fi
stamp="$BENCH_VENV/.requirements.sha256"
want="$(sha256sum benchmarks/requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  echo "bench: installing benchmarks/requirements.txt into $BENCH_VENV"
  "$BENCH_VENV/bin/python" -m pip install --quiet --upgrade pip
  "$BENCH_VENV/bin/python" -m pip install --quiet -r benchmarks/requirements.txt
  echo "$want" > "$stamp"
fi

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_DEFAULT_REGION="$AWS_REGION"
# A LocalStack of our own, fresh: never reuse the endpoint of the tests (AWS_URL).
unset AWS_URL
url="http://127.0.0.1:$PORT"
if curl -fsS --max-time 5 "$url/_localstack/health" > /dev/null 2>&1; then
  echo "bench: something already answers on port $PORT; stop it or set BENCH_LOCALSTACK_PORT" >&2
  exit 1
fi
started="$(LOCALSTACK_PORT="$PORT" tests/localstack/localstack.sh start)"
eval "$started"
export AWS_URL
trap 'LOCALSTACK_PORT="$PORT" tests/localstack/localstack.sh stop' EXIT

state_dir="${LOCALSTACK_STATE_DIR:-$ROOT/tests/localstack/state/$PORT}"
# BENCH_SCRIPT=per_target.py runs the per-target benchmark with the same set-up.
"$BENCH_VENV/bin/python" "benchmarks/${BENCH_SCRIPT:-run.py}" \
  --endpoint-url "$AWS_URL" \
  --localstack-log "$state_dir/localstack.log" \
  --aws-cli "$BENCH_VENV/bin/aws" \
  "$@"
