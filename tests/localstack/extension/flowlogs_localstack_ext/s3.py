"""S3 lifecycle and Object Lock requests that AWS refuses and LocalStack 4.13.1 accepted.

Emulator gaps (checked on LocalStack 4.13.1), for the calls flowlogs.aws.s3_flow_log_bucket makes:

``PutBucketLifecycleConfiguration`` accepted

* a rule without any action - AWS: ``InvalidRequest`` "At least one action needs to be specified
  in a rule" (a real answer, quoted in crossplane-contrib/provider-aws#1337);
* two rules of one ID - AWS: ``InvalidArgument`` "Rule ID must be unique. Found same ID for more
  than one rule" (quoted in pingcap/tiflash#9889);
* an ID longer than 255 characters (LifecycleRule.ID: "cannot be longer than 255 characters",
  Amazon S3 API Reference) and more than 1,000 rules ("can have up to 1,000 rules",
  PutBucketLifecycleConfiguration) - ``InvalidArgument``, message ours;
* a ``STANDARD_IA`` or ``ONEZONE_IA`` transition before 30 days (Transition.Days in the S3 API
  model: "If the specified storage class is STANDARD_IA or ONEZONE_IA, valid values are positive
  integers greater than 30"; "Constraints and considerations for transitions", Amazon S3 User
  Guide: objects stay 30 days in S3 Standard first) - ``InvalidArgument``, message in AWS's
  words for this check;
* an ``Expiration`` whose ``Days`` is not more than a transition's of the same rule - the objects
  would expire before or when they move - ``InvalidArgument``, message ours.

``PutObjectLockConfiguration`` accepted a default retention of 0 days (or years) - AWS:
``InvalidArgument`` "Default retention period must be a positive integer value." (quoted in
versity/versitygw#1738).

An ``on_infra_start`` hook checks each request before LocalStack's provider sees it, so a refused
request changes nothing. ``tests/integration/test_localstack_services.py`` asserts each refusal.
Test infrastructure only; see the package docstring.
"""

import logging

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)

RULES_MAX = 1000
RULE_ID_MAX = 255
MIN_DAYS_30 = ("STANDARD_IA", "ONEZONE_IA")
ACTIONS = ("Expiration", "Transitions", "NoncurrentVersionExpiration", "NoncurrentVersionTransitions",
           "AbortIncompleteMultipartUpload")


def lifecycle_problem(configuration):
    """(code, message) of the first rule AWS refuses, or None."""
    rules = (configuration or {}).get("Rules") or []
    if len(rules) > RULES_MAX:
        return "InvalidArgument", "A lifecycle configuration can have up to {0} rules".format(RULES_MAX)
    seen = set()
    for rule in rules:
        rule_id = rule.get("ID")
        if rule_id is not None:
            if len(rule_id) > RULE_ID_MAX:
                return "InvalidArgument", "ID length should not exceed allowed limit of {0}".format(RULE_ID_MAX)
            if rule_id in seen:
                return "InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule"
            seen.add(rule_id)
        if not any(rule.get(action) for action in ACTIONS):
            return "InvalidRequest", "At least one action needs to be specified in a rule"
        transitions = rule.get("Transitions") or []
        for transition in transitions:
            storage_class = transition.get("StorageClass")
            if storage_class in MIN_DAYS_30 and transition.get("Days") is not None and transition["Days"] < 30:
                return "InvalidArgument", (
                    "'Days' in Transition action must be greater than or equal to 30 for storageClass '{0}'"
                    .format(storage_class))
        expiration_days = (rule.get("Expiration") or {}).get("Days")
        transition_days = [t["Days"] for t in transitions if t.get("Days") is not None]
        if expiration_days is not None and transition_days and expiration_days <= max(transition_days):
            return "InvalidArgument", "'Days' in the Expiration action must be greater than 'Days' in the Transition action"
    return None


def object_lock_problem(configuration):
    retention = ((configuration or {}).get("Rule") or {}).get("DefaultRetention") or {}
    for key in ("Days", "Years"):
        if key in retention and retention[key] is not None and retention[key] <= 0:
            return "InvalidArgument", "Default retention period must be a positive integer value."
    return None


@hooks.on_infra_start(priority=50)
def flowlogs_strict_s3_bucket_settings():
    from localstack.aws.api.s3 import InvalidArgument
    from localstack.aws.api.s3 import InvalidRequest
    from localstack.services.s3.provider import S3Provider
    from localstack.utils.patch import patch

    if getattr(S3Provider, "flowlogs_strict_settings", False):
        return  # already applied
    S3Provider.flowlogs_strict_settings = True
    errors = {"InvalidArgument": InvalidArgument, "InvalidRequest": InvalidRequest}

    @patch(S3Provider.put_bucket_lifecycle_configuration)
    def put_bucket_lifecycle_configuration(fn, self, context, bucket, *args, **kwargs):
        problem = lifecycle_problem(kwargs.get("lifecycle_configuration"))
        if problem:
            raise errors[problem[0]](problem[1])
        return fn(self, context, bucket, *args, **kwargs)

    @patch(S3Provider.put_object_lock_configuration)
    def put_object_lock_configuration(fn, self, context, bucket, *args, **kwargs):
        problem = object_lock_problem(kwargs.get("object_lock_configuration"))
        if problem:
            raise errors[problem[0]](problem[1])
        return fn(self, context, bucket, *args, **kwargs)

    LOG.debug("flowlogs extension: S3 lifecycle and Object Lock checks applied")
