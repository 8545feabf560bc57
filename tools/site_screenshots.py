"""Build the documentation site and screenshot three of its pages in headless Chromium:
the home page (``docs/site_home.png``), the ValueVec walkthrough
(``docs/site_walkthrough.png``) and the API reference at ``Word2Vec`` (``docs/site_api.png``);
with ``--report FILE`` also the first screens of an HTML report's analogies section
(``docs/report_demo.png``, e.g. of ``wordspace demo``'s ``word2vec_report.html``).

    python tools/site_screenshots.py                 # writes the PNGs into docs/
    python tools/site_screenshots.py --report wordspace-demo/word2vec_report.html
    python tools/site_screenshots.py --out /tmp/shots --keep-site /tmp/site

Needs the ``docs`` extra (MkDocs Material, mkdocstrings), selenium and Pillow (``dev`` extra),
and Debian's Chromium with its driver (``apt-get install chromium chromium-driver``), as the
explorer's browser test does. The site is built with ``mkdocs build --strict`` into a temporary
folder, served on 127.0.0.1 (the pages use folder URLs, which ``file://`` does not resolve) and
captured at 1280 px wide: the home page as the first screen, the walkthrough as a whole page
(up to ``--max-height`` pixels).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def build_site(dest: Path) -> None:
    """``mkdocs build --strict`` of this tree into ``dest``, offline."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-q",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(dest),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A quiet static server for ``folder`` on a free local port, in a daemon thread."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def browser(profile: str, width: int, height: int):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
    ):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(30)
    return driver


def _settle(driver) -> None:
    """Wait until the page's images have loaded (the walkthrough's figures)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script(
            "return document.readyState === 'complete' && "
            "Array.from(document.images).every(i => i.complete)"
        )
    )


def shoot(
    url: str, png: Path, *, width: int, height: int, full: bool = False, max_height: int = 3600
) -> tuple[int, int]:
    """Screenshot ``url`` into ``png``: the first ``height`` pixels, or with ``full`` the whole
    page (at most ``max_height``). Returns the image size."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as profile:
        d = browser(profile, width, height)
        try:
            d.get(url)
            _settle(d)
            if full:
                h = int(d.execute_script("return document.documentElement.scrollHeight"))
                d.set_window_size(width, min(max(h, height), max_height))
                _settle(d)
            tmp = png.with_suffix(".tmp.png")
            d.save_screenshot(str(tmp))
        finally:
            d.quit()
    with Image.open(tmp) as im:
        im.load()
        size = im.size
        im.save(png, optimize=True)
    tmp.unlink()
    return size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNGs")
    ap.add_argument("--report", default=None, help="an HTML report to capture too")
    ap.add_argument("--keep-site", default=None, help="build the site here and keep it")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument(
        "--max-height",
        type=int,
        default=3600,
        help="cap of the walkthrough's whole-page capture, in pixels",
    )
    args = ap.parse_args(argv)
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    if missing:
        print(
            f"needs {' and '.join(missing)} (apt-get install chromium chromium-driver)",
            file=sys.stderr,
        )
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(args.keep_site) if args.keep_site else Path(tmp) / "site"
        build_site(site)
        httpd, base = serve(site)
        try:
            for name, path, full in (
                ("site_home.png", "/", False),
                ("site_walkthrough.png", "/walkthrough/", True),
                ("site_api.png", "/api/#wordspace.Word2Vec", False),
            ):
                w, h = shoot(
                    base + path,
                    out / name,
                    width=args.width,
                    height=args.height,
                    full=full,
                    max_height=args.max_height,
                )
                print(f"{out / name}: {w}x{h}")
        finally:
            httpd.shutdown()
    if args.report:
        url = Path(args.report).resolve().as_uri() + "#analogies"
        w, h = shoot(url, out / "report_demo.png", width=args.width, height=args.height)
        print(f"{out / 'report_demo.png'}: {w}x{h}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
