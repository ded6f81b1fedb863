#!/usr/bin/env bash
# Prepare an environment from a clean clone:
#   tests/setup.sh          .venv for `make test`: ansible (bundles amazon.aws), boto3, molecule,
#                           ansible-lint, pytest (tests/requirements-dev.txt)
#   tests/setup.sh --demo   .venv-demo for `make demo`: only ansible-core, boto3, amazon.aws and
#                           community.aws (tests/requirements-demo.txt, tests/demo_collections.py)
# and, for both, the collection exposed as flowlogs.aws through .cache/collections.
# Safe to run repeatedly: pip runs only when the requirements changed.
# FLOWLOGS_VENV (or FLOWLOGS_DEMO_VENV with --demo) chooses the virtualenv's directory.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
if [ "${1:-}" = --demo ]; then
  VENV="${FLOWLOGS_DEMO_VENV:-$ROOT/.venv-demo}"
  REQ="$ROOT/tests/requirements-demo.txt"
  # The collections' pin is the ansible line of requirements-dev.txt: part of the stamp.
  STAMPED=("$REQ" "$ROOT/requirements.txt" "$ROOT/tests/requirements-dev.txt" "$ROOT/tests/demo_collections.py")
else
  VENV="${FLOWLOGS_VENV:-$ROOT/.venv}"
  REQ="$ROOT/tests/requirements-dev.txt"
  STAMPED=("$REQ" "$ROOT/requirements.txt")
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV with $("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.requirements.sha256"
want="$(cat "${STAMPED[@]}" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  echo "setup: installing $(basename "$REQ") and requirements.txt into $VENV"
  # pip names each package as it goes (progress without the download bars); this machine's
  # pip configuration warns about every missing local index entry: hide that noise.
  { "$VENV/bin/python" -m pip install --quiet --upgrade pip &&
    "$VENV/bin/python" -m pip install --progress-bar off -r "$ROOT/requirements.txt" -r "$REQ"; } 2>&1 |
    { grep --line-buffered -E "^(Collecting|Installing|Successfully|ERROR)" || true; } |
    sed -u -e 's/ (from .*//' -e 's/^/setup:   /'
  if [ "${1:-}" = --demo ]; then
    "$VENV/bin/python" "$ROOT/tests/demo_collections.py"
  fi
  echo "$want" > "$stamp"
fi

# ansible-core finds collections under <path>/ansible_collections/<namespace>/<name>.
link_dir="$ROOT/.cache/collections/ansible_collections/flowlogs"
mkdir -p "$link_dir"
ln -sfn ../../../.. "$link_dir/aws"
test -f "$link_dir/aws/galaxy.yml"
echo "setup: ready ($("$VENV/bin/ansible" --version | sed -n 1p))"
