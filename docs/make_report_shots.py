"""Make the README's report screenshots (docs/report_glove.png, docs/report_value.png).

    python docs/make_report_shots.py                       # GloVe 50d + an Airbnb price model
    python docs/make_report_shots.py --value price.wsv --out docs/ --keep-html /tmp/shots

Needs the extras ``[plot,wmd,glove50]`` and Chromium with chromedriver (Debian: ``apt-get
install chromium chromium-driver``) plus selenium (in the ``dev`` extra). Without ``--value``
a ValueVec model is trained on the Airbnb Barcelona listings (name -> price, log), from
``--airbnb`` (default: /work/shared/data/values/airbnb_barcelona.csv).

Both reports are written as HTML first (``--keep-html`` keeps them), opened in headless
Chromium at 1000 px wide, and cropped: the GloVe shot from the top (summary, coverage,
neighbours) with its text pairs (mean-vector cosine and WMD) below, the value shot from its
"Values" section.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import wordspace as ws

#: the applied activity's words: a learning-space theme, and one German word not in GloVe
WORDS = (
    "learning teacher student school classroom university knowledge skills computer "
    "internet online digital library lernraum king queen man woman"
).split()
#: WMD's example (Kusner et al. 2015) and two more pairs
TEXTS = [
    ("Obama speaks to the media in Illinois", "The President greets the press in Chicago"),
    ("Students learn in a quiet library", "Pupils study in a calm reading room"),
    ("Obama speaks to the media in Illinois", "The band gave a concert in Japan"),
]


def train_price(csv: str, out: str) -> str:
    vv = ws.ValueVec(value_transform="log", min_count=10, seed=0)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # listings priced 0 are dropped, with a warning
        vv.fit(csv, text="name", value="price")
    vv.save(out)
    return out


def shoot(html: str, png: str, parts: list[tuple[str | None, int]]) -> None:
    """Screenshot ``html`` and stack the crops ``(section id or None for the top, height)``."""
    from PIL import Image
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as profile:
        for flag in (
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1000,800",
            f"--user-data-dir={profile}",
        ):
            opts.add_argument(flag)
        d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        try:
            d.get(Path(html).resolve().as_uri())
            full = d.execute_script("return document.documentElement.scrollHeight")
            tops = [
                0
                if sec is None
                else d.execute_script(f"return document.getElementById('{sec}').offsetTop - 8")
                for sec, _ in parts
            ]
            d.set_window_size(1000, full + 200)
            tmp = png + ".full.png"
            d.save_screenshot(tmp)
        finally:
            d.quit()
    with Image.open(tmp) as im:
        crops = [
            im.crop((0, t, im.width, min(im.height, t + h)))
            for t, (_, h) in zip(tops, parts, strict=True)
        ]
        out = Image.new("RGB", (im.width, sum(c.height for c in crops)), "white")
        y = 0
        for c in crops:
            out.paste(c, (0, y))
            y += c.height
        out.save(png, optimize=True)
    os.remove(tmp)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--glove", default="glove-wiki-gigaword-50")
    ap.add_argument("--value", help="a ValueVec model (.wsv); default: train one on --airbnb")
    ap.add_argument("--airbnb", default="/work/shared/data/values/airbnb_barcelona.csv")
    ap.add_argument("--out", default=str(Path(__file__).parent))
    ap.add_argument("--keep-html", help="a folder to keep the two HTML reports in")
    args = ap.parse_args()
    work = args.keep_html or tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    glove_html = os.path.join(work, "report_glove.html")
    ws.report(ws.load(args.glove), words=WORDS, texts=TEXTS, analogies=True, name=args.glove).save(
        glove_html
    )
    value = args.value or train_price(args.airbnb, os.path.join(work, "price.wsv"))
    value_html = os.path.join(work, "report_value.html")
    ws.report(ws.load(value), name=Path(value).name).save(value_html)
    shoot(glove_html, os.path.join(args.out, "report_glove.png"), [(None, 1480), ("texts", 305)])
    shoot(value_html, os.path.join(args.out, "report_value.png"), [("values", 1400)])
    print(
        "wrote",
        os.path.join(args.out, "report_glove.png"),
        "and",
        os.path.join(args.out, "report_value.png"),
        "(HTML in",
        work + ")",
    )


if __name__ == "__main__":
    main()
