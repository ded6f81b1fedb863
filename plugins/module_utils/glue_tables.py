# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Glue database and table of VPC flow logs in S3: their options and their manager.

Used by glue_flow_log_table (the table alone) and athena_flow_logs (the workgroup, the table and
the saved queries of a flow log, in one module run). The manager reads the database and the
table, plans with the pure functions of flow_log_glue, stops in check mode, then writes; every
API call names its operation when it fails (query_aws.GlueErrors). The options' documentation is
the doc fragment ``flowlogs.aws.glue_flow_log_table``.
"""

import datetime

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

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
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import InvalidParameters
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import StateManager
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import caller_account
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import client

__all__ = ["GlueFlowLogTable", "table_spec", "table_is_managed", "MUTUALLY_EXCLUSIVE", "REQUIRED_IF"]

# The table's location: a bucket and prefix, or the flow log's destination ARN (one of them with state=present).
MUTUALLY_EXCLUSIVE = [("log_destination", "bucket"), ("log_destination", "prefix")]
REQUIRED_IF = [("state", "present", ("bucket", "log_destination"), True)]


def table_spec():
    """The table's options besides its name, description and state (glue_flow_log_table and athena_flow_logs)."""
    return dict(
        database=dict(type="str", required=True),
        log_format=dict(type="str"),
        destination_options=destination_options_spec(default={}),
        bucket=dict(type="str"),
        prefix=dict(type="str"),
        log_destination=dict(type="str"),
        account_ids=dict(type="list", elements="str", default=[]),
        regions=dict(type="list", elements="str", default=[]),
        start_date=dict(type="str"),
        delete_database=dict(type="bool", default=False),
    )


def _snake(table):
    return camel_dict_to_snake_dict(table or {}, ignore_list=["Parameters"]) if table else {}


def table_is_managed(table):
    """Glue tables cannot be tagged ("AWS tags in AWS Glue" lists databases, not tables):
    the marker is a table parameter, written by CreateTable/UpdateTable and kept by Athena."""
    return is_managed((table or {}).get("Parameters"))


class GlueFlowLogTable(StateManager):
    """Describe what exists, compute the change, stop in check mode, then act.

    ``params`` has the keys of glue_flow_log_table's options (by default the module's own); the
    constructor raises InvalidParameters before any AWS call.
    """

    def __init__(self, module, params=None):
        self.module = module
        self.params = module.params if params is None else params
        self.database = self.params["database"]
        self.name = self.params["name"]
        self.resource = "Glue table {0}.{1}".format(self.database, self.name)
        self.results = {"changed": False, "table": {}, "ddl": "", "changes": [], "foreign": [],
                        "database_created": False, "database_deleted": False}
        self.desired = self._validate()

    def _validate(self):
        p = self.params
        if p["state"] == "absent":
            problems = [m for m in (check_name("database", p["database"]), check_name("table", p["name"])) if m]
            if problems:
                raise InvalidParameters(problems, "Invalid glue_flow_log_table parameters: " + "; ".join(problems))
            return None
        try:
            desired = build_desired(
                p["database"], p["name"], log_format=p["log_format"], destination_options=p["destination_options"],
                bucket=p["bucket"], prefix=p["prefix"], log_destination=p["log_destination"],
                account_ids=p["account_ids"], regions=p["regions"], start_date=p["start_date"],
                description=p["description"])
        except FlowLogTableError as error:
            raise InvalidParameters(error.problems, "Invalid glue_flow_log_table parameters: {0}".format(error))
        if not desired["regions"] and not self.module.region:
            problem = "Give regions, or a region for the connection (region or AWS_REGION)"
            raise InvalidParameters([problem], problem)
        return desired

    @property
    def client(self):
        return client(self.module, "glue")

    def account(self):
        return caller_account(self.module)

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
