import atexit
import os
import shutil
import tempfile

os.environ.setdefault("NUMBA_NUM_THREADS", "2")
# Tests never touch the internet nor the user's cache: a private wordspace cache for the
# session, and no downloads (the download tests serve files from 127.0.0.1 and lift this).
os.environ["WORDSPACE_OFFLINE"] = "1"
os.environ.pop("WORDSPACE_BASE_URL", None)
os.environ["WORDSPACE_HOME"] = tempfile.mkdtemp(prefix="wordspace-test-home-")
atexit.register(shutil.rmtree, os.environ["WORDSPACE_HOME"], True)
