"""End to end: the explorer page in a real headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium; no browser is downloaded).

Skipped, with the reason printed, only where /usr/bin/chromium or /usr/bin/chromedriver is
absent; under ``CI=true`` (``.ci/run`` sets it and installs both) that is a failure instead.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

import wordspace as ws

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# skipped where the browser is absent, failed instead under CI=true (conftest.py)
pytestmark = pytest.mark.usefixtures("chromium_available")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def wv():
    return ws.load("glove-wiki-gigaword-50", limit=2000)


@pytest.fixture(scope="module")
def server(wv):
    import uvicorn

    from wordspace.viz.explore import create_app

    port = _free_port()
    config = uvicorn.Config(
        create_app(wv), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the explorer server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_search_a_word_shows_its_neighbours(server, browser, wv):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 20)
    browser.get(server + "/")
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    assert "2,000 words" in browser.find_element(By.ID, "model-info").text

    box = browser.find_element(By.ID, "word")
    box.clear()
    box.send_keys("king", Keys.ENTER)
    rows_css = "#neighbors tbody tr"
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, rows_css)) == 15)
    rows = browser.find_elements(By.CSS_SELECTOR, rows_css)
    shown = [r.find_elements(By.TAG_NAME, "td")[1].text for r in rows]
    cosines = [r.find_elements(By.TAG_NAME, "td")[2].text for r in rows]
    expect = wv.most_similar("king", topn=15)
    assert shown == [w for w, _ in expect]
    assert cosines == [f"{s:.3f}" for _, s in expect]
    assert "prince" in shown

    # the neighbourhood map was drawn on the canvas
    wait.until(lambda d: "king" in d.find_element(By.ID, "map-title").text)
    inked = browser.execute_script(
        "const c = document.getElementById('map');"
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;"
    )
    assert inked > 500

    # hovering a point shows its label and cosine; clicking it explores that word
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = browser.find_element(By.ID, "map")
    word3, x, y, w, h = browser.execute_script(
        "const p = mapView.points[3]; const [x, y] = mapView.toScreen(p);"
        "const r = document.getElementById('map').getBoundingClientRect();"
        "return [p.word, x, y, r.width, r.height];"
    )
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(round(x - w / 2)), int(round(y - h / 2))
    ).perform()
    tip = browser.find_element(By.ID, "tooltip")
    wait.until(lambda d: tip.is_displayed())
    assert tip.text.startswith(word3 + " · cosine")
    ActionChains(browser).click().perform()
    wait.until(lambda d: d.find_element(By.ID, "word").get_attribute("value") == word3)
    wait.until(lambda d: word3 in d.find_element(By.ID, "map-title").text)

    # an unknown word: a message on the page, not a stack trace
    box = browser.find_element(By.ID, "word")
    box.clear()
    box.send_keys("kingg", Keys.ENTER)
    msg = browser.find_element(By.ID, "message")
    wait.until(lambda d: msg.is_displayed() and msg.text)
    assert "'kingg' is not in the vocabulary" in msg.text and "king" in msg.text
    assert "Traceback" not in browser.page_source

    # analogy form
    for field, word in (("a", "paris"), ("b", "france"), ("c", "germany")):
        el = browser.find_element(By.ID, field)
        el.clear()
        el.send_keys(word)
    browser.find_element(By.CSS_SELECTOR, "#analogy-form button").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#analogy-results li a"))
    first = browser.find_element(By.CSS_SELECTOR, "#analogy-results li a").text
    assert (
        first == wv.most_similar(positive=["paris", "germany"], negative=["france"], topn=1)[0][0]
    )
    assert not msg.is_displayed()

    # no request left the machine: every resource came from the local server
    urls = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);"
    )
    assert urls and all(u.startswith(server) for u in urls)
