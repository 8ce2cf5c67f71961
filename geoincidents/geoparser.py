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

    ``gazetteer`` defaults to the bundled offline one, ``nlp`` to the spaCy pipeline named
    ``model`` (loaded when first needed), ``geocoder`` (an online geocoder for names the
    gazetteer lacks) to none.
    """

    def __init__(self, gazetteer=None, *, nlp=None, geocoder=None,
                 geocoder_name: str | None = None, model: str | None = None) -> None:
        from geoincidents.gazetteer import Gazetteer
        from geoincidents.mentions import MODEL, MentionFinder
        from geoincidents.places import Resolver

        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.default()
        self.finder = MentionFinder(self.gazetteer, nlp=nlp, model=model or MODEL)
        self.resolver = Resolver(self.gazetteer, geocoder=geocoder, geocoder_name=geocoder_name)

    def geoparse(self, text: str) -> list[Place]:
        """Every place the text names, resolved."""
        return self.resolver.resolve(text, self.finder.find(text))

    def geoparse_many(self, texts: Sequence[str]) -> list[list[Place]]:
        """:meth:`geoparse` for several texts, in order, with spaCy run over them together
        (``nlp.pipe``): the same places, in much less time than one call per text."""
        return [self.resolver.resolve(text, mentions) for text, (_, mentions)
                in zip(texts, self.finder.analyse_many(texts))]

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Place]]:
        """Places for many texts, in order, ``batch_size`` texts at a time."""
        group: list[str] = []
        for text in texts:
            group.append(text)
            if len(group) >= batch_size:
                yield from self.geoparse_many(group)
                group = []
        if group:
            yield from self.geoparse_many(group)

    def mentions_for_spans(self, text: str, spans: Sequence[tuple[int, int]],
                           doc=None) -> list[Mention]:
        """Mentions for given character spans (kind and role still read from the text;
        ``doc``, when given, is the text already through spaCy)."""
        if doc is None:
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

    def resolve_many(self, items: Sequence[tuple[str, Sequence[tuple[int, int]]]]) \
            -> list[list[Place]]:
        """:meth:`resolve` for several ``(text, spans)``, in order, spaCy run over them
        together."""
        docs = self.finder.nlp.pipe((text for text, _ in items), batch_size=64)
        return [self.resolver.resolve(text, self.mentions_for_spans(text, spans, doc))
                for (text, spans), doc in zip(items, docs)]


def from_options(gazetteers: Sequence[str] = (), geocoder: str = "offline",
                 user_agent: str | None = None, model: str | None = None) -> Geoparser:
    """A geoparser from the CLI's options: the bundled gazetteer, the user gazetteers imported
    with ``geoincidents gazetteer add``, user gazetteer files, an online geocoder by name
    (``"offline"`` for none) and the spaCy pipeline ``model`` (checked to be installed here,
    loaded when first used)."""
    from geoincidents.gazetteer import Gazetteer, default_stores, ensure_index
    from geoincidents.mentions import MODEL, check_model

    model = model or MODEL
    check_model(model)

    # User files go into a gazetteer of their own, not into the shared default one.
    if gazetteers:
        user, villages = default_stores()
        gaz = Gazetteer(ensure_index(), store=user, villages=villages)
    else:
        gaz = Gazetteer.default()
    for path in gazetteers:
        gaz.load(path)
    online = None
    name = geocoder.strip().lower()
    if name != "offline":
        from geoincidents.geocoders import get_geocoder

        online = get_geocoder(name, user_agent=user_agent)
    return Geoparser(gaz, geocoder=online, geocoder_name=name, model=model)


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
