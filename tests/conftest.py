import atexit
import os
import shutil
import tempfile

import pytest

os.environ.setdefault("NUMBA_NUM_THREADS", "2")
# Tests never touch the internet nor the user's cache: a private wordspace cache for the
# session, and no downloads (the download tests serve files from 127.0.0.1 and lift this).
os.environ["WORDSPACE_OFFLINE"] = "1"
os.environ.pop("WORDSPACE_BASE_URL", None)
os.environ["WORDSPACE_HOME"] = tempfile.mkdtemp(prefix="wordspace-test-home-")
atexit.register(shutil.rmtree, os.environ["WORDSPACE_HOME"], True)


# -- the browser tests (test_explore_browser.py, test_report_browser.py) -----------------------
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module")
def chromium_available():
    """Skip where Debian's chromium or chromium-driver is absent; under ``CI=true`` fail instead
    (CI installs both, so a browser that cannot run there is a broken build, not a skip)."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    if missing:
        reason = (
            f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver); "
            "the browser tests need them"
        )
        if _ci():
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
