"""Test-only LocalStack extension for the flowlogs.aws collection.

Why this exists: the collection's ``athena`` role manages a Glue table and Athena
workgroups/named queries, and its ``flow_logs`` role reads back S3 flow-log
DestinationOptions.  The free edition of LocalStack (the emulator the test suite
runs against) has no Glue or Athena provider, and its EC2 flow logs forget
DestinationOptions.  moto, which LocalStack already bundles, implements Glue's
catalogue and most of Athena's bookkeeping, so this package:

* ``providers``: registers ``glue:default`` and ``athena:default`` providers that
  dispatch every operation to moto (``athena`` adds the few operations moto lacks);
* ``flow_logs``: at LocalStack start, patches EC2 CreateFlowLogs/DescribeFlowLogs
  so that DestinationOptions, DeliverCrossAccountRole and TagFieldSpecifications
  round-trip, and (with ``flow_log_rules``) CreateFlowLogs refuses what AWS refuses;
* ``logs``: CloudWatch Logs query definitions, and metric filters replaced by name;
* ``kms``: KMS CreateKey on Python 3.11;
* ``firehose``: Amazon Data Firehose on Python 3.11, as strict as AWS for what the
  collection calls (with ``flow_logs``: CreateFlowLogs needs the stream to exist).
* ``providers``/``account``: Organizations through moto, and Account Management
  ListRegions, for the organization inventory plugin;
* ``sts``: AssumeRole refuses a role that does not exist or does not trust the caller;
* ``cloudwatch``: PutMetricAlarm refuses the lengths and counts AWS refuses;
* ``ec2_filters``: the describe calls of the given-id lookup refuse a filter with too many values.

This is test infrastructure only.  The collection's roles, modules and plugins
never import it and do not depend on it; on real AWS none of it is needed.
"""

__version__ = "0.1.0"
