"""Integration targets of glue_flow_log_table, athena_workgroup and athena_named_queries.

The playbooks under tests/integration/targets/<module>/ hold the assertions; this file
runs them against LocalStack (Glue and Athena through the test extension) and then
checks from outside, with boto3, that each target removed everything it created.
"""

import os
import uuid

import pytest

from conftest import ROOT
from conftest import run_playbook

TARGETS = os.path.join(ROOT, "tests", "integration", "targets")

pytestmark = pytest.mark.localstack


@pytest.fixture(scope="module")
def athena_fixture(aws):
    """A bucket for the flow-log locations and query results, and a unique suffix for names."""
    s3 = aws("s3")
    suffix = uuid.uuid4().hex[:8]
    bucket = "flowlogs-athena-it-" + suffix
    s3.create_bucket(Bucket=bucket)
    yield {"bucket": bucket, "suffix": suffix}
    for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=obj["Key"])
    s3.delete_bucket(Bucket=bucket)


def _run(target, extra_vars):
    proc = run_playbook(os.path.join(TARGETS, target, "main.yml"), extra_vars)
    print(proc.stdout)
    assert proc.returncode == 0, "playbook {0} failed:\n{1}".format(target, proc.stdout[-6000:])
    assert "failed=0" in proc.stdout


def _databases(glue, suffix):
    names = []
    for page in glue.get_paginator("get_databases").paginate():
        names.extend(db["Name"] for db in page["DatabaseList"] if suffix in db["Name"])
    return names


def _workgroups(athena, suffix):
    return [wg["Name"] for wg in athena.list_work_groups()["WorkGroups"] if suffix in wg["Name"]]


def test_glue_flow_log_table(athena_fixture, aws):
    _run("glue_flow_log_table", athena_fixture)
    assert _databases(aws("glue"), athena_fixture["suffix"]) == [], "the target must remove its databases"


def test_athena_workgroup(athena_fixture, aws):
    _run("athena_workgroup", athena_fixture)
    assert _workgroups(aws("athena"), athena_fixture["suffix"]) == [], "the target must remove its workgroups"


def test_athena_named_queries(athena_fixture, aws):
    _run("athena_named_queries", athena_fixture)
    athena = aws("athena")
    assert _workgroups(athena, athena_fixture["suffix"]) == [], "the target must remove its workgroups"
    assert _databases(aws("glue"), athena_fixture["suffix"]) == []
