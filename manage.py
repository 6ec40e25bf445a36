#!/usr/bin/env python
"""Django's command-line utility, with configuration errors reported as one clear sentence."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ratsinfo.settings")
    from ratsinfo.cli import run_command_line

    sys.exit(run_command_line(sys.argv))


if __name__ == "__main__":
    main()
