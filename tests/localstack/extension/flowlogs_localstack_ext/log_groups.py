"""Log group classes and KMS key association, which LocalStack 4.13.1 does not keep.

Emulator gaps (checked on LocalStack 4.13.1, moto-ext 5.1.54):

* ``CreateLogGroup`` accepts ``logGroupClass`` but drops it: ``DescribeLogGroups``
  reports every log group as ``STANDARD``.  On AWS the class is set at creation and
  never changes ("The value of logGroupClass can't be changed after a log group is
  created", CreateLogGroup in the CloudWatch Logs API reference), and
  ``DescribeLogGroups`` returns it.  The collection's ``cloudwatchlogs_log_group``
  module refuses to "change" the class of an existing group, so a test of an
  ``INFREQUENT_ACCESS`` group needs the emulator to remember it.
* ``AssociateKmsKey`` and ``DisassociateKmsKey`` answer ``InternalFailure: ... has
  not been implemented``.  On AWS they set or clear the group's ``kmsKeyId``.
* ``TagResource`` on a log group created without tags succeeds but stores nothing
  (LocalStack updates ``store.TAGS.get(arn, {})``, a throwaway dict): adopting a group
  created by hand could not be tested.  The patch stores the tags.

An ``on_infra_start`` hook stores the class on moto's ``LogGroup`` object and shows
it in ``DescribeLogGroups``, and adds the two KMS operations to moto's logs
responses (the same fallback the query definitions use, see ``logs.py``).
Test infrastructure only; see the package docstring.
"""

import json
import logging

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)


def _group(response):
    from moto.logs.exceptions import ResourceNotFoundException

    name = response._get_param("logGroupName")
    group = response.logs_backend.groups.get(name)
    if group is None:
        raise ResourceNotFoundException(msg="The specified log group does not exist.")
    return group


def associate_kms_key(self) -> str:
    _group(self).kms_key_id = self._get_param("kmsKeyId")
    return json.dumps({})


def disassociate_kms_key(self) -> str:
    _group(self).kms_key_id = None
    return json.dumps({})


@hooks.on_infra_start(priority=50)
def flowlogs_patch_log_groups():
    from localstack.services.logs.provider import LogsProvider
    from localstack.utils.patch import patch
    from moto.logs.models import LogGroup
    from moto.logs.models import logs_backends
    from moto.logs.responses import LogsResponse

    if getattr(LogGroup, "flowlogs_log_group_class", None) is not None:
        return  # already applied
    # Groups created any other way (a flow log, CloudFormation) are STANDARD, as on AWS.
    LogGroup.flowlogs_log_group_class = "STANDARD"

    @patch(LogsProvider.create_log_group)
    def create_log_group(fn, self, context, log_group_name, *args, **kwargs):
        result = fn(self, context, log_group_name, *args, **kwargs)
        log_group_class = kwargs.get("log_group_class")
        if log_group_class:
            logs_backends[context.account_id][context.region].groups[log_group_name].flowlogs_log_group_class = (
                log_group_class)
        return result

    # LocalStack's DescribeLogGroups merges {"logGroupClass": "STANDARD"} with this dict, which wins.
    @patch(LogGroup.to_describe_dict)
    def to_describe_dict(fn, self, *args, **kwargs):
        described = fn(self, *args, **kwargs)
        described["logGroupClass"] = self.flowlogs_log_group_class
        return described

    @patch(LogsProvider.tag_resource)
    def tag_resource(fn, self, context, resource_arn, tags, **kwargs):
        from localstack.services.logs.models import logs_stores

        self._check_resource_arn_tagging(resource_arn)
        logs_stores[context.account_id][context.region].TAGS.setdefault(resource_arn, {}).update(tags or {})

    if getattr(LogsResponse, "associate_kms_key", None) is None:
        LogsResponse.associate_kms_key = associate_kms_key
        LogsResponse.disassociate_kms_key = disassociate_kms_key
    LOG.debug("flowlogs extension: log group class and KMS key association patch applied")
