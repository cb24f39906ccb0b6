#!/usr/bin/env python3
"""Checks that docs/python.md shows every example file exactly as it is.

A code block preceded by the line `<!-- example: python/examples/NAME.py -->` must equal that
file, and every `.py` file in python/examples except this one must be shown. Exit status 0 when
all agree; 1 naming each difference.
"""

import difflib
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "python.md")
MARKER = re.compile(r"^<!-- example: (\S+) -->\n```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def main() -> int:
    with open(DOC, encoding="utf-8") as handle:
        text = handle.read()
    problems = []
    shown = set()
    for match in MARKER.finditer(text):
        path, block = match.group(1), match.group(2)
        shown.add(path)
        try:
            with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
                content = handle.read()
        except OSError as error:
            problems.append(f"docs/python.md shows {path}, which cannot be read: {error}")
            continue
        if block != content:
            diff = difflib.unified_diff(content.splitlines(), block.splitlines(), path, "docs/python.md", lineterm="")
            problems.append(f"docs/python.md's block for {path} differs from the file:\n" + "\n".join(diff))
    for name in sorted(os.listdir(os.path.join(ROOT, "python", "examples"))):
        path = f"python/examples/{name}"
        if name.endswith(".py") and name != "check_docs.py" and path not in shown:
            problems.append(f"{path} is not shown in docs/python.md (add it after <!-- example: {path} -->)")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
