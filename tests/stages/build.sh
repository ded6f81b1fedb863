#!/usr/bin/env bash
# Stage "build": the collection as users get it.
#   1. ansible-galaxy collection build into a scratch directory;
#   2. the tarball holds what users need and none of tests, caches or virtualenvs;
#   3. ansible-galaxy collection install --offline --no-deps into an empty path;
#   4. from a directory outside the repository, with only that path as the collections
#      path (amazon.aws still comes from the ansible package): ansible-doc of a module,
#      a playbook calling flowlogs.aws.ec2_vpc_flow_log_info against LocalStack, and,
#      when the repository has playbooks/site.yml and inventories/localstack/,
#      `ansible-playbook flowlogs.aws.site -i <installed>/inventories/localstack`
#      (then flowlogs.aws.teardown, when the collection has it).
# Needs AWS_URL (tests/run.sh starts LocalStack for this stage).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

: "${AWS_URL:?build: AWS_URL must point at LocalStack (run it through tests/run.sh build)}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_REGION="${AWS_REGION:-us-east-1}"

work="$(mktemp -d "${TMPDIR:-/tmp}/flowlogs-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/dist" "$work/collections" "$work/outside"

echo "build: ansible-galaxy collection build"
ansible-galaxy collection build --output-path "$work/dist" .
tarball="$(ls "$work"/dist/flowlogs-aws-*.tar.gz)"

echo "build: checking the contents of $(basename "$tarball")"
python - "$tarball" <<'PY'
import fnmatch
import os
import sys
import tarfile

with tarfile.open(sys.argv[1]) as tar:
    names = [m.name[2:] if m.name.startswith("./") else m.name for m in tar.getmembers()]
top = {n.split("/", 1)[0] for n in names}
problems = []
required = ["MANIFEST.json", "FILES.json", "README.md", "meta/runtime.yml", "plugins/modules",
            "plugins/module_utils", "plugins/filter", "roles", "playbooks", "docs", "docs/reference",
            "changelogs/changelog.yaml", "requirements.txt", "requirements.yml"]
required += [d for d in ("inventories",) if os.path.isdir(d)]
for path in required:
    if path not in names and not any(n.startswith(path + "/") for n in names):
        problems.append("missing " + path)
# Everything tracked under plugins/, roles/ and playbooks/ must be in the tarball.
for base in ("plugins", "roles", "playbooks", "meta"):
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for filename in filenames:
            path = os.path.join(dirpath, filename)
            if not filename.endswith(".pyc") and path not in names:
                problems.append("missing " + path)
forbidden = ["tests", ".venv", ".venv-*", ".cache", ".git", ".pytest_cache", ".hypothesis",
             ".ansible", ".benchmarks", "benchmarks", "context", "*.tar.gz"]
for name in names:
    parts = name.split("/")
    for pattern in forbidden:
        if fnmatch.fnmatch(parts[0], pattern):
            problems.append("should not ship " + name)
    if "__pycache__" in parts or name.endswith(".pyc"):
        problems.append("should not ship " + name)
for problem in sorted(set(problems)):
    print("build: " + problem)
if problems:
    sys.exit(1)
print("build: %d files; top level: %s" % (len(names), " ".join(sorted(top))))
PY

# From here on: outside the repository (no ansible.cfg, no .cache symlink), only the
# installed copy of flowlogs.aws on the collections path.
cd "$work/outside"
# An empty configuration here keeps ~/.ansible.cfg and /etc/ansible out of the test.
printf '[defaults]\n' > ansible.cfg
export ANSIBLE_COLLECTIONS_PATH="$work/collections"
unset ANSIBLE_CONFIG ANSIBLE_COLLECTIONS_PATHS ANSIBLE_ROLES_PATH

echo "build: ansible-galaxy collection install --offline --no-deps into an empty path"
ansible-galaxy collection install --offline --no-deps -p "$work/collections" "$tarball"
installed="$work/collections/ansible_collections/flowlogs/aws"
test -f "$installed/MANIFEST.json"

echo "build: ansible-doc flowlogs.aws.ec2_vpc_flow_log (from the installed collection)"
ansible-doc flowlogs.aws.ec2_vpc_flow_log > doc.txt
grep -q "$installed/plugins/modules/ec2_vpc_flow_log.py" doc.txt || {
  echo "build: ansible-doc did not read the installed collection:" >&2
  head -n 3 doc.txt >&2
  exit 1
}
ansible-doc -t filter flowlogs.aws.flow_log_fields > /dev/null
ansible-doc -t role flowlogs.aws.flow_logs > /dev/null

echo "build: ansible-playbook calling flowlogs.aws.ec2_vpc_flow_log_info against $AWS_URL"
cat > info.yml <<'YAML'
---
- name: Use the installed collection against LocalStack
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: List flow logs through the installed module
      flowlogs.aws.ec2_vpc_flow_log_info:
        endpoint_url: "{{ lookup('ansible.builtin.env', 'AWS_URL') }}"
      register: build_info

    - name: The module answered with a list of flow logs
      ansible.builtin.assert:
        that:
          - build_info.flow_logs is sequence
          - build_info is not changed
YAML
ansible-playbook info.yml

if [ -f "$ROOT/playbooks/site.yml" ] && [ -d "$ROOT/inventories/localstack" ]; then
  echo "build: ansible-playbook flowlogs.aws.site -i $installed/inventories/localstack"
  ansible-playbook flowlogs.aws.site -i "$installed/inventories/localstack"
  if [ -f "$installed/playbooks/teardown.yml" ]; then
    echo "build: ansible-playbook flowlogs.aws.teardown -i $installed/inventories/localstack"
    ansible-playbook flowlogs.aws.teardown -i "$installed/inventories/localstack"
  fi
else
  echo "build: playbooks/site.yml or inventories/localstack/ not in the repository yet: site run skipped"
fi
echo "build: the built collection installs and runs from outside the repository"
