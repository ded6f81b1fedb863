#!/usr/bin/env bash
# Stage "ee": execution-environment.yml is a valid ansible-builder 3 definition and
# `ansible-builder create` makes a complete build context from it: a Containerfile,
# the Python and collection requirements, and the collection tarball. Building the
# image needs a container engine and network access, which the tests do not have.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

work="$(mktemp -d "${TMPDIR:-/tmp}/flowlogs-ee.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The definition picks up flowlogs-aws-*.tar.gz next to it, as after `ansible-galaxy
# collection build` in the repository; here the files go to a scratch directory.
cp execution-environment.yml requirements.txt requirements.yml "$work/"
[ -f bindep.txt ] && cp bindep.txt "$work/"
ansible-galaxy collection build --output-path "$work" . > /dev/null
ansible-builder create --file "$work/execution-environment.yml" --context "$work/context" \
  --output-filename Containerfile

python - "$work" <<'PY'
import glob
import os
import sys

work = sys.argv[1]
context = os.path.join(work, "context")
build = os.path.join(context, "_build")
problems = []


def same(copied, original):
    if not os.path.exists(copied):
        problems.append("missing from the context: " + os.path.relpath(copied, context))
        return
    with open(copied, "rb") as a, open(original, "rb") as b:
        if a.read() != b.read():
            problems.append("differs from the repository's: " + os.path.relpath(copied, context))


containerfile = os.path.join(context, "Containerfile")
text = open(containerfile, encoding="utf-8").read() if os.path.exists(containerfile) else ""
if not text:
    problems.append("no Containerfile")
same(os.path.join(build, "requirements.txt"), os.path.join(work, "requirements.txt"))
same(os.path.join(build, "requirements.yml"), os.path.join(work, "requirements.yml"))
if os.path.exists(os.path.join(work, "bindep.txt")):
    same(os.path.join(build, "bindep.txt"), os.path.join(work, "bindep.txt"))
tarballs = glob.glob(os.path.join(build, "flowlogs", "flowlogs-aws-*.tar.gz"))
if len(tarballs) != 1:
    problems.append("expected one flowlogs.aws tarball in _build/flowlogs, found %d" % len(tarballs))
for needle in ("ansible-galaxy collection install", "-r requirements.yml",
               "--user-pip=requirements.txt", "ansible-core", "ansible-runner",
               "/tmp/flowlogs/flowlogs-aws-*.tar.gz", "ansible-doc flowlogs.aws.ec2_vpc_flow_log"):
    if needle not in text:
        problems.append("Containerfile lacks " + repr(needle))
for problem in problems:
    print("ee: " + problem)
if problems:
    sys.exit(1)
print("ee: build context complete (Containerfile, requirements.txt, requirements.yml, %s)"
      % os.path.basename(tarballs[0]))
PY
