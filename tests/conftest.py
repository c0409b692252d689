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


@pytest.fixture(scope="session")
def fork_engine():
    from grader.sandbox.forkengine import ForkEngine

    engine = ForkEngine()
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def kernel_engine():
    """One Jupyter-kernel engine for the session (each session it starts is a new kernel)."""
    from grader.sandbox.kernelengine import KernelEngine

    engine = KernelEngine()
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def grade(bank, fork_engine):
    """grade(path, engine=None, **limits) -> result dict (validated against the schema)."""
    from grader.grade import grade_submission, plan_devices, validate_result
    from grader.sandbox.base import Limits
    from grader.submission import load_submission

    def run(path, engine=None, assignment="preliminaries-core", **limits):
        result = grade_submission(
            load_submission(Path(path)),
            bank,
            assignment,
            engine or fork_engine,
            Limits(**limits),
            plan_devices("cpu"),
        )
        validate_result(result)
        return result

    return run


@pytest.fixture(scope="session")
def core_max(grade) -> float:
    """The most the core assignment's solution scores on this runner (CUDA checks are left out
    of the maximum on a CPU runner): tests compare against it, not a number written down."""
    result = grade(ROOT / "solutions/preliminaries-core.ipynb")
    assert result["score"] == result["max_score"]
    return result["max_score"]


@pytest.fixture(scope="module")
def chromium():
    browser, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not browser or not driver_path:
        pytest.fail(
            "headless Chromium is needed to check that the reports render: install the Debian "
            "packages `chromium chromium-driver` (scripts/setup.sh does, when run as root)"
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail('selenium is missing: pip install -c constraints.txt -e ".[dev]"')
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument("--window-size=1200,900")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    yield driver
    driver.quit()
