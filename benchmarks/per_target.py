"""Benchmark: what one member target costs per run, first and unchanged, against LocalStack.

    BENCH_SCRIPT=per_target.py bash benchmarks/run.sh [--note "what changed"] [--root CHECKOUT]
    .venv-bench/bin/python benchmarks/per_target.py --help

A member target is the common production case (issue 11): no demo VPC, an existing VPC
(made here with botocore), one flow log of rejected traffic to CloudWatch Logs (with its
Insights queries and REJECT alarm) and one of all traffic to S3 (with its Athena table,
workgroup and saved queries), built by `flowlogs.aws.site`. At organization scale every
account and region pays this per run, so it is the figure to keep small.

Measured per run, with run.py's Runner (one fresh ansible-playbook process; CPU time of the
whole process tree from wait4; API calls from the botocore hook in sitecustomize.py): wall and
CPU time, the tasks Ansible ran (ok + changed) and skipped, the AWS module processes (distinct
processes that made an API call: each is one module run, with its Python start-up and boto3
import), the API calls and the write calls. The first run builds everything; the re-runs must
change nothing and call no write API. Teardown follows, not measured.

--root measures another checkout of the collection (for example a git worktree of an older
commit), with this checkout's virtualenv and harness, so that a change can be measured before
and after in the same conditions. Each invocation appends one entry to
benchmarks/per_target.json; the section of docs/benchmarks.md between the PER-TARGET markers
lists every entry, oldest first.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid

import botocore.session

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import is_write, save_json  # noqa: E402  (benchmarks/common.py)
from run import ROOT, REGION, Runner, add_runner_arguments, log, fmt_time, median  # noqa: E402  (benchmarks/run.py)

BEGIN = "<!-- BEGIN PER-TARGET: benchmarks/per_target.py rewrites everything down to END PER-TARGET -->"
END = "<!-- END PER-TARGET -->"


def member_inventory(path, endpoint_url, vpc_id, suffix):
    """The member target as a user writes it (JSON is YAML)."""
    name = "member-" + suffix
    inventory = {"flowlogs_targets": {"hosts": {"member": {"flowlogs_region": REGION}}, "vars": {
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "flowlogs_endpoint_url": endpoint_url,
        "flowlogs_access_key": os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        "flowlogs_secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
        "flowlogs_name": name,
        "flowlogs_tags": {"managed-by": "flowlogs.aws", "project": name},
        "flowlogs_destinations": [
            {"name": "cloudwatch", "type": "cloud-watch-logs", "log_group_name": "/{0}/vpc".format(name),
             "force_delete": True},
            {"name": "archive", "type": "s3", "bucket_name": name + "-archive", "prefix": "vpc", "force_delete": True},
        ],
        "flowlogs_flow_logs": [
            {"name": "rejects-to-cloudwatch", "resource_ids": [vpc_id], "destination": "cloudwatch",
             "traffic_type": "REJECT"},
            {"name": "all-to-s3", "resource_ids": [vpc_id], "destination": "archive", "traffic_type": "ALL"},
        ],
    }}}
    with open(path, "w") as handle:
        json.dump(inventory, handle, indent=1)
    return path


def summarize_run(result):
    """The figures of one run, from what Runner.playbook measured."""
    with open(os.path.join(ROOT, result["output"]) if not os.path.isabs(result["output"]) else result["output"],
              encoding="utf-8", errors="replace") as handle:
        output = handle.read()
    recap = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=\d+\s+skipped=(\d+)", output)
    calls = result["api_calls"]
    writes = dict((op, n) for op, n in calls.items() if is_write(op))
    return {
        "wall_s": result["wall_s"], "cpu_s": result["cpu_s"], "load_1min_before": result["load_1min_before"],
        "ok": result["ok"], "changed": result["changed"],
        "tasks_run": int(recap.group(1)) if recap else None, "tasks_skipped": int(recap.group(3)) if recap else None,
        "module_processes": result["module_processes"], "api_calls": sum(calls.values()),
        "write_calls": sum(writes.values()), "writes": writes,
    }


class CountingRunner(Runner):
    """Runner that also counts the processes that made API calls (module runs), and runs
    another checkout's collection (--root) when asked."""

    def __init__(self, args, workdir, root):
        super().__init__(args, workdir)
        self.env["ANSIBLE_CONFIG"] = os.path.join(root, "ansible.cfg")
        self.env["ANSIBLE_COLLECTIONS_PATH"] = os.path.join(root, ".cache", "collections")
        self.env.pop("ANSIBLE_CALLBACKS_ENABLED", None)  # per-task timings are not wanted here

    def playbook(self, playbook, extra_vars=None, inventory=None, label=""):
        result = super().playbook(playbook, extra_vars, inventory, label)
        api_log = os.path.join(self.workdir, "api-{0:04d}.log".format(self.counter))
        pids = set()
        if os.path.exists(api_log):
            with open(api_log) as handle:
                pids = set(line.split()[0] for line in handle if line.strip())
        # The controller process itself calls no AWS API (AWS calls run in modules).
        result["module_processes"] = len(pids)
        return result


def commit_of(root):
    try:
        return subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def measure(args):
    root = os.path.abspath(args.root)
    link = os.path.join(root, ".cache", "collections", "ansible_collections", "flowlogs", "aws")
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(os.path.join("..", "..", "..", ".."), link)
    session = botocore.session.get_session()
    ec2 = session.create_client("ec2", region_name=REGION, endpoint_url=args.endpoint_url,
                                aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
                                aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"))
    suffix = uuid.uuid4().hex[:8]
    vpc_id = ec2.create_vpc(CidrBlock="10.78.0.0/16")["Vpc"]["VpcId"]
    workdir = tempfile.mkdtemp(prefix="flowlogs-bench-member-")
    inventory = member_inventory(os.path.join(workdir, "member.json"), args.endpoint_url, vpc_id, suffix)
    runner = CountingRunner(args, workdir, root)
    site = os.path.join(root, "playbooks", "site.yml")
    entry = {"measured": time.time(), "commit": commit_of(root), "note": args.note, "runs": []}
    try:
        for index in range(1 + args.reps):
            label = "first" if index == 0 else "rerun"
            run = summarize_run(runner.playbook(site, inventory=inventory, label=label))
            run["run"] = label
            entry["runs"].append(run)
            log("{0}: {1:.1f}s wall, {2:.1f} CPU-s, {3} tasks, {4} module processes, {5} API calls, {6} writes".format(
                label, run["wall_s"], run["cpu_s"], run["tasks_run"], run["module_processes"], run["api_calls"],
                run["write_calls"]))
    finally:
        down = runner.playbook(os.path.join(root, "playbooks", "teardown.yml"), inventory=inventory, label="teardown")
        log("teardown (not measured): ok={0}".format(down["ok"]))
        ec2.delete_vpc(VpcId=vpc_id)
    return entry


def render(entries):
    """The PER-TARGET section: every entry, the first run and the median of the re-runs."""
    lines = [BEGIN, "",
             "| measured | commit | run | wall (s) | CPU (s) | tasks run / skipped | module processes | API calls "
             "| write calls | load before |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for entry in entries:
        first = [r for r in entry["runs"] if r["run"] == "first"]
        reruns = [r for r in entry["runs"] if r["run"] == "rerun"]
        rows = [("first", first)] + ([("re-run (median of {0})".format(len(reruns)), reruns)] if reruns else [])
        for label, runs in rows:
            if not runs:
                continue
            lines.append("| {0} | `{1}` | {2} | {3:.1f} | {4:.1f} | {5:.0f} / {6:.0f} | {7:.0f} | {8:.0f} | {9:.0f} | {10:.2f} |"
                         .format(fmt_time(entry["measured"]), entry["commit"], label,
                                 median([r["wall_s"] for r in runs]), median([r["cpu_s"] for r in runs]),
                                 median([r["tasks_run"] for r in runs]), median([r["tasks_skipped"] for r in runs]),
                                 median([r["module_processes"] for r in runs]), median([r["api_calls"] for r in runs]),
                                 median([r["write_calls"] for r in runs]),
                                 median([r["load_1min_before"] for r in runs])))
    notes = ["- `{0}`: {1}".format(e["commit"], e["note"]) for e in entries if e.get("note")]
    if notes:
        lines += [""] + notes
    failed = [e["commit"] for e in entries if not all(r["ok"] for r in e["runs"])]
    changed = [e["commit"] for e in entries if any(r["changed"] or r["write_calls"] for r in e["runs"]
                                                   if r["run"] == "rerun")]
    lines += ["", "Every run succeeded{0}; every re-run changed nothing and made no write call{1}.".format(
        "" if not failed else " except in " + ", ".join(failed),
        "" if not changed else " except in " + ", ".join(changed)), "", END]
    return "\n".join(lines)


def report(args, entries):
    with open(args.doc) as handle:
        text = handle.read()
    if BEGIN not in text or END not in text:
        raise SystemExit("{0} has no PER-TARGET markers".format(args.doc))
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    with open(args.doc, "w") as handle:
        handle.write(head + render(entries) + tail)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_runner_arguments(parser)
    parser.add_argument("--root", default=ROOT, help="the checkout of the collection to measure (default: this one)")
    parser.add_argument("--reps", type=int, default=3, help="unchanged re-runs after the first run (default 3)")
    parser.add_argument("--note", default="", help="one sentence: what this entry measures or what changed")
    parser.add_argument("--results", default=os.path.join(HERE, "per_target.json"))
    parser.add_argument("--doc", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    parser.add_argument("--report-only", action="store_true", help="rewrite the doc section from --results")
    # run.sh passes the CLI to run.py; it has no use here.
    parser.add_argument("--aws-cli", help=argparse.SUPPRESS)
    args = parser.parse_args()
    entries = []
    if os.path.exists(args.results):
        with open(args.results) as handle:
            entries = json.load(handle)
    if not args.report_only:
        if not args.endpoint_url:
            parser.error("no endpoint: set AWS_URL or --endpoint-url (BENCH_SCRIPT=per_target.py bash benchmarks/run.sh "
                         "starts LocalStack)")
        entry = measure(args)
        entries.append(entry)
        save_json(args.results, entries)
        if not all(r["ok"] for r in entry["runs"]):
            report(args, entries)
            return 1
    report(args, entries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
