"""Put amazon.aws and community.aws into the running virtualenv, without the rest of `ansible`.

The demo needs ansible-core and two collections. The `ansible` package would bring ~100
collections (hundreds of MB); Ansible Galaxy is not reachable from CI. So this downloads
the `ansible` wheel of the version the test suite uses (its pin in
tests/requirements-dev.txt, one place for it), and extracts only those two collections into
this interpreter's site-packages/ansible_collections, where ansible-core looks for
collections (COLLECTIONS_SCAN_SYS_PATH), exactly as if the `ansible` package were installed.

    python tests/demo_collections.py      # run with the demo virtualenv's Python
"""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
COLLECTIONS = ("amazon/aws", "community/aws")


def ansible_requirement():
    """The `ansible` line of tests/requirements-dev.txt (e.g. ansible>=12.0.0,<13.0.0)."""
    with open(os.path.join(ROOT, "tests", "requirements-dev.txt")) as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if re.match(r"ansible\s*([<>=!~]|$)", line):
                return line
    raise SystemExit("demo_collections: no `ansible` requirement in tests/requirements-dev.txt")


def main():
    requirement = ansible_requirement()
    target = os.path.join(sysconfig.get_paths()["purelib"], "ansible_collections")
    scratch = tempfile.mkdtemp(prefix="flowlogs-demo-wheel.")
    try:
        print("demo_collections: downloading the %s wheel (pip's cache serves repeats)" % requirement, flush=True)
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                               "--dest", scratch, requirement], stderr=subprocess.PIPE, universal_newlines=True, check=False)
        # This machine's pip configuration warns about every missing local index entry: hide that noise.
        sys.stderr.write("".join(line for line in proc.stderr.splitlines(True) if "neither a file nor a directory" not in line))
        if proc.returncode:
            raise SystemExit("demo_collections: pip download %s failed" % requirement)
        wheel = [name for name in os.listdir(scratch) if name.endswith(".whl")][0]
        prefixes = tuple("ansible_collections/%s/" % name for name in COLLECTIONS)
        with zipfile.ZipFile(os.path.join(scratch, wheel)) as archive:
            members = [name for name in archive.namelist() if name.startswith(prefixes)]
            for name in COLLECTIONS:
                shutil.rmtree(os.path.join(target, name), ignore_errors=True)
            archive.extractall(os.path.dirname(target), members)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for name in COLLECTIONS:
        if not os.path.isfile(os.path.join(target, name, "MANIFEST.json")):
            raise SystemExit("demo_collections: %s is not in %s" % (name.replace("/", "."), wheel))
    print("demo_collections: %s from %s -> %s" % (
        " and ".join(name.replace("/", ".") for name in COLLECTIONS), wheel, target), flush=True)


if __name__ == "__main__":
    main()
