"""The geoparser API: text -> mentions -> places.

    from geoincidents.geoparser import geoparse, resolve
    places = geoparse("Russian drones entered Polish airspace near Lublin.")
    places = resolve(text, [(0, 7), (30, 36)])     # given spans, no recognition
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence

from geoincidents.errors import InputError
from geoincidents.models import Mention, Place


class Geoparser:
    """Mention finding and resolution with explicit collaborators.

    ``gazetteer`` defaults to the bundled offline one, ``nlp`` to the spaCy model, ``geocoder``
    (an online geocoder for names the gazetteer lacks) to none.
    """

    def __init__(self, gazetteer=None, *, nlp=None, geocoder=None,
                 geocoder_name: str | None = None) -> None:
        from geoincidents.gazetteer import Gazetteer
        from geoincidents.mentions import MentionFinder
        from geoincidents.places import Resolver

        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.default()
        self.finder = MentionFinder(self.gazetteer, nlp=nlp)
        self.resolver = Resolver(self.gazetteer, geocoder=geocoder, geocoder_name=geocoder_name)

    def geoparse(self, text: str) -> list[Place]:
        """Every place the text names, resolved."""
        return self.resolver.resolve(text, self.finder.find(text))

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Place]]:
        """Places for many texts, in order."""
        texts = list(texts) if not isinstance(texts, list) else texts
        for text, mentions in zip(texts, self.finder.pipe(texts, batch_size=batch_size)):
            yield self.resolver.resolve(text, mentions)

    def mentions_for_spans(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Mention]:
        """Mentions for given character spans (kind and role still read from the text)."""
        doc = self.finder.nlp(text)
        out = []
        for start, end in spans:
            if not (0 <= start < end <= len(text)):
                raise InputError(f"span ({start}, {end}) is outside the text "
                                 f"(length {len(text)})")
            span = doc.char_span(start, end, alignment_mode="expand")
            surface = text[start:end]
            kind = "demonym" if self.gazetteer.demonym(surface) else "name"
            role = self.finder.role(span, kind) if span is not None else "location"
            sent = span.sent if span is not None else None
            out.append(Mention(start, end, surface, kind, role, "given",
                               (sent.start_char, sent.end_char) if sent is not None
                               else (0, len(text))))
        return out

    def resolve(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Place]:
        """Resolve given spans only (no recognition): one place per span, in order."""
        return self.resolver.resolve(text, self.mentions_for_spans(text, spans))


def from_options(gazetteers: Sequence[str] = (), geocoder: str = "offline",
                 user_agent: str | None = None) -> Geoparser:
    """A geoparser from the CLI's options: the bundled gazetteer, the user gazetteers imported
    with ``geoincidents gazetteer add``, user gazetteer files, and an online geocoder by name
    (``"offline"`` for none)."""
    from geoincidents.gazetteer import Gazetteer, ensure_index
    from geoincidents.userstore import store_path

    # User files go into a gazetteer of their own, not into the shared default one.
    gaz = (Gazetteer(ensure_index(), store=store_path()) if gazetteers
           else Gazetteer.default())
    for path in gazetteers:
        gaz.load(path)
    online = None
    name = geocoder.strip().lower()
    if name != "offline":
        from geoincidents.geocoders import get_geocoder

        online = get_geocoder(name, user_agent=user_agent)
    return Geoparser(gaz, geocoder=online, geocoder_name=name)


@functools.cache
def default_geoparser() -> Geoparser:
    """A process-wide geoparser with the bundled gazetteer and model."""
    return Geoparser()


def geoparse(text: str) -> list[Place]:
    """Every place the text names, resolved with the offline defaults."""
    return default_geoparser().geoparse(text)


def resolve(text: str, spans: Sequence[tuple[int, int]]) -> list[Place]:
    """Resolve the given ``(start, end)`` spans of ``text`` with the offline defaults."""
    return default_geoparser().resolve(text, spans)
