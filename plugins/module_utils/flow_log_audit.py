# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit: per VPC, whether a delivering flow log captures its rejected traffic, and one
report over every target (account and region) of an inventory.

Pure logic, no AWS call and no Ansible import: the ``flow_log_audit*`` filters and their unit
tests share it. The check is the one behind AWS Security Hub control EC2.6, CIS AWS Foundations
Benchmark 3.7 (4.7 in v6 and later) and the AWS Config rule ``vpc-flow-logs-enabled``: a VPC is
covered by a flow log of traffic type REJECT or ALL. A flow log that is not ACTIVE or whose
``DeliverLogsStatus`` is FAILED delivers nothing, so it does not count ("FlowLog", Amazon EC2
API Reference).
"""

import re

# ---- CloudWatch telemetry rules ---------------------------------------------------------
# CloudWatch telemetry enablement rules (observabilityadmin CreateTelemetryRule and
# CreateTelemetryRuleForOrganization) create VPC flow logs themselves and may replace the ones
# they manage ("TelemetryRule", AllowFieldUpdates: "Only Observability Admin-managed resources
# are updated; customer-created resources are never modified", CloudWatch Observability Admin
# API Reference). A flow log has no description, so only its tags can say that a rule manages
# it. Recognised here:
# - a tag whose value is a telemetry rule ARN
#   (arn:PARTITION:observabilityadmin:REGION:ACCOUNT:[organization-]telemetry-rule/NAME);
# - a tag key in the reserved "aws:" prefix that names the service (observabilityadmin or
#   telemetry): only AWS can write "aws:" keys ("Tag naming limits and requirements", Tagging
#   AWS Resources), so no user's tag is mistaken for it;
# - tag keys the user names (flowlogs_audit_telemetry_tag_keys), for the marker their accounts show.
TELEMETRY_RULE_ARN = re.compile(
    r"^arn:aws[a-z-]*:observabilityadmin:[a-z0-9-]*:[0-9]{12}:(?:organization-)?telemetry-rule/[0-9A-Za-z-]+$")
TELEMETRY_KEY_WORDS = ("observabilityadmin", "telemetry")

# ---- connection errors --------------------------------------------------------------------
# botocore's messages for a missing, refused or unreachable connection, and what to set.
_NO_CREDENTIALS = re.compile(
    r"Unable to locate credentials|Partial credentials found|NoCredentialsError|"
    r"The config profile \(.*\) could not be found|ProfileNotFound", re.I)
_REFUSED = re.compile(
    r"InvalidClientTokenId|AuthFailure|UnrecognizedClientException|ExpiredToken|SignatureDoesNotMatch|"
    r"security token included in the request is (?:invalid|expired)", re.I)
_UNREACHABLE = re.compile(
    r"Could not connect to the endpoint URL|Connect timeout|Read timeout|EndpointConnectionError|"
    r"Name or service not known|Connection refused", re.I)
CREDENTIAL_VARIABLES = (
    "flowlogs_profile, or flowlogs_access_key and flowlogs_secret_key, in the inventory "
    "(or AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, in the environment)")


def telemetry_rule(flow_log, tag_keys=None):
    """What marks a flow log as managed by a CloudWatch telemetry rule ('' when nothing does)."""
    keys = set(tag_keys or [])
    for key, value in sorted((flow_log.get("tags") or {}).items()):
        value = "" if value is None else str(value)
        if TELEMETRY_RULE_ARN.match(value):
            return value
        lowered = key.lower()
        if key in keys or (lowered.startswith("aws:") and any(word in lowered for word in TELEMETRY_KEY_WORDS)):
            return "{0}={1}".format(key, value) if value else key
    return ""


def vpc_name(vpc):
    """The Name tag of a VPC as amazon.aws.ec2_vpc_net_info returns it ('' without one)."""
    if not isinstance(vpc, dict):
        return ""
    tags = vpc.get("tags") or {}
    if isinstance(tags, list):  # boto3's own list form
        tags = dict((t.get("Key"), t.get("Value")) for t in tags)
    return tags.get("Name") or ""


def delivery_problem(flow_log):
    """Why a flow log delivers nothing ('' when it is active and not failing).

    DescribeFlowLogs reports DeliverLogsStatus SUCCESS or FAILED and, on failure,
    DeliverLogsErrorMessage (Rate limited, Access error, Unknown error) ("FlowLog" in the
    Amazon EC2 API reference).
    """
    status = flow_log.get("flow_log_status")
    if status and status != "ACTIVE":
        return "flow log {0} is {1}".format(flow_log.get("flow_log_id"), status)
    if (flow_log.get("deliver_logs_status") or "").upper() == "FAILED":
        return "flow log {0} cannot deliver to {1}: {2}".format(
            flow_log.get("flow_log_id"), _destination(flow_log),
            flow_log.get("deliver_logs_error_message") or "DeliverLogsStatus is FAILED (no error message)")
    return ""


def _destination(flow_log):
    return flow_log.get("log_group_name") or flow_log.get("log_destination") or "its destination"


def _label(vpc_id, name):
    return "{0} ({1})".format(vpc_id, name) if name else vpc_id


def audit(vpcs, flow_logs, telemetry_tag_keys=None):
    """Per VPC, whether a delivering flow log captures its rejected traffic (Security Hub EC2.6).

    vpcs: as amazon.aws.ec2_vpc_net_info returns them (or bare ids); flow_logs: as
    flowlogs.aws.ec2_vpc_flow_log_info returns them, of the VPCs or of the whole region.
    Returns the findings (VPCs not covered, with their Name and the reasons), the covered VPC
    ids, every VPC with its Name, the flow logs whose delivery FAILED and the flow logs a
    CloudWatch telemetry rule manages.
    """
    by_vpc = {}
    failed, telemetry = [], []
    for flow_log in flow_logs or []:
        by_vpc.setdefault(flow_log.get("resource_id"), []).append(flow_log)
        if (flow_log.get("deliver_logs_status") or "").upper() == "FAILED":
            failed.append({"flow_log_id": flow_log.get("flow_log_id"), "resource_id": flow_log.get("resource_id"),
                           "destination": _destination(flow_log),
                           "error": flow_log.get("deliver_logs_error_message") or ""})
        rule = telemetry_rule(flow_log, telemetry_tag_keys)
        if rule:
            telemetry.append({"flow_log_id": flow_log.get("flow_log_id"), "resource_id": flow_log.get("resource_id"),
                              "traffic_type": flow_log.get("traffic_type"), "marker": rule})
    findings, covered, listed = [], [], []
    for vpc in vpcs or []:
        vpc_id = vpc.get("vpc_id") if isinstance(vpc, dict) else vpc
        name = vpc_name(vpc)
        reasons = []
        ok = False
        for flow_log in by_vpc.get(vpc_id, []):
            if flow_log.get("traffic_type") not in ("REJECT", "ALL"):
                reasons.append("flow log {0} logs only {1} traffic".format(
                    flow_log.get("flow_log_id"), flow_log.get("traffic_type")))
                continue
            problem = delivery_problem(flow_log)
            if problem:
                reasons.append(problem)
            else:
                ok = True
        listed.append({"vpc_id": vpc_id, "name": name, "covered": ok})
        if ok:
            covered.append(vpc_id)
        else:
            reasons = reasons or ["no flow log"]
            findings.append({"vpc_id": vpc_id, "name": name, "reasons": reasons,
                             "message": "{0}: {1}".format(_label(vpc_id, name), "; ".join(reasons))})
    return {"findings": findings, "covered": covered, "vpcs": listed,
            "failed_flow_logs": failed, "telemetry_flow_logs": telemetry}


def remediation_problems(remediate, destination, destinations):
    """What stops remediation, named by the audit variable at fault (before any AWS call)."""
    if not remediate:
        return []
    names = [d.get("name") for d in destinations or [] if isinstance(d, dict)]
    defined = ", ".join(str(n) for n in names) if names else "the inventory defines none: add one first"
    if destination in (None, ""):
        return ["flowlogs_audit_destination: flowlogs_audit_remediate needs the name of the flowlogs_destinations "
                "entry the remediation flow logs deliver to ({0})".format(defined)]
    if destination not in names:
        return ["flowlogs_audit_destination: {0!r} is not the name of a flowlogs_destinations entry ({1})".format(
            destination, defined)]
    return []


def connection_message(target, region, error, endpoint_url=None):
    """A clear message for a target the audit could not read: what failed and what to set."""
    error = str(error or "unknown error")
    where = "target {0} (region {1}{2})".format(
        target, region or "unknown", ", endpoint " + endpoint_url if endpoint_url else "")
    if _NO_CREDENTIALS.search(error):
        hint = "no AWS credentials were found: set " + CREDENTIAL_VARIABLES
    elif _REFUSED.search(error):
        hint = "AWS refused the credentials: check " + CREDENTIAL_VARIABLES + ", and flowlogs_region"
    elif _UNREACHABLE.search(error):
        hint = ("the endpoint cannot be reached: check flowlogs_endpoint_url (leave it unset for AWS, and unset "
                "AWS_URL in the environment) and flowlogs_region")
    else:
        hint = ("the flow logs could not be listed: check the connection variables flowlogs_region, "
                "flowlogs_endpoint_url and " + CREDENTIAL_VARIABLES + ", and ec2:DescribeFlowLogs and "
                "ec2:DescribeVpcs permissions")
    return "Cannot audit {0}: {1} ({2})".format(where, hint, error)


# The table's sections of failed targets, by the kind of error.
ERROR_HEADINGS = (("connection", "Targets that could not be read"),
                  ("settings", "Targets audited but not remediated (their settings are wrong)"))


def settings_message(target, region, problems):
    """A target whose remediation settings are wrong: audited, not remediated, then failed."""
    return "Cannot remediate target {0} (region {1}): {2}".format(target, region or "unknown", "; ".join(problems))


def _first(seen, key):
    """True the first time key is seen (and remembers it)."""
    if key in seen:
        return False
    seen.add(key)
    return True


def _failures(errors):
    """What each failed target's own failure says: a pointer to its errors in the table, which
    holds them once."""
    kinds = {}
    for error in errors:
        kinds.setdefault(error["target"], set()).add(error["kind"])
    return dict((target, "The audit of {0} failed: see {1} in the report above".format(
        target, " and ".join('"{0}"'.format(heading) for kind, heading in ERROR_HEADINGS if kind in kinds[target])))
        for target in kinds)


def _percent(covered, total):
    return round(100.0 * covered / total, 1) if total else None


def report(targets):
    """One report over every target: coverage per account and region, the VPCs without a
    delivering flow log (with their Name), the flow logs whose delivery FAILED, the flow logs
    CloudWatch telemetry rules manage, and the targets that could not be read.

    targets: one dict per target, with ``target``, ``account_id``, ``region`` and either
    ``audit`` (what audit() returned) or ``error`` (the failed call's message; ``endpoint_url``
    helps the message); ``problems`` (what remediation_problems() found) marks a target whose
    remediation cannot run: it is audited, and listed among the failed targets.
    Every error is in ``errors`` once, with its ``kind`` (``connection`` or ``settings``), so
    the playbook prints it in the table only and fails the target with a pointer to it.
    """
    rows, noncompliant, failed, telemetry, errors, per_target, seen = {}, [], [], [], [], {}, set()
    for entry in sorted(targets or [], key=lambda t: (str(t.get("account_id") or ""), str(t.get("region") or ""),
                                                      str(t.get("target")))):
        target, region = entry.get("target"), entry.get("region") or ""
        account = str(entry.get("account_id") or "")
        where = {"target": target, "account_id": account, "region": region}
        if entry.get("problems"):
            errors.append(dict(where, kind="settings", message=settings_message(target, region, entry["problems"])))
        if entry.get("error") is not None:
            errors.append(dict(where, kind="connection", message=connection_message(
                target, region, entry["error"], entry.get("endpoint_url"))))
            continue
        result = entry.get("audit") or {}
        vpcs = result.get("vpcs") or []
        row = rows.setdefault((account, region), {"account_id": account, "region": region, "targets": [],
                                                  "vpcs": 0, "covered": 0})
        row["targets"].append(target)
        # Two targets may reach the same account and region (two profiles, a repeated host):
        # each VPC and flow log counts once, under the first target that read it.
        new_vpcs = [v for v in vpcs if _first(seen, ("vpc", account, region, v["vpc_id"]))]
        row["vpcs"] += len(new_vpcs)
        row["covered"] += len([v for v in new_vpcs if v.get("covered")])
        new_ids = set(v["vpc_id"] for v in new_vpcs)
        for finding in result.get("findings") or []:
            if finding["vpc_id"] in new_ids:
                noncompliant.append(dict(where, vpc_id=finding["vpc_id"], name=finding.get("name") or "",
                                         reasons=finding["reasons"]))
        failed.extend(dict(where, **f) for f in result.get("failed_flow_logs") or []
                      if _first(seen, ("failed", account, region, f["flow_log_id"])))
        telemetry.extend(dict(where, **f) for f in result.get("telemetry_flow_logs") or []
                         if _first(seen, ("telemetry", account, region, f["flow_log_id"])))
        per_target[target] = dict(where, vpcs=[v["vpc_id"] for v in vpcs],
                                  noncompliant_vpcs=[f["vpc_id"] for f in result.get("findings") or []])
    coverage = []
    for key in sorted(rows):
        row = rows[key]
        row["noncompliant"] = row["vpcs"] - row["covered"]
        row["percent"] = _percent(row["covered"], row["vpcs"])
        coverage.append(row)
    failed_targets = set(e["target"] for e in errors)
    total = sum(r["vpcs"] for r in coverage)
    covered = sum(r["covered"] for r in coverage)
    result = {
        "check": "VPC flow logs capturing rejected traffic, delivering (CIS AWS Foundations 3.7 / 4.7, "
                 "AWS Security Hub EC2.6, AWS Config vpc-flow-logs-enabled)",
        "summary": {"targets": len(set(per_target) | failed_targets), "targets_read": len(per_target),
                    "targets_unreadable": len([e for e in errors if e["kind"] == "connection"]),
                    "targets_failed": len(failed_targets), "vpcs": total, "covered": covered,
                    "noncompliant": total - covered, "percent": _percent(covered, total)},
        "coverage": coverage,
        "noncompliant_vpcs": noncompliant,
        "failed_flow_logs": failed,
        "telemetry_flow_logs": telemetry,
        "errors": errors,
        "targets": per_target,
        "failures": _failures(errors),
    }
    result["table"] = table(result)
    return result


def _grid(header, rows):
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]

    def line(cells):
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    return [line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]


def _pct(value):
    return "n/a" if value is None else "{0:.1f} %".format(value)


def table(result):
    """The report as text: coverage per account and region, then each list that is not empty."""
    summary = result["summary"]
    lines = ["VPC flow log audit: {0} of {1} VPCs covered ({2}) in {3} target(s){4}".format(
        summary["covered"], summary["vpcs"], _pct(summary["percent"]), summary["targets_read"],
        ", {0} target(s) could not be read".format(summary["targets_unreadable"])
        if summary["targets_unreadable"] else ""),
        ""]
    lines += _grid(["ACCOUNT", "REGION", "VPCS", "COVERED", "MISSING", "COVERAGE"],
                   [[r["account_id"] or "-", r["region"], r["vpcs"], r["covered"], r["noncompliant"], _pct(r["percent"])]
                    for r in result["coverage"]])
    if result["noncompliant_vpcs"]:
        lines += ["", "VPCs without a delivering flow log of rejected traffic:"]
        lines += _grid(["ACCOUNT", "REGION", "VPC", "NAME", "WHY"],
                       [[v["account_id"] or "-", v["region"], v["vpc_id"], v["name"] or "-", "; ".join(v["reasons"])]
                        for v in result["noncompliant_vpcs"]])
    if result["failed_flow_logs"]:
        lines += ["", "Flow logs whose delivery FAILED (DeliverLogsStatus):"]
        lines += _grid(["ACCOUNT", "REGION", "FLOW LOG", "RESOURCE", "DESTINATION", "ERROR"],
                       [[f["account_id"] or "-", f["region"], f["flow_log_id"], f["resource_id"], f["destination"],
                         f["error"] or "-"] for f in result["failed_flow_logs"]])
    if result["telemetry_flow_logs"]:
        lines += ["", "Flow logs managed by CloudWatch telemetry rules (left alone):"]
        lines += _grid(["ACCOUNT", "REGION", "FLOW LOG", "RESOURCE", "TRAFFIC", "MARKER"],
                       [[f["account_id"] or "-", f["region"], f["flow_log_id"], f["resource_id"],
                         f["traffic_type"] or "-", f["marker"]] for f in result["telemetry_flow_logs"]])
    for kind, heading in ERROR_HEADINGS:
        messages = ["- " + e["message"] for e in result["errors"] if e["kind"] == kind]
        if messages:
            lines += ["", heading + ":"] + messages
    return "\n".join(lines)
