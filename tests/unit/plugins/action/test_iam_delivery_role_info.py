"""flowlogs.aws.iam_delivery_role_info drops only amazon.aws.iam_role_info's assume_role_policy_document_raw deprecation."""

from unittest import mock

from ansible_collections.flowlogs.aws.plugins.action import iam_delivery_role_info as iam_delivery_role
from ansible_collections.flowlogs.aws.plugins.action.iam_delivery_role_info import ActionModule
from ansible_collections.flowlogs.aws.plugins.action.iam_delivery_role_info import drop_raw_policy_deprecation

RAW = {
    "msg": "In a release after 2026-05-01 iam_role.assume_role_policy_document_raw will no longer be returned.  "
           "Since release 8.0.0 assume_role_policy_document has been returned with the same format as "
           "iam_role.assume_role_policy_document_raw",
    "date": "2026-05-01",
    "collection_name": "amazon.aws",
}
PROFILE = {
    "msg": "In a release after 2026-05-01 the 'create_instance_profile' option will be removed. "
           "The amazon.aws.iam_instance_profile module can be used to manage instance profiles instead.",
    "date": "2026-05-01",
    "collection_name": "amazon.aws",
}
OTHER = {"msg": "Something else is deprecated", "version": "12.0.0", "collection_name": "amazon.aws"}


def test_only_the_raw_policy_deprecation_is_dropped():
    result = {"changed": True, "deprecations": [PROFILE, RAW, OTHER], "warnings": ["a warning"]}
    assert drop_raw_policy_deprecation(result) == {
        "changed": True, "deprecations": [PROFILE, OTHER], "warnings": ["a warning"]}


def test_no_deprecation_left_removes_the_key():
    result = drop_raw_policy_deprecation({"changed": False, "deprecations": [RAW], "warnings": ["kept"]})
    assert result == {"changed": False, "warnings": ["kept"]}


def test_results_without_deprecations_are_unchanged():
    assert drop_raw_policy_deprecation({"changed": False}) == {"changed": False}
    assert drop_raw_policy_deprecation({"deprecations": "odd"}) == {"deprecations": "odd"}


def test_deprecation_summary_objects_are_filtered_by_their_message():
    event = mock.Mock(msg=RAW["msg"])
    raw_summary = mock.Mock(spec=["event"], event=event)
    other_summary = mock.Mock(spec=["event"], event=mock.Mock(msg=OTHER["msg"]))
    result = drop_raw_policy_deprecation({"deprecations": [raw_summary, other_summary]})
    assert result == {"deprecations": [other_summary]}


def _action(args):
    task = mock.MagicMock()
    task.args = args
    task.async_val = 0
    task.check_mode = False
    task.diff = False
    return ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=mock.MagicMock(),
                        shared_loader_obj=None)


def test_run_executes_iam_role_info_with_the_task_args_and_filters():
    args = {"name": "r"}
    action = _action(args)
    module_result = {"changed": True, "iam_role": {"arn": "arn"}, "deprecations": [RAW, OTHER],
                     "warnings": ["w"], "diff": {"before": {}, "after": {"name": "r"}}}
    with mock.patch.object(iam_delivery_role, "_apply_action_arg_defaults", None), \
            mock.patch.object(iam_delivery_role.ActionBase, "run", return_value={}), \
            mock.patch.object(ActionModule, "_execute_module", return_value=module_result) as execute:
        result = action.run(task_vars={"v": 1})
    execute.assert_called_once_with(module_name="amazon.aws.iam_role_info", module_args=args, task_vars={"v": 1})
    assert result["deprecations"] == [OTHER]
    assert result["warnings"] == ["w"]
    assert result["diff"] == {"before": {}, "after": {"name": "r"}}
    assert result["iam_role"] == {"arn": "arn"}


def test_run_gives_the_wrapped_module_its_module_defaults():
    action = _action({"name": "r", "region": "from-task"})

    def apply(module_name, task, module_args, templar):
        assert module_name == "amazon.aws.iam_role_info"
        merged = {"region": "default", "endpoint_url": "http://localhost:4566"}
        merged.update(module_args)
        return merged

    with mock.patch.object(iam_delivery_role, "_apply_action_arg_defaults", side_effect=apply), \
            mock.patch.object(iam_delivery_role.ActionBase, "run", return_value={}), \
            mock.patch.object(ActionModule, "_execute_module", return_value={"changed": False}) as execute:
        action.run(task_vars={})
    assert execute.call_args.kwargs["module_args"] == {
        "name": "r", "region": "from-task", "endpoint_url": "http://localhost:4566"}
