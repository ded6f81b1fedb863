#!/usr/bin/env bash
# The whole test suite from a clean clone: tests/run.sh [stage ...]
#
# Stages (all by default): lint unit integration molecule sanity docs changelog ee build compat
#   lint         ansible-lint --profile production over the collection
#   unit         pytest tests/unit (format engine, settings, policies, Stubber error paths)
#   integration  pytest tests/integration (modules and LocalStack services, against LocalStack)
#   molecule     every scenario under tests/molecule (roles and site, against LocalStack)
#   sanity       ansible-test sanity, empty ignore files (tests/stages/sanity.sh)
#   docs         antsibull-docs lint; docs/reference/ matches the code (tests/stages/docs.sh)
#   changelog    antsibull-changelog lint (tests/stages/changelog.sh)
#   ee           ansible-builder create from execution-environment.yml (tests/stages/ee.sh)
#   build        build the tarball, install it offline, use it from outside the repo (tests/stages/build.sh)
#   compat       unit and integration tests again with the newest ansible-core on a newer Python (tests/stages/compat.sh)
#
# It installs what it needs (.venv, LocalStack in tests/localstack/.venv), starts
# LocalStack unless AWS_URL already points at a healthy one, and stops what it started.
# Every stage runs; the exit status is non-zero when any stage failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(lint unit integration molecule sanity docs changelog ee build compat)

needs_localstack=false
for stage in "${stages[@]}"; do
  case "$stage" in integration|molecule|build|compat) needs_localstack=true ;; esac
done

# LocalStack's virtualenv installs while tests/setup.sh makes .venv: two independent pip runs
# (about 3 minutes each on a clean clone) overlap instead of adding up.
localstack_install_log="$(mktemp "${TMPDIR:-/tmp}/flowlogs-localstack-install.XXXXXX")"
localstack_install_pid=""
if $needs_localstack && [ -z "${AWS_URL:-}" ]; then
  tests/localstack/localstack.sh install > "$localstack_install_log" 2>&1 &
  localstack_install_pid=$!
fi

bash tests/setup.sh || exit 1
# shellcheck disable=SC1091
source .venv/bin/activate

if [ -n "$localstack_install_pid" ]; then
  if ! wait "$localstack_install_pid"; then
    cat "$localstack_install_log" >&2
    echo "run: LocalStack could not be installed" >&2
    exit 1
  fi
  cat "$localstack_install_log" >&2
fi
rm -f "$localstack_install_log"

export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_DEFAULT_REGION="$AWS_REGION"
export ANSIBLE_NOCOLOR=1 PY_COLORS=0 NO_COLOR=1

if $needs_localstack; then
  started="$(tests/localstack/localstack.sh start)" || { echo "run: LocalStack did not start" >&2; exit 1; }
  eval "$started"
  export AWS_URL
  if [ -z "${FLOWLOGS_KEEP_LOCALSTACK:-}" ]; then
    trap 'tests/localstack/localstack.sh stop' EXIT
  fi
fi

passed=0 failed=0 failed_stages=()
run_stage() {
  local name="$1"; shift
  echo "================ stage: $name ================"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); failed_stages+=("$name")
  fi
}

run_named_stage() {
  case "$1" in
    lint) run_stage lint ansible-lint --profile production ;;
    unit) run_stage unit python -m pytest tests/unit -q -p no:cacheprovider ;;
    integration) run_stage integration python -m pytest tests/integration -q -p no:cacheprovider --durations=15 ;;
    molecule)
      run_stage molecule env MOLECULE_GLOB='tests/molecule/*/molecule.yml' molecule test --all ;;
    sanity|docs|changelog|ee|build|compat) run_stage "$1" bash "tests/stages/$1.sh" ;;
    *) echo "run: unknown stage $1" >&2; failed=$((failed + 1)); failed_stages+=("$1") ;;
  esac
}

# The stages that need no LocalStack are mostly CPU; the LocalStack stages mostly wait for
# the emulator and use about one core. On two cores they overlap: the static stages run in
# the background, their output is kept and printed after the LocalStack stages.
# FLOWLOGS_SERIAL=1 runs every stage in the foreground, in the given order.
static_stages=() live_stages=()
for stage in "${stages[@]}"; do
  case "$stage" in
    integration|molecule|build|compat) live_stages+=("$stage") ;;
    *) static_stages+=("$stage") ;;
  esac
done
static_pid=""
if [ -z "${FLOWLOGS_SERIAL:-}" ] && [ ${#static_stages[@]} -gt 0 ] && [ ${#live_stages[@]} -gt 0 ]; then
  static_dir="$(mktemp -d "${TMPDIR:-/tmp}/flowlogs-static.XXXXXX")"
  echo "run: ${static_stages[*]} run in the background; their output follows the other stages"
  (
    for stage in "${static_stages[@]}"; do run_named_stage "$stage"; done
    printf '%s\n%s\n%s\n' "$passed" "$failed" "${failed_stages[*]}" > "$static_dir/result"
  ) > "$static_dir/output" 2>&1 &
  static_pid=$!
  for stage in "${live_stages[@]}"; do run_named_stage "$stage"; done
  wait "$static_pid"
  cat "$static_dir/output"
  if [ -f "$static_dir/result" ]; then
    { read -r static_passed; read -r static_failed; read -r static_failed_names; } < "$static_dir/result"
    passed=$((passed + static_passed)); failed=$((failed + static_failed))
    # shellcheck disable=SC2206
    [ -n "$static_failed_names" ] && failed_stages+=($static_failed_names)
  else
    echo "run: the background stages ended without a result" >&2
    failed=$((failed + 1)); failed_stages+=("${static_stages[@]}")
  fi
  rm -rf "$static_dir"
else
  for stage in "${stages[@]}"; do run_named_stage "$stage"; done
fi

# Stop LocalStack before the summary so that the summary is the last thing printed.
if $needs_localstack && [ -z "${FLOWLOGS_KEEP_LOCALSTACK:-}" ]; then
  trap - EXIT
  tests/localstack/localstack.sh stop
fi

echo "================ summary ================"
[ ${#failed_stages[@]} -gt 0 ] && echo "failed stages: ${failed_stages[*]}"
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
