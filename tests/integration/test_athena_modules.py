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


def _foreign_resources(aws, suffix, bucket):
    """A Glue database and table and an Athena workgroup with the role's names, made without the marker."""
    glue, athena = aws("glue"), aws("athena")
    database, workgroup = "flowlogs_own_" + suffix, "flowlogs-own-" + suffix
    glue.create_database(DatabaseInput={"Name": database, "Description": "theirs"})
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "flow_logs", "TableType": "EXTERNAL_TABLE", "Parameters": {"owner": "analytics"},
        "StorageDescriptor": {"Columns": [{"Name": "x", "Type": "string"}], "Location": "s3://%s/theirs/" % bucket}})
    athena.create_work_group(Name=workgroup, Description="theirs", Tags=[{"Key": "team", "Value": "analytics"}],
                             Configuration={"ResultConfiguration": {"OutputLocation": "s3://%s/theirs/" % bucket}})
    return database, workgroup


def _snapshot(aws, database, workgroup):
    """What the role must not change on resources it does not own (None for what is gone)."""
    glue, athena = aws("glue"), aws("athena")
    try:
        table = glue.get_table(DatabaseName=database, Name="flow_logs")["Table"]
        table = (table.get("Parameters"), table["StorageDescriptor"].get("Columns"),
                 table["StorageDescriptor"].get("Location"))
    except glue.exceptions.EntityNotFoundException:
        table = None
    try:
        group = athena.get_work_group(WorkGroup=workgroup)["WorkGroup"]
        arn = "arn:aws:athena:%s:000000000000:workgroup/%s" % (athena.meta.region_name, workgroup)
        tags = athena.list_tags_for_resource(ResourceARN=arn)["Tags"]
        group = (group.get("Description"), group["Configuration"]["ResultConfiguration"], tags,
                 athena.list_named_queries(WorkGroup=workgroup)["NamedQueryIds"])
    except athena.exceptions.InvalidRequestException:
        group = None
    return table, group


def _role(extra_vars):
    _run("athena_role_ownership", extra_vars)


def test_athena_role_leaves_foreign_table_and_workgroup_alone_unless_adopting(athena_fixture, aws):
    """Site and teardown (the athena role present, then absent) leave them untouched; adopt takes them over."""
    suffix = "own" + athena_fixture["suffix"]
    bucket = athena_fixture["bucket"]
    database, workgroup = _foreign_resources(aws, suffix, bucket)
    before = _snapshot(aws, database, workgroup)
    run = dict(suffix=suffix, bucket=bucket, adopt=False)
    try:
        _role(dict(run, state="present", expect_foreign={
            "table": ["database " + database, "table %s.flow_logs" % database], "workgroup": [workgroup]}))
        assert _snapshot(aws, database, workgroup) == before, "site changed what it does not own"
        _role(dict(run, state="absent", expect_foreign={
            "table": ["table %s.flow_logs" % database], "workgroup": [workgroup]}))
        assert _snapshot(aws, database, workgroup) == before, "teardown changed or deleted what it does not own"

        _role(dict(run, state="present", adopt=True, expect_foreign={"table": [], "workgroup": []}))
        glue, athena = aws("glue"), aws("athena")
        table = glue.get_table(DatabaseName=database, Name="flow_logs")["Table"]
        assert table["Parameters"]["managed-by"] == "flowlogs.aws"
        assert table["Parameters"]["owner"] == "analytics", "parameters that are not the collection's are kept"
        assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]][:2] == ["version", "account_id"]
        arn = "arn:aws:glue:%s:000000000000:database/%s" % (glue.meta.region_name, database)
        assert glue.get_tags(ResourceArn=arn)["Tags"].get("managed-by") == "flowlogs.aws"
        adopted = _snapshot(aws, database, workgroup)[1]
        assert {"Key": "managed-by", "Value": "flowlogs.aws"} in adopted[2]
        assert adopted[1]["OutputLocation"] == "s3://%s/athena-results/" % bucket
        assert adopted[3], "the saved queries are in the adopted workgroup"

        # Now the collection's: teardown removes them.
        _role(dict(run, state="absent", expect_foreign={"table": [], "workgroup": []}))
        assert _snapshot(aws, database, workgroup) == (None, None)
        assert database not in _databases(glue, suffix)
    finally:
        glue, athena = aws("glue"), aws("athena")
        if database in _databases(glue, suffix):
            for page in glue.get_paginator("get_tables").paginate(DatabaseName=database):
                for table in page["TableList"]:
                    glue.delete_table(DatabaseName=database, Name=table["Name"])
            glue.delete_database(Name=database)
        if workgroup in _workgroups(athena, suffix):
            athena.delete_work_group(WorkGroup=workgroup, RecursiveDeleteOption=True)
