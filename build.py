#!/usr/bin/env python3
"""Validate the portfolio's cards and build the website and PDF sheets.

Run ``python build.py --help`` for the commands.
"""

import sys

from factsheets.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
