#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: glue_flow_log_table
short_description: Manage the Glue database and table that make VPC flow logs in S3 queryable with Athena
version_added: 0.1.0
description:
  - Creates or updates a Glue database and an external table for VPC flow logs delivered to S3, derived from
    the flow log's O(log_format) and its O(destination_options) (plain text or Parquet, Hive-compatible
    prefixes or not, per-hour or daily partitions).
  - Partitions use Athena B(partition projection), not a crawler or a partition loader. The table's
    C(storage.location.template) reproduces the exact S3 key layout of the delivery options, with the
    accounts in O(account_ids) and the regions in O(regions) as C(enum) projections, so one table covers a
    central bucket that receives flow logs from several accounts and regions.
  - Column names and types come from the collection's format engine. Plain-text tables use the types of the AWS
    Athena DDL; Parquet tables use the Parquet types, so C(protocol) is C(int). Reserved words such as C(end)
    are quoted in the DDL. The account and region of the S3 path are the partition keys C(aws_account_id) and
    C(aws_region), so they never collide with the C(account_id) and C(region) fields of a format.
  - When the format or the delivery options change, the table is updated in place (C(UpdateTable)), never
    duplicated. Table parameters that this module does not own are kept.
  - Returns the equivalent C(CREATE EXTERNAL TABLE) statement in RV(ddl), for review.
  - Every parameter, including the log format, is validated before any API call.
  - >-
    Ownership: Glue can tag a database but not a table (AWS Glue Developer Guide, "AWS tags in AWS Glue",
    U(https://docs.aws.amazon.com/glue/latest/dg/monitor-tags.html)). A database the module creates carries the tag
    C(managed-by=flowlogs.aws); a table it creates carries the table parameter C(managed-by=flowlogs.aws) (it also
    appears in the TBLPROPERTIES of RV(ddl)). A table with the name O(name) but without that parameter is not
    changed or deleted, and is listed in RV(foreign), unless O(adopt=true). The module may create its table in a
    database it did not create; such a database is never tagged or deleted unless O(adopt=true).
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  state:
    description:
      - V(present) creates the database (when missing) and creates or updates the table.
      - V(absent) deletes the table, and the database too when O(delete_database=true), no other table is left in it
        and the database carries the C(managed-by=flowlogs.aws) tag (or O(adopt=true)).
    type: str
    choices: [present, absent]
    default: present
  database:
    description:
      - The Glue database. Lowercase letters, digits and underscores, as Athena requires.
    type: str
    required: true
  name:
    description:
      - The table name. Lowercase letters, digits and underscores.
    type: str
    required: true
    aliases: [table]
  description:
    description:
      - The table description. Defaults to a sentence naming the record version, the delivery options and the location.
    type: str
  log_format:
    description:
      - The flow log's record format, as C(${field}) tokens separated by single spaces. Omit it for the default format.
      - Unknown fields fail with the nearest valid field name.
    type: str
  bucket:
    description:
      - The bucket that receives the flow logs (a name, or V(s3://bucket)).
      - Required with O(state=present) unless O(log_destination) is given.
    type: str
  prefix:
    description:
      - The key prefix the flow log delivers under (the part of its destination after the bucket). May not be V(AWSLogs).
    type: str
  log_destination:
    description:
      - The flow log's destination ARN (V(arn:aws:s3:::bucket/prefix/)) instead of O(bucket) and O(prefix).
    type: str
  account_ids:
    description:
      - The accounts whose flow logs the bucket receives (12 digits each). Several for a central bucket.
      - Defaults to the account of the caller.
    type: list
    elements: str
    default: []
  regions:
    description:
      - The regions whose flow logs the bucket receives. Defaults to the region of the connection.
    type: list
    elements: str
    default: []
  start_date:
    description:
      - The first day the date partitions are projected from, V(YYYY-MM-DD). Projection runs from it to C(NOW).
      - With Hive-compatible partitions only its year is used (the C(year) partition starts there).
      - When omitted, an existing table keeps its start date and a new table starts today (UTC), so re-runs do not
        change the table.
    type: str
  delete_database:
    description:
      - With O(state=absent), delete the database as well, but only when it has no table left.
    type: bool
    default: false
notes:
  - Check mode reports exactly what would change and changes nothing. Diff mode shows the table before and after.
  - Athena reads partition projection from the table parameters; do not add partitions to this table with
    C(MSCK REPAIR TABLE) or a crawler.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - flowlogs.aws.ownership
  - flowlogs.aws.destination_options.defaulted
"""

EXAMPLES = r"""
- name: Table for hourly Hive-style Parquet flow logs with a custom format
  flowlogs.aws.glue_flow_log_table:
    database: vpc_flow_logs
    name: prod_flow_logs
    log_destination: arn:aws:s3:::central-flow-logs/prod/
    log_format: "${version} ${vpc-id} ${subnet-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${bytes} ${action} ${flow-direction}"
    destination_options:
      file_format: parquet
      hive_compatible_partitions: true
      per_hour_partition: true
    account_ids: ["111111111111", "222222222222"]
    regions: [us-east-1, eu-west-1]
    start_date: "2025-01-01"
  register: flow_log_table

- name: Show the DDL
  ansible.builtin.debug:
    msg: "{{ flow_log_table.ddl }}"

- name: Default format, plain text, daily (the defaults), in the caller's account and region
  flowlogs.aws.glue_flow_log_table:
    database: vpc_flow_logs
    name: default_flow_logs
    bucket: my-flow-logs

- name: Remove the table and the database if nothing else is in it
  flowlogs.aws.glue_flow_log_table:
    state: absent
    database: vpc_flow_logs
    name: prod_flow_logs
    delete_database: true
"""

RETURN = r"""
table:
  description:
    - The table as Glue returns it (snake_case keys; the keys of C(parameters) are kept as they are).
    - In check mode, when the table would be created or changed, the table as it would be.
    - Empty after O(state=absent).
  returned: always
  type: dict
  sample:
    name: prod_flow_logs
    database_name: vpc_flow_logs
    table_type: EXTERNAL_TABLE
    partition_keys: [{name: aws_account_id, type: string}, {name: aws_region, type: string}]
    storage_descriptor:
      columns: [{name: version, type: int}, {name: srcaddr, type: string}]
      location: s3://central-flow-logs/prod/AWSLogs/
    parameters:
      projection.enabled: "true"
      storage.location.template: "s3://central-flow-logs/prod/AWSLogs/aws-account-id=${aws_account_id}/..."
ddl:
  description: The Athena C(CREATE EXTERNAL TABLE) statement equivalent to the table (empty after O(state=absent)).
  returned: always
  type: str
  sample: "CREATE EXTERNAL TABLE IF NOT EXISTS vpc_flow_logs.prod_flow_logs (\n  version int, ..."
columns:
  description: The table's columns, in order.
  returned: when O(state=present), unless the table is foreign (see RV(foreign))
  type: list
  elements: dict
  sample: [{name: version, type: int}, {name: end, type: bigint}]
partition_keys:
  description: The partition keys, in order.
  returned: when O(state=present), unless the table is foreign (see RV(foreign))
  type: list
  elements: dict
  sample: [{name: aws_account_id, type: string}, {name: aws_region, type: string}, {name: day, type: string}]
location_template:
  description: The C(storage.location.template) of the partition projection.
  returned: when O(state=present), unless the table is foreign (see RV(foreign))
  type: str
  sample: "s3://my-flow-logs/AWSLogs/${aws_account_id}/vpcflowlogs/${aws_region}/${day}/"
start_date:
  description: The projection start date used.
  returned: when O(state=present), unless the table is foreign (see RV(foreign))
  type: str
  sample: "2025-01-01"
foreign:
  description:
    - The table and database with the configured names that the collection did not create (no C(managed-by) marker),
      left exactly as they are. Empty with O(adopt=true), which takes them over.
  returned: always
  type: list
  elements: str
  sample: ["table vpc_flow_logs.prod_flow_logs"]
changes:
  description:
    - What was (or, in check mode, would be) created, updated or deleted.
    - When the module fails, what was done before the failure.
  returned: always
  type: list
  elements: str
  sample: ["columns: version int, srcaddr string -> version int, srcaddr string, action string"]
database_created:
  description: Whether the database was (or would be) created.
  returned: always
  type: bool
database_deleted:
  description: Whether the database was (or would be) deleted.
  returned: always
  type: bool
"""

import datetime

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.argument_specs import destination_options_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import FlowLogTableError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import build_desired
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import check_name
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import create_table_ddl
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import projection_start_date
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import table_differences
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import table_input
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import table_summary
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import update_input
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import MARKER
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import is_managed
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import GlueErrors
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import StateManager
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import caller_account
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import client
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import run


def _snake(table):
    return camel_dict_to_snake_dict(table or {}, ignore_list=["Parameters"]) if table else {}


def table_is_managed(table):
    """Glue tables cannot be tagged ("AWS tags in AWS Glue" lists databases, not tables):
    the marker is a table parameter, written by CreateTable/UpdateTable and kept by Athena."""
    return is_managed((table or {}).get("Parameters"))


class GlueFlowLogTable(StateManager):
    """Describe what exists, compute the change, stop in check mode, then act."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.database = self.params["database"]
        self.name = self.params["name"]
        self.results = {"changed": False, "table": {}, "ddl": "", "changes": [], "foreign": [],
                        "database_created": False, "database_deleted": False}
        self.desired = self._validate()
        self.client = client(module, "glue")
        self._account = None

    def _validate(self):
        p = self.params
        if p["state"] == "absent":
            problems = [m for m in (check_name("database", p["database"]), check_name("table", p["name"])) if m]
            if problems:
                self.module.fail_json(msg="Invalid glue_flow_log_table parameters: " + "; ".join(problems),
                                      problems=problems)
            return None
        try:
            desired = build_desired(
                p["database"], p["name"], log_format=p["log_format"], destination_options=p["destination_options"],
                bucket=p["bucket"], prefix=p["prefix"], log_destination=p["log_destination"],
                account_ids=p["account_ids"], regions=p["regions"], start_date=p["start_date"],
                description=p["description"])
        except FlowLogTableError as error:
            self.module.fail_json(msg="Invalid glue_flow_log_table parameters: {0}".format(error),
                                  problems=error.problems)
        if not desired["regions"] and not self.module.region:
            self.module.fail_json(msg="Give regions, or a region for the connection (region or AWS_REGION)")
        return desired

    def account(self):
        if self._account is None:
            self._account = caller_account(self.module)
        return self._account

    def _database_arn(self):
        # "Specifying AWS Glue resource ARNs": arn:partition:glue:region:account:database/name
        account_id, partition = self.account()
        return "arn:{0}:glue:{1}:{2}:database/{3}".format(partition, self.module.region, account_id, self.database)

    # ---- AWS calls (each names its operation when it fails) ----------------------------------

    @GlueErrors.list_error_handler("read the Glue database (GetDatabase)")
    def _get_database(self):
        return self.client.get_database(aws_retry=True, Name=self.database)["Database"]

    @GlueErrors.list_error_handler("read the tags of the Glue database (GetTags)", default_value={})
    def _database_tags(self):
        return self.client.get_tags(aws_retry=True, ResourceArn=self._database_arn()).get("Tags") or {}

    @GlueErrors.list_error_handler("read the Glue table (GetTable)")
    def _get_table(self):
        return self.client.get_table(aws_retry=True, DatabaseName=self.database, Name=self.name)["Table"]

    @GlueErrors.list_error_handler("list the tables of the Glue database (GetTables)", default_value=[])
    def _table_names(self):
        pages = self.client.get_paginator("get_tables").paginate(DatabaseName=self.database)
        return [table.get("Name") for page in pages for table in page.get("TableList", [])]

    @GlueErrors.common_error_handler("create the Glue database (CreateDatabase)")
    def _create_database(self):
        self.client.create_database(aws_retry=True, DatabaseInput={"Name": self.database}, Tags=dict(MARKER))

    @GlueErrors.common_error_handler("tag the Glue database (TagResource)")
    def _tag_database(self):
        self.client.tag_resource(aws_retry=True, ResourceArn=self._database_arn(), TagsToAdd=dict(MARKER))

    @GlueErrors.common_error_handler("create the Glue table (CreateTable)")
    def _create_table(self, request):
        self.client.create_table(aws_retry=True, DatabaseName=self.database, TableInput=request)

    @GlueErrors.common_error_handler("update the Glue table (UpdateTable)")
    def _update_table(self, request):
        self.client.update_table(aws_retry=True, DatabaseName=self.database, TableInput=request)

    @GlueErrors.deletion_error_handler("delete the Glue table (DeleteTable)")
    def _delete_table(self):
        self.client.delete_table(aws_retry=True, DatabaseName=self.database, Name=self.name)

    @GlueErrors.deletion_error_handler("delete the Glue database (DeleteDatabase)")
    def _delete_database(self):
        self.client.delete_database(aws_retry=True, Name=self.database)

    # ---- ownership ---------------------------------------------------------------------------

    def _database_ownership(self, database):
        """"ours" (missing, or carries the marker), "adopt" (foreign, adopt: true) or "foreign"."""
        if database is None or is_managed(self._database_tags()):
            return "ours"
        if self.params["adopt"]:
            return "adopt"
        self.results["foreign"].append("database {0}".format(self.database))
        return "foreign"

    def _owned_table(self, table):
        if table is None or table_is_managed(table) or self.params["adopt"]:
            return True
        self.results["foreign"].append("table {0}.{1}".format(self.database, self.name))
        self.module.warn("Glue table {0}.{1} was not created by flowlogs.aws (no {2} parameter): it is left as it "
                         "is; adopt: true takes it over".format(self.database, self.name, ", ".join(MARKER)))
        return False

    # ---- present -----------------------------------------------------------------------------

    def _resolve(self, current):
        """Fill in the caller's account and region and the start date: the only lookups besides the table."""
        desired = dict(self.desired)
        if not desired["account_ids"]:
            desired["account_ids"] = [self.account()[0]]
        if not desired["regions"]:
            desired["regions"] = [self.module.region]
        if desired["start_date"] is None:
            desired["start_date"] = projection_start_date(current) or datetime.datetime.now(
                datetime.timezone.utc).date()
        return desired

    def ensure_present(self):
        database = self._get_database()
        current = self._get_table() if database else None
        # A database the collection did not create can hold our table; it is only never tagged or deleted.
        database_ownership = self._database_ownership(database)
        if not self._owned_table(current):
            self.results["table"] = _snake(current)
            return
        desired = self._resolve(current)
        generated = table_input(desired)
        # The marker is compared through table_is_managed, not as one of the parameters the generator owns.
        wanted = dict(generated, Parameters=dict(generated["Parameters"], **MARKER))
        database_changes, changes = [], []
        if database is None:
            database_changes.append("create database {0}".format(self.database))
        elif database_ownership == "adopt":
            database_changes.append("take over database {0} (tag {1})".format(self.database, ", ".join(MARKER)))
        if current is None:
            changes.append("create table {0}.{1}".format(self.database, self.name))
            request = wanted
        else:
            if not table_is_managed(current):
                changes.append("take over table {0}.{1} (parameter {2})".format(
                    self.database, self.name, ", ".join(MARKER)))
            changes.extend(table_differences(current, generated))
            request = update_input(current, wanted)
        self.results.update(
            ddl=create_table_ddl(self.database, wanted),
            columns=[{"name": c["Name"], "type": c["Type"]} for c in wanted["StorageDescriptor"]["Columns"]],
            partition_keys=[{"name": k["Name"], "type": k["Type"]} for k in wanted["PartitionKeys"]],
            location_template=wanted["Parameters"]["storage.location.template"],
            start_date=desired["start_date"].isoformat(),
        )
        if self.module._diff:
            self.results["diff"] = {"before": table_summary(current), "after": table_summary(request)}
        if not (database_changes or changes):
            self.results["table"] = _snake(current)
            return
        if self.module.check_mode:
            self.results.update(changes=database_changes + changes, changed=True, database_created=database is None,
                                table=_snake(dict(request, DatabaseName=self.database)))
            return
        if database is None:
            self._create_database()
            self.results["database_created"] = True
        elif database_changes:
            self._tag_database()
        for change in database_changes:
            self._done(change)
        if changes:
            if current is None:
                self._create_table(request)
            else:
                self._update_table(request)
            for change in changes:
                self._done(change)
        self.results["table"] = _snake(self._get_table())

    # ---- absent ------------------------------------------------------------------------------

    def ensure_absent(self):
        database = self._get_database()
        current = self._get_table() if database else None
        table_owned = self._owned_table(current)
        changes = []
        if current is not None and table_owned:
            changes.append("delete table {0}.{1}".format(self.database, self.name))
        drop_database = False
        if database and self.params["delete_database"]:
            others = [name for name in self._table_names() if not (name == self.name and table_owned)]
            if others:
                self.module.warn("Glue database {0} still has other tables: it was kept".format(self.database))
            elif self._database_ownership(database) != "foreign":
                drop_database = True
                changes.append("delete database {0}".format(self.database))
        if self.module._diff:
            self.results["diff"] = {"before": table_summary(current) if table_owned else {}, "after": {}}
        if self.module.check_mode or not changes:
            self.results.update(changes=changes, changed=bool(changes), database_deleted=drop_database)
            return
        if current is not None and table_owned:
            self._delete_table()
            self._done(changes.pop(0))
        if drop_database:
            self._delete_database()
            self.results["database_deleted"] = True
            self._done(changes.pop(0))


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        database=dict(type="str", required=True),
        name=dict(type="str", required=True, aliases=["table"]),
        description=dict(type="str"),
        log_format=dict(type="str"),
        destination_options=destination_options_spec(default={}),
        bucket=dict(type="str"),
        prefix=dict(type="str"),
        log_destination=dict(type="str"),
        account_ids=dict(type="list", elements="str", default=[]),
        regions=dict(type="list", elements="str", default=[]),
        start_date=dict(type="str"),
        delete_database=dict(type="bool", default=False),
        adopt=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("log_destination", "bucket"), ("log_destination", "prefix")],
        required_if=[("state", "present", ("bucket", "log_destination"), True)],
    )
    run(module, GlueFlowLogTable(module), "Glue table {0}.{1}".format(module.params["database"], module.params["name"]))


if __name__ == "__main__":
    main()
