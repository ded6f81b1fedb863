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
  - flowlogs.aws.glue_flow_log_table
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

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.glue_tables import MUTUALLY_EXCLUSIVE
from ansible_collections.flowlogs.aws.plugins.module_utils.glue_tables import REQUIRED_IF
from ansible_collections.flowlogs.aws.plugins.module_utils.glue_tables import GlueFlowLogTable
from ansible_collections.flowlogs.aws.plugins.module_utils.glue_tables import table_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import checked
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import run


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        name=dict(type="str", required=True, aliases=["table"]),
        description=dict(type="str"),
        adopt=dict(type="bool", default=False),
        **table_spec()
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=MUTUALLY_EXCLUSIVE,
        required_if=REQUIRED_IF,
    )
    run(module, checked(module, GlueFlowLogTable))


if __name__ == "__main__":
    main()
