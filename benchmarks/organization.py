"""Benchmark: the site playbook over an organization of N member targets, against LocalStack.

    bash benchmarks/organization.sh            # sets up, starts LocalStack on port 4578, runs this, stops it
    .venv/bin/python benchmarks/organization.py --help   # the options (AWS_URL: a running LocalStack)

Issue 13 asks how the cost of flowlogs.aws grows with the targets of an AWS Organization
and what one target costs. A target is an account and a region. LocalStack keeps accounts
apart by access key id (a 12-digit key id is that account), so each target here is a fresh
LocalStack account, with its own keys in the inventory, laid out as
tests/integration/test_organization_central.py does: a log-archive target that owns the
central S3 bucket (`shared_with`), and N member targets (`central: log-archive`), each with
one VPC made with boto3 beforehand, in us-east-1 and eu-west-1 alternately.

For every N in --sizes and every value of --forks, in a fresh organization:
  1. playbooks/site.yml, first run (builds the owner's bucket, policy, Glue table and
     workgroup, and every member's flow log);
  2. the same again, unchanged: every host must report changed=0, and no call may write;
  3. playbooks/teardown.yml (not measured), then a check with boto3 that no flow log,
     bucket, Glue database or Athena workgroup is left in any account, and that the
     members' VPCs (which the collection did not create) are still there.
Each run is one ansible-playbook process: its wall time, the CPU time of its whole process
tree (os.wait4), the 1-minute load average just before it, the changed tasks of every host
from the recap, and the AWS API calls its Python processes made. The calls are counted by
benchmarks/sitecustomize.py's botocore `before-call` hook with FLOWLOGS_BENCH_API_LOG_CALLER=1,
which logs the access key id each call is signed with: every target has keys of its own, so
the key names the target that made the call. Calls signed with any other key (none are
expected) are reported as unattributed.

Raw results go to benchmarks/organization_results.json; the part of
docs/benchmarks-organization.md between the GENERATED markers is rewritten from them.
"""

import argparse
import collections
import datetime
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

import boto3
import yaml

from common import is_write, save_json  # benchmarks/common.py

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OWNER = "log-archive"
OWNER_REGION = "us-east-1"
MEMBER_REGIONS = ("us-east-1", "eu-west-1")
RECAP_LINE = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
GENERATED_BEGIN = "<!-- BEGIN GENERATED: benchmarks/organization.py rewrites everything down to END GENERATED -->"
GENERATED_END = "<!-- END GENERATED -->"
DEFAULT_SIZES = "1,4,12,24"
DEFAULT_FORKS = "1,5,10"
# The extrapolation of issue 13: 500 accounts x 4 regions.
EXTRAPOLATE_TARGETS = 2000
EXTRAPOLATE_FORKS = (10, 50, 100)
# AWX's default capacity accounting ("AWX Capacity Determination and Job Impact", AWX User
# Guide): 4 forks per CPU, 100 MB per fork, a job counting its forks plus one.
AWX_FORKS_PER_CPU = 4
AWX_MB_PER_FORK = 100


def log(message):
    print("[org-bench {0}] {1}".format(time.strftime("%H:%M:%S"), message), flush=True)


# ---- the organization: accounts, VPCs and inventory (made and checked with boto3, untimed) -----


class Organization:
    """A log-archive target and `size` member targets, each a fresh LocalStack account.

    Fresh random account ids for every organization: LocalStack keeps the state of earlier
    ones, and an account that held nothing before makes "teardown left nothing" checkable
    by listing the whole account.
    """

    def __init__(self, endpoint_url, size, workdir):
        self.endpoint_url = endpoint_url
        first = random.randint(100000000, 899999999) * 1000
        self.owner = str(first)
        self.members = {}  # host -> (account, region)
        for i in range(size):
            host = "member-{0:03d}".format(i + 1)
            self.members[host] = (str(first + 1 + i), MEMBER_REGIONS[i % len(MEMBER_REGIONS)])
        self.suffix = uuid.uuid4().hex[:8]
        self.name = "flowlogs-orgbench-" + self.suffix
        self.bucket = self.name
        self.vpcs = {}
        for host, (account, region) in self.members.items():
            vpc = self.client("ec2", account, region).create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
            self.vpcs[host] = vpc
        self.inventory = os.path.join(workdir, "org-{0}-{1}.yml".format(size, self.suffix))
        with open(self.inventory, "w") as handle:
            yaml.safe_dump(self.inventory_data(), handle)

    def client(self, service, account, region):
        return boto3.client(service, endpoint_url=self.endpoint_url, region_name=region,
                            aws_access_key_id=account, aws_secret_access_key="test")

    def inventory_data(self):
        hosts = {OWNER: {
            "flowlogs_region": OWNER_REGION,
            "flowlogs_access_key": self.owner,
            "flowlogs_account_id": self.owner,
            "flowlogs_destinations": [
                {"name": "archive", "type": "s3", "bucket_name": self.bucket, "prefix": "org", "shared_with": {}},
            ],
            "flowlogs_flow_logs": [],
        }}
        for host, (account, region) in self.members.items():
            hosts[host] = {
                "flowlogs_region": region,
                "flowlogs_access_key": account,
                "flowlogs_account_id": account,
                "flowlogs_destinations": [{"name": "archive", "type": "s3", "central": OWNER}],
                "flowlogs_flow_logs": [
                    {"name": "vpc", "resource_ids": [self.vpcs[host]], "destination": "archive", "traffic_type": "ALL"},
                ],
            }
        return {"flowlogs_org": {"hosts": hosts, "vars": {
            "ansible_connection": "local",
            "ansible_python_interpreter": "{{ ansible_playbook_python }}",
            "flowlogs_endpoint_url": self.endpoint_url,
            "flowlogs_secret_key": "test",
            "flowlogs_name": self.name,
            "flowlogs_tags": {"managed-by": "flowlogs.aws", "project": "orgbench-" + self.suffix},
        }}}

    def hosts_by_key(self):
        """Access key id -> inventory host: each target signs with keys of its own."""
        keys = {self.owner: OWNER}
        keys.update((account, host) for host, (account, unused) in self.members.items())
        return keys

    def flow_logs(self, host):
        account, region = self.members[host]
        return self.client("ec2", account, region).describe_flow_logs()["FlowLogs"]

    def leftovers(self):
        """What teardown left in any account of the organization (an empty list when nothing)."""
        left = []
        targets = [(OWNER, self.owner, OWNER_REGION)] + [(h, a, r) for h, (a, r) in self.members.items()]
        for host, account, region in targets:
            flow_logs = [f["FlowLogId"] for f in self.client("ec2", account, region).describe_flow_logs()["FlowLogs"]]
            buckets = [b["Name"] for b in self.client("s3", account, region).list_buckets()["Buckets"]]
            databases = [d["Name"] for d in self.client("glue", account, region).get_databases()["DatabaseList"]
                         if d["Name"] != "default"]
            workgroups = [w["Name"] for w in self.client("athena", account, region).list_work_groups()["WorkGroups"]
                          if w["Name"] != "primary"]
            for kind, names in (("flow logs", flow_logs), ("buckets", buckets), ("Glue databases", databases),
                                ("Athena workgroups", workgroups)):
                if names:
                    left.append("{0} ({1}, {2}): {3} {4}".format(host, account, region, kind, names))
            if host in self.vpcs:
                vpc_ids = [v["VpcId"] for v in self.client("ec2", account, region).describe_vpcs()["Vpcs"]]
                if self.vpcs[host] not in vpc_ids:
                    left.append("{0}: its VPC {1}, which the collection did not create, is gone".format(
                        host, self.vpcs[host]))
        return left

    def delete_vpcs(self):
        for host, (account, region) in self.members.items():
            self.client("ec2", account, region).delete_vpc(VpcId=self.vpcs[host])


# ---- one ansible-playbook run -------------------------------------------------------------------


class Runner:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.counter = 0
        self.env = dict(os.environ)
        self.env.update({
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": OWNER_REGION,
            "AWS_DEFAULT_REGION": OWNER_REGION,
            "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
            "ANSIBLE_NOCOLOR": "1",
            "FLOWLOGS_BENCH_API_LOG_CALLER": "1",
            "PYTHONPATH": HERE + (os.pathsep + self.env["PYTHONPATH"] if self.env.get("PYTHONPATH") else ""),
            "PATH": os.path.dirname(args.ansible_playbook) + os.pathsep + self.env.get("PATH", ""),
        })

    def playbook(self, playbook, organization, forks, label):
        """Run one ansible-playbook over the organization; return its measurements."""
        self.counter += 1
        api_log = os.path.join(self.workdir, "api-{0:04d}-{1}.log".format(self.counter, label))
        out_log = os.path.join(self.workdir, "out-{0:04d}-{1}.log".format(self.counter, label))
        command = [self.args.ansible_playbook, playbook, "-i", organization.inventory, "--forks", str(forks)]
        env = dict(self.env, FLOWLOGS_BENCH_API_LOG=api_log)
        load = os.getloadavg()[0]
        with open(out_log, "wb") as out:
            start = time.monotonic()
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            status, rusage = os.wait4(process.pid, 0)[1:]
            wall = time.monotonic() - start
        returncode = os.waitstatus_to_exitcode(status)
        with open(out_log, encoding="utf-8", errors="replace") as handle:
            output = handle.read()
        recap = {m.group(1): {"changed": int(m.group(3)), "unreachable": int(m.group(4)), "failed": int(m.group(5))}
                 for m in RECAP_LINE.finditer(output)}
        keys = organization.hosts_by_key()
        calls = collections.defaultdict(collections.Counter)  # host -> operation -> count
        if os.path.exists(api_log):
            with open(api_log) as handle:
                for line in handle:
                    parts = line.split()
                    if len(parts) == 5:
                        calls[keys.get(parts[3], "unattributed")][parts[2]] += 1
        hosts = [OWNER] + list(organization.members)
        ok = (returncode == 0 and sorted(recap) == sorted(hosts)
              and not any(r["failed"] or r["unreachable"] for r in recap.values()))
        result = {
            "wall_s": round(wall, 3),
            "cpu_s": round(rusage.ru_utime + rusage.ru_stime, 3),
            "load_1min_before": round(load, 2),
            "rc": returncode,
            "ok": ok,
            "recap": recap,
            "api_calls": {host: dict(counter) for host, counter in calls.items()},
        }
        if not ok:
            log("FAILED ({0}): rc={1}; last lines of {2}:\n{3}".format(
                label, returncode, out_log, "\n".join(output.splitlines()[-30:])))
        return result


# ---- the benchmark ------------------------------------------------------------------------------


def versions(args):
    """The versions that make the figures comparable from one run to the next."""
    probe = subprocess.run(
        [args.module_python, "-c",
         "import sys, importlib.metadata as m, boto3, botocore; from ansible.release import __version__ as core; "
         "from ansible_collections.amazon.aws.plugins.module_utils.common import AMAZON_AWS_COLLECTION_VERSION as a; "
         "print(sys.version.split()[0], core, a, boto3.__version__, botocore.__version__)"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False).stdout.split()
    probe += ["?"] * (5 - len(probe))
    try:
        with urllib.request.urlopen(args.endpoint_url + "/_localstack/info", timeout=5) as response:
            localstack = json.load(response).get("version")
    except (OSError, ValueError) as error:
        localstack = "unknown ({0})".format(error)
    cpu = "unknown"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu, "cores": os.cpu_count(), "python": probe[0], "ansible_core": probe[1],
        "amazon_aws": probe[2], "boto3": probe[3], "botocore": probe[4], "localstack": localstack,
    }


def one_organization(runner, args, size, forks, label):
    """First run, unchanged re-run and teardown of a fresh organization of `size` members."""
    organization = Organization(args.endpoint_url, size, runner.workdir)
    site = os.path.join(ROOT, "playbooks", "site.yml")
    teardown = os.path.join(ROOT, "playbooks", "teardown.yml")
    entry = {"size": size, "forks": forks, "targets": size + 1}
    try:
        entry["first"] = runner.playbook(site, organization, forks, "{0}-first-{1}-f{2}".format(label, size, forks))
        if entry["first"]["ok"]:
            entry["rerun"] = runner.playbook(site, organization, forks,
                                             "{0}-rerun-{1}-f{2}".format(label, size, forks))
    finally:
        down = runner.playbook(teardown, organization, forks, "{0}-teardown-{1}-f{2}".format(label, size, forks))
        entry["teardown_ok"] = down["ok"]
        entry["leftovers"] = organization.leftovers()
        organization.delete_vpcs()
    for problem in entry["leftovers"]:
        log("teardown left: " + problem)
    return entry


def measure(args):
    workdir = tempfile.mkdtemp(prefix="flowlogs-orgbench-")
    log("work directory (inventories, outputs, API call logs): " + workdir)
    runner = Runner(args, workdir)
    results = {"versions": versions(args), "sizes": args.sizes, "forks": args.forks, "note": args.note,
               "runs": [], "started": time.time()}
    log("versions: " + json.dumps(results["versions"]))
    # Warm-up (not recorded): LocalStack starts EC2, S3, Glue and Athena lazily on first use.
    warm = one_organization(runner, args, 1, args.forks[0], "warmup")
    log("warm-up done: site ok={0}, teardown ok={1}".format(warm.get("first", {}).get("ok"), warm["teardown_ok"]))
    for size in args.sizes:
        for forks in args.forks:
            entry = one_organization(runner, args, size, forks, "run")
            results["runs"].append(entry)
            first, rerun = entry.get("first", {}), entry.get("rerun", {})
            log("N={0:<3} forks={1:<3} first {2}s (CPU {3}s)  re-run {4}s (CPU {5}s, changed {6}, writes {7})  "
                "teardown ok={8}, left {9}".format(
                    size, forks, first.get("wall_s"), first.get("cpu_s"), rerun.get("wall_s"), rerun.get("cpu_s"),
                    sum(r["changed"] for r in rerun.get("recap", {}).values()), writes(rerun),
                    entry["teardown_ok"], len(entry["leftovers"])))
            save(args, results)
    results["finished"] = time.time()
    if args.keep_workdir:
        log("kept " + workdir)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def save(args, results):
    """Write the raw results (after every organization, so that an interrupted run keeps what it measured)."""
    save_json(args.results, results)


# ---- figures from the results -------------------------------------------------------------------


def writes(run):
    return sum(c for ops in run.get("api_calls", {}).values() for op, c in ops.items() if is_write(op))


def calls_of(run, hosts=None):
    return sum(c for host, ops in run.get("api_calls", {}).items() if hosts is None or host in hosts
               for c in ops.values())


def member_calls(run):
    return calls_of(run, [h for h in run.get("api_calls", {}) if h.startswith("member-")])


def good(entry, phase):
    return entry.get(phase, {}).get("ok", False)


def fit(points):
    """Least-squares line through (x, y) points: (intercept, slope); a single point gives (0, y/x)."""
    if not points:
        return None
    if len({x for x, unused in points}) < 2:
        x, y = points[-1]
        return 0.0, y / x
    n = len(points)
    mx = sum(x for x, unused in points) / n
    my = sum(y for unused, y in points) / n
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, unused in points)
    return my - slope * mx, slope


def fmt_s(value):
    if value is None:
        return "–"
    return "{0:.0f}".format(value) if value >= 100 else "{0:.1f}".format(value) if value >= 10 else \
        "{0:.2f}".format(value)


def fmt_duration(seconds):
    if seconds >= 3600:
        return "{0:.1f} h".format(seconds / 3600)
    if seconds >= 60:
        return "{0:.0f} min".format(seconds / 60)
    return "{0:.0f} s".format(seconds)


def render(results):
    v = results["versions"]
    runs = results["runs"]
    trial = (results["sizes"] != [int(n) for n in DEFAULT_SIZES.split(",")]
             or results["forks"] != [int(f) for f in DEFAULT_FORKS.split(",")])
    loads = [e[p]["load_1min_before"] for e in runs for p in ("first", "rerun") if p in e]
    lines = [GENERATED_BEGIN, ""]
    if results.get("note"):
        lines += ["**{0}**".format(results["note"]), ""]
    lines.append("Measured {0} on {1} ({2} cores); the benchmark took {3:.0f} minutes. Member targets: {4}; "
                 "forks: {5}{6}. 1-minute load average before the measured runs: median {7}, highest {8} "
                 "(above about {2} the machine was busy with other work, which lengthens wall times more than "
                 "CPU times).".format(
                     v["date"], v["cpu"], v["cores"], (results.get("finished", time.time()) - results["started"]) / 60,
                     ", ".join(str(n) for n in results["sizes"]), ", ".join(str(f) for f in results["forks"]),
                     " (a trial: the full benchmark is sizes {0} with forks {1})".format(DEFAULT_SIZES, DEFAULT_FORKS)
                     if trial else "",
                     fmt_s(sorted(loads)[len(loads) // 2]) if loads else "–", fmt_s(max(loads)) if loads else "–"))
    lines.append("")
    lines.append("Python {python}, ansible-core {ansible_core}, amazon.aws {amazon_aws}, boto3 {boto3} / botocore "
                 "{botocore}, LocalStack {localstack}.".format(**v))
    lines.append("")
    for forks in results["forks"]:
        lines.append("### Forks {0}".format(forks))
        lines.append("")
        lines += ["| member targets (+ log-archive) | first run: wall (s) | CPU (s) | re-run: wall (s) | CPU (s) "
                  "| API calls per member target: first / re-run | log-archive target: first / re-run "
                  "| write calls on re-run | changed on re-run | teardown leaves nothing | load before |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"]
        for entry in [e for e in runs if e["forks"] == forks]:
            first, rerun = entry.get("first", {}), entry.get("rerun", {})
            n = entry["size"]
            changed = sum(r["changed"] for r in rerun.get("recap", {}).values()) if good(entry, "rerun") else None
            unattributed = calls_of(first, ["unattributed"]) + calls_of(rerun, ["unattributed"])
            lines.append("| {0} | {1} | {2} | {3} | {4} | {5} / {6} | {7} / {8} | {9} | {10} | {11} | {12} |".format(
                n,
                fmt_s(first["wall_s"]) if good(entry, "first") else "failed",
                fmt_s(first.get("cpu_s")) if good(entry, "first") else "–",
                fmt_s(rerun["wall_s"]) if good(entry, "rerun") else ("failed" if rerun else "–"),
                fmt_s(rerun.get("cpu_s")) if good(entry, "rerun") else "–",
                "{0:.1f}".format(member_calls(first) / n) if good(entry, "first") else "–",
                "{0:.1f}".format(member_calls(rerun) / n) if good(entry, "rerun") else "–",
                calls_of(first, [OWNER]) if good(entry, "first") else "–",
                calls_of(rerun, [OWNER]) if good(entry, "rerun") else "–",
                writes(rerun) if good(entry, "rerun") else "–",
                ("0 on every host" if changed == 0 else changed) if changed is not None else "–",
                ("yes" if entry["teardown_ok"] and not entry["leftovers"] else "**no**")
                + (" ({0} unattributed calls)".format(unattributed) if unattributed else ""),
                " / ".join(fmt_s(entry[p]["load_1min_before"]) for p in ("first", "rerun") if p in entry)))
        lines.append("")
    lines += per_target(results)
    lines += target_check(results)
    lines += extrapolation(results)
    problems = ["N={0} forks={1}: {2}".format(e["size"], e["forks"], "; ".join(
        [p for p in ("first", "rerun") if e.get(p) and not e[p]["ok"]] + e["leftovers"]
        + ([] if e["teardown_ok"] else ["teardown failed"]))) for e in runs
        if not (good(e, "first") and good(e, "rerun") and e["teardown_ok"] and not e["leftovers"])]
    if problems:
        lines += ["**Runs that failed or left something:** " + " | ".join(problems), ""]
    lines.append(GENERATED_END)
    return "\n".join(lines) + "\n"


def cost_fits(results, forks):
    """Linear fits over the member targets at one forks value: {(phase, metric): (intercept, slope)}."""
    fits = {}
    entries = [e for e in results["runs"] if e["forks"] == forks]
    for phase in ("first", "rerun"):
        ok = [e for e in entries if good(e, phase)]
        fits[(phase, "cpu")] = fit([(e["size"], e[phase]["cpu_s"]) for e in ok])
        fits[(phase, "calls")] = fit([(e["size"], calls_of(e[phase])) for e in ok])
    return fits


def per_target(results):
    lines = ["### What one target costs", "",
             "Slope of a least-squares line through the runs at each forks value (x = member targets; with "
             "one size only, that run divided by its targets): what each further member target adds. The "
             "intercept is what a run costs whatever its size (ansible-playbook start-up, the log-archive "
             "target's bucket, policy, Glue table and workgroup).", "",
             "| forks | first run: CPU-s per target (+ fixed) | API calls per target (+ fixed) "
             "| re-run: CPU-s per target (+ fixed) | API calls per target (+ fixed) |",
             "| ---: | ---: | ---: | ---: | ---: |"]
    for forks in results["forks"]:
        fits = cost_fits(results, forks)

        def cell(key, digits=2):
            value = fits.get(key)
            if not value:
                return "–"
            return "{0:.{2}f} (+ {1:.{2}f})".format(value[1], value[0], digits)

        lines.append("| {0} | {1} | {2} | {3} | {4} |".format(
            forks, cell(("first", "cpu")), cell(("first", "calls"), 1), cell(("rerun", "cpu")),
            cell(("rerun", "calls"), 1)))
    lines.append("")
    return lines


def target_check(results):
    """Issue 13's target: the unchanged re-run of 24 targets within 4 x one target's, at forks 10, no write."""
    lines = ["### Target of issue 13", "",
             "The unchanged re-run of 24 member targets takes at most 4 × the re-run of one member target "
             "(each with the log-archive target), at forks 10, with no write call.", ""]
    by_key = {(e["size"], e["forks"]): e for e in results["runs"]}
    one, many = by_key.get((1, 10)), by_key.get((24, 10))
    if one and many and good(one, "rerun") and good(many, "rerun"):
        ratio = many["rerun"]["wall_s"] / one["rerun"]["wall_s"]
        met = ratio <= 4 and writes(many["rerun"]) == 0
        lines.append("**{0}**: {1:.2f} × ({2} s against {3} s), {4} write calls{5}.".format(
            "Met" if met else "Not met", ratio, fmt_s(many["rerun"]["wall_s"]), fmt_s(one["rerun"]["wall_s"]),
            writes(many["rerun"]), "" if ratio <= 4 else "; CPU {0} s against {1} s".format(
                fmt_s(many["rerun"]["cpu_s"]), fmt_s(one["rerun"]["cpu_s"]))))
    else:
        lines.append("Not measured in this run (it needs sizes 1 and 24 at forks 10).")
        measured = [e for e in results["runs"] if good(e, "rerun")]
        if measured:
            forks = max(e["forks"] for e in measured)
            sizes = sorted(e["size"] for e in measured if e["forks"] == forks)
            small = by_key[(sizes[0], forks)]
            large = by_key[(sizes[-1], forks)]
            if large is not small:
                lines.append("The nearest measured: the re-run of {0} member targets took {1:.2f} × that of {2} "
                             "at forks {3} ({4} s against {5} s), with {6} write calls.".format(
                                 sizes[-1], large["rerun"]["wall_s"] / small["rerun"]["wall_s"], sizes[0], forks,
                                 fmt_s(large["rerun"]["wall_s"]), fmt_s(small["rerun"]["wall_s"]),
                                 writes(large["rerun"])))
    lines.append("")
    return lines


def extrapolation(results):
    measured = [e for e in results["runs"] if good(e, "rerun")]
    if not measured:
        return []
    forks = max(e["forks"] for e in measured)
    fits = cost_fits(results, forks)
    # How much of a core one fork keeps busy: CPU over wall at forks 1, where nothing runs in parallel.
    serial = [e for e in results["runs"] if e["forks"] == 1 and good(e, "first")]
    busy = None
    if serial:
        largest = max(serial, key=lambda e: e["size"])
        busy = largest["first"]["cpu_s"] / largest["first"]["wall_s"]
    n = EXTRAPOLATE_TARGETS
    lines = ["### Extrapolation to 500 accounts × 4 regions ({0} targets) — an estimate".format(n), "",
             "From the lines fitted at forks {0} (the highest measured), assuming the cost stays linear in "
             "the targets and is CPU-bound: every fork has a core of its own, so a run takes its fixed part "
             "(start-up and the log-archive target, which runs before the members) plus its per-target "
             "CPU-seconds divided by the forks. LocalStack answers in about a millisecond; AWS takes tens of "
             "milliseconds per call, which adds about (API calls per target × latency ÷ forks) to the wall "
             "time, and EC2 throttles per account and region, which separate targets do not share.".format(forks), ""]
    lines += ["| run | CPU-seconds | API calls | wall at forks " + " | wall at forks ".join(
        str(f) for f in EXTRAPOLATE_FORKS) + " |", "| --- | ---: | ---: |" + " ---: |" * len(EXTRAPOLATE_FORKS)]
    for phase, label in (("first", "first run"), ("rerun", "unchanged re-run")):
        cpu, calls = fits.get((phase, "cpu")), fits.get((phase, "calls"))
        if not cpu:
            continue
        total = cpu[0] + cpu[1] * n
        lines.append("| {0} | {1:.0f} ({2}) | {3:.0f} | {4} |".format(
            label, total, fmt_duration(total), calls[0] + calls[1] * n,
            " | ".join(fmt_duration(cpu[0] + cpu[1] * n / f) for f in EXTRAPOLATE_FORKS)))
    lines.append("")
    if busy is not None:
        slower = busy * AWX_FORKS_PER_CPU
        lines.append(
            "**What AWX would need (an estimate, not a measurement).** One fork kept {0:.2f} of a core busy "
            "at forks 1 (CPU over wall time; a fork that waits for a core on a busy machine lowers this "
            "figure), so F forks want about {0:.2f} × F cores to run at the speed above. AWX's own "
            "accounting admits F forks on a node of (F + 1) ÷ {1} CPUs or (F + 1) × {2} MB of memory (its "
            "defaults, \"AWX Capacity Determination and Job Impact\", AWX User Guide){3}. A central "
            "log-archive layout is one job (site, enable and teardown cannot be sliced, see the organization "
            "guide), and a job runs on one execution node, so the forks are bounded by the largest node:".format(
                busy, AWX_FORKS_PER_CPU, AWX_MB_PER_FORK,
                ", on which this CPU-bound work would run about {0:.1f} × slower than the table".format(slower)
                if slower > 1 else ""))
        lines.append("")
        lines += ["| forks | cores to keep every fork busy | AWX capacity units (forks + 1) | memory by AWX's "
                  "accounting |", "| ---: | ---: | ---: | ---: |"]
        for f in EXTRAPOLATE_FORKS:
            lines.append("| {0} | {1:.0f} | {2} | {3:.1f} GB |".format(
                f, -(-busy * f // 1), f + 1, (f + 1) * AWX_MB_PER_FORK / 1000))
        lines.append("")
        lines.append("So forks 50 on one execution node of about {0:.0f} cores, or forks 100 on about {1:.0f}, "
                     "runs {2} targets in the times above; a read-only audit can also be sliced over several "
                     "nodes, each slice then needing 1 ÷ slices of that.".format(
                         -(-busy * 50 // 1), -(-busy * 100 // 1), n))
        lines.append("")
    else:
        lines += ["What AWX would need is estimated from a run at forks 1, which this run has not.", ""]
    return lines


def report(args, results):
    generated = render(results)
    if os.path.exists(args.doc):
        with open(args.doc) as handle:
            text = handle.read()
    else:
        text = "# Organization benchmark\n\n" + GENERATED_BEGIN + "\n" + GENERATED_END + "\n"
    if GENERATED_BEGIN in text and GENERATED_END in text:
        head, rest = text.split(GENERATED_BEGIN, 1)
        text = head + generated.rstrip("\n") + rest.split(GENERATED_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + generated
    with open(args.doc, "w") as handle:
        handle.write(text)
    log("wrote " + os.path.relpath(args.doc, ROOT))


def numbers(text):
    return [int(n) for n in text.split(",") if n.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint-url", default=os.environ.get("AWS_URL"),
                        help="LocalStack endpoint (default: $AWS_URL)")
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="member targets (default: {0})".format(DEFAULT_SIZES))
    parser.add_argument("--forks", default=DEFAULT_FORKS, help="forks values (default: {0})".format(DEFAULT_FORKS))
    parser.add_argument("--note", default="", help="a sentence shown in bold at the top of the generated section")
    parser.add_argument("--ansible-playbook", default=os.path.join(ROOT, ".venv", "bin", "ansible-playbook"))
    parser.add_argument("--module-python", default=os.path.join(ROOT, ".venv", "bin", "python"))
    parser.add_argument("--results", default=os.path.join(HERE, "organization_results.json"))
    parser.add_argument("--doc", default=os.path.join(ROOT, "docs", "benchmarks-organization.md"))
    parser.add_argument("--report-only", action="store_true", help="rewrite the doc from --results")
    parser.add_argument("--keep-workdir", action="store_true", help="keep inventories, outputs and API call logs")
    args = parser.parse_args()
    args.sizes, args.forks = numbers(args.sizes), numbers(args.forks)
    if not args.sizes or min(args.sizes) < 1 or not args.forks or min(args.forks) < 1:
        parser.error("--sizes and --forks take positive integers, comma-separated")
    if args.report_only:
        with open(args.results) as handle:
            report(args, json.load(handle))
        return 0
    if not args.endpoint_url:
        parser.error("no endpoint: set AWS_URL or --endpoint-url (bash benchmarks/organization.sh starts LocalStack)")
    results = measure(args)
    save(args, results)
    report(args, results)
    return 0 if all(good(e, "first") and good(e, "rerun") and e["teardown_ok"] and not e["leftovers"]
                    and writes(e["rerun"]) == 0
                    and not any(r["changed"] for r in e["rerun"]["recap"].values())
                    for e in results["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
