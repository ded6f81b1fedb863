"""Removal through the roles, as docs/user-guide.md documents it ("Using the roles one by one").

One playbook builds what the guide's recipes build on an existing VPC: the S3 one (without its
Athena step, whose removal tests/molecule/athena covers) and the CloudWatch Logs one of the
README. A second playbook, a new run with none of the first run's facts, removes them with the
same roles and `*_state: absent`, giving only what identifies what is removed: no delivery role
ARN for the CloudWatch flow log, no `destination_arn` fact for the S3 one, no log groups for the
delivery role. Then nothing of them is left, and the VPC is.
"""

import json
import uuid

import pytest

from conftest import run_playbook

pytestmark = pytest.mark.localstack

HEADER = {
    "hosts": "localhost",
    "connection": "local",
    "gather_facts": False,
}


def _connection(endpoint):
    settings = {"region": "us-east-1", "endpoint_url": endpoint, "access_key": "test", "secret_key": "test"}
    return {"group/amazon.aws.aws": settings, "group/flowlogs.aws.aws": settings, "group/community.aws.aws": settings}


def _role(name, **variables):
    return {"name": "Role " + name, "ansible.builtin.include_role": {"name": "flowlogs.aws." + name}, "vars": variables}


def _plays(state, endpoint, vpc, suffix):
    """The guide's recipes; with state absent, the removal it documents (reverse order, fewer inputs)."""
    bucket, group, role = "flowlogs-rm-" + suffix, "/flowlogs-rm/" + suffix, "flowlogs-rm-" + suffix
    # The S3 destination, as the guide writes it: the same value builds and removes (no fact needed).
    s3_destination = "{{ '%s' | flowlogs.aws.s3_destination_arn('prod') }}" % bucket
    s3_flow_log = {"name": "prod-vpcs", "resource_ids": [vpc], "traffic_type": "ALL", "log_destination_type": "s3",
                   "log_destination": s3_destination,
                   "destination_options": {"file_format": "parquet", "hive_compatible_partitions": True}}
    cwl_flow_log = {"name": "prod-vpcs-cwl", "resource_ids": [vpc], "traffic_type": "REJECT", "log_group_name": group}
    if state == "present":
        tasks = [
            _role("destination", destination_type="s3", destination_bucket_name=bucket, destination_bucket_prefix="prod",
                  destination_hive_compatible_partitions=True, destination_plain_partitions=False),
            _role("flow_logs", flow_logs_definitions=[s3_flow_log]),
            _role("destination", destination_type="cloud-watch-logs", destination_log_group_name=group),
            _role("delivery_role", delivery_role_name=role, delivery_role_log_group_names=[group]),
            _role("flow_logs", flow_logs_definitions=[
                dict(cwl_flow_log, deliver_logs_permission_arn="{{ delivery_role_arn }}")]),
        ]
    else:
        tasks = [
            _role("flow_logs", flow_logs_state="absent", flow_logs_definitions=[s3_flow_log]),
            _role("destination", destination_state="absent", destination_type="s3", destination_bucket_name=bucket,
                  destination_bucket_prefix="prod", destination_force_delete=True),
            _role("flow_logs", flow_logs_state="absent", flow_logs_definitions=[cwl_flow_log]),
            _role("delivery_role", delivery_role_state="absent", delivery_role_name=role),
            _role("destination", destination_state="absent", destination_type="cloud-watch-logs",
                  destination_log_group_name=group, destination_force_delete=True),
        ]
    play = dict(HEADER, name="Roles, " + state, module_defaults=_connection(endpoint), tasks=tasks,
                vars={"ansible_python_interpreter": "{{ ansible_playbook_python }}"})
    return [play]


def test_the_roles_remove_what_they_built_with_only_what_identifies_it(aws, tmp_path):
    ec2 = aws("ec2")
    endpoint = ec2.meta.endpoint_url
    suffix = uuid.uuid4().hex[:8]
    vpc = ec2.create_vpc(CidrBlock="10.66.0.0/16")["Vpc"]["VpcId"]
    try:
        for state in ("present", "absent"):
            playbook = tmp_path / ("%s.yml" % state)
            playbook.write_text(json.dumps(_plays(state, endpoint, vpc, suffix)))
            proc = run_playbook(str(playbook), {})
            assert proc.returncode == 0, proc.stdout[-4000:]
            if state == "present":
                logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"]
                assert sorted(fl["LogDestinationType"] for fl in logs) == ["cloud-watch-logs", "s3"]
        assert ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"] == []
        assert "flowlogs-rm-" + suffix not in [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]
        assert aws("logs").describe_log_groups(logGroupNamePrefix="/flowlogs-rm/" + suffix)["logGroups"] == []
        assert "flowlogs-rm-" + suffix not in [r["RoleName"] for r in aws("iam").list_roles()["Roles"]]
        assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"], "the user's VPC is not the roles' to remove"
    finally:
        left = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"]
        if left:
            ec2.delete_flow_logs(FlowLogIds=[fl["FlowLogId"] for fl in left])
        ec2.delete_vpc(VpcId=vpc)
