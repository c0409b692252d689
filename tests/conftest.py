from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.bank.loader import load_bank

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def bank():
    bank, problems = load_bank()
    assert problems == []
    return bank


@pytest.fixture
def bank_copy(tmp_path):
    """A writable copy of bank/ and solutions/ to break on purpose."""
    shutil.copytree(ROOT / "bank", tmp_path / "bank")
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    return tmp_path / "bank"
