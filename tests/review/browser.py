"""A headless Chromium (Debian's ``chromium`` and ``chromium-driver`` packages) driven by Selenium.

Tests that need it call :func:`browser`, which skips the test with the reason when no chromium
or chromedriver is installed (``.ci/run`` installs both) or Selenium is missing. Nothing is
downloaded: the driver and the browser are named by path, so Selenium Manager is never asked.
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def _first(paths: tuple[str, ...], name: str) -> str | None:
    found = [p for p in paths if os.access(p, os.X_OK)]
    return found[0] if found else shutil.which(name)


@contextmanager
def browser(width: int = 1400, height: int = 1000) -> Iterator[object]:
    """A headless Chromium WebDriver, closed afterwards; skips the test when none can run here."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
    chromium, driver = _first(CHROMIUM, "chromium"), _first(CHROMEDRIVER, "chromedriver")
    if not chromium or not driver:
        pytest.skip("no chromium/chromedriver installed: apt-get install chromium chromium-driver "
                    "(.ci/run does) to run the browser tests")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={width},{height}"):
        options.add_argument(flag)
    session = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    try:
        yield session
    finally:
        session.quit()


def shot_path(name: str) -> Path:
    """Where a test writes its screenshot: ``$SCREENSHOT_DIR`` (default: a screenshots folder
    in the system's temporary directory)."""
    import tempfile

    folder = Path(os.environ.get("SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / "screening-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
