# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of flowlogs.aws.iam_delivery_role_info: amazon.aws.iam_role_info without one deprecation.

See plugins/action/iam_delivery_role.py: the same, for amazon.aws.iam_role_info.
"""

from ansible_collections.flowlogs.aws.plugins.action.iam_delivery_role import ActionModule as IamDeliveryRoleAction


class ActionModule(IamDeliveryRoleAction):
    WRAPPED_MODULE = "amazon.aws.iam_role_info"
