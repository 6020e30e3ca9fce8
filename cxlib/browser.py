"""Check rendered reports in a real browser (headless Chromium over the DevTools protocol).

Reviewers read the HTML reports in a browser, so the test suite opens every report there and fails on a
console error, an uncaught exception, a broken image, any network request (reports must be
self-contained) or a page wider than a 1280-pixel laptop screen, and saves a screenshot of the first
screen for a person to look at. Uses Debian's ``chromium`` (installed by ``make browser``) and
``websocket-client`` (already a Jupyter dependency): no driver, no extra package.

Run on a reports folder: ``python -m cxlib.browser reports/`` (``make demo`` does this; screenshots go to
``reports/screenshots/``).
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["PageCheck", "find_chromium", "chromium", "check_pages", "main"]

WIDTH, HEIGHT = 1280, 800
STARTS = 3  # attempts at starting Chromium
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome:", "devtools:")


@dataclass(frozen=True)
class PageCheck:
    """What the browser saw on one page; ``problems`` is empty when the page is fine.

    Examples
    --------
    >>> c = PageCheck("reports/acme/00_executive_summary.html", problems=[], width=1265, images=7)
    >>> c.ok
    True
    """

    path: str
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    width: int = 0
    images: int = 0
    screenshot: str | None = None
    first_screen: str = ""  # the text wholly visible on the first 1280×800 screen, without scrolling

    @property
    def ok(self) -> bool:
        return not self.problems


def find_chromium() -> str | None:
    """Path of a Chromium or Chrome binary, or None.

    Examples
    --------
    >>> path = find_chromium()  # None where Chromium is not installed (make browser)
    >>> path is None or path.endswith(("chromium", "chromium-browser", "google-chrome", "chrome"))
    True
    """
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class _Session:
    """A minimal DevTools protocol client: send commands, collect events."""

    def __init__(self, ws_url: str):
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def drain(self, seconds: float) -> None:
        """Collect events for a while (late console messages, lazy requests)."""
        end = time.time() + seconds
        self.ws.settimeout(0.1)
        try:
            while time.time() < end:
                try:
                    self.events.append(json.loads(self.ws.recv()))
                except Exception:  # timeout: nothing more right now
                    pass
        finally:
            self.ws.settimeout(30)

    def close(self) -> None:
        self.ws.close()


@contextmanager
def chromium(binary: str | None = None) -> Iterator[str]:
    """Start headless Chromium with remote debugging; yields the browser's DevTools HTTP address.

    Examples
    --------
    >>> with chromium() as address:            # doctest: +SKIP
    ...     address.startswith("http://127.0.0.1:")
    True
    """
    binary = binary or find_chromium()
    if not binary:
        raise FileNotFoundError("Chromium is not installed: run `make browser` (Debian package chromium)")
    # A first start on a fresh machine can exit early or be slow (profile and font caches being built):
    # try again with a new profile before giving up.
    for attempt in range(1, STARTS + 1):
        profile = tempfile.mkdtemp(prefix="cx-chromium-")
        proc = subprocess.Popen([binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                 "--disable-extensions", "--disable-background-networking", "--disable-sync",
                                 "--remote-debugging-port=0", f"--user-data-dir={profile}",
                                 "--remote-allow-origins=*", f"--window-size={WIDTH},{HEIGHT}", "about:blank"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.time() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.time() > deadline or proc.poll() is not None:
                break
            time.sleep(0.05)
        if port_file.exists() and port_file.read_text().strip():
            break
        _stop(proc, profile)
        if attempt == STARTS:
            raise RuntimeError(f"Chromium did not start in {STARTS} attempts (no DevToolsActivePort)")
    try:
        port = port_file.read_text().split()[0]
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc, profile)


def _stop(proc: subprocess.Popen, profile: str) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(profile, ignore_errors=True)


_PAGE_FACTS = """(() => {
  const imgs = Array.from(document.images);
  return JSON.stringify({
    width: Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0),
    images: imgs.length,
    broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.getAttribute('src') || '').slice(0, 60)),
    // The text a reader sees without scrolling: every text node whose box ends inside the first screen.
    first_screen: (() => {
      const out = [], walker = document.createTreeWalker(document.body || document, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent.trim()) continue;
        range.selectNodeContents(n);
        const r = range.getBoundingClientRect();
        if (r.height > 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth) out.push(n.textContent.trim());
      }
      return out.join(' ');
    })(),
  });
})()"""


def _check_one(address: str, page: Path, screenshot: Path | None) -> PageCheck:
    new_tab = urllib.request.Request(f"{address}/json/new?about:blank", method="PUT")  # Chrome ≥ 111 wants PUT
    with urllib.request.urlopen(new_tab, timeout=30) as r:  # noqa: S310 (localhost)
        target = json.loads(r.read())
    s = _Session(target["webSocketDebuggerUrl"])
    try:
        for domain in ("Page", "Runtime", "Log", "Network"):
            s.send(f"{domain}.enable")
        s.send("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)
        s.send("Page.navigate", url=page.resolve().as_uri())
        deadline = time.time() + 30
        while not any(e.get("method") == "Page.loadEventFired" for e in s.events):
            if time.time() > deadline:
                break
            s.drain(0.2)
        s.drain(0.5)
        facts = json.loads(s.send("Runtime.evaluate", expression=_PAGE_FACTS, returnByValue=True)["result"]["value"])
        shot = None
        if screenshot is not None:
            data = s.send("Page.captureScreenshot", format="png",
                          clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT, "scale": 1})["data"]
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(data))
            shot = str(screenshot)
    finally:
        s.close()
        urllib.request.urlopen(f"{address}/json/close/{target['id']}", timeout=30).close()  # noqa: S310
    problems, requests = [], []
    for e in s.events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            problems.append("console error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
        elif m == "Runtime.exceptionThrown":
            problems.append("uncaught exception: " + p["exceptionDetails"].get("text", ""))
        elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
            problems.append("browser error: " + p["entry"].get("text", ""))
        elif m == "Network.requestWillBeSent":
            url = p["request"]["url"]
            if not url.startswith(LOCAL_SCHEMES):
                requests.append(url)
                problems.append(f"network request: {url[:120]}")
    if facts["broken"]:
        problems.append(f"{len(facts['broken'])} broken image(s): {facts['broken'][:3]}")
    if facts["width"] > WIDTH:
        problems.append(f"page is {facts['width']} px wide, more than a {WIDTH}-px screen")
    return PageCheck(str(page), problems, requests, int(facts["width"]), int(facts["images"]), shot,
                     " ".join(str(facts.get("first_screen") or "").split()))


def check_pages(pages: Sequence[Path], *, screenshots: Path | None = None, binary: str | None = None) -> list[PageCheck]:
    """Open each HTML page in headless Chromium at 1280×800 and report what went wrong.

    ``screenshots``: folder for a PNG of each page's first screen, named ``<parent>-<stem>.png``.

    Examples
    --------
    >>> from pathlib import Path
    >>> checks = check_pages([Path("reports/index.html")], screenshots=Path("reports/screenshots"))  # doctest: +SKIP
    >>> checks[0].ok, checks[0].problems                                                          # doctest: +SKIP
    (True, [])
    """
    out = []
    with chromium(binary) as address:
        for page in pages:
            page = Path(page)
            shot = screenshots / f"{page.parent.name}-{page.stem}.png" if screenshots else None
            out.append(_check_one(address, page, shot))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m cxlib.browser REPORTS``: check every HTML page there, screenshots in REPORTS/screenshots.

    Examples
    --------
    >>> main(["reports"])   # doctest: +SKIP
    0
    """
    args = list(sys.argv[1:] if argv is None else argv)
    root = Path(args[0] if args else "reports")
    pages = sorted(p for p in root.rglob("*.html") if not any(part.startswith(".") for part in p.relative_to(root).parts))
    if not find_chromium():
        print("Chromium is not installed (make browser); reports not checked in a browser", file=sys.stderr)
        return 0 if os.environ.get("CXLIB_BROWSER_OPTIONAL") else 1
    try:
        results = check_pages(pages, screenshots=root / "screenshots")
    except RuntimeError as e:  # Chromium would not start: say so, without a traceback
        print(f"reports not checked in a browser: {e}", file=sys.stderr)
        return 1
    bad = [r for r in results if not r.ok]
    for r in results:
        print(f"{'ok ' if r.ok else 'BAD'} {r.path}  ({r.width}px, {r.images} images)"
              + ("" if r.ok else "\n    " + "\n    ".join(r.problems)))
    print(f"{len(results) - len(bad)} of {len(results)} pages fine in Chromium; screenshots in {root / 'screenshots'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
