"""The contract documentation is generated from the declarations and kept current."""

from workforce.contract_docs import DOC_PATH, render_contract_docs
from workforce.contracts import CONTRACTS


def test_docs_are_current() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == render_contract_docs(), (
        "docs/extract-contracts.md is stale: run `make docs` (workforce docs) and commit it"
    )


def test_docs_name_every_column_and_code() -> None:
    text = render_contract_docs()
    for contract in CONTRACTS.values():
        assert f"## `{contract.kind}`" in text
        for column in contract.columns:
            assert f"| `{column.name}` |" in text
            for code in column.codes:
                assert f"`{code}`" in text
