"""The flowlogs.aws.organization inventory plugin and role assumption, against LocalStack.

One test organization (tests/organization.py: a management account, log-archive, prod-a,
prod-b, dev-a, a sandbox account without OrganizationAccountAccessRole and a closed account,
in the OUs Security, Workloads/Prod, Workloads/Dev and Sandbox) is built once for the module.
Organizations is served by moto and STS AssumeRole is as strict as AWS through the test
extension (tests/localstack/extension). Each ansible-inventory call costs a few seconds and
each audit run (one through ansible-playbook, one through ansible-runner, the engine inside
AWX / Ansible Automation Platform) about 10 (about 55 s in all here): the filters and bad inputs are also unit-tested
(tests/unit/plugins/inventory/test_organization_inventory_plugin.py); here they are proven end to end once.
"""

import json
import os
import re
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from organization import build_organization  # noqa: E402  (tests/organization.py)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINDIR = os.path.dirname(sys.executable)
pytestmark = pytest.mark.localstack


def _env():
    env = dict(os.environ)
    env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_INVENTORY_UNPARSED_FAILED="1", ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="1")
    env["PATH"] = BINDIR + os.pathsep + env.get("PATH", "")
    return env


@pytest.fixture(scope="module")
def org():
    url = os.environ.get("AWS_URL")
    if not url:
        pytest.skip("AWS_URL is not set: run through tests/run.sh, which starts LocalStack")
    values = build_organization(url)
    values["url"] = url
    return values


def _inventory(tmp_path, org, name="org", **options):
    """An inventory file reading the test organization as its management account."""
    config = {"plugin": "flowlogs.aws.organization", "endpoint_url": org["url"],
              "access_key": org["management"], "secret_key": "test", "regions": ["us-east-1", "eu-west-1"]}
    config.update(options)
    path = tmp_path / (name + ".aws_org.yml")
    path.write_text(json.dumps(config))  # JSON is YAML
    return str(path)


def _ansible_inventory(path, *args):
    return subprocess.run(["ansible-inventory", "-i", path] + list(args), cwd=ROOT, env=_env(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=300, check=False)


def _plain(value):
    """ansible-core 2.19 marks inventory strings as unsafe in --list ({"__ansible_unsafe": "..."})."""
    if isinstance(value, dict):
        if list(value) == ["__ansible_unsafe"]:
            return value["__ansible_unsafe"]
        return dict((key, _plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _list(path):
    run = _ansible_inventory(path, "--list")
    assert run.returncode == 0, run.stderr
    return _plain(json.loads(run.stdout))


def _hosts(listing, group):
    return sorted(listing.get(group, {}).get("hosts", []))


def _names(org, *names, regions=("us-east-1", "eu-west-1")):
    return sorted("%s-%s" % (org["accounts"][name], region) for name in names for region in regions)


def test_every_active_member_account_and_region_is_a_target(tmp_path, org):
    listing = _list(_inventory(tmp_path, org))
    members = ("log-archive", "prod-a", "prod-b", "dev-a", "sandbox")
    # Not the management account (no OrganizationAccountAccessRole there), not the closed account.
    assert _hosts(listing, "flowlogs_organization") == _names(org, *members)
    assert _hosts(listing, "ou_workloads_prod") == _names(org, "prod-a", "prod-b")
    assert _hosts(listing, "ou_security") == _names(org, "log-archive")
    assert sorted(listing["ou_workloads"]["children"]) == ["ou_workloads_dev", "ou_workloads_prod"]
    assert _hosts(listing, "region_eu_west_1") == _names(org, *members, regions=["eu-west-1"])
    assert _hosts(listing, "account_" + org["accounts"]["dev-a"]) == _names(org, "dev-a")
    host = "%s-eu-west-1" % org["accounts"]["prod-b"]
    variables = listing["_meta"]["hostvars"][host]
    assert variables["flowlogs_account_id"] == org["accounts"]["prod-b"]
    assert variables["flowlogs_account_name"] == "prod-b"
    assert variables["flowlogs_region"] == "eu-west-1"
    assert variables["flowlogs_ou_path"] == "Workloads/Prod"
    assert variables["flowlogs_assume_role_arn"] == org["roles"]["prod-b"]
    assert variables["ansible_connection"] == "local"  # from the group flowlogs_organization

    graph = _ansible_inventory(_inventory(tmp_path, org), "--graph", "ou_workloads")
    assert graph.returncode == 0, graph.stderr
    assert graph.stdout.startswith("@ou_workloads:\n  |--@ou_workloads_prod:\n") and "\n  |  |--%s\n" % host in graph.stdout


def test_filters(tmp_path, org):
    """Five inventory files in one directory, read by one ansible-inventory call (CI time): each
    names its hosts with its own prefix."""
    cases = {
        "ou-and-exclude": {"organizational_units": [org["ous"]["Workloads"]], "exclude_accounts": [org["accounts"]["prod-b"]]},
        "include": {"include_accounts": [org["accounts"]["log-archive"]], "regions": ["eu-west-1"]},
        "not-recursive": {"organizational_units": [org["ous"]["Workloads"], org["ous"]["Security"]], "recursive": False},
        # No regions: every region enabled in the account (account:ListRegions), opt-in regions excluded.
        "enabled": {"include_accounts": [org["accounts"]["dev-a"]], "regions": []},
        "template": {"include_accounts": [org["accounts"]["dev-a"]], "regions": ["us-east-1"],
                     "hostname_template": "template-{account_name}-{region}-{account_id}",
                     "role_arn_template": "arn:{partition}:iam::{account_id}:role/flowlogs/admin"},
    }
    for case, options in cases.items():
        options.setdefault("hostname_template", case + "_{account_id}-{region}")
        _inventory(tmp_path, org, name=case, **options)
    hosts = _hosts(_list(str(tmp_path)), "flowlogs_organization")

    def of(case):
        return sorted(host.split("_", 1)[1] for host in hosts if host.startswith(case + "_"))

    assert of("ou-and-exclude") == _names(org, "prod-a", "dev-a")
    assert of("include") == _names(org, "log-archive", regions=["eu-west-1"])
    assert of("not-recursive") == _names(org, "log-archive")
    regions = sorted(host.split("-", 1)[1] for host in of("enabled"))
    assert "us-east-1" in regions and "eu-west-1" in regions and "af-south-1" not in regions
    assert len(regions) > 10
    template_host = "template-dev-a-us-east-1-%s" % org["accounts"]["dev-a"]
    assert template_host in hosts
    listing = _list(str(tmp_path / "template.aws_org.yml"))
    assert listing["_meta"]["hostvars"][template_host]["flowlogs_assume_role_arn"] == (
        "arn:aws:iam::%s:role/flowlogs/admin" % org["accounts"]["dev-a"])


def test_a_second_read_is_served_from_the_inventory_cache(tmp_path, org):
    """cache: true with a jsonfile cache: the second ansible-inventory call makes the same hosts with the
    endpoint made unreachable (the cache key is the file's path, not its content), and --flush-cache
    proves the endpoint is really unreachable."""
    cache_dir = tmp_path / "cache"
    options = {"include_accounts": [org["accounts"]["prod-a"], org["accounts"]["dev-a"]], "cache": True,
               "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(cache_dir), "cache_timeout": 600}
    path = _inventory(tmp_path, org, **options)
    first = _list(path)
    assert _hosts(first, "flowlogs_organization") == _names(org, "prod-a", "dev-a")
    assert [entry.name for entry in cache_dir.iterdir()], "nothing was written to the cache"

    # Port 1 on the loopback: nothing listens there, every call is refused at once.
    path = _inventory(tmp_path, org, endpoint_url="http://127.0.0.1:1", **options)
    second = _list(path)
    assert _hosts(second, "flowlogs_organization") == _names(org, "prod-a", "dev-a")
    assert second["_meta"]["hostvars"] == first["_meta"]["hostvars"]
    assert second["ou_workloads_prod"] == first["ou_workloads_prod"]

    flushed = _ansible_inventory(path, "--list", "--flush-cache")
    assert flushed.returncode != 0
    assert "organizations:DescribeOrganization/ListAccounts/ListOrganizationalUnitsForParent failed" in flushed.stderr, (
        flushed.stderr)


def test_bad_input_is_a_clear_error(tmp_path, org):
    """Each bad file fails alone with its message; one ansible-inventory call reads them all (CI time)."""
    cases = {
        "unknown-ou": ({"organizational_units": ["ou-zzzz-zzzzzzzz"]},
                       "organizational_units[0]: ou-zzzz-zzzzzzzz is not an OU or root of organization"),
        "foreign-account": ({"exclude_accounts": ["999999999999"]},
                            "exclude_accounts[0]: 999999999999 is not an account of organization"),
        "closed-account": ({"include_accounts": [org["accounts"]["closed"]]},
                           "include_accounts[0]: account %s is SUSPENDED, not ACTIVE" % org["accounts"]["closed"]),
        "region-not-enabled": ({"regions": ["us-east-1", "af-south-1"]},
                               "regions[1]: af-south-1 is not enabled in account(s) %s" % org["accounts"]["log-archive"]),
        "role-template": ({"role_arn_template": "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole"},
                          "role_arn_template: 'arn:aws:iam::123456789012:role/OrganizationAccountAccessRole' must contain {account_id}"),
    }
    for case, (options, _message) in cases.items():
        _inventory(tmp_path, org, name=case, **options)
    env = _env()
    del env["ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED"], env["ANSIBLE_INVENTORY_UNPARSED_FAILED"]
    run = subprocess.run(["ansible-inventory", "-i", str(tmp_path), "--list"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True, timeout=300, check=False)
    errors = " ".join(run.stderr.split())
    for case, (_options, message) in cases.items():
        assert str(tmp_path / (case + ".aws_org.yml")) in errors, errors
        assert message in errors, errors
    # No file made a host.
    assert _hosts(_plain(json.loads(run.stdout)), "flowlogs_organization") == []
    # And with the usual setting, a bad file fails the command.
    assert _ansible_inventory(str(tmp_path / "unknown-ou.aws_org.yml"), "--list").returncode != 0


def test_a_target_whose_role_cannot_be_assumed_fails_alone(tmp_path, org):
    """prod-a completes the audit in its own account; sandbox (no role) fails, naming account and role."""
    path = _inventory(tmp_path, org, regions=["us-east-1"],
                      include_accounts=[org["accounts"]["prod-a"], org["accounts"]["sandbox"]],
                      compose={"flowlogs_endpoint_url": repr(org["url"]), "flowlogs_access_key": repr(org["management"]),
                               "flowlogs_secret_key": "'test'"})
    run = subprocess.run(["ansible-playbook", "-i", path, "playbooks/audit.yml"], cwd=ROOT, env=_env(),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=600, check=False)
    output = run.stdout
    good, bad = "%s-us-east-1" % org["accounts"]["prod-a"], "%s-us-east-1" % org["accounts"]["sandbox"]
    sandbox_role = "arn:aws:iam::%s:role/OrganizationAccountAccessRole" % org["accounts"]["sandbox"]
    assert run.returncode == 2, output
    assert "cannot assume role %s in account %s (sts:AssumeRole): AccessDenied" % (
        sandbox_role, org["accounts"]["sandbox"]) in output
    # The other target audited its own account's default VPC (LocalStack maps the assumed
    # credentials to the role's account).
    # The report's row for it: ACCOUNT REGION VPCS COVERED MISSING (its default VPC, no flow log).
    assert re.search(r"%s\s+us-east-1\s+1\s+0\s+1\s" % org["accounts"]["prod-a"], output), output
    assert "%s : ok=" % good in " ".join(output.split()) and "failed=0" in output.split(good)[-1].splitlines()[0]
    assert '"Targets that failed (see their errors above):",\n        "%s"' % bad in output


def test_the_audit_runs_under_ansible_runner_from_a_private_data_dir(tmp_path, org):
    """The engine inside AWX / Ansible Automation Platform: ansible-runner runs the audit of two members
    from a private data dir laid out as AWX lays it out: the inventory source file in inventory/, a project
    playbook that imports flowlogs.aws.audit, and the credentials as environment variables in env/envvars
    (what an Amazon Web Services credential injects); no key is in the inventory file."""
    ansible_runner = pytest.importorskip("ansible_runner")
    private = tmp_path / "private"
    (private / "inventory").mkdir(parents=True)
    (private / "project").mkdir()
    (private / "env").mkdir()
    config = {"plugin": "flowlogs.aws.organization", "endpoint_url": org["url"], "regions": ["us-east-1"],
              "include_accounts": [org["accounts"]["prod-a"], org["accounts"]["dev-a"]],
              "compose": {"flowlogs_endpoint_url": repr(org["url"])}}
    (private / "inventory" / "org.aws_org.yml").write_text(json.dumps(config))
    (private / "project" / "audit.yml").write_text(
        "---\n- name: Audit the organization\n  ansible.builtin.import_playbook: flowlogs.aws.audit\n")
    (private / "env" / "envvars").write_text(json.dumps({
        "AWS_ACCESS_KEY_ID": org["management"], "AWS_SECRET_ACCESS_KEY": "test",
        "ANSIBLE_COLLECTIONS_PATH": os.path.join(ROOT, ".cache", "collections"),
        "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1", "ANSIBLE_NOCOLOR": "1",
        "PATH": BINDIR + os.pathsep + os.environ.get("PATH", "")}))
    report = tmp_path / "audit.json"
    result = ansible_runner.run(private_data_dir=str(private), playbook="audit.yml", quiet=True,
                                extravars={"flowlogs_audit_report_path": str(report)})
    output = result.stdout.read()
    hosts = _names(org, "prod-a", "dev-a", regions=["us-east-1"])
    assert (result.status, result.rc) == ("successful", 0), output[-4000:]
    stats = result.stats
    assert sorted(stats["processed"]) == hosts, stats
    assert stats["failures"] == {} and stats["dark"] == {}, stats
    assert all(stats["ok"].get(host, 0) > 0 for host in hosts), stats
    # Each target connected with its own account's role (the first task, per host, in the event stream).
    connected = sorted(event["event_data"]["host"] for event in result.events
                       if event["event"] == "runner_on_ok"
                       and event["event_data"].get("task_action") == "flowlogs.aws.target_connection")
    assert connected == hosts, output[-4000:]
    text = report.read_text()
    assert org["accounts"]["prod-a"] in text and org["accounts"]["dev-a"] in text, text
