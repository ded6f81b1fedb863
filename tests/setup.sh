#!/usr/bin/env bash
# Prepare a development environment from a clean clone:
#   - .venv with ansible (bundles amazon.aws), boto3, molecule, ansible-lint, pytest
#   - the collection exposed as flowlogs.aws through .cache/collections
# Safe to run repeatedly: pip runs only when the requirements changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="${FLOWLOGS_VENV:-$ROOT/.venv}"
REQ="$ROOT/tests/requirements-dev.txt"

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV with $("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.requirements.sha256"
want="$(cat "$REQ" "$ROOT/requirements.txt" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  echo "setup: installing test requirements into $VENV"
  # This machine's pip configuration warns about every missing local index entry: hide that noise.
  { "$VENV/bin/python" -m pip install --quiet --upgrade pip &&
    "$VENV/bin/python" -m pip install --quiet -r "$ROOT/requirements.txt" -r "$REQ"; } 2>&1 |
    { grep -v "is ignored: it is neither a file nor a directory" || true; }
  echo "$want" > "$stamp"
fi

# ansible-core finds collections under <path>/ansible_collections/<namespace>/<name>.
link_dir="$ROOT/.cache/collections/ansible_collections/flowlogs"
mkdir -p "$link_dir"
ln -sfn ../../../.. "$link_dir/aws"
test -f "$link_dir/aws/galaxy.yml"
echo "setup: ready ($("$VENV/bin/ansible" --version | sed -n 1p))"
