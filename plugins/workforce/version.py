"""The code version stamped on every load and report, so a figure can be traced to code."""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# Where there is no git checkout (the Docker image), the commit the build was made from.
COMMIT_VARIABLE = "WORKFORCE_COMMIT"


@lru_cache(maxsize=1)
def code_version() -> str:
    """``<package version>+g<commit>`` in a git checkout (``.dirty`` when edited), else with
    the commit from ``WORKFORCE_COMMIT`` (the Dockerfile sets it from its build argument),
    else the package version alone."""
    try:
        base = version("workforce")
    except PackageNotFoundError:
        base = "0+unknown"
    try:
        commit = subprocess.run(
            ["git", "-C", str(PACKAGE_DIR), "rev-parse", "--short=12", "HEAD"],
            capture_output=True, text=True, check=True, timeout=5,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(PACKAGE_DIR), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True, timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = os.environ.get(COMMIT_VARIABLE, "").strip()
        # "unknown" is the Dockerfile's default when no commit was passed to the build.
        return f"{base}+g{commit}" if commit and commit != "unknown" else base
    return f"{base}+g{commit}{'.dirty' if dirty else ''}"
