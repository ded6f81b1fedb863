# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of flowlogs.aws.target_connection: the connection settings of one target.

Runs on the controller as the first task of every playbook of the collection. It reads the
target's ``flowlogs_*`` connection variables, checks them (plugins/module_utils/target_connection.py,
unit-tested) before any AWS call, assumes the target's role when one is given, and returns the
connection options (``connection``) that the playbooks register and hand, through module_defaults,
to every module of the target. A registered result, not a fact: facts go to the fact cache when one
is configured, and these hold temporary credentials.
A role that cannot be assumed fails this target only; Ansible goes on with the others.
"""

try:
    import boto3
    import botocore.exceptions
    HAS_BOTO3 = True
except ImportError:
    HAS_BOTO3 = False

import os

from ansible.plugins.action import ActionBase

from ansible_collections.flowlogs.aws.plugins.module_utils.target_connection import VARIABLES
from ansible_collections.flowlogs.aws.plugins.module_utils.target_connection import assume_failure
from ansible_collections.flowlogs.aws.plugins.module_utils.target_connection import assume_role_request
from ansible_collections.flowlogs.aws.plugins.module_utils.target_connection import assumed_connection
from ansible_collections.flowlogs.aws.plugins.module_utils.target_connection import base_connection
from ansible_collections.flowlogs.aws.plugins.module_utils.target_connection import check_connection
from ansible_collections.flowlogs.aws.plugins.module_utils.target_connection import role_account

ARGUMENT_SPEC = dict()


def call_assume_role(connection, request):
    """AssumeRole with the target's own credentials (profile, keys or the environment's chain)."""
    session = boto3.session.Session(
        profile_name=connection.get("profile"),
        aws_access_key_id=connection.get("access_key"),
        aws_secret_access_key=connection.get("secret_key"),
        region_name=connection["region"],
    )
    # STS regional endpoint of the target's region (AWS STS User Guide, "Manage AWS STS in an AWS Region").
    sts = session.client("sts", endpoint_url=connection.get("endpoint_url"))
    return sts.assume_role(**request)["Credentials"]


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def _values(self, task_vars):
        values = {}
        for name in VARIABLES:
            if task_vars.get(name) is not None:
                values[name] = self._templar.template(task_vars[name])
        return values

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        result["changed"] = False
        host = task_vars.get("inventory_hostname", "?")
        source = task_vars.get("inventory_file")
        where = "target {0}{1}".format(host, " (inventory {0})".format(source) if source else "")
        values = self._values(task_vars)

        problems = check_connection(values, where)
        if problems:
            result["failed"] = True
            result["msg"] = "{0} problem(s) in the connection settings, nothing was called: {1}".format(
                len(problems), "; ".join(problems))
            return result

        connection = base_connection(values, os.environ)
        request = assume_role_request(values)
        if request:
            if not HAS_BOTO3:
                result["failed"] = True
                result["msg"] = "{0}: assuming {1} needs boto3 and botocore on the controller".format(
                    where, request["RoleArn"])
                return result
            try:
                credentials = call_assume_role(connection, request)
            except botocore.exceptions.ClientError as error:
                details = error.response.get("Error", {})
                result["failed"] = True
                result["msg"] = assume_failure(where, request, details.get("Code"), details.get("Message"))
                return result
            except botocore.exceptions.BotoCoreError as error:
                result["failed"] = True
                result["msg"] = assume_failure(where, request, None, str(error))
                return result
            connection = assumed_connection(connection, credentials)
            result["account_id"] = role_account(request["RoleArn"])
            result["role_arn"] = request["RoleArn"]
        result["region"] = connection["region"]
        result["connection"] = connection
        # The result holds credentials: keep them out of the output and the logs.
        result["_ansible_no_log"] = True
        return result
