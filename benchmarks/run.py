"""Benchmark: enabling a custom-format S3 flow log on N subnets, three ways, against LocalStack.

    bash benchmarks/run.sh            # sets up, starts LocalStack on port 4577, runs this, stops it
    .venv-bench/bin/python benchmarks/run.py --help   # the options (AWS_URL: a running LocalStack)

For N in --sizes (1, 10, 100, 500 by default), in the same run:
  (a) one   flowlogs.aws.ec2_vpc_flow_log task with all N subnet ids;
  (b) a loop of the same module, one subnet per iteration;
  (c) a loop of ansible.builtin.command: aws ec2 create-flow-logs (the AWS CLI from PyPI),
      the workaround users have today (community.aws#1747);
plus the unchanged re-run of (a), which must make no write call, and the first and second
runs of playbooks/site.yml with inventories/localstack when both exist.

Each run is a fresh ansible-playbook process, timed from start to exit. Every run of (a),
(b) and (c) starts from a region with no flow log (the previous run's are deleted with
botocore, outside the timing). AWS API calls are counted twice: by a botocore
`before-call` hook (benchmarks/sitecustomize.py, loaded by every Python process of the run
through PYTHONPATH) and from LocalStack's request log ("AWS ec2.CreateFlowLogs => 200"
lines), which counts every HTTP request including retries. Peak memory is the largest
resident set of any one process of the tree (ru_maxrss from wait4, as /usr/bin/time -v
reports it) and the peak of the summed proportional set sizes (PSS) of the whole ansible-playbook process
tree (psutil, sampled every 0.1 s).

Raw results go to benchmarks/results.json; the tables between the GENERATED markers of
docs/benchmarks.md and the plot docs/benchmarks.png are rewritten from them.
"""

import argparse
import collections
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

import botocore.session
import psutil

from common import is_write, save_json  # benchmarks/common.py

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REGION = os.environ.get("AWS_REGION", "us-east-1")
WRITE_OPERATIONS = {"CreateFlowLogs", "DeleteFlowLogs", "CreateTags", "DeleteTags"}
WAYS = {
    "task": "(a) one module task, all ids",
    "module_loop": "(b) module loop, one id per iteration",
    "cli_loop": "(c) `aws ec2 create-flow-logs` loop",
}
LOG_FORMAT = ("${version} ${account-id} ${vpc-id} ${subnet-id} ${interface-id} ${srcaddr} ${dstaddr} "
              "${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}")
REQUEST_LINE = re.compile(r"localstack\.request\.aws\s*: AWS (\S+?)\.(\S+) => (\d+)")
GENERATED_BEGIN = "<!-- BEGIN GENERATED: benchmarks/run.py rewrites everything down to END GENERATED -->"
GENERATED_END = "<!-- END GENERATED -->"

# The three ways, as users would write them. Generated into a temporary directory at run
# time so that the collection's lint (ansible-lint --profile production) never sees them.
PLAY_HEADER = """---
- name: Benchmark {name}
  hosts: localhost
  gather_facts: false
  tasks:
"""
PLAYBOOKS = {
    "task": PLAY_HEADER + """\
    - name: Enable flow logs on every subnet in one task
      flowlogs.aws.ec2_vpc_flow_log:
        resource_type: Subnet
        resource_ids: "{{ subnet_ids }}"
        traffic_type: ALL
        log_destination_type: s3
        log_destination: "{{ bucket_arn }}/bench/"
        log_format: "{{ log_format }}"
""",
    "module_loop": PLAY_HEADER + """\
    - name: Enable flow logs one subnet at a time with the module
      flowlogs.aws.ec2_vpc_flow_log:
        resource_type: Subnet
        resource_ids: ["{{ item }}"]
        traffic_type: ALL
        log_destination_type: s3
        log_destination: "{{ bucket_arn }}/bench/"
        log_format: "{{ log_format }}"
      loop: "{{ subnet_ids }}"
""",
    "cli_loop": PLAY_HEADER + """\
    - name: Enable flow logs one subnet at a time with the AWS CLI
      ansible.builtin.command:
        argv:
          - "{{ aws_cli }}"
          - ec2
          - create-flow-logs
          - --resource-type
          - Subnet
          - --resource-ids
          - "{{ item }}"
          - --traffic-type
          - ALL
          - --log-destination-type
          - s3
          - --log-destination
          - "{{ bucket_arn }}/bench/"
          - --log-format
          - "{{ log_format }}"
          - --endpoint-url
          - "{{ endpoint_url }}"
      loop: "{{ subnet_ids }}"
      changed_when: true
""",
}


def log(message):
    print("[bench {0}] {1}".format(time.strftime("%H:%M:%S"), message), flush=True)


# ---- measuring one ansible-playbook process ---------------------------------------------------


class TreeSampler(threading.Thread):
    """Peak of the summed PSS of a process and all its descendants, sampled every interval.

    PSS (proportional set size) shares each page among the processes that map it, so the
    sum over forked workers does not count the controller's memory twice, as an RSS sum would.
    """

    def __init__(self, pid, interval=0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.peak_processes = 0
        self.stop = threading.Event()

    def run(self):
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.stop.is_set():
            total, count = 0, 0
            try:
                processes = [root] + root.children(recursive=True)
            except psutil.Error:
                break
            for process in processes:
                try:
                    total += process.memory_full_info().pss
                    count += 1
                except psutil.Error:
                    pass
            if total > self.peak:
                self.peak, self.peak_processes = total, count
            self.stop.wait(self.interval)


class LocalStackLog:
    """Requests LocalStack logged between two points (its log is appended line by line)."""

    def __init__(self, path):
        self.path = path if path and os.path.exists(path) else None

    def offset(self):
        return os.path.getsize(self.path) if self.path else 0

    def requests_since(self, offset):
        if not self.path:
            return None
        counts = collections.Counter()
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            for line in handle.read().decode("utf-8", "replace").splitlines():
                match = REQUEST_LINE.search(line)
                if match:
                    counts[match.group(2)] += 1
        return counts


class Runner:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.ls_log = LocalStackLog(args.localstack_log)
        self.counter = 0
        self.env = dict(os.environ)
        self.env.update({
            "AWS_URL": args.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.env.get("AWS_ACCESS_KEY_ID", "test"),
            "AWS_SECRET_ACCESS_KEY": self.env.get("AWS_SECRET_ACCESS_KEY", "test"),
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCALHOST_WARNING": "False",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
            "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_tasks",
            "PYTHONPATH": HERE + (os.pathsep + self.env["PYTHONPATH"] if self.env.get("PYTHONPATH") else ""),
            "PATH": os.path.dirname(args.ansible_playbook) + os.pathsep + self.env.get("PATH", ""),
        })

    def playbook(self, playbook, extra_vars=None, inventory=None, label=""):
        """Run one ansible-playbook; return its measurements."""
        self.counter += 1
        api_log = os.path.join(self.workdir, "api-{0:04d}.log".format(self.counter))
        out_log = os.path.join(self.workdir, "out-{0:04d}-{1}.log".format(self.counter, label))
        command = [self.args.ansible_playbook, playbook]
        if inventory:
            command += ["-i", inventory]
        else:
            command += ["-e", "ansible_python_interpreter=" + self.args.module_python]
        if extra_vars:
            command += ["-e", "@" + extra_vars]
        env = dict(self.env, FLOWLOGS_BENCH_API_LOG=api_log)
        offset = self.ls_log.offset()
        load = os.getloadavg()[0]
        with open(out_log, "wb") as out:
            start = time.monotonic()
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            sampler = TreeSampler(process.pid)
            sampler.start()
            status, rusage = os.wait4(process.pid, 0)[1:]
            wall = time.monotonic() - start
            process.returncode = os.waitstatus_to_exitcode(status)
            sampler.stop.set()
            sampler.join()
        time.sleep(0.3)  # LocalStack logs a request as it answers it: let the last line land
        endpoint = self.ls_log.requests_since(offset)
        calls = collections.Counter()
        if os.path.exists(api_log):
            with open(api_log) as handle:
                for line in handle:
                    parts = line.split()
                    if len(parts) == 3:
                        calls[parts[2]] += 1
        with open(out_log, encoding="utf-8", errors="replace") as handle:
            output = handle.read()
        recap = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output)
        tasks = {}
        for match in re.finditer(r"^(.+?) -+ (\d+\.\d+)s$", output, re.M):
            tasks[match.group(1).strip()] = float(match.group(2))
        result = {
            "wall_s": round(wall, 3),
            "rc": process.returncode,
            "changed": int(recap.group(2)) if recap else None,
            "failed": int(recap.group(4)) if recap else None,
            "tasks_s": tasks,
            "api_calls": dict(calls),
            "endpoint_requests": dict(endpoint) if endpoint is not None else None,
            "cpu_s": round(rusage.ru_utime + rusage.ru_stime, 3),
            "load_1min_before": round(load, 2),
            "max_rss_kb": rusage.ru_maxrss,
            "tree_peak_rss_kb": sampler.peak // 1024,
            "tree_peak_processes": sampler.peak_processes,
            "output": os.path.relpath(out_log, ROOT) if out_log.startswith(ROOT) else out_log,
        }
        ok = process.returncode == 0 and result["failed"] == 0
        result["ok"] = ok
        if not ok:
            log("FAILED ({0}): rc={1}; last lines of {2}:\n{3}".format(label, process.returncode, out_log,
                                                                       "\n".join(output.splitlines()[-25:])))
        return result


# ---- fixtures and clean-up with botocore (outside every timing) ---------------------------------


class Fixtures:
    def __init__(self, endpoint_url, count):
        session = botocore.session.get_session()
        kwargs = dict(region_name=REGION, endpoint_url=endpoint_url,
                      aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
                      aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"))
        self.ec2 = session.create_client("ec2", **kwargs)
        self.s3 = session.create_client("s3", **kwargs)
        suffix = uuid.uuid4().hex[:8]
        self.bucket = "flowlogs-bench-" + suffix
        self.s3.create_bucket(Bucket=self.bucket)
        self.vpc_id = self.ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
        # /25 subnets: 512 fit in the /16.
        self.subnet_ids = []
        for i in range(count):
            cidr = "10.77.{0}.{1}/25".format(i // 2, 128 * (i % 2))
            self.subnet_ids.append(self.ec2.create_subnet(VpcId=self.vpc_id, CidrBlock=cidr)["Subnet"]["SubnetId"])

    def flow_logs_on(self, resource_ids):
        found = []
        for i in range(0, len(resource_ids), 200):
            paginator = self.ec2.get_paginator("describe_flow_logs")
            for page in paginator.paginate(Filters=[{"Name": "resource-id", "Values": resource_ids[i:i + 200]}]):
                found.extend(page["FlowLogs"])
        return found

    def delete_all_flow_logs(self):
        """Every flow log in the region: the benchmark owns this LocalStack."""
        ids = [fl["FlowLogId"] for page in self.ec2.get_paginator("describe_flow_logs").paginate()
               for fl in page["FlowLogs"]]
        for i in range(0, len(ids), 1000):
            self.ec2.delete_flow_logs(FlowLogIds=ids[i:i + 1000])
        return len(ids)

    def teardown(self):
        self.delete_all_flow_logs()
        for subnet_id in self.subnet_ids:
            self.ec2.delete_subnet(SubnetId=subnet_id)
        self.ec2.delete_vpc(VpcId=self.vpc_id)
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for obj in page.get("Contents", []):
                self.s3.delete_object(Bucket=self.bucket, Key=obj["Key"])
        self.s3.delete_bucket(Bucket=self.bucket)


# ---- the benchmark ------------------------------------------------------------------------------


def repetitions(way, size, args):
    """Enough runs for a median, few where a run takes minutes."""
    if way in ("task", "rerun"):
        return args.reps
    if size >= 500:
        return args.reps_loop_500
    if size >= 100:
        return args.reps_loop_100
    return args.reps


def versions(args):
    def run(command):
        try:
            return subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  universal_newlines=True, check=False).stdout.strip()
        except OSError as error:
            return str(error)

    module_versions = run([args.module_python, "-c",
                           "import sys, importlib.metadata as m, boto3, botocore; "
                           "from ansible.release import __version__ as core; "
                           "print(sys.version.split()[0], core, m.version('ansible'), boto3.__version__, "
                           "botocore.__version__)"]).split()
    amazon_aws = run([args.module_python, "-c",
                      "from ansible_collections.amazon.aws.plugins.module_utils.common import "
                      "AMAZON_AWS_COLLECTION_VERSION as v; print(v)"])
    try:
        with urllib.request.urlopen(args.endpoint_url + "/_localstack/info", timeout=5) as response:
            localstack = json.load(response).get("version")
    except Exception as error:  # pylint: disable=broad-except
        localstack = "unknown ({0})".format(error)
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2 ** 30, 1),
        "os": platform.platform(),
        "python": module_versions[0] if module_versions else "?",
        "ansible_core": module_versions[1] if len(module_versions) > 1 else "?",
        "ansible": module_versions[2] if len(module_versions) > 2 else "?",
        "boto3": module_versions[3] if len(module_versions) > 3 else "?",
        "botocore": module_versions[4] if len(module_versions) > 4 else "?",
        "amazon_aws": amazon_aws,
        "awscli": run([args.aws_cli, "--version"]),
        "localstack": localstack,
    }


def write_vars(workdir, fixtures, size, args):
    path = os.path.join(workdir, "vars-{0}.json".format(size))
    with open(path, "w") as handle:
        json.dump({
            "subnet_ids": fixtures.subnet_ids[:size],
            "bucket_arn": "arn:aws:s3:::" + fixtures.bucket,
            "log_format": LOG_FORMAT,
            "aws_cli": args.aws_cli,
            "endpoint_url": args.endpoint_url,
        }, handle)
    return path


def measure(args):
    workdir = tempfile.mkdtemp(prefix="flowlogs-bench-")
    log("work directory (playbooks, outputs, API call logs): " + workdir)
    playbooks = {}
    for way, text in PLAYBOOKS.items():
        playbooks[way] = os.path.join(workdir, way + ".yml")
        with open(playbooks[way], "w") as handle:
            handle.write(text.replace("{name}", WAYS[way]))
    runner = Runner(args, workdir)
    results = {"versions": versions(args), "sizes": args.sizes, "log_format": LOG_FORMAT,
               "runs": [], "site": None, "playbooks": PLAYBOOKS, "started": time.time()}
    log("versions: " + json.dumps(results["versions"]))
    fixtures = Fixtures(args.endpoint_url, max(args.sizes))
    fixtures.delete_all_flow_logs()
    log("fixtures: {0} with {1} subnets, bucket {2}".format(fixtures.vpc_id, len(fixtures.subnet_ids), fixtures.bucket))
    try:
        # Warm-up (not recorded): first imports, LocalStack's lazy EC2 and S3 start-up, page cache.
        warm_vars = write_vars(workdir, fixtures, 1, args)
        for way in args.ways:
            runner.playbook(playbooks[way], warm_vars, label="warmup-" + way)
            fixtures.delete_all_flow_logs()
        for size in args.sizes:
            vars_file = write_vars(workdir, fixtures, size, args)
            ids = fixtures.subnet_ids[:size]
            most = max(repetitions(way, size, args) for way in args.ways)
            # Interleave the ways repetition by repetition, so that drift affects them alike.
            for rep in range(most):
                for way in args.ways:
                    if rep >= repetitions(way, size, args):
                        continue
                    result = runner.playbook(playbooks[way], vars_file, label="{0}-{1}".format(way, size))
                    present = fixtures.flow_logs_on(ids)
                    result.update(way=way, size=size, rep=rep, flow_logs_after=len(present))
                    if len(present) != size:
                        result["ok"] = False
                        log("expected {0} flow logs after {1}, found {2}".format(size, way, len(present)))
                    results["runs"].append(result)
                    log("N={0:<4} {1:<12} rep {2}: {3:7.2f}s  calls {4}  max RSS {5} MiB".format(
                        size, way, rep + 1, result["wall_s"], dict(result["api_calls"]),
                        result["max_rss_kb"] // 1024))
                    fixtures.delete_all_flow_logs()
            if "task" in args.ways:
                # Create the flow logs with (a) once more (not recorded), then re-run (a) unchanged.
                setup = runner.playbook(playbooks["task"], vars_file, label="rerun-setup-{0}".format(size))
                if setup["ok"]:
                    for rerun in range(repetitions("rerun", size, args)):
                        result = runner.playbook(playbooks["task"], vars_file, label="rerun-{0}".format(size))
                        result.update(way="rerun", size=size, rep=rerun,
                                      flow_logs_after=len(fixtures.flow_logs_on(ids)))
                        results["runs"].append(result)
                        log("N={0:<4} {1:<12} rep {2}: {3:7.2f}s  calls {4}  changed={5}".format(
                            size, "rerun", rerun + 1, result["wall_s"], dict(result["api_calls"]),
                            result["changed"]))
                fixtures.delete_all_flow_logs()
        save(args, results)
    finally:
        try:
            fixtures.teardown()
        except Exception as error:  # pylint: disable=broad-except
            log("teardown of the fixtures failed: {0}".format(error))
    # The site playbook last, in a region holding nothing of the runs above.
    results["site"] = measure_site(runner, args)
    results["finished"] = time.time()
    if not args.keep_workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def measure_site(runner, args):
    site = os.path.join(ROOT, "playbooks", "site.yml")
    inventory = os.path.join(ROOT, "inventories", "localstack")
    if args.skip_site:
        return {"skipped": "--skip-site was given"}
    missing = [os.path.relpath(p, ROOT) for p in (site, inventory) if not os.path.exists(p)]
    if missing:
        log("site playbook skipped: {0} absent".format(", ".join(missing)))
        return {"skipped": "{0} absent at run time".format(" and ".join(missing))}
    runs = []
    for label in ("first", "second"):
        result = runner.playbook(site, inventory=inventory, label="site-" + label)
        result["run"] = label
        runs.append(result)
        log("site {0} run: {1:.2f}s, changed={2}, calls {3}".format(label, result["wall_s"], result["changed"],
                                                                    result["api_calls"]))
    teardown = os.path.join(ROOT, "playbooks", "teardown.yml")
    if os.path.exists(teardown):
        result = runner.playbook(teardown, inventory=inventory, label="site-teardown")
        log("site teardown (not measured): ok={0}".format(result["ok"]))
    return {"runs": runs}


def measure_only_site(args):
    """--only-site: re-measure the site playbook alone, keeping the rest of --results.

    The site figures --results held become results["site"]["previous"], which the report shows
    beside the new ones (API calls and times before and after a change)."""
    with open(args.results) as handle:
        results = json.load(handle)
    previous = results.get("site") or {}
    previous.pop("previous", None)
    workdir = tempfile.mkdtemp(prefix="flowlogs-bench-site-")
    log("work directory (playbook outputs, API call logs): " + workdir)
    runner = Runner(args, workdir)
    site = measure_site(runner, args)
    site.update(measured=time.time(), versions=versions(args), note=args.site_note)
    if previous.get("runs"):
        previous.setdefault("measured", results.get("started"))
        site["previous"] = previous
    results["site"] = site
    if not args.keep_workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def save(args, results):
    save_json(args.results, results)


# ---- report ---------------------------------------------------------------------------------------


def fmt_time(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def site_comparison(before, after, before_measured):
    """Rows comparing the previous site figures (--only-site) with the new ones."""
    lines = ["Before and after{0}: API calls (total, and the look-ups of account, partition and region: "
             "GetCallerIdentity, ListAccountAliases, DescribeAvailabilityZones), wall and CPU time.".format(
                 " (before: measured " + fmt_time(before_measured) + ")" if before_measured else ""),
             "",
             "| run | API calls before | after | look-up calls before | after | wall time (s) before | after "
             "| CPU time (s) before | after |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lookups = ("GetCallerIdentity", "ListAccountAliases", "DescribeAvailabilityZones")
    by_run = {r["run"]: r for r in before}
    for r in after:
        b = by_run.get(r["run"])
        if not b:
            continue
        lines.append("| {0} | {1} | {2} | {3} | {4} | {5} | {6} | {7} | {8} |".format(
            r["run"], sum(b["api_calls"].values()), sum(r["api_calls"].values()),
            sum(b["api_calls"].get(op, 0) for op in lookups), sum(r["api_calls"].get(op, 0) for op in lookups),
            fmt_s(b["wall_s"]), fmt_s(r["wall_s"]), fmt_s(b.get("cpu_s")), fmt_s(r.get("cpu_s"))))
    lines.append("")
    return lines


def median(values):
    return statistics.median(values) if values else None


def summarize(results):
    """{(way, size): summary} over the successful runs."""
    groups = collections.defaultdict(list)
    for run in results["runs"]:
        groups[(run["way"], run["size"])].append(run)
    summary = {}
    for key, runs in groups.items():
        good = [r for r in runs if r["ok"]]
        calls = collections.Counter()
        for r in good[:1]:
            calls.update(r["api_calls"])
        same_calls = all(r["api_calls"] == good[0]["api_calls"] for r in good) if good else False
        endpoint = good[0]["endpoint_requests"] if good else None
        task_name = {"task": "Enable flow logs on every subnet in one task",
                     "rerun": "Enable flow logs on every subnet in one task",
                     "module_loop": "Enable flow logs one subnet at a time with the module",
                     "cli_loop": "Enable flow logs one subnet at a time with the AWS CLI"}[key[0]]
        task_times = [r["tasks_s"].get(task_name) for r in good if r["tasks_s"].get(task_name) is not None]
        summary[key] = {
            "runs": len(runs),
            "ok": len(good),
            "wall": median([r["wall_s"] for r in good]),
            "wall_min": min([r["wall_s"] for r in good]) if good else None,
            "wall_max": max([r["wall_s"] for r in good]) if good else None,
            "cpu": median([r["cpu_s"] for r in good]),
            "task": median(task_times),
            "calls": calls,
            "same_calls": same_calls,
            "endpoint": endpoint,
            "max_rss_mib": max(r["max_rss_kb"] for r in good) / 1024 if good else None,
            "tree_mib": max(r["tree_peak_rss_kb"] for r in good) / 1024 if good else None,
            "changed": [r["changed"] for r in good],
        }
    return summary


def fmt_calls(calls):
    if not calls:
        return "0"
    order = ["DescribeFlowLogs", "CreateFlowLogs", "DeleteFlowLogs", "CreateTags", "DeleteTags"]
    keys = [k for k in order if k in calls] + sorted(k for k in calls if k not in order)
    return ", ".join("{0} {1}".format(calls[k], k) for k in keys)


def fmt_s(value):
    if value is None:
        return "–"
    return "{0:.1f}".format(value) if value >= 10 else "{0:.2f}".format(value)


def render(results, summary, plot_name):
    v = results["versions"]
    sizes = results["sizes"]
    lines = [GENERATED_BEGIN, ""]
    lines.append("Measured {0}; the whole benchmark took {1:.0f} minutes.".format(
        v["date"], (results.get("finished", time.time()) - results["started"]) / 60))
    lines.append("")
    lines.append("### Machine and versions")
    lines.append("")
    lines.append("| | |")
    lines.append("| --- | --- |")
    for label, key in (("CPU", "cpu"), ("cores", "cores"), ("memory (GiB)", "memory_gib"), ("OS", "os"),
                       ("Python", "python"), ("ansible (package)", "ansible"), ("ansible-core", "ansible_core"),
                       ("amazon.aws", "amazon_aws"), ("boto3 / botocore (modules)", None),
                       ("AWS CLI", "awscli"), ("LocalStack", "localstack")):
        value = "{0} / {1}".format(v["boto3"], v["botocore"]) if key is None else v[key]
        lines.append("| {0} | {1} |".format(label, value))
    lines.append("")
    lines.append("### Wall time (seconds, median; whole `ansible-playbook` process)")
    lines.append("")
    header = "| way | " + " | ".join("N = {0}".format(n) for n in sizes) + " |"
    lines += [header, "| --- |" + " ---: |" * len(sizes)]
    for way in list(WAYS) + ["rerun"]:
        label = WAYS.get(way, "(a) re-run, nothing to change")
        cells = []
        for n in sizes:
            s = summary.get((way, n))
            if not s or not s["ok"]:
                cells.append("–" if not s else "failed")
            else:
                cells.append("{0} ({1}×)".format(fmt_s(s["wall"]), s["ok"]))
        lines.append("| {0} | {1} |".format(label, " | ".join(cells)))
    lines.append("")
    lines.append("(k×) is the number of runs the median is taken over. The time of the task alone "
                 "(`ansible.posix.profile_tasks`), without `ansible-playbook` start-up:")
    lines.append("")
    lines += [header, "| --- |" + " ---: |" * len(sizes)]
    for way in list(WAYS) + ["rerun"]:
        label = WAYS.get(way, "(a) re-run, nothing to change")
        cells = [fmt_s(summary[(way, n)]["task"]) if summary.get((way, n)) and summary[(way, n)]["ok"] else "–"
                 for n in sizes]
        lines.append("| {0} | {1} |".format(label, " | ".join(cells)))
    lines.append("")
    lines.append("CPU time (user + system, seconds, median) of the whole process tree: what the run costs "
                 "on the machine, and less sensitive than wall time to other load:")
    lines.append("")
    lines += [header, "| --- |" + " ---: |" * len(sizes)]
    for way in list(WAYS) + ["rerun"]:
        label = WAYS.get(way, "(a) re-run, nothing to change")
        cells = [fmt_s(summary[(way, n)]["cpu"]) if summary.get((way, n)) and summary[(way, n)]["ok"] else "–"
                 for n in sizes]
        lines.append("| {0} | {1} |".format(label, " | ".join(cells)))
    lines.append("")
    loads = [r["load_1min_before"] for r in results["runs"] if "load_1min_before" in r]
    if loads:
        lines.append("1-minute load average before each run: median {0:.2f}, highest {1:.2f} ({2} cores); "
                     "the machine was not otherwise idle when it is above about 1.".format(
                         median(loads), max(loads), v["cores"]))
        lines.append("")
    lines.append("![Wall time against the number of subnets]({0})".format(plot_name))
    lines.append("")
    lines.append("### AWS API calls (one run; identical in every run unless marked *)")
    lines.append("")
    lines += ["| way | N | calls (botocore hook) | total | HTTP requests seen by LocalStack |",
              "| --- | ---: | --- | ---: | ---: |"]
    for way in list(WAYS) + ["rerun"]:
        label = WAYS.get(way, "(a) re-run, nothing to change")
        for n in sizes:
            s = summary.get((way, n))
            if not s or not s["ok"]:
                continue
            endpoint = s["endpoint"]
            lines.append("| {0} | {1} | {2}{3} | {4} | {5} |".format(
                label, n, fmt_calls(s["calls"]), "" if s["same_calls"] else " *", sum(s["calls"].values()),
                sum(endpoint.values()) if endpoint is not None else "–"))
    lines.append("")
    lines.append("### Peak memory (MiB, highest over the runs)")
    lines.append("")
    lines.append("Largest single process (ru_maxrss, as `/usr/bin/time -v` reports) / peak of the summed "
                 "proportional set size (PSS) of the whole `ansible-playbook` process tree, sampled every "
                 "0.1 s (PSS shares pages among the processes that map them, so forked workers are not "
                 "counted twice).")
    lines.append("")
    lines += [header, "| --- |" + " ---: |" * len(sizes)]
    for way in list(WAYS) + ["rerun"]:
        label = WAYS.get(way, "(a) re-run, nothing to change")
        cells = []
        for n in sizes:
            s = summary.get((way, n))
            cells.append("{0:.0f} / {1:.0f}".format(s["max_rss_mib"], s["tree_mib"]) if s and s["ok"] else "–")
        lines.append("| {0} | {1} |".format(label, " | ".join(cells)))
    lines.append("")
    lines.append("### Full site playbook (`playbooks/site.yml -i inventories/localstack`)")
    lines.append("")
    site = results.get("site") or {"skipped": "not run"}
    if site.get("skipped"):
        lines.append("Skipped: {0}.".format(site["skipped"]))
    else:
        if site.get("measured"):
            note = " " + site["note"] if site.get("note") else ""
            lines.append("Measured again on its own (`run.py --only-site`) {0}; the rest of this page is from the "
                         "run above.{1}".format(fmt_time(site["measured"]), note))
            lines.append("")
        lines += ["| run | wall time (s) | CPU time (s) | changed tasks | API calls | reads | other calls "
                  "(creates, puts, modifies...) | flow-log calls | max RSS / tree PSS (MiB) |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"]
        for r in site["runs"]:
            calls = collections.Counter(r["api_calls"])
            reads = sum(c for op, c in calls.items() if not is_write(op))
            flow = collections.Counter({op: c for op, c in calls.items() if op in WRITE_OPERATIONS
                                        or op == "DescribeFlowLogs"})
            lines.append("| {0}{1} | {2} | {3} | {4} | {5} | {6} | {7} | {8} | {9:.0f} / {10:.0f} |".format(
                r["run"], "" if r["ok"] else " (FAILED)", fmt_s(r["wall_s"]), fmt_s(r.get("cpu_s")), r["changed"],
                sum(calls.values()), reads, sum(calls.values()) - reads, fmt_calls(flow),
                r["max_rss_kb"] / 1024, r["tree_peak_rss_kb"] / 1024))
        lines.append("")
        before = (site.get("previous") or {}).get("runs") or []
        if before:
            lines += site_comparison(before, site["runs"], site["previous"].get("measured"))
        for r in site["runs"]:
            lines.append("<details><summary>Every call of the {0} run, by operation</summary>".format(r["run"]))
            lines.append("")
            lines.append(fmt_calls(collections.Counter(r["api_calls"])) + ".")
            lines.append("")
            lines.append("</details>")
            lines.append("")
    lines.append("")
    lines.append("### Targets from issue 6")
    lines.append("")
    lines += ["| target | measured | met |", "| --- | --- | --- |"]
    for target, measured, met in targets(results, summary):
        lines.append("| {0} | {1} | {2} |".format(target, measured, met))
    lines.append("")
    failures = [r for r in results["runs"] if not r["ok"]]
    if failures:
        lines.append("**{0} run(s) failed and are left out of the medians:** {1}.".format(
            len(failures), ", ".join("{0} N={1} rep {2}".format(r["way"], r["size"], r["rep"] + 1) for r in failures)))
        lines.append("")
    lines.append(GENERATED_END)
    return "\n".join(lines) + "\n"


def targets(results, summary):
    sizes = results["sizes"]
    low, high = min(sizes), max(sizes)
    rows = []
    a_low, a_high, c_high = summary.get(("task", low)), summary.get(("task", high)), summary.get(("cli_loop", high))
    if a_low and a_high and a_low["ok"] and a_high["ok"]:
        ratio = a_high["wall"] / a_low["wall"]
        task_ratio = (a_high["task"] / a_low["task"]) if a_high["task"] and a_low["task"] else None
        task_part = ""
        if task_ratio:
            task_part = "; task alone {0:.2f}× ({1} s vs {2} s)".format(
                task_ratio, fmt_s(a_high["task"]), fmt_s(a_low["task"]))
        rows.append(("one task for {0} resources ≤ 3 × one task for {1}".format(high, low),
                     "{0:.2f}× ({1} s vs {2} s, whole playbook){3}".format(
                         ratio, fmt_s(a_high["wall"]), fmt_s(a_low["wall"]), task_part),
                     "yes" if ratio <= 3 and (task_ratio is None or task_ratio <= 3) else
                     ("whole playbook only" if ratio <= 3 else "no")))
    if a_high and c_high and a_high["ok"] and c_high["ok"]:
        speedup = c_high["wall"] / a_high["wall"]
        cpu_part = ""
        if a_high.get("cpu") and c_high.get("cpu"):
            cpu_part = "; CPU time {0:.0f}× ({1} s vs {2} s)".format(
                c_high["cpu"] / a_high["cpu"], fmt_s(a_high["cpu"]), fmt_s(c_high["cpu"]))
        rows.append(("at N = {0} one task ≥ 20 × faster than the CLI loop".format(high),
                     "{0:.0f}× ({1} s vs {2} s, wall){3}".format(
                         speedup, fmt_s(a_high["wall"]), fmt_s(c_high["wall"]), cpu_part),
                     "yes" if speedup >= 20 else "no"))
    counts = []
    for n in sizes:
        s = summary.get(("task", n))
        if not s or not s["ok"]:
            continue
        creates = s["calls"].get("CreateFlowLogs", 0)
        # CreateFlowLogs takes at most 300 subnet ids (CreateFlowLogs API reference, ResourceIds).
        allowed = -(-n // 300)
        others = {k: c for k, c in s["calls"].items() if k not in ("CreateFlowLogs", "DescribeFlowLogs")}
        counts.append({"n": n, "creates": creates, "allowed": allowed,
                       "describes": s["calls"].get("DescribeFlowLogs", 0), "others": others})
    if counts:
        met = all(c["creates"] <= c["allowed"] and not c["others"] for c in counts)
        rows.append(("API calls for N: ≤ ceil(N/300) CreateFlowLogs plus the describe pages",
                     "; ".join("N={0}: {1} CreateFlowLogs (≤ {2}) + {3} DescribeFlowLogs{4}".format(
                         c["n"], c["creates"], c["allowed"], c["describes"],
                         (" + " + fmt_calls(c["others"])) if c["others"] else "") for c in counts),
                     "yes" if met else "no"))
    reruns = {n: summary.get(("rerun", n)) for n in sizes}
    reruns = {n: s for n, s in reruns.items() if s and s["ok"]}
    if reruns:
        all_runs_writes = [sum(c for op, c in r["api_calls"].items() if op in WRITE_OPERATIONS)
                           for r in results["runs"] if r["way"] == "rerun" and r["ok"]]
        changed = [c for s in reruns.values() for c in s["changed"]]
        rows.append(("the unchanged re-run makes zero write calls",
                     "{0} write calls over {1} re-runs (N = {2}); changed = {3}".format(
                         sum(all_runs_writes), len(all_runs_writes), ", ".join(str(n) for n in reruns),
                         "0 in every re-run" if not any(changed) else changed),
                     "yes" if sum(all_runs_writes) == 0 and not any(changed) else "no"))
    site = results.get("site") or {}
    if site.get("runs") and len(site["runs"]) > 1:
        second = site["runs"][1]
        writes = sum(c for op, c in second["api_calls"].items() if is_write(op))
        rows.append(("site playbook's second run only reads (DESIGN §5)",
                     "{0} calls that are not reads, changed = {1}".format(writes, second["changed"]),
                     "yes" if writes == 0 and second["ok"] and not second["changed"] else "no"))
    return rows


def plot(results, summary, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = results["sizes"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.4), dpi=110)
    styles = {
        "cli_loop": ("#d62728", "s", "(c) loop of aws ec2 create-flow-logs"),
        "module_loop": ("#ff7f0e", "^", "(b) loop of the module, one id per iteration"),
        "task": ("#1f77b4", "o", "(a) one flowlogs.aws task with all ids"),
        "rerun": ("#7f7f7f", "D", "(a) re-run with nothing to change"),
    }
    panels = (("wall", "wall time of ansible-playbook (s; median, bars min–max)", "Wall time"),
              ("cpu", "CPU time of the process tree (s, median)", "CPU time (user + system)"))
    for ax, (metric, ylabel, title) in zip(axes, panels):
        for way, (color, marker, label) in styles.items():
            points = [(n, summary[(way, n)]) for n in sizes if summary.get((way, n)) and summary[(way, n)]["ok"]]
            if not points:
                continue
            xs = [point[0] for point in points]
            ys = [point[1][metric] for point in points]
            yerr = None
            if metric == "wall":
                yerr = [[point[1]["wall"] - point[1]["wall_min"] for point in points],
                        [point[1]["wall_max"] - point[1]["wall"] for point in points]]
            ax.errorbar(xs, ys, yerr=yerr, color=color, marker=marker, label=label, capsize=3,
                        linestyle="--" if way == "rerun" else "-", linewidth=1.2 if way == "rerun" else 2,
                        markersize=5 if way == "rerun" else 7)
            last = points[-1]
            ax.annotate("{0} s".format(fmt_s(last[1][metric])), (last[0], last[1][metric]),
                        textcoords="offset points", xytext=(8, 6 if way == "rerun" else -10), color=color,
                        fontsize=9)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(sizes)
        ax.set_xticklabels([str(n) for n in sizes])
        ax.set_xlim(min(sizes) * 0.7, max(sizes) * 2.4)
        ax.set_xlabel("subnets given a flow log (N)")
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=11)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(loc="upper left", fontsize=9)
    fig.suptitle("Enabling a custom-format S3 flow log on N subnets, against LocalStack ({0} cores)".format(
        results["versions"]["cores"]), fontsize=12)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def report(args, results):
    summary = summarize(results)
    plot(results, summary, args.plot)
    doc_dir = os.path.dirname(os.path.abspath(args.doc))
    generated = render(results, summary, os.path.relpath(os.path.abspath(args.plot), doc_dir))
    if os.path.exists(args.doc):
        with open(args.doc) as handle:
            text = handle.read()
    else:
        text = "# Benchmarks\n\n" + GENERATED_BEGIN + "\n" + GENERATED_END + "\n"
    if GENERATED_BEGIN in text and GENERATED_END in text:
        head, rest = text.split(GENERATED_BEGIN, 1)
        tail = rest.split(GENERATED_END, 1)[1]
        text = head + generated.rstrip("\n") + tail
    else:
        text = text.rstrip("\n") + "\n\n" + generated
    with open(args.doc, "w") as handle:
        handle.write(text)
    log("wrote {0}, {1} and {2}".format(os.path.relpath(args.doc, ROOT), os.path.relpath(args.plot, ROOT),
                                        os.path.relpath(args.results, ROOT)))
    for target, measured, met in targets(results, summary):
        log("target: {0}: {1} -> {2}".format(target, measured, met))


def add_runner_arguments(parser):
    """The options Runner reads: the endpoint, LocalStack's log, the ansible-playbook and Python to run."""
    parser.add_argument("--endpoint-url", default=os.environ.get("AWS_URL"),
                        help="LocalStack endpoint (default: $AWS_URL)")
    parser.add_argument("--localstack-log", default=os.environ.get("LOCALSTACK_LOG"),
                        help="LocalStack's log file, to count requests at the endpoint too")
    parser.add_argument("--ansible-playbook", default=os.path.join(ROOT, ".venv", "bin", "ansible-playbook"))
    parser.add_argument("--module-python", default=os.path.join(ROOT, ".venv", "bin", "python"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_runner_arguments(parser)
    parser.add_argument("--sizes", default="1,10,100,500", help="numbers of subnets (default: 1,10,100,500)")
    parser.add_argument("--ways", default="task,module_loop,cli_loop",
                        help="which ways to run (default: task,module_loop,cli_loop)")
    parser.add_argument("--reps", type=int, default=5, help="runs per point (default 5)")
    parser.add_argument("--reps-loop-100", type=int, default=3, help="runs of the loops at N=100 (default 3)")
    parser.add_argument("--reps-loop-500", type=int, default=1, help="runs of the loops at N=500 (default 1)")
    parser.add_argument("--skip-site", action="store_true", help="do not run playbooks/site.yml")
    parser.add_argument("--only-site", action="store_true",
                        help="measure only the site playbook's first and second runs; the other figures are kept "
                             "from --results, and the site figures they held are shown beside the new ones as before")
    parser.add_argument("--site-note", default="",
                        help="with --only-site: one sentence saying what changed since the previous site figures")
    parser.add_argument("--aws-cli", default=shutil.which("aws") or os.path.join(ROOT, ".venv-bench", "bin", "aws"))
    parser.add_argument("--results", default=os.path.join(HERE, "results.json"))
    parser.add_argument("--doc", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    parser.add_argument("--plot", default=os.path.join(ROOT, "docs", "benchmarks.png"))
    parser.add_argument("--report-only", action="store_true", help="rewrite the doc and plot from --results")
    parser.add_argument("--keep-workdir", action="store_true", help="keep playbook outputs and API call logs")
    args = parser.parse_args()
    args.sizes = [int(n) for n in args.sizes.split(",")]
    args.ways = [w for w in args.ways.split(",") if w]
    for path in ("ansible_playbook", "module_python", "aws_cli"):
        setattr(args, path, os.path.abspath(getattr(args, path)))
    if args.report_only:
        with open(args.results) as handle:
            results = json.load(handle)
        report(args, results)
        return 0
    if not args.endpoint_url:
        parser.error("no endpoint: set AWS_URL or --endpoint-url (bash benchmarks/run.sh starts LocalStack)")
    if args.only_site:
        if args.skip_site:
            parser.error("--only-site and --skip-site exclude each other")
        results = measure_only_site(args)
        save(args, results)
        report(args, results)
        return 0 if all(r["ok"] for r in results["site"].get("runs", [])) else 1
    results = measure(args)
    save(args, results)
    report(args, results)
    return 0 if all(r["ok"] for r in results["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
