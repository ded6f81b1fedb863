#!/usr/bin/env bash
# Stage "changelog": every fragment in changelogs/fragments/ and changelogs/changelog.yaml
# are valid for antsibull-changelog, and galaxy.yml's version is semver.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

antsibull-changelog lint
antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
python - <<'PY'
import re
import sys

import yaml

with open("galaxy.yml", encoding="utf-8") as f:
    version = str(yaml.safe_load(f)["version"])
semver = r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?"
if not re.fullmatch(semver, version):
    sys.exit("changelog: galaxy.yml version %r is not semver" % version)
print("changelog: fragments and changelog.yaml are valid; version %s is semver" % version)
PY
