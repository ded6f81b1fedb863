#!/usr/bin/env bash
# Stage "compat": the unit and integration tests again, with the newest ansible-core
# (ansible 14.x: core 2.21, amazon.aws 11.x) in a second virtualenv, .venv-compat, on
# the newest Python 3.12+ found (FLOWLOGS_COMPAT_PYTHON overrides the search). Without
# such a Python the stage says so and passes: the main stages cover Python 3.11.
# Integration tests need AWS_URL (tests/run.sh starts LocalStack for this stage).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

usable() { [ -n "$1" ] && "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' > /dev/null 2>&1; }

python="${FLOWLOGS_COMPAT_PYTHON:-}"
if [ -n "$python" ]; then
  usable "$python" || { echo "compat: FLOWLOGS_COMPAT_PYTHON=$python is not a Python 3.12+" >&2; exit 1; }
else
  for version in 3.14 3.13 3.12; do
    # pyenv shims on PATH may exist and fail, so every candidate is tried.
    for candidate in "$(command -v "python$version" || true)" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version"*/bin/python; do
      if usable "$candidate"; then python="$candidate"; break 2; fi
    done
  done
fi
if [ -z "$python" ]; then
  echo "compat: no Python 3.12 or later here; skipped (the other stages test Python 3.11)"
  exit 0
fi

venv="$ROOT/.venv-compat"
req="$ROOT/tests/requirements-compat.txt"
want="$("$python" --version 2>&1) $(cat "$req" "$ROOT/requirements.txt" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$venv/.requirements.stamp" 2>/dev/null || true)" != "$want" ]; then
  echo "compat: creating $venv with $("$python" --version 2>&1)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -r "$ROOT/requirements.txt" -r "$req"
  echo "$want" > "$venv/.requirements.stamp"
fi
"$venv/bin/python" - <<'PY'
import sys
from importlib.metadata import version
print("compat: Python %s, ansible %s, ansible-core %s, boto3 %s" % (
    sys.version.split()[0], version("ansible"), version("ansible-core"), version("boto3")))
PY
amazon_aws="$("$venv/bin/python" -c 'import json, ansible_collections.amazon.aws as m, os; print(json.load(open(os.path.join(list(m.__path__)[0], "MANIFEST.json")))["collection_info"]["version"])')"
echo "compat: amazon.aws $amazon_aws"

: "${AWS_URL:?compat: AWS_URL must point at LocalStack (run it through tests/run.sh compat)}"
# The unit tests, and against LocalStack the flow-log modules and the organization inventory
# plugin, under the newest ansible-core and Python. The other integration tests (the query-side
# modules, whole inventories, the user's paths, the emulator's own rules) exercise the same
# module_utils again through ansible-core's module runner and run once, in the integration
# stage: left out here to keep CI within its time budget.
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests/unit \
  tests/integration/test_modules.py \
  tests/integration/test_organization_inventory.py
