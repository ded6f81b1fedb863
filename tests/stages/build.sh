#!/usr/bin/env bash
# Stage "build": the collection as users get it, with what a new user installs.
#   1. a fresh virtualenv with only the demo's requirements (tests/setup.sh --demo:
#      ansible-core, boto3, amazon.aws and community.aws; pip may use its cache); every
#      command below runs with it;
#   2. ansible-galaxy collection build into a scratch directory;
#   3. the tarball holds what users need and none of tests, caches, virtualenvs or the
#      clone's own ansible.cfg, Makefile and root-level playbooks;
#   4. ansible-galaxy collection install --offline --no-deps into an empty path;
#   5. from a directory outside the repository, with only that path as the collections
#      path: ansible-doc of a module, a playbook calling flowlogs.aws.ec2_vpc_flow_log_info
#      against LocalStack, `ansible-playbook flowlogs.aws.site -i <installed>/inventories/localstack`
#      then flowlogs.aws.audit and flowlogs.aws.teardown: none prints a [WARNING] or
#      [DEPRECATION WARNING], and nothing of the demo is left;
#   6. a user's own playbook and INI inventory (their group names, their connection
#      settings in module_defaults) that include flowlogs.aws.flowlogs for a VPC they made
#      with amazon.aws: run twice (the second run changes nothing), then with
#      flowlogs_state=absent, which leaves nothing the collection created and keeps their VPC.
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

echo "build: a fresh virtualenv with the demo's requirements only"
FLOWLOGS_DEMO_VENV="$work/venv" bash tests/setup.sh --demo
export PATH="$work/venv/bin:$PATH"
unset VIRTUAL_ENV
test "$(command -v ansible-playbook)" = "$work/venv/bin/ansible-playbook"

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
             ".ansible", ".benchmarks", "benchmarks", "context", "*.tar.gz", "ansible.cfg", "Makefile"]
# The root-level playbooks of a clone (ansible-playbook site.yml); the collection has playbooks/.
forbidden += [name for name in os.listdir(".") if name.endswith(".yml") and name != "galaxy.yml"
              and os.path.isfile(os.path.join("playbooks", name))]
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

# The demo inventory as it ships: site, audit, teardown succeed and print no warning (a
# deprecation from what the collection calls, or an error printed twice, would show here).
for playbook in site audit teardown; do
  echo "build: ansible-playbook flowlogs.aws.$playbook -i $installed/inventories/localstack"
  ansible-playbook "flowlogs.aws.$playbook" -i "$installed/inventories/localstack" 2>&1 | tee "$playbook.log"
  if grep -E "\[(DEPRECATION )?WARNING\]" "$playbook.log" >&2; then
    echo "build: flowlogs.aws.$playbook printed the warnings above" >&2
    exit 1
  fi
done
python - "$AWS_URL" <<'PY'
"""Nothing of the demo inventory's names (inventories/localstack/group_vars) is left."""
import sys

import boto3

session = boto3.session.Session(region_name="us-east-1")
client = lambda name: session.client(name, endpoint_url=sys.argv[1])
left = {
    "vpcs": client("ec2").describe_vpcs(Filters=[{"Name": "tag:project", "Values": ["flowlogs-demo"]}])["Vpcs"],
    "flow logs": client("ec2").describe_flow_logs(
        Filters=[{"Name": "tag:project", "Values": ["flowlogs-demo"]}])["FlowLogs"],
    "log groups": client("logs").describe_log_groups(logGroupNamePrefix="/flowlogs-demo/")["logGroups"],
    "buckets": [b["Name"] for b in client("s3").list_buckets()["Buckets"] if b["Name"].startswith("flowlogs-demo-")],
    "roles": [r["RoleName"] for r in client("iam").list_roles()["Roles"] if r["RoleName"].startswith("flowlogs-demo-")],
}
left = {kind: found for kind, found in left.items() if found}
if left:
    sys.exit("build: teardown left %s" % left)
PY

# A user's own files: an INI inventory with their group name, a playbook with their
# connection settings in module_defaults. LocalStack stands in for their account; only
# endpoint_url and the keys say so.
suffix="$(date +%s)$$"
cat > inventory.ini <<INI
[prod_network]
prod-east ansible_connection=local ansible_python_interpreter=$work/venv/bin/python aws_region=us-east-1

[prod_network:vars]
network_name=prod-network-$suffix
INI
cat > network.yml <<'YAML'
---
- name: The network, as the team already builds it
  hosts: prod_network
  gather_facts: false
  module_defaults:
    group/amazon.aws.aws:
      region: "{{ aws_region }}"
      endpoint_url: "{{ lookup('ansible.builtin.env', 'AWS_URL') }}"
  tasks:
    - name: Create or remove the VPC
      amazon.aws.ec2_vpc_net:
        name: "{{ network_name }}"
        cidr_block: 10.77.0.0/16
        tags: {team: network}
        state: "{{ network_state | default('present') }}"
YAML
cat > flow-logs.yml <<'YAML'
---
# Two module_defaults groups, as the README shows: group/flowlogs.aws.aws also reaches the
# community.aws modules the roles call (sns_topic for the REJECT alarm's topic).
- name: Flow logs for our VPC, with the flowlogs.aws roles
  hosts: prod_network
  gather_facts: false
  module_defaults:
    group/amazon.aws.aws: &connection
      region: "{{ aws_region }}"
      endpoint_url: "{{ lookup('ansible.builtin.env', 'AWS_URL') }}"
    group/flowlogs.aws.aws: *connection
  tasks:
    - name: Log the VPC's traffic to CloudWatch Logs and its rejected traffic to S3
      ansible.builtin.include_role:
        name: flowlogs.aws.flowlogs
      vars:
        flowlogs_state: "{{ logs_state | default('present') }}"
        flowlogs_name: "{{ network_name }}"
        flowlogs_destinations:
          - name: logs
            type: cloud-watch-logs
            log_group_name: "/{{ network_name }}/flow-logs"
          - name: archive
            type: s3
            bucket_name: "{{ network_name }}-flow-logs"
            expiration_days: 365
            # A test: removing the flow logs removes the bucket with what it holds.
            force_delete: true
        flowlogs_flow_logs:
          - name: vpc
            resource_type: VPC
            resource_filters: {"tag:Name": "{{ network_name }}"}
            destination: logs
            traffic_type: ALL
          - name: vpc-rejects
            resource_type: VPC
            resource_filters: {"tag:Name": "{{ network_name }}"}
            destination: archive
            traffic_type: REJECT
            query_ready: false
YAML
cat > check.yml <<'YAML'
---
- name: What is left after the flow logs were removed
  hosts: prod_network
  gather_facts: false
  module_defaults:
    group/amazon.aws.aws: &connection
      region: "{{ aws_region }}"
      endpoint_url: "{{ lookup('ansible.builtin.env', 'AWS_URL') }}"
    group/flowlogs.aws.aws: *connection
  tasks:
    - name: Find the VPC
      amazon.aws.ec2_vpc_net_info:
        filters: {"tag:Name": "{{ network_name }}"}
      register: check_vpcs
    - name: Find its flow logs
      flowlogs.aws.ec2_vpc_flow_log_info:
        resource_ids: "{{ check_vpcs.vpcs | map(attribute='id') | list }}"
      register: check_flow_logs
    - name: Find the log group
      amazon.aws.cloudwatchlogs_log_group_info:
        log_group_name: "/{{ network_name }}/flow-logs"
      register: check_groups
    - name: Find the delivery role
      amazon.aws.iam_role_info:
      register: check_roles
    - name: Find the bucket
      amazon.aws.s3_bucket_info:
        name_filter: "{{ network_name }}-flow-logs"
      register: check_buckets
    - name: The user's VPC stays; nothing the collection created is left
      ansible.builtin.assert:
        that:
          - check_vpcs.vpcs | length == 1
          - check_flow_logs.flow_logs == []
          - check_groups.log_groups | selectattr('log_group_name', 'equalto', '/' ~ network_name ~ '/flow-logs') | list == []
          - check_roles.iam_roles | selectattr('role_name', 'match', network_name) | list == []
          - check_buckets.buckets | selectattr('name', 'equalto', network_name ~ '-flow-logs') | list == []
YAML
recap() { grep -E "^prod-east +: ok=" "$1" | sed 's/.*ok=/ok=/'; }
echo "build: a user's INI inventory and playbook: create their VPC with amazon.aws"
ansible-playbook -i inventory.ini network.yml
echo "build: the user's playbook with flowlogs.aws.flowlogs, twice"
ansible-playbook -i inventory.ini flow-logs.yml | tee first.log
ansible-playbook -i inventory.ini flow-logs.yml | tee second.log
recap first.log | grep -qv "changed=0 " || { echo "build: the first run changed nothing" >&2; exit 1; }
recap second.log | grep -q "changed=0 " || { echo "build: the second run changed something: $(recap second.log)" >&2; exit 1; }
echo "build: the user's playbook with flowlogs_state=absent, then what is left"
ansible-playbook -i inventory.ini flow-logs.yml -e logs_state=absent
ansible-playbook -i inventory.ini check.yml
ansible-playbook -i inventory.ini network.yml -e network_state=absent
echo "build: the built collection installs and runs from outside the repository"
