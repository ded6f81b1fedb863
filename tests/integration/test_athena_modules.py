"""Integration targets of glue_flow_log_table, athena_workgroup, athena_named_queries and athena_flow_logs.

The playbooks under tests/integration/targets/<module>/ hold the assertions; this file
runs them against LocalStack (Glue and Athena through the test extension) and then
checks from outside, with boto3, that each target removed everything it created.
Unchanged re-runs (athena_flow_logs, and the athena role) run with every API call logged
(benchmarks/sitecustomize.py): they may only read, in one module run each.
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


def _run(target, extra_vars, env=None):
    proc = run_playbook(os.path.join(TARGETS, target, "main.yml"), extra_vars, env=env or {})
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


def test_athena_flow_logs(athena_fixture, aws, tmp_path):
    glue, athena = aws("glue"), aws("athena")
    suffix = athena_fixture["suffix"]
    workgroup, database = "flowlogs-it-fl-" + suffix, "flowlogs_it_fl_" + suffix
    run = dict(athena_fixture)
    _run("athena_flow_logs", dict(run, phase="check"))
    assert _workgroups(athena, "fl-" + suffix) == [] and _databases(glue, "fl_" + suffix) == [], \
        "check mode must create nothing"

    _run("athena_flow_logs", dict(run, phase="create"))
    table = glue.get_table(DatabaseName=database, Name="flow_logs")["Table"]
    assert table["Parameters"]["managed-by"] == "flowlogs.aws"
    assert table["StorageDescriptor"]["Location"] == "s3://%s/fl/AWSLogs/" % athena_fixture["bucket"]
    queries = athena.list_named_queries(WorkGroup=workgroup)["NamedQueryIds"]
    assert len(queries) == 17

    env, calls = _logged(tmp_path)
    _run("athena_flow_logs", dict(run, phase="rerun"), env)
    made = calls()
    assert len(set(pid for pid, _service, _op in made)) == 2, "one module process per run: {0}".format(made)
    assert sorted(op for _pid, _service, op in made) == sorted(UNCHANGED_READS * 2), made

    _run("athena_flow_logs", dict(run, phase="change"))
    assert athena.list_named_queries(WorkGroup=workgroup)["NamedQueryIds"] == queries, "updated in place"

    # A workgroup with a name the role could be given, made by someone else.
    theirs = "flowlogs-it-theirs-" + suffix
    athena.create_work_group(Name=theirs, Description="theirs", Tags=[{"Key": "team", "Value": "analytics"}],
                             Configuration={"ResultConfiguration": {"OutputLocation": "s3://%s/theirs/"
                                                                    % athena_fixture["bucket"]}})
    try:
        before = athena.get_work_group(WorkGroup=theirs)["WorkGroup"]
        _run("athena_flow_logs", dict(run, phase="foreign", foreign_workgroup=theirs))
        after = athena.get_work_group(WorkGroup=theirs)["WorkGroup"]
        assert (after["Description"], after["Configuration"]) == (before["Description"], before["Configuration"])
        arn = "arn:aws:athena:%s:000000000000:workgroup/%s" % (athena.meta.region_name, theirs)
        assert athena.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "analytics"}]
        assert athena.list_named_queries(WorkGroup=theirs)["NamedQueryIds"] == []
    finally:
        athena.delete_work_group(WorkGroup=theirs, RecursiveDeleteOption=True)

    _run("athena_flow_logs", dict(run, phase="absent_check"))
    assert glue.get_table(DatabaseName=database, Name="flow_logs")["Table"]
    assert len(athena.list_named_queries(WorkGroup=workgroup)["NamedQueryIds"]) == 17, "check mode deleted nothing"
    _run("athena_flow_logs", dict(run, phase="absent"))
    assert _workgroups(athena, suffix) == [] and _databases(glue, suffix) == [], "the target must remove everything"


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


def _role(extra_vars, env=None):
    _run("athena_role_ownership", extra_vars, env)


def _logged(tmp_path):
    """Environment that logs every API call of the playbook's processes, and the log's lines as (pid, service, op)."""
    log = tmp_path / "api.log"
    env = {"FLOWLOGS_BENCH_API_LOG": str(log),
           "PYTHONPATH": os.path.join(ROOT, "benchmarks") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return env, lambda: [tuple(line.split()[:3]) for line in log.read_text().splitlines() if line.strip()]


# The reads of an unchanged athena_flow_logs run: the workgroup and its tags, the database, the table and the
# database's tags, the queries; one GetCallerIdentity and one GetWorkGroup for the three steps.
UNCHANGED_READS = sorted(["GetWorkGroup", "GetCallerIdentity", "ListTagsForResource", "GetDatabase", "GetTable",
                          "GetTags", "ListNamedQueries", "BatchGetNamedQuery"])


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


def test_athena_role_rerun_is_one_module_run_that_only_reads(athena_fixture, aws, tmp_path):
    """The athena role's unchanged re-run: one module process (athena_flow_logs), read calls only."""
    suffix = "rr" + athena_fixture["suffix"]
    run = dict(suffix=suffix, bucket=athena_fixture["bucket"], adopt=False,
               expect_foreign={"table": [], "workgroup": []})
    try:
        _role(dict(run, state="present"))
        env, calls = _logged(tmp_path)
        _role(dict(run, state="present"), env)
        made = calls()
        assert len(set(pid for pid, _service, _op in made)) == 1, "one module run: {0}".format(made)
        assert sorted(op for _pid, _service, op in made) == UNCHANGED_READS, made
    finally:
        _role(dict(run, state="absent"))
    assert _workgroups(aws("athena"), suffix) == [] and _databases(aws("glue"), suffix) == []
