#!/usr/bin/env python3
"""Builds a platform wheel of the simrun Python package with the simrun binary inside.

    python/build_wheel.py [--binary PATH] [--out DIR]

Without --binary it builds one: `swift build -c release --static-swift-stdlib --product simrun`
(linked with the Swift standard library statically, so the wheel runs where no Swift is
installed). The shipped scenarios go beside the binary, so scenario names resolve. Standard
library only: the wheel is written with zipfile, no setuptools or wheel package needed.
Prints the wheel's path.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import subprocess
import sys
import sysconfig
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "python", "src", "simrun")


def build_binary() -> str:
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "simrun"],
                   cwd=ROOT, check=True)
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "simrun")


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", help="a simrun binary to bundle (default: build a static-stdlib release)")
    parser.add_argument("--out", default=os.path.join(ROOT, ".build", "wheels"), help="output directory")
    options = parser.parse_args()
    binary = options.binary or build_binary()
    if not os.access(binary, os.X_OK):
        print(f"build_wheel: {binary} is not an executable file", file=sys.stderr)
        return 2
    version = subprocess.run([binary, "--version"], check=True, capture_output=True, text=True).stdout.split()[-1]
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    tag = f"py3-none-{platform}"
    dist_info = f"simrun-{version}.dist-info"
    os.makedirs(options.out, exist_ok=True)
    wheel = os.path.join(options.out, f"simrun-{version}-{tag}.whl")

    files: list[tuple[str, bytes, bool]] = []
    for name in sorted(os.listdir(PACKAGE)):
        if name.endswith(".py"):
            with open(os.path.join(PACKAGE, name), "rb") as handle:
                files.append((f"simrun/{name}", handle.read(), False))
    with open(binary, "rb") as handle:
        files.append(("simrun/bin/simrun", handle.read(), True))
    scenarios = os.path.join(ROOT, "scenarios")
    for name in sorted(os.listdir(scenarios)):
        if name.endswith(".json") and name != "schema.json":
            with open(os.path.join(scenarios, name), "rb") as handle:
                files.append((f"simrun/bin/scenarios/{name}", handle.read(), False))
    metadata = (
        "Metadata-Version: 2.1\n"
        f"Name: simrun\nVersion: {version}\n"
        "Summary: A world-model simulation sandbox for testing tool-using AI agents (binary included)\n"
        "Requires-Python: >=3.9\n"
    )
    files.append((f"{dist_info}/METADATA", metadata.encode(), False))
    files.append((f"{dist_info}/WHEEL",
                  f"Wheel-Version: 1.0\nGenerator: simrun build_wheel.py\nRoot-Is-Purelib: false\nTag: {tag}\n".encode(),
                  False))
    files.append((f"{dist_info}/entry_points.txt",
                  b"[console_scripts]\nsimrun = simrun.__main__:main\n\n[pytest11]\nsimrun = simrun.pytest_plugin\n",
                  False))
    records = [record_line(name, data) for name, data, _ in files] + [f"{dist_info}/RECORD,,"]
    files.append((f"{dist_info}/RECORD", ("\n".join(records) + "\n").encode(), False))

    with zipfile.ZipFile(wheel + ".partial", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data, executable in files:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    os.replace(wheel + ".partial", wheel)
    print(wheel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
