"""How much a citizen scrolls, taps and reads on the form, measured in Chromium at 360 x 640.

    python bench/bench_form_ux.py [--citizens 101]

Opens the demo commune's first counter form (SQLite, a temporary database)
in Debian's chromium at a 360 x 640 phone viewport and prints:

- the page height and the screens it makes, and the screens from the top of
  the first criterion to the bottom of the last (goal: 16 criteria in <= 6);
- the taps to finish: the required answers plus the send button, and every
  question answered;
- the swipes to reach the send button (one swipe moves 80 % of a screen);
- a modelled median time to complete: the layout measured here (words of
  every question, and of each set of answer labels once; taps; swipes) priced with keystroke-level-model operators
  for touch, for a sample of simulated citizens who read at different speeds
  and answer different shares of the optional questions. A model, not
  people: it shows what a layout change saves, and whether "about 3 minutes"
  on the poster is plausible.
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

VIEWPORT = {"width": 360, "height": 640}
SWIPE = 0.8  # of a screen per swipe
# Keystroke-level model operators (Card, Moran & Newell 1983), touch variants:
MENTAL = 1.35      # s: decide on an answer (operator M)
TAP = 0.6          # s: move a thumb to a target on a phone and tap
SWIPE_TIME = 0.9   # s: swipe and re-find one's place
WPM = (160, 260)   # reading speed range (Vietnamese words = syllables) of simulated citizens
OPTIONAL_SHARE = (0.0, 1.0)  # share of optional questions a citizen answers

MEASURE = r"""() => {
  const H = innerHeight, top = el => el.getBoundingClientRect().top + scrollY,
        bottom = el => el.getBoundingClientRect().bottom + scrollY;
  const groups = [...new Set([...document.querySelectorAll('input[type=radio]')].map(r => r.name))];
  const criteria = groups.filter(n => /^(TC|TT|CC|KQ|PA)\d+$/.test(n));
  const box = n => document.querySelector(`input[name='${n}']`).closest('fieldset,tr,[role=radiogroup]');
  // A citizen reads each question, and a set of answer labels the first time it appears.
  const seen = new Set(), count = t => (t.match(/\S+/g) || []).filter(w => /\p{L}/u.test(w)).length;  // words, not numbers
  const words = n => {
    const b = box(n), legend = b.querySelector('legend'), labels = [...b.querySelectorAll('label')].map(l => l.innerText).join(' ');
    const fresh = !seen.has(labels); seen.add(labels);
    return count(legend ? legend.innerText : b.innerText) + (fresh ? count(labels) : 0);
  };
  const send = document.querySelector('form button[type=submit]:not([name])')
            || [...document.querySelectorAll('form button[type=submit]')].pop();
  return {
    height: document.documentElement.scrollHeight,
    width: document.documentElement.scrollWidth,
    criteriaTop: top(box(criteria[0])), criteriaBottom: bottom(box(criteria[criteria.length - 1])),
    sendBottom: bottom(send), groups: groups.length, criteria: criteria.length,
    serviceChoice: groups.includes('service'),
    criterionWords: criteria.map(words),
    optionalWords: groups.filter(n => n !== 'service' && !criteria.includes(n)).map(words),
    screen: H,
  };
}"""


def _serve():
    from werkzeug.serving import make_server

    from bench._server import demo_app

    app, token = demo_app("sipas-ux-")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_port}/s/{token}"


def measure(url: str) -> dict:
    """Lay the form out in chromium at 360 x 640 and return what the page measures."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--headless", "--no-sandbox"])
        page = browser.new_context(viewport=VIEWPORT, locale="vi-VN").new_page()
        page.goto(url)
        m = page.evaluate(MEASURE)
        browser.close()
    return m


def summarise(m: dict, citizens: int, seed: int = 1) -> dict:
    """Screens, taps, swipes and the modelled median time from a measured layout."""
    screen = m["screen"]
    required_taps = m["criteria"] + int(m["serviceChoice"]) + 1
    every_taps = m["groups"] + 1
    swipes = max(0, -(-(m["sendBottom"] - screen) // (screen * SWIPE)))
    rng = random.Random(seed)
    times = []
    for _ in range(citizens):
        wpm = rng.uniform(*WPM)
        share = rng.uniform(*OPTIONAL_SHARE)
        optional = [w for w in m["optionalWords"] if rng.random() < share]
        words = sum(m["criterionWords"]) + sum(optional)
        answered = m["criteria"] + int(m["serviceChoice"]) + len(optional)
        times.append(words / wpm * 60 + answered * (MENTAL + TAP) + TAP + swipes * SWIPE_TIME)
    return {
        "page_height": m["height"], "screens": round(m["height"] / screen, 1),
        "criteria_screens": round((m["criteriaBottom"] - m["criteriaTop"]) / screen, 1),
        "required_taps": required_taps, "every_taps": every_taps, "swipes": int(swipes),
        "median_seconds": round(statistics.median(times)), "sideways": m["width"] > VIEWPORT["width"],
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=101, help="simulated citizens for the time model")
    args = parser.parse_args(argv)
    if not shutil.which("chromium"):
        sys.exit("Debian's chromium is not installed (apt-get install chromium)")
    httpd, url = _serve()
    try:
        result = summarise(measure(url), args.citizens)
    finally:
        httpd.shutdown()
    print("\nCitizen form at 360 x 640 (demo counter 1, Vietnamese)")
    for key, value in result.items():
        print(f"  {key:18} {value}")
    return result


if __name__ == "__main__":
    main()
