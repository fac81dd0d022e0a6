"""The code version stamped on loads and reports: from git in a checkout, else from the
WORKFORCE_COMMIT the Docker image is built with."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from importlib.metadata import version

import pytest

from workforce import version as version_module
from workforce.version import code_version

BASE = version("workforce")


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    code_version.cache_clear()
    yield
    code_version.cache_clear()


@pytest.fixture
def no_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in the image: no git checkout to ask (or no git at all)."""
    def run(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError("git")

    monkeypatch.setattr(version_module.subprocess, "run", run)


def test_a_git_checkout_gives_its_commit_whatever_the_environment_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    head = subprocess.run(["git", "-C", str(version_module.PACKAGE_DIR), "rev-parse",
                           "--short=12", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    monkeypatch.setenv("WORKFORCE_COMMIT", "0123456789ab")
    assert code_version().removesuffix(".dirty") == f"{BASE}+g{head.stdout.strip()}"


@pytest.mark.usefixtures("no_git")
def test_without_git_the_build_commit_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORKFORCE_COMMIT", "0123456789ab")
    assert code_version() == f"{BASE}+g0123456789ab"


@pytest.mark.usefixtures("no_git")
@pytest.mark.parametrize("value", [None, "", "unknown"])
def test_without_git_or_a_build_commit_the_package_version_alone(
    monkeypatch: pytest.MonkeyPatch, value: str | None,
) -> None:
    if value is None:
        monkeypatch.delenv("WORKFORCE_COMMIT", raising=False)
    else:
        monkeypatch.setenv("WORKFORCE_COMMIT", value)
    assert code_version() == BASE
