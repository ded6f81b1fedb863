#!/usr/bin/env bash
# Stage "sanity": ansible-test sanity over the collection, with empty ignore files.
#
# ansible-test wants the collection at .../ansible_collections/flowlogs/aws, so the
# work tree's files (tracked and new, less what .gitignore ignores) are copied into
# a temporary tree, with amazon.aws (bundled in the ansible package) beside it for
# the doc-fragment and import checks. ansible-test bootstraps pip in its per-test
# virtualenvs with a get-pip script it downloads from a host that is unreachable
# here; tests/stages/get_pip_standin.py is seeded into its cache instead (see
# docs/development.md). Everything else is stock ansible-test.
# Extra arguments go to ansible-test (for example: --test pylint).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

python_version="$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
core_version="$(python -c 'from ansible.release import __version__ as v; print(".".join(v.split(".")[:2]))')"
test -f "tests/sanity/ignore-$core_version.txt" || {
  echo "sanity: tests/sanity/ignore-$core_version.txt is missing (keep an empty one per tested ansible-core)" >&2
  exit 1
}
for ignore in tests/sanity/ignore-*.txt; do
  if [ -s "$ignore" ]; then
    echo "sanity: $ignore must stay empty; fix the finding instead" >&2
    exit 1
  fi
done

# Seed the pip bootstrap script that ansible-test would download (never replace a real one).
ansible_test_pkg="$(python -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')"
pip_version="$(sed -n "s/^ *pip='\([0-9.]*\)',\$/\1/p" "$ansible_test_pkg/_internal/python_requirements.py" | head -n1)"
if [ -z "$pip_version" ]; then
  echo "sanity: cannot tell which pip version ansible-test bootstraps" >&2
  exit 1
fi
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -s "$cache" ]; then
  mkdir -p "$(dirname "$cache")"
  cp tests/stages/get_pip_standin.py "$cache"
fi

tree="$(mktemp -d "${TMPDIR:-/tmp}/flowlogs-sanity.XXXXXX")"
trap 'rm -rf "$tree"' EXIT
dest="$tree/ansible_collections/flowlogs/aws"
mkdir -p "$dest" "$tree/ansible_collections/amazon"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf - | tar -xf - -C "$dest"
amazon_aws="$(python -c 'import ansible_collections.amazon.aws as m; print(list(m.__path__)[0])')"
ln -s "$amazon_aws" "$tree/ansible_collections/amazon/aws"

cd "$dest"
ansible-test sanity --python "$python_version" --color no "$@"
