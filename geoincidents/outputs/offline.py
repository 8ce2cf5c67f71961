"""Self-contained HTML for folium maps: CDN scripts, stylesheets and fonts inlined at write time.

A map saved by folium loads Leaflet, jQuery, Bootstrap, Font Awesome and Leaflet.awesome-markers
from CDNs, so it is blank without a network (folium issues #351, #1593, #1985).
:func:`inline_assets` replaces each ``<script src="http...">`` and ``<link rel="stylesheet"
href="http...">`` by an inline ``<script>``/``<style>`` whose text is read from an installed PyPI
package (XStatic packaging standard: ``xstatic.pkg.NAME.BASE_DIR``), with the CSS ``url(...)``
references to images and fonts turned into ``data:`` URIs. No third-party file lives in this repo.

Allow-list (folium 0.20 names; each CDN URL is matched by a pattern, not by its exact version):

- ``leaflet``, ``leaflet_css``: inlined from XStatic-Leaflet, its images as data: URIs and the
  default marker icon pointed at data: URIs too. The map itself.
- ``jquery``: inlined from XStatic-jQuery. folium's Popup/Html content is built with ``$()``.
- ``bootstrap``, ``bootstrap_css``: dropped. No Leaflet layer we draw (GeoJson, CircleMarker,
  Circle, Marker, Popup, Tooltip, LayerControl, DivIcon) needs Bootstrap; XStatic-Bootstrap ships
  no wheel either.
- ``glyphicons_css``: dropped; only awesome-markers icons use it.
- ``awesome_markers`` (JS, CSS), ``awesome_rotate_css``: dropped while unused; an OutputError when
  the page calls ``L.AwesomeMarkers`` (``folium.Icon``): no PyPI package ships
  Leaflet.awesome-markers as a file (npm does; folium-offline embeds it in its folium fork), so
  use CircleMarker or DivIcon.
- ``awesome_markers_font_css`` (Font Awesome): inlined from XStatic-Font-Awesome (solid and
  regular styles, woff2 only, no brand icons) when the page uses ``fa-`` classes (a DivIcon with
  ``<i class="fa-solid fa-plane">``), dropped otherwise.
- ``markercluster`` (JS), ``markercluster_css``, ``markercluster_default_css``: inlined from
  XStatic-Leaflet-MarkerCluster (Leaflet.markercluster 1.4.1, MIT; folium's ``MarkerCluster``
  plugin and the events map ask for them), dropped when the page never calls
  ``L.markerClusterGroup``/``L.MarkerClusterGroup``.
- anything else: an OutputError naming the URL. A CDN link is never left behind silently.

Map tiles are not assets: a tile layer's URL template stays in the map's script (build the map
with ``tiles=None`` for a map that needs no network at all).
"""

from __future__ import annotations

import base64
import functools
import html as html_lib
import importlib
import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from geoincidents.errors import OutputError

__all__ = ["external_references", "inline_assets"]

# One HTML token: a comment, a whole script or style element (raw text up to the first closing
# tag, as a browser reads it), or a start tag.
_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<script\b[^>]*>.*?</script\s*>"
    r"|<style\b[^>]*>.*?</style\s*>"
    r"|<[a-zA-Z][^>]*>",
    re.DOTALL | re.IGNORECASE,
)
_START_TAG = re.compile(r"<([a-zA-Z][\w:-]*)([^>]*)>", re.DOTALL)
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.DOTALL | re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(['"])(.*?)\1""", re.IGNORECASE)
# HTML written inside a script's strings (popup content, templates): <img src="https://...">.
_EMBEDDED_REF = re.compile(
    r"""<([a-zA-Z][\w-]*)\b[^<>]*?\b(?:src|href|poster|data)\s*=\s*\\?["']?\s*"""
    r"""((?:https?:)?//[^"'\\\s<>]+)""",
    re.IGNORECASE,
)
_EXTERNAL = re.compile(r"\s*(?:https?:)?//", re.IGNORECASE)
_RESOURCE_ATTRS = ("src", "href", "poster", "data")
_NAVIGATION_TAGS = {"a", "area"}  # their href is a link a person follows, not a file loaded
_TTF_FALLBACK = re.compile(r""",\s*url\([^)]*\.ttf\)\s*format\(["']truetype["']\)""")
_MIME = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
}


@dataclass(frozen=True, slots=True)
class _Source:
    """Files of one XStatic package, read from ``xstatic.pkg.<name>.BASE_DIR``."""

    module: str
    distribution: str
    files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Rule:
    """What to do with a CDN asset whose URL matches ``pattern``."""

    name: str
    pattern: re.Pattern[str]
    action: str  # "inline", "drop", "unavailable" (dropped while unused) or "if-used"
    used_by: re.Pattern[str] | None = None  # how to tell the page needs it
    source: _Source | None = None


_LEAFLET = _Source("xstatic.pkg.leaflet", "XStatic-Leaflet", ("leaflet.js",))
_LEAFLET_CSS = _Source("xstatic.pkg.leaflet", "XStatic-Leaflet", ("leaflet.css",))
_JQUERY = _Source("xstatic.pkg.jquery", "XStatic-jQuery", ("jquery.min.js",))
_FONT_AWESOME = _Source(
    "xstatic.pkg.font_awesome",
    "XStatic-Font-Awesome",
    ("css/fontawesome.min.css", "css/solid.min.css", "css/regular.min.css"),
)
_AWESOME_MARKERS_USE = re.compile(r"\bL\.AwesomeMarkers\b")
_MARKERCLUSTER = "xstatic.pkg.leaflet_markercluster"
_MARKERCLUSTER_JS = _Source(_MARKERCLUSTER, "XStatic-Leaflet-MarkerCluster",
                            ("leaflet.markercluster.js",))
_MARKERCLUSTER_CSS = _Source(_MARKERCLUSTER, "XStatic-Leaflet-MarkerCluster",
                             ("MarkerCluster.css",))
_MARKERCLUSTER_DEFAULT_CSS = _Source(_MARKERCLUSTER, "XStatic-Leaflet-MarkerCluster",
                                     ("MarkerCluster.Default.css",))
_MARKERCLUSTER_USE = re.compile(r"\bL\.(?:markerClusterGroup|MarkerClusterGroup)\b")
_MARKERCLUSTER_DIR = r"/leaflet\.markercluster(?:@[\w.-]+)?/(?:[\d.]+/)?(?:dist/)?"

_RULES: tuple[_Rule, ...] = (
    _Rule("leaflet", re.compile(r"/leaflet(?:@[\w.-]+)?/dist/leaflet(?:-src)?\.js$"), "inline",
          source=_LEAFLET),
    _Rule("leaflet_css", re.compile(r"/leaflet(?:@[\w.-]+)?/dist/leaflet\.css$"), "inline",
          source=_LEAFLET_CSS),
    _Rule("jquery", re.compile(r"/jquery-3\.[\d.]+(?:\.min)?\.js$"), "inline", source=_JQUERY),
    _Rule("bootstrap",
          re.compile(r"/bootstrap@[\d.]+/dist/js/bootstrap(?:\.bundle)?(?:\.min)?\.js$"), "drop"),
    _Rule("bootstrap_css", re.compile(r"/bootstrap@[\d.]+/dist/css/bootstrap(?:\.min)?\.css$"),
          "drop"),
    _Rule("glyphicons_css", re.compile(r"/bootstrap-glyphicons(?:\.min)?\.css$"), "drop"),
    _Rule("awesome_markers", re.compile(r"/Leaflet\.awesome-markers/[\w.]+/leaflet\.awesome-markers"
                                        r"(?:\.min)?\.(?:js|css)$", re.IGNORECASE),
          "unavailable", used_by=_AWESOME_MARKERS_USE),
    _Rule("awesome_rotate_css", re.compile(r"/leaflet\.awesome\.rotate(?:\.min)?\.css$"),
          "unavailable", used_by=_AWESOME_MARKERS_USE),
    _Rule("font_awesome", re.compile(r"/fontawesome-free@[\d.]+/css/all(?:\.min)?\.css$"),
          "if-used", used_by=re.compile(r"\bfa-[a-z0-9]"), source=_FONT_AWESOME),
    _Rule("markercluster", re.compile(_MARKERCLUSTER_DIR + r"leaflet\.markercluster(?:-src)?\.js$"),
          "if-used", used_by=_MARKERCLUSTER_USE, source=_MARKERCLUSTER_JS),
    _Rule("markercluster_css", re.compile(_MARKERCLUSTER_DIR + r"MarkerCluster\.css$"),
          "if-used", used_by=_MARKERCLUSTER_USE, source=_MARKERCLUSTER_CSS),
    _Rule("markercluster_default_css",
          re.compile(_MARKERCLUSTER_DIR + r"MarkerCluster\.Default\.css$"),
          "if-used", used_by=_MARKERCLUSTER_USE, source=_MARKERCLUSTER_DEFAULT_CSS),
)


def _is_external(url: str) -> bool:
    return bool(_EXTERNAL.match(url))


def _attributes(attr_text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for m in _ATTR.finditer(attr_text):
        value = next((g for g in m.group(2, 3, 4) if g is not None), "")
        attrs.setdefault(m.group(1).lower(), html_lib.unescape(value))
    return attrs


def _css_references(css: str) -> list[str]:
    return [m.group(2).strip() for m in (*_CSS_URL.finditer(css), *_CSS_IMPORT.finditer(css))]


def external_references(html: str) -> list[str]:
    """List the http(s) and protocol-relative URLs a browser would fetch to show ``html``.

    Looked at: ``src``/``href``/``poster``/``data`` attributes of tags (not the ``href`` of ``<a>``
    and ``<area>``, which are links to follow), CSS ``url(...)`` and ``@import`` in ``<style>``
    elements and ``style`` attributes, and tags written inside scripts' strings (``<img
    src="https://...">`` in popup HTML). Not looked at: other URLs in scripts (tile URL templates,
    comments). Each URL is listed once, in document order.
    """
    found: list[str] = []
    for token in _TOKEN.finditer(html):
        text = token.group(0)
        if text.startswith("<!--"):
            continue
        tag = _START_TAG.match(text)
        if tag is None:
            continue
        name = tag.group(1).lower()
        attrs = _attributes(tag.group(2))
        candidates = _css_references(attrs.get("style", ""))
        if name not in _NAVIGATION_TAGS:
            candidates += [attrs[a] for a in _RESOURCE_ATTRS if a in attrs]
        body = text[tag.end():]
        if name == "style":
            candidates += _css_references(body)
        elif name == "script":
            candidates += [m.group(2) for m in _EMBEDDED_REF.finditer(body)
                           if m.group(1).lower() not in _NAVIGATION_TAGS]
        found += [url.strip() for url in candidates if _is_external(url)]
    return list(dict.fromkeys(found))


def _escape_script(js: str) -> str:
    """Make ``js`` safe inside ``<script>``: no ``</script`` ends it, no ``<!--`` changes the parse.

    ``<\\/`` and ``<\\!`` mean ``</`` and ``<!`` in JS strings, regexes and comments, the only
    places these sequences occur in library code.
    """
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def _escape_style(css: str) -> str:
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


def _base_dir(source: _Source, url: str) -> Path:
    try:
        module = importlib.import_module(source.module)
    except ImportError as err:
        raise OutputError(
            f"cannot inline {url}: package {source.distribution} is not installed "
            f"(pip install {source.distribution})"
        ) from err
    return Path(module.BASE_DIR).resolve()


def _read(path: Path, url: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise OutputError(f"cannot inline {url}: cannot read {path}: {err}") from err


def _data_uri(path: Path, url: str) -> str:
    mime = _MIME.get(path.suffix.lower())
    if mime is None:
        raise OutputError(f"cannot inline {url}: no MIME type known for {path.name}")
    return f"data:{mime};base64,{base64.b64encode(_read(path, url)).decode('ascii')}"


def _css_with_data_uris(css: str, css_path: Path, root: Path, url: str) -> str:
    """Turn each relative ``url(...)`` of ``css`` into a data: URI of the package's file."""

    def replace(match: re.Match[str]) -> str:
        ref = match.group(2).strip()
        if not ref or ref.startswith(("data:", "#")):
            return match.group(0)
        if _is_external(ref):
            raise OutputError(f"cannot inline {url}: its CSS loads {ref}")
        target = (css_path.parent / re.split(r"[?#]", ref)[0]).resolve()
        if not target.is_relative_to(root):
            raise OutputError(f"cannot inline {url}: {ref} lies outside its package")
        return f'url("{_data_uri(target, url)}")'

    return _CSS_URL.sub(replace, _TTF_FALLBACK.sub("", css))


def _default_icon_script(root: Path, url: str) -> str:
    """Point Leaflet's default marker at data: URIs (it guesses a folder from leaflet.css)."""
    options = {
        "iconUrl": _data_uri(root / "images" / "marker-icon.png", url),
        "iconRetinaUrl": _data_uri(root / "images" / "marker-icon-2x.png", url),
        "shadowUrl": _data_uri(root / "images" / "marker-shadow.png", url),
    }
    return (
        '\nL.Icon.Default.imagePath = "";\n'
        f"L.Icon.Default.mergeOptions({json.dumps(options)});\n"
    )


@functools.lru_cache(maxsize=16)
def _inline_element(rule: _Rule, url: str) -> str:
    """The ``<script>`` or ``<style>`` element holding ``rule``'s files."""
    source = rule.source
    if source is None:  # pragma: no cover - only rules with a source are inlined
        raise OutputError(f"no offline copy of {url}")
    root = _base_dir(source, url)
    version = metadata.version(source.distribution)
    label = f"/* {rule.name}: {', '.join(source.files)} from {source.distribution} {version} */\n"
    paths = [root / name for name in source.files]
    if paths[0].suffix == ".js":
        js = "\n".join(_read(p, url).decode("utf-8") for p in paths)
        if rule.name == "leaflet":
            js += _default_icon_script(root, url)
        return f"<script>{label}{_escape_script(js)}</script>"
    css = "\n".join(
        _css_with_data_uris(_read(p, url).decode("utf-8"), p, root, url) for p in paths
    )
    return f"<style>{label}{_escape_style(css)}</style>"


def _asset_url(text: str) -> str | None:
    """The external URL ``text`` (a script or link element) loads as an asset, if any."""
    tag = _START_TAG.match(text)
    if tag is None:
        return None
    name = tag.group(1).lower()
    attrs = _attributes(tag.group(2))
    if name == "script":
        url = attrs.get("src", "")
    elif name == "link" and "stylesheet" in attrs.get("rel", "").lower().split():
        url = attrs.get("href", "")
    else:
        return None
    return url.strip() if _is_external(url) else None


def _rule_for(url: str) -> _Rule:
    for rule in _RULES:
        if rule.pattern.search(url.split("?")[0]):
            return rule
    raise OutputError(f"no offline copy of {url}: add it to the allow-list in {__name__}")


def inline_assets(html: str) -> str:
    """Return ``html`` (a rendered folium map) with every CDN script and stylesheet inlined.

    Scripts and stylesheets come from installed XStatic packages, their images and fonts as
    ``data:`` URIs; assets the page does not need are dropped (see the module's allow-list).
    Raises :class:`~geoincidents.errors.OutputError` naming the URL when an asset has no offline
    copy or when :func:`external_references` still finds an external URL afterwards.
    """
    tokens = list(_TOKEN.finditer(html))
    assets: dict[int, tuple[str, _Rule]] = {}
    for i, token in enumerate(tokens):
        url = _asset_url(token.group(0))
        if url is not None:
            assets[i] = (url, _rule_for(url))
    # What the page itself uses, read with the asset elements left out.
    page = "".join(t.group(0) for i, t in enumerate(tokens) if i not in assets)
    pieces: list[str] = []
    position = 0
    done: set[str] = set()
    for i, (url, rule) in assets.items():
        token = tokens[i]
        pieces.append(html[position:token.start()])
        position = token.end()
        used = rule.used_by is None or bool(rule.used_by.search(page))
        if rule.action == "unavailable" and used:
            raise OutputError(
                f"no offline copy of {url} ({rule.name}): the map uses Leaflet.awesome-markers "
                "(folium.Icon); use CircleMarker or DivIcon instead"
            )
        if rule.action in ("inline", "if-used") and used and rule.name not in done:
            done.add(rule.name)
            pieces.append(_inline_element(rule, url))
    pieces.append(html[position:])
    result = "".join(pieces)
    left = external_references(result)
    if left:
        raise OutputError(f"external references left in the map: {', '.join(left)}")
    return result
