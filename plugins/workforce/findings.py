"""What validation reports: one finding per problem, located by file, row and column."""

from __future__ import annotations

from dataclasses import dataclass

from workforce.contracts import Severity


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    row: int | None  # the row number Excel or a text editor shows (title rows count)
    column: str | None
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = ":".join(
            [self.file, "" if self.row is None else str(self.row), self.column or ""]
        )
        return f"{where}: {self.severity}: {self.message}"


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def summary(findings: list[Finding]) -> str:
    n_errors = len(errors(findings))
    n_warnings = len(findings) - n_errors
    return f"{n_errors} error{'s' * (n_errors != 1)}, {n_warnings} warning{'s' * (n_warnings != 1)}"


class ExtractRejected(Exception):
    """Raised when a month's extracts have errors: nothing is loaded. ``advice``: lines that
    say how to fix them all at once (the settings lines for unmapped values)."""

    def __init__(self, findings: list[Finding], advice: list[str] | None = None):
        self.findings = findings
        self.advice = advice or []
        super().__init__(
            f"extracts rejected ({summary(findings)}):\n"
            + "\n".join([*(str(f) for f in errors(findings)), *self.advice])
        )
