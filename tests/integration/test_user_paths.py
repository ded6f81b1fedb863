"""The paths a newcomer walks in a clone, run as they would run them.

- `ansible-playbook site.yml` (and enable, audit, teardown) from the root of the clone, with
  no -i: ansible.cfg makes the demo inventory the default.
- `LOCALSTACK_PORT=4622 make demo` records the endpoint it started; the demo inventory and the
  demo's printed hints use that endpoint, not 4566.
- site, audit and teardown on the demo inventory print no warning.

The tarball path (build, install into an empty collections path with the lean demo
requirements, a user's own playbook and INI inventory) is in tests/stages/build.sh.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

BINDIR = os.path.dirname(sys.executable)
RECORD = os.path.join(".cache", "demo", "endpoint")


def _env(**changes):
    env = dict(os.environ)
    # The user's shell: no ANSIBLE_CONFIG, so ansible.cfg of the working directory applies.
    for name in ("ANSIBLE_CONFIG", "ANSIBLE_INVENTORY"):
        env.pop(name, None)
    env["ANSIBLE_NOCOLOR"] = "1"
    env["PATH"] = BINDIR + os.pathsep + env.get("PATH", "")
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _run(command, cwd=ROOT, **env):
    return subprocess.run(command, cwd=cwd, env=_env(**env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)


def _warnings(output):
    return [line for line in output.splitlines()
            if "[WARNING]" in line or "[DEPRECATION WARNING]" in line]


@pytest.mark.parametrize("playbook", ["site", "enable", "audit", "teardown"])
def test_root_playbooks_use_the_demo_inventory_without_flags(playbook):
    proc = _run([os.path.join(BINDIR, "ansible-playbook"), playbook + ".yml", "--list-hosts"])
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "localstack-us-east-1" in proc.stdout, proc.stdout
    assert _warnings(proc.stdout) == [], proc.stdout


def _demo_tree(tmp_path, endpoint):
    """The demo's files in a scratch clone, so the developer's own record is never touched."""
    for path in ("inventories/localstack", "tests/demo.sh", "tests/localstack/localstack.sh"):
        source, target = os.path.join(ROOT, path), tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if os.path.isdir(source):
            shutil.copytree(source, str(target))
        else:
            shutil.copy2(source, str(target))
    if endpoint:
        record = tmp_path / RECORD
        record.parent.mkdir(parents=True)
        record.write_text(endpoint + "\n")
    return tmp_path


def _endpoint_of(tree, **env):
    proc = _run([os.path.join(BINDIR, "ansible"), "-i", str(tree / "inventories" / "localstack"),
                 "localstack-us-east-1", "-m", "ansible.builtin.debug", "-a", "var=flowlogs_endpoint_url"],
                cwd=str(tree), **env)
    assert proc.returncode == 0, proc.stdout
    return re.search(r'"flowlogs_endpoint_url": "([^"]*)"', proc.stdout).group(1)


def test_demo_inventory_uses_the_endpoint_the_demo_recorded(tmp_path):
    tree = _demo_tree(tmp_path, "http://127.0.0.1:4622")
    assert _endpoint_of(tree, AWS_URL=None) == "http://127.0.0.1:4622"
    # AWS_URL, when given, still wins (LocalStack elsewhere, for example in Docker).
    assert _endpoint_of(tree, AWS_URL="http://localstack.example:4566") == "http://localstack.example:4566"


def test_demo_inventory_without_a_record_uses_the_default_port(tmp_path):
    tree = _demo_tree(tmp_path, None)
    assert _endpoint_of(tree, AWS_URL=None) == "http://127.0.0.1:4566"


def test_demo_hints_and_stop_use_the_recorded_endpoint(tmp_path):
    tree = _demo_tree(tmp_path, "http://127.0.0.1:4622")
    hints = _run(["bash", str(tree / "tests" / "demo.sh"), "hints"], cwd=str(tree), AWS_URL=None)
    assert hints.returncode == 0, hints.stdout
    assert "http://127.0.0.1:4622" in hints.stdout
    assert "LOCALSTACK_PORT=4622 tests/localstack/localstack.sh stop" in hints.stdout
    assert "ansible-playbook site.yml" in hints.stdout and "make demo-teardown" in hints.stdout
    assert "4566" not in hints.stdout
    # Nothing was started on 4622 by this tree: stop says so, and forgets the endpoint.
    stop = _run(["bash", str(tree / "tests" / "demo.sh"), "stop"], cwd=str(tree), AWS_URL=None)
    assert stop.returncode == 0, stop.stdout
    assert "not started by this script on port 4622" in stop.stdout
    assert not (tree / RECORD).exists()


@pytest.mark.localstack
def test_site_audit_teardown_from_the_root_are_warning_free_and_leave_nothing(aws):
    """What the README tells a newcomer to run, with the demo inventory as it ships."""
    if not os.environ.get("AWS_URL"):
        pytest.skip("AWS_URL is not set: run through tests/run.sh, which starts LocalStack")
    playbook = os.path.join(BINDIR, "ansible-playbook")
    outputs = {}
    for name in ("site", "audit", "teardown"):
        proc = _run([playbook, name + ".yml"])
        assert proc.returncode == 0, proc.stdout[-4000:]
        outputs[name] = proc.stdout
    for name, output in outputs.items():
        assert _warnings(output) == [], "%s.yml printed warnings: %s" % (name, _warnings(output))
    # The demo inventory's names (inventories/localstack/group_vars): nothing of them is left.
    ec2 = aws("ec2")
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:project", "Values": ["flowlogs-demo"]}])["Vpcs"] == []
    assert ec2.describe_flow_logs(Filters=[{"Name": "tag:project", "Values": ["flowlogs-demo"]}])["FlowLogs"] == []
    assert aws("logs").describe_log_groups(logGroupNamePrefix="/flowlogs-demo/")["logGroups"] == []
    buckets = [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]
    assert "flowlogs-demo-archive-us-east-1" not in buckets
    roles = [r["RoleName"] for r in aws("iam").list_roles()["Roles"]]
    assert [r for r in roles if r.startswith("flowlogs-demo-")] == []
