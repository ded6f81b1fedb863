"""What every benchmark script shares: which API calls are reads, and how raw results are saved.

No third-party import: organization.py runs with .venv (without psutil), run.py and
per_target.py with .venv-bench.
"""

import json

# An API call whose operation starts with one of these is a read; any other call writes
# (CloudWatch Logs' TestMetricFilter is a read).
READ_PREFIXES = ("Describe", "Get", "List", "Head", "BatchGet", "Lookup", "Search", "Test")


def is_write(operation):
    return not operation.startswith(READ_PREFIXES)


def save_json(path, data):
    """Write raw results as the scripts keep them: sorted keys, one-space indent, a final newline."""
    with open(path, "w") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
        handle.write("\n")
