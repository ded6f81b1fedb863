#!/usr/bin/env bash
# Stage "docs": antsibull-docs lint of the collection's documentation (plugin and role
# docs included), and docs/reference/ matches what docs/generate.py makes from the code.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

# antsibull-docs copies the collection and its dependency amazon.aws (bundled in the
# ansible package, inside .venv) into a temporary tree. It copies a directory that lies
# in a Git work tree with `git ls-files`, which lists nothing for the ignored .venv, so
# amazon.aws would arrive empty; stopping Git's repository search just above amazon.aws
# makes it copy amazon.aws as plain files. The collection is copied from its Git work tree.
amazon_aws="$(python -c 'import os, ansible_collections.amazon.aws as m; print(os.path.realpath(list(m.__path__)[0]))')"
GIT_CEILING_DIRECTORIES="$(dirname "$amazon_aws")" antsibull-docs lint-collection-docs --plugin-docs .
echo "docs: antsibull-docs lint-collection-docs --plugin-docs: clean"

python docs/generate.py --check
echo "docs: docs/reference/ is up to date"
