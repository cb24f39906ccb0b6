"""`python -m simrun …` and the `simrun` console command: run the simrun binary with the arguments."""

import os
import sys

from . import SimrunError, binary


def main() -> None:
    try:
        path = binary()
    except SimrunError as error:
        print(f"simrun: {error}", file=sys.stderr)
        sys.exit(2)
    os.execv(path, [path, *sys.argv[1:]])


if __name__ == "__main__":
    main()
