"""Offline stand-in for ansible-test's get-pip bootstrap script.

ansible-test creates each sanity virtualenv without pip and bootstraps pip with a
get-pip script that it downloads from a host this project's machines cannot reach.
It uses ~/.ansible/test/cache/get_pip_<version>.py instead when that file exists;
tests/stages/sanity.sh copies this script there.

Like get-pip, it installs the pip version it is asked for into the running
interpreter: CPython's bundled pip (ensurepip) installs that exact version from the
package index that pip is configured with (pip.conf), and setuptools and wheel are
left out when get-pip would leave them out.
"""

import subprocess
import sys


def main(argv):
    """Bootstrap pip into sys.executable, then install the requested packages."""
    no_setuptools = "--no-setuptools" in argv
    args = [arg for arg in argv if arg not in ("--no-setuptools", "--no-wheel")]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
    if no_setuptools:
        subprocess.check_call([sys.executable, "-m", "pip", "uninstall", "--yes", "--quiet", "setuptools"])


if __name__ == "__main__":
    main(sys.argv[1:])
