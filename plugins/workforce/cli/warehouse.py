"""The warehouse's own commands: its schema revision (``db status``, ``db upgrade``) and
re-keying an authority's stored pseudonyms (``rotate-key``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from workforce.cli.shared import checked_warehouse

OLD_KEY_VARIABLE = "WORKFORCE_OLD_PSEUDONYM_KEY"  # read by rotate-key


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from workforce.config import landing_root
    from workforce.key_rotation import record_verified_fingerprints
    from workforce.warehouse import make_engine, upgrade_warehouse, warehouse_url
    from workforce.warehouse.keys import mark_development

    engine = make_engine(args.warehouse)
    before, after = upgrade_warehouse(engine)
    where = f"Warehouse {_shown_url(warehouse_url(args.warehouse))}"
    if before.current == after.current:
        print(f"{where}: already at revision {after.current}; nothing to upgrade.")
    else:
        print(f"{where}: upgraded from revision {before.current or 'none'} to "
              f"{after.current}.")
    if args.development:
        mark_development(engine)
        print("Marked as a development warehouse: loads without WORKFORCE_PSEUDONYM_KEY use "
              "the development key.")
    recorded, unchecked = record_verified_fingerprints(engine, args.extracts or landing_root())
    if recorded:
        print(f"Recorded the pseudonym key's fingerprint for {', '.join(recorded)} (the key "
              "gives the pseudonyms stored for each one's latest month).")
    if unchecked:
        print(f"No fingerprint recorded for {', '.join(unchecked)}: the latest month's extract "
              "files, to check the key against, are not in the landing folder; the next load "
              "checks it against the stored pseudonyms and records it.")
    # The revision is said above: quietly, db status adds only the key fingerprints.
    return cmd_db_status(args, quiet=True)


def cmd_db_status(args: argparse.Namespace, quiet: bool = False) -> int:
    from workforce.warehouse import make_engine, warehouse_revision, warehouse_url
    from workforce.warehouse.keys import authority_fingerprints, is_development

    engine = make_engine(args.warehouse)
    state = warehouse_revision(engine)
    if not quiet:
        print(f"Warehouse {_shown_url(warehouse_url(args.warehouse))}: {state.describe()}.")
    if not state.up_to_date:
        return 1
    with engine.connect() as connection:
        development = is_development(connection)
    if not quiet:
        print(f"Development warehouse (development key allowed): "
              f"{'yes' if development else 'no'}.")
    for code, name, fingerprint in authority_fingerprints(engine):
        key = (f"key fingerprint {fingerprint}" if fingerprint else
               "no key fingerprint yet: the next load records that of its key")
        print(f"  {code:<8} {name or '':<32} {key}")
    return 0


def _shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_rotate_key(args: argparse.Namespace) -> int:
    from workforce.config import landing_root
    from workforce.key_rotation import rotate_key
    from workforce.privacy import KEY_VARIABLE

    engine = checked_warehouse(args, create=False)
    old_key = _secret(args.old_key_file, OLD_KEY_VARIABLE)
    new_key = _secret(args.new_key_file, KEY_VARIABLE)
    rotation = rotate_key(engine, args.authority, old_key, new_key,
                          args.extracts or landing_root())
    print(rotation.describe())
    print(f"From now on load {args.authority} with the new key in {KEY_VARIABLE}.")
    return 0


def _secret(path: Path | None, variable: str) -> bytes:
    """A key from a file (its first line) or else an environment variable; never from the
    command line, where other users of the machine could read it."""
    text = path.read_text(encoding="utf-8").splitlines()[0].strip() if path else \
        os.environ.get(variable, "")
    if not text:
        raise ValueError(f"no key given: pass a key file or set {variable}")
    return text.encode()


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``db`` with its subcommands ``upgrade`` and ``status``, then ``rotate-key``."""
    db = commands.add_parser("db", help="the warehouse's schema: status, upgrade")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_upgrade = db_commands.add_parser(
        "upgrade", help="bring the warehouse to this code's schema revision (creating it if "
        "empty), in one transaction")
    db_upgrade.add_argument("--development", action="store_true",
                            help="mark it as a development warehouse (samples, tests), where "
                            "loads without a pseudonym key use the development key")
    db_upgrade.add_argument("--extracts", type=Path,
                            help="landing root, to check the pseudonym key of councils loaded "
                            "before key fingerprints against (default: $WORKFORCE_LANDING_ROOT "
                            "or landing/)")
    db_upgrade.add_argument("--warehouse", help="SQLAlchemy URL")
    db_upgrade.set_defaults(run=cmd_db_upgrade)
    db_status = db_commands.add_parser(
        "status", help="the warehouse's schema revision and key fingerprints (exit 1 when it "
        "needs upgrading)")
    db_status.add_argument("--warehouse", help="SQLAlchemy URL")
    db_status.set_defaults(run=cmd_db_status)

    rotate = commands.add_parser(
        "rotate-key", help="re-key an authority's stored pseudonyms from the old pseudonym key "
        "to a new one, in one transaction")
    rotate.add_argument("--authority", required=True, help="authority code")
    rotate.add_argument("--extracts", type=Path, default=None,
                        help="landing root holding the months' extract files as loaded "
                        "(default: $WORKFORCE_LANDING_ROOT or landing/)")
    rotate.add_argument("--old-key-file", type=Path,
                        help=f"file holding the old key (default: ${OLD_KEY_VARIABLE})")
    rotate.add_argument("--new-key-file", type=Path,
                        help="file holding the new key (default: $WORKFORCE_PSEUDONYM_KEY)")
    rotate.add_argument("--warehouse", help="SQLAlchemy URL")
    rotate.set_defaults(run=cmd_rotate_key)
