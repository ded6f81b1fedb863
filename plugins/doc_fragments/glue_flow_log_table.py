# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Glue database and flow-log table's options, of glue_flow_log_table and athena_flow_logs.

Their argument spec is ``module_utils/glue_tables.table_spec`` (destination_options is documented
by ``flowlogs.aws.destination_options.defaulted``).
"""


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  database:
    description:
      - The Glue database. Lowercase letters, digits and underscores, as Athena requires.
    type: str
    required: true
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
"""
