"""Check rendered reports in a real browser (headless Chromium over the DevTools protocol).

Reviewers read the HTML reports in a browser, so the test suite opens every report there and fails on a
console error, an uncaught exception, a broken image, any network request (reports must be
self-contained) or a page wider than a 1280-pixel laptop screen, and saves a screenshot of the first
screen for a person to look at. Uses Debian's ``chromium`` (installed by ``make browser``) and
``websocket-client`` (already a Jupyter dependency): no driver, no extra package.

Run on a reports folder: ``python -m cxlib.browser reports/`` (``make demo`` does this; screenshots go to
``reports/screenshots/``).

The same browser prints an engagement's reports as one PDF (:func:`print_pdf`, called by ``cx run``): the
reports are joined into one document, each a ``<section class="cx-report">`` that starts on a new page (the
template's print CSS), and printed with ``Page.printToPDF`` on A4 with the client's name and the page
number in the footer.
"""
from __future__ import annotations

import base64
import html
import io
import json
import logging
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

__all__ = ["PageCheck", "PrintedPdf", "find_chromium", "chromium", "check_pages", "combined_document", "print_pdf",
           "main"]

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


@contextmanager
def _tab(address: str) -> Iterator[_Session]:
    """A new tab of the browser at ``address``, with a DevTools session on it; closed afterwards."""
    new_tab = urllib.request.Request(f"{address}/json/new?about:blank", method="PUT")  # Chrome ≥ 111 wants PUT
    with urllib.request.urlopen(new_tab, timeout=30) as r:  # noqa: S310 (localhost)
        target = json.loads(r.read())
    s = _Session(target["webSocketDebuggerUrl"])
    try:
        yield s
    finally:
        s.close()
        urllib.request.urlopen(f"{address}/json/close/{target['id']}", timeout=30).close()  # noqa: S310


def _check_one(address: str, page: Path, screenshot: Path | None) -> PageCheck:
    with _tab(address) as s:
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


# -- printing -----------------------------------------------------------------------------------------

#: A4 in inches, and the margins (mm) around the printed text; the footer sits in the bottom margin.
A4_INCHES = (210 / 25.4, 297 / 25.4)
MARGINS_MM = {"top": 14, "bottom": 16, "left": 14, "right": 14}
#: The printable width in CSS pixels (96 per inch): what a table or figure must fit in.
PRINT_WIDTH = round((210 - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 96)


@dataclass(frozen=True)
class PrintedPdf:
    """What :func:`print_pdf` printed: the file, its page count, the sections in order, and what did not fit.

    ``overflow`` names each element wider than the printable width once the print style sheet applies
    (empty when every table and figure fits the page); ``requests`` any network request the document made
    (empty: the reports are self-contained).

    Examples
    --------
    >>> p = PrintedPdf("reports/acme/acme.pdf", pages=31, sections=["Summary", "Motivators"], images=24)
    >>> p.pages, len(p.sections), p.fits
    (31, 2, True)
    """

    path: str
    pages: int
    sections: list[str] = field(default_factory=list)
    images: int = 0
    overflow: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def fits(self) -> bool:
        return not self.overflow


def _section_title(soup: Any, fallback: str) -> str:
    h1 = soup.find("h1")
    text = " ".join((h1.get_text(" ") if h1 else (soup.title.get_text(" ") if soup.title else "")).split())
    return text or fallback


def combined_document(pages: Sequence[Path], *, title: str = "Reports") -> tuple[str, list[str]]:
    """The reports at ``pages`` joined into one HTML document, and each report's title, in order.

    The first page's head (the template's style sheets) serves the whole document; each page's body
    becomes a ``<section class="cx-report">``, which the template's print CSS starts on a new page. Every
    ``<style>`` of a body (a styled table's) comes along with its section.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for name, head in [("00_a", "Summary"), ("01_b", "Motivators")]:
    ...     _ = (d / f"{name}.html").write_text(f"<html><head><style>p{{}}</style></head>"
    ...                                          f"<body class='jp-Notebook'><main><h1>{head}</h1></main></body></html>")
    >>> doc, titles = combined_document(sorted(d.glob("*.html")), title="Acme & Co")
    >>> titles, doc.count('<section class="cx-report"'), "Acme &amp; Co" in doc
    (['Summary', 'Motivators'], 2, True)
    """
    from bs4 import BeautifulSoup

    if not pages:
        raise ValueError("combined_document: no report pages to join")
    head, body_attrs, sections, titles = "", "", [], []
    for i, page in enumerate(pages):
        page = Path(page)
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        if i == 0:
            head = "".join(str(t) for t in (soup.head.find_all("style") if soup.head else []))
            if soup.body:
                tag = soup.body  # a BeautifulSoup tag's attributes (tag.attrs), not pandas' DataFrame.attrs
                body_attrs = "".join(f' {k}="{html.escape(" ".join(v) if isinstance(v, list) else str(v))}"'
                                     for k, v in tag.attrs.items())
        titles.append(_section_title(soup, page.stem))
        inner = soup.body.decode_contents() if soup.body else soup.decode_contents()
        sections.append(f'<section class="cx-report" data-report="{html.escape(page.stem)}">{inner}</section>')
    doc = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
           f"<title>{html.escape(title)}</title>{head}</head><body{body_attrs}>" + "".join(sections) + "</body></html>")
    return doc, titles


def _headings(doc: str) -> dict[str, str]:
    """Every heading's text, keyed by the text without its spaces (how Chromium's outline spells a heading
    that wraps onto a second line: "the value thatgoes with it")."""
    from bs4 import BeautifulSoup

    out: dict[str, str] = {}
    for h in BeautifulSoup(doc, "html.parser").find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        text = " ".join(h.get_text(" ").split())
        out.setdefault("".join(text.split()), text)
    return out


def _fixed_outline(data: bytes, headings: dict[str, str]) -> tuple[bytes, int]:
    """The PDF with its bookmarks' titles spelt as the headings are, and its page count (both via pypdf)."""
    import pypdf
    from pypdf.generic import NameObject, TextStringObject

    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # Skia's trailer under-counts its objects: pypdf warns, and reads it whole
    try:
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    finally:
        quiet.setLevel(level)
    outlines = writer._root_object.get("/Outlines")
    stack = [outlines.get_object().get("/First")] if outlines is not None else []
    while stack:
        node = stack.pop()
        while node is not None:
            item = node.get_object()
            title = str(item.get("/Title", ""))
            fixed = headings.get("".join(title.split()))
            if fixed and fixed != title:
                item[NameObject("/Title")] = TextStringObject(fixed)
            if item.get("/First") is not None:
                stack.append(item.get("/First"))
            node = item.get("/Next")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(writer.pages)


def _footer(client: str) -> str:
    """The footer of every printed page: the client (escaped: it is the client's own text) and the page number."""
    return ('<div style="box-sizing: border-box; width: 100%; padding: 0 14mm; font-family: system-ui, sans-serif; '
            'font-size: 8pt; color: #555; display: flex; justify-content: space-between;">'
            f'<span>{html.escape(client)}</span>'
            '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>')


_LOADED = """(async () => {
  await document.fonts.ready;
  await Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null)));
  return document.images.length;
})()"""

# A table still wider than its column once its cells wrap is zoomed down to fit (CSS zoom scales its text).
_SHRINK = """(() => {
  let n = 0;
  for (const t of document.querySelectorAll('table')) {
    const room = t.parentElement.clientWidth;
    let zoom = 1;
    for (let i = 0; i < 6 && room > 0 && Math.max(t.getBoundingClientRect().width, t.parentElement.scrollWidth) > room + 1; i++) {
      zoom *= 0.97 * room / Math.max(t.getBoundingClientRect().width, t.parentElement.scrollWidth);
      t.style.zoom = zoom.toFixed(3);
    }
    n += zoom < 1;
  }
  return n;
})()"""

# Each element wider than the printable width under the print style sheet (a table cut off at the page edge).
_OVERFLOW = r"""(() => {
  // The layout's width: the window's, as on paper (a screen's scroll bar narrows clientWidth, not the layout).
  const limit = Math.max(document.documentElement.clientWidth, window.innerWidth) + 1, out = [];
  for (const el of document.querySelectorAll('table, img, pre, svg, .jp-OutputArea-output, .jp-RenderedHTMLCommon')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > limit || el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')) {
      const section = el.closest('section.cx-report');
      const what = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined ? '.' + el.className.trim().split(/\s+/)[0] : '');
      out.push(`${section ? section.dataset.report : 'document'}: ${what} ${Math.round(Math.max(r.width, el.scrollWidth))} px wide`);
    }
  }
  return JSON.stringify(out);
})()"""


def _print(address: str, doc: str, footer: str) -> tuple[bytes, int, list[str], list[str]]:
    """Load ``doc`` in a new tab and print it: (PDF bytes, images, elements too wide, network requests)."""
    with _tab(address) as s:
        for domain in ("Page", "Runtime", "Network"):
            s.send(f"{domain}.enable")
        frame = s.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
        s.send("Emulation.setEmulatedMedia", media="print")
        s.send("Emulation.setDeviceMetricsOverride", width=PRINT_WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)
        s.send("Page.setDocumentContent", frameId=frame, html=doc)
        images = s.send("Runtime.evaluate", expression=_LOADED, awaitPromise=True, returnByValue=True)["result"]["value"]
        s.send("Runtime.evaluate", expression=_SHRINK, returnByValue=True)
        overflow = json.loads(s.send("Runtime.evaluate", expression=_OVERFLOW, returnByValue=True)["result"]["value"])
        s.send("Emulation.clearDeviceMetricsOverride")
        width, height = A4_INCHES
        margins = {f"margin{k.title()}": v / 25.4 for k, v in MARGINS_MM.items()}
        stream = s.send("Page.printToPDF", paperWidth=width, paperHeight=height, **margins, printBackground=True,
                        displayHeaderFooter=True, headerTemplate="<span></span>", footerTemplate=footer,
                        preferCSSPageSize=False, generateDocumentOutline=True, transferMode="ReturnAsStream")["stream"]
        chunks = []
        while True:
            part = s.send("IO.read", handle=stream, size=1 << 20)
            chunks.append(base64.b64decode(part["data"]) if part.get("base64Encoded") else part["data"].encode("latin-1"))
            if part.get("eof"):
                break
        s.send("IO.close", handle=stream)
    requests = [e["params"]["request"]["url"] for e in s.events if e.get("method") == "Network.requestWillBeSent"
                and not e["params"]["request"]["url"].startswith(LOCAL_SCHEMES)]
    return b"".join(chunks), int(images), list(overflow), requests


def print_pdf(pages: Sequence[Path], target: Path, *, client: str, address: str | None = None,
              binary: str | None = None) -> PrintedPdf:
    """Print the reports at ``pages``, in that order, as one A4 PDF at ``target``.

    Parameters
    ----------
    pages : sequence of paths
        The reviewer's HTML pages (``cxlib.render``), in report order; each becomes a section that starts
        on a new page.
    target : path
        Where the PDF is written (its folder must exist).
    client : str
        The client's name, printed (HTML-escaped) in every page's footer with the page number.
    address : str, optional
        The DevTools address of a running Chromium (:func:`chromium`), e.g. one shared by a batch;
        default: start one for this call.
    binary : str, optional
        The Chromium to start when no ``address`` is given (default: :func:`find_chromium`).

    Returns
    -------
    PrintedPdf
        The page count (read back with pypdf), the sections' titles, the images printed, any element
        too wide for the page.

    Raises
    ------
    cxlib.errors.ArgumentError
        No pages, a page that is not a file, or a client that is not text.
    FileNotFoundError
        Chromium is not installed (and no ``address`` was given).
    RuntimeError
        Chromium did not start, or a DevTools command failed.

    Notes
    -----
    One document is printed, not one per report merged afterwards: page numbers then run through the
    whole PDF ("page 7 of 31"). The print style sheet is the report template's (``@media print``):
    sections break before, figures, table rows and headings do not split or end a page, tables wrap and
    shrink to the printable width (``PRINT_WIDTH`` CSS pixels: A4 less 14 mm margins). Before printing,
    the document is laid out at that width under the print media and every element still wider is listed
    in ``overflow``.

    Examples
    --------
    The printable width, A4 less the margins, in millimetres:

    >>> round(PRINT_WIDTH / 96 * 25.4)
    182

    Printing starts Chromium (seconds), so it is not run as a test; ``cx run`` prints every engagement's PDF:

    >>> from pathlib import Path
    >>> pages = sorted(Path("reports/demo-retailer").glob("0*.html"))                   # doctest: +SKIP
    >>> pdf = print_pdf(pages, Path("/tmp/demo-retailer.pdf"), client="Demo Retailer")  # doctest: +SKIP
    >>> pdf.pages > len(pages), pdf.fits                                                # doctest: +SKIP
    (True, True)
    """
    from .errors import ArgumentError

    pages = [Path(p) for p in pages]
    if not pages:
        raise ArgumentError("browser.print_pdf: pages is empty; pass the report pages to print, in order",
                            function="browser.print_pdf", argument="pages")
    missing = [str(p) for p in pages if not p.is_file()]
    if missing:
        raise ArgumentError(f"browser.print_pdf: no page at {', '.join(missing[:3])}",
                            function="browser.print_pdf", argument="pages")
    if not isinstance(client, str):
        raise ArgumentError(f"browser.print_pdf: client must be text (the client's name), not {type(client).__name__}",
                            function="browser.print_pdf", argument="client")
    t0 = time.perf_counter()
    doc, titles = combined_document(pages, title=client)
    if address is None:
        with chromium(binary) as started:
            data, images, overflow, requests = _print(started, doc, _footer(client))
    else:
        data, images, overflow, requests = _print(address, doc, _footer(client))
    data, n_pages = _fixed_outline(data, _headings(doc))
    target = Path(target)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return PrintedPdf(str(target), n_pages, titles, images, overflow, requests, round(time.perf_counter() - t0, 2))


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
