"""The frozen program's entry point: exactly the ``workbench`` console script of the wheel."""

import sys

from workbench.cli import main

if __name__ == "__main__":
    sys.exit(main())
