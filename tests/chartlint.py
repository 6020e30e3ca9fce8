"""A lint for report charts (issue 18): what a partner would object to before showing a chart to a client.

``problems(chart_or_figure)`` returns plain sentences, one per problem, empty when the chart passes:

- **title**: every axes title and the suptitle states a finding: it has a verb from :data:`VERBS` or a
  figure (a digit that is not part of the base "n=…" or the "95%" of an interval). "Attrition by segment" and
  "(n=5,601)" fail; "18% of fully connected customers left within 365 days" passes. A title that opens with
  a question word ("How long …", "What …") and carries no figure describes rather than states, and fails.
- **one n**: the base ("n=…") is stated on at most one text box outside the legend (the title or a
  subtitle line), not on every bar.
- **overlap, legend, palette, log axes**: :func:`cxlib.plots.layout_problems` (the house style's own check,
  reused so that the lint and the style cannot disagree): no two text boxes overlap (window extents after a
  draw), no legend covers data (bars, lines, markers, error bars, bands), every colour drawn is in
  ``plots.house_colours()``, log axes carry plain numbers.
- **fixed colours**: a segment or a quadrant named in a legend or on a bar's tick keeps its fixed colour
  (``plots.SEGMENT_COLOURS``, ``plots.QUADRANT_COLOURS``).
- **alt**: a :class:`cxlib.plots.Chart` has an alt text that says what the chart shows (a sentence with a
  figure, not "a bar chart" or nbconvert's placeholder). A bare Figure has no alt text: that is a problem.
"""
from __future__ import annotations

import re
from typing import Any

__all__ = ["problems", "title_problems", "alt_problems", "VERBS", "PLACEHOLDER_ALT"]

#: Verbs a finding's title uses (a small list, matched as whole words, case-insensitive).
VERBS = frozenset("""
is are was were be been has have had do does did
spend spends spent leave leaves left stay stays stayed keep keeps kept
recommend recommends recommended score scores scored rate rates rated
explain explains explained matter matters mattered
rise rises rose fall falls fell grow grows grew gain gains gained lose loses lost
change changes changed move moves moved moving did not
go goes went outweigh outweighs outnumber outnumbers lead leads led lag lags trail trails
link linked goes depend depends hold holds held show shows showed shown say says said
connect connects feel feels buy buys bought bring brings brought hardly barely nearly
widen widens narrow narrows differ differs stands stand top tops
""".split())

#: Words that open a description or a question rather than a finding.
QUESTION_WORDS = ("how", "what", "which", "who", "where", "when", "why")

#: nbconvert's alt text for an image without one.
PLACEHOLDER_ALT = "No description has been provided for this image"

_GENERIC_ALT = re.compile(r"^\s*(a |an |the )?(bar |line |dot |scatter |forest )?(chart|plot|figure|graph|image|picture)\b",
                          re.IGNORECASE)
_BASE_N = re.compile(r"\bn\s*[=<>≥≤]\s*[\d,]+(\s+at\s+\d+)?", re.IGNORECASE)
_CI = re.compile(r"\b9[059]\s*%\s*(CI|confidence|interval)", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")

# -- the pieces ------------------------------------------------------------------------------------------------

def _figure_of(obj: Any) -> tuple[Any, str | None]:
    """(matplotlib Figure, alt text or None) of a Chart, a Figure or an Axes."""
    fig = getattr(obj, "figure", None)
    if hasattr(obj, "alt") and fig is not None:
        return fig, obj.alt
    if hasattr(obj, "get_figure") and not hasattr(obj, "axes"):  # an Axes
        return obj.get_figure(), None
    if hasattr(obj, "axes") and hasattr(obj, "canvas"):
        return obj, None
    if hasattr(obj, "get_figure"):
        return obj.get_figure(), None
    raise TypeError(f"chartlint: not a chart, figure or axes: {type(obj).__name__}")


def _strip_base(text: str) -> str:
    """The title without its base n and "95% CI": those figures do not make a finding."""
    return _CI.sub(" ", _BASE_N.sub(" ", text))


def title_problems(title: str) -> list[str]:
    """What is wrong with one title (empty when it states a finding).

    Examples
    --------
    >>> title_problems("Attrition by segment")
    ["title 'Attrition by segment' describes the chart: it has neither a verb nor a figure"]
    >>> title_problems("18% of fully connected customers left within 365 days (n=3,002)")
    []
    >>> title_problems("(n=5,601)")
    ["title '(n=5,601)' describes the chart: it has neither a verb nor a figure"]
    >>> title_problems("How long each segment stays (n=5,601)")
    ["title 'How long each segment stays (n=5,601)' asks a question instead of stating the finding"]
    """
    flat = " ".join(str(title).split())
    if not flat:
        return []
    core = _strip_base(flat)
    has_figure = bool(re.search(r"\d", core))
    words = [w.lower() for w in _WORD.findall(core)]
    has_verb = any(w in VERBS for w in words)
    if words and words[0] in QUESTION_WORDS and not has_figure:
        return [f"title {flat!r} asks a question instead of stating the finding"]
    if not (has_verb or has_figure):
        return [f"title {flat!r} describes the chart: it has neither a verb nor a figure"]
    return []


def alt_problems(alt: str | None) -> list[str]:
    """What is wrong with an alt text (empty when it says what the chart shows).

    Examples
    --------
    >>> alt_problems("A bar chart of attrition by segment.")
    ["alt text 'A bar chart of attrition by segment.' names the kind of chart, not what it shows"]
    >>> alt_problems("18% of fully connected customers left within 365 days (95% CI 15%–21%), against 27% of "
    ...              "highly satisfied ones (24%–30%); n=3,002.")
    []
    """
    if alt is None:
        return ["no alt text: a chart method returns cxlib.plots.Chart with one (a bare Figure has none)"]
    flat = " ".join(str(alt).split())
    if not flat or PLACEHOLDER_ALT.lower() in flat.lower():
        return [f"alt text {flat!r} is missing or nbconvert's placeholder"]
    if _GENERIC_ALT.match(flat):
        return [f"alt text {flat!r} names the kind of chart, not what it shows"]
    if len(flat) < 40 or not re.search(r"\d", _strip_base(flat)):
        return [f"alt text {flat!r} is too thin: it should state the finding with its figures"]
    return []


def _hex(colour: Any) -> str | None:
    """'#rrggbb' of a colour, or None when it is fully transparent (not drawn)."""
    from matplotlib.colors import to_hex, to_rgba

    rgba = to_rgba(colour)
    if rgba[3] == 0:
        return None
    return to_hex(rgba[:3]).lower()


def _short(text: str, k: int = 50) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= k else flat[: k - 1] + "…"


def _in_data(artist: Any, ax: Any) -> bool:
    """Whether the artist is placed in the data coordinates of ``ax`` (a bar, not the axes' background)."""
    # A bar's transform is its own box composed with the data transform: compare the data part.
    get = getattr(artist, "get_data_transform", None) or getattr(artist, "get_transform", None)
    return get is not None and get() == ax.transData


def _fixed_colours() -> dict[str, str]:
    """{lower-case concept name: its colour}: the segments' and the quadrants'."""
    from cxlib import plots

    out = {k.lower(): _hex(v) for k, v in getattr(plots, "QUADRANT_COLOURS", {}).items()}
    out.update({k.lower(): _hex(v) for k, v in plots.SEGMENT_COLOURS.items()})
    return out


def _concept(label: str, names: dict[str, str]) -> str | None:
    """The segment or quadrant a legend entry or tick label names ("Fully connected (n=1,234)"), if any."""
    flat = " ".join(str(label).split()).lower().lstrip("$\\")
    for name in sorted(names, key=len, reverse=True):
        if flat == name or re.match(re.escape(name) + r"s?\b(?!\s*\w+\s*:)", flat):
            return name
    return None


def _texts(fig: Any) -> list[tuple[Any, str]]:
    """(text, what it is) for every visible, non-empty text box: ``plots.text_artists`` classified."""
    from cxlib import plots

    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None] + list(fig.legends)
    in_legend = {id(t) for lg in legends for t in [*lg.get_texts(), lg.get_title()]}
    in_table = {id(c.get_text()) for ax in fig.axes for tb in ax.tables for c in tb.get_celld().values()}
    titles = {id(t) for ax in fig.axes for t in (ax.title, ax._left_title, ax._right_title)}
    if getattr(fig, "_suptitle", None) is not None:
        titles.add(id(fig._suptitle))
    return [(t, "legend" if id(t) in in_legend else "table cell" if id(t) in in_table
             else "title" if id(t) in titles else "text") for t in plots.text_artists(fig)]


def _handle_colour(handle: Any) -> str | None:
    """The identifying colour of a legend handle (a bar's or band's face, a line's or marker's colour)."""
    from matplotlib.collections import Collection
    from matplotlib.container import ErrorbarContainer
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if isinstance(handle, ErrorbarContainer):
        handle = handle.lines[0]
    if isinstance(handle, Line2D):
        if handle.get_linestyle() in ("None", "none", "", " "):
            face = _hex(handle.get_markerfacecolor())
            return face if face not in (None, "#ffffff") else _hex(handle.get_markeredgecolor())
        return _hex(handle.get_color())
    if isinstance(handle, Patch):
        return _hex(handle.get_facecolor())
    if isinstance(handle, Collection):
        faces = handle.get_facecolors()
        if len(faces) and _hex(faces[0]) not in (None, "#ffffff"):
            return _hex(faces[0])
        edges = handle.get_edgecolors()
        return _hex(edges[0]) if len(edges) else None
    return None


def _fixed_colour_problems(fig: Any) -> list[str]:
    """A segment or quadrant named in a legend or on a bar's tick keeps its fixed colour."""
    out = []
    fixed = _fixed_colours()
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            handles = getattr(legend, "legend_handles", None) or getattr(legend, "legendHandles", [])
            for handle, text in zip(handles, legend.get_texts()):
                concept = _concept(text.get_text(), fixed)
                colour = _handle_colour(handle)
                if concept and colour and colour != fixed[concept]:
                    out.append(f"{concept!r} is drawn in {colour}, not its fixed colour {fixed[concept]}")
        # Bars labelled by a segment or quadrant on their tick: one bar per tick.
        bars = [p for p in ax.patches if p.get_visible() and _in_data(p, ax) and hasattr(p, "get_height")]
        for axis, centre in ((ax.yaxis, lambda p: p.get_y() + p.get_height() / 2),
                             (ax.xaxis, lambda p: p.get_x() + p.get_width() / 2)):
            ticks = {round(float(loc), 6): lab.get_text() for loc, lab in zip(axis.get_ticklocs(), axis.get_ticklabels())}
            for p in bars:
                name = ticks.get(round(float(centre(p)), 6))
                concept = _concept(name, fixed) if name else None
                colour = _hex(p.get_facecolor())
                if concept and colour and colour != fixed[concept]:
                    out.append(f"the bar of {concept!r} is drawn in {colour}, not its fixed colour {fixed[concept]}")
    return sorted(set(out), key=out.index)


def _n_problems(fig: Any) -> list[str]:
    """The base is stated once: no "n=…" on a bar or a note (legend entries may give each group's n), and no
    two titles state the same n (panels with different bases each state their own)."""
    stated = [(t, kind) for t, kind in _texts(fig) if kind not in ("legend", "table cell") and _BASE_N.search(t.get_text())]
    if len(stated) <= 1:
        return []
    loose = [t for t, kind in stated if kind != "title"]
    values = [_BASE_N.search(t.get_text()).group(0).replace(" ", "") for t, kind in stated if kind == "title"]
    if loose or len(set(values)) < len(values):
        return [f"the base n is stated {len(stated)} times (once per chart, in the title or a subtitle line): "
                + "; ".join(repr(_short(t.get_text(), 40)) for t, _ in stated[:4])]
    return []


def _title_problems(fig: Any) -> list[str]:
    titles = []
    if getattr(fig, "_suptitle", None) is not None and fig._suptitle.get_text().strip():
        titles.append(fig._suptitle.get_text())
    for ax in fig.axes:
        if ax.get_visible():
            titles += [t.get_text() for t in (ax.title, ax._left_title, ax._right_title) if t.get_text().strip()]
    if not titles:
        return ["the chart has no title (a title states the finding)"]
    return [p for t in titles for p in title_problems(t)]


def problems(chart: Any, *, alt: bool = True) -> list[str]:
    """Everything wrong with a report chart, one sentence each (empty: the chart passes).

    Parameters
    ----------
    chart : cxlib.plots.Chart, matplotlib Figure or Axes
    alt : bool
        Whether to require an alt text (a bare Figure has none, so it fails unless ``alt=False``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cxlib import plots
    >>> fig, ax = plt.subplots()
    >>> _ = ax.bar([0, 1], [18, 27], color=[plots.SEGMENT_COLOURS["fully connected"], plots.SEGMENT_COLOURS["highly satisfied"]])
    >>> _ = ax.set_title("18% of fully connected customers left within 365 days (n=3,002)")
    >>> problems(plots.chart(fig, alt="18% of fully connected customers left within 365 days, 27% of highly satisfied ones; n=3,002."))
    []
    """
    from cxlib import plots

    fig, text = _figure_of(chart)
    # Text boxes overlapping, a legend over data, colours off the house palette, log axes: the plots module's
    # own check, so the lint and the house style cannot disagree.
    out = _title_problems(fig) + _n_problems(fig) + list(plots.layout_problems(fig)) + _fixed_colour_problems(fig)
    if alt:
        out += alt_problems(text)
    return out
