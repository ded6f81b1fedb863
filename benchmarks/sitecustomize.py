"""Count AWS API calls made by any Python process of a benchmark run.

benchmarks/run.py puts this directory first on PYTHONPATH and sets
FLOWLOGS_BENCH_API_LOG to a file. Every Python interpreter that starts with that
environment (ansible-playbook, each module run by AnsiballZ, each `aws` CLI
process) imports this file at start-up. It does not import botocore itself (that
would slow down every process it does not concern): it waits until
botocore.session is imported, then registers a `before-call` handler on every
botocore Session, which appends "<pid> <service> <Operation>" to the log file, one
line per API call (retries of the same call are not counted again; LocalStack's
request log, which run.py also reads, counts every HTTP request).

With FLOWLOGS_BENCH_API_LOG_CALLER=1 (benchmarks/organization.py) each line also ends with the
access key id the call is signed with and the client's region, so that calls can be charged to
the inventory target whose keys made them. It is opt-in so that run.py's three-field lines stay
as they are.
"""

import os
import sys

_LOG = os.environ.get("FLOWLOGS_BENCH_API_LOG")
_CALLER = os.environ.get("FLOWLOGS_BENCH_API_LOG_CALLER") == "1"


def _caller(request_signer):
    """'<access key id> <region>' of the client making the call ('-' where unknown).

    botocore offers no public accessor for a client's credentials; the signer's are the ones
    the request is signed with, which is what identifies the account (and, on LocalStack, is it).
    """
    credentials = getattr(request_signer, "_credentials", None)
    key = getattr(credentials, "access_key", None) or "-"
    region = getattr(request_signer, "region_name", None) or "-"
    return "{0} {1}".format(key, region)


def _record(event_name=None, request_signer=None, **kwargs):
    # event_name is "before-call.<service>.<Operation>"
    try:
        service, operation = event_name.split(".", 2)[1:]
    except (AttributeError, ValueError):
        service, operation = "?", str(event_name)
    fields = [str(os.getpid()), service, operation]
    if _CALLER:
        fields.append(_caller(request_signer))
    line = (" ".join(fields) + "\n").encode()
    fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)  # O_APPEND: one short write per line, safe across processes
    finally:
        os.close(fd)


def _patch(module):
    original = module.Session.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.register("before-call", _record, unique_id="flowlogs-bench-api-count")

    module.Session.__init__ = __init__


if _LOG:
    import importlib.abc
    import importlib.util

    class _BotocoreSessionHook(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name != "botocore.session":
                return None
            sys.meta_path.remove(self)  # once is enough, and avoids finding ourselves
            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None:
                return spec
            exec_module = spec.loader.exec_module

            def exec_and_patch(module):
                exec_module(module)
                _patch(module)

            spec.loader.exec_module = exec_and_patch
            return spec

    sys.meta_path.insert(0, _BotocoreSessionHook())
