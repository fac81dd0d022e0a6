"""The ``workforce`` command: builds its parser from the command modules and runs the
command asked for, turning the errors a user can put right into a message and exit status 2.

Each command module (``monthly``, ``census``, ``warehouse``, ``project_files``) holds its
commands' functions and, in ``add_commands``, their arguments; ``shared`` holds what they
have in common."""

from __future__ import annotations

import argparse
import logging
import sys

from workforce.cli import census, monthly, project_files, warehouse
from workforce.config import ConfigError
from workforce.errors import WarehouseRefused
from workforce.version import code_version

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workforce",
        description="Children's social care workforce reporting: validate and load monthly "
        "extracts.",
    )
    parser.add_argument("--version", action="version", version=code_version())
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    commands = parser.add_subparsers(dest="command", required=True)
    # The order of the modules is the order ``workforce --help`` lists their commands in.
    for module in (monthly, census, warehouse, project_files):
        module.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.run(args)
    except (ConfigError, ValueError, LookupError, FileNotFoundError, WarehouseRefused) as exc:
        print(f"workforce: {exc}", file=sys.stderr)
        return 2
