"""The query language explained at /help/query, in Swahili and English, with examples made from the
council's own watch terms and topics, each a link that runs it."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from settings.config import HabariConfig


@dataclass(frozen=True)
class Example:
    query: str
    meaning_sw: str
    meaning_en: str

    @property
    def href(self) -> str:
        return "/?" + urlencode({"q": self.query})


def examples(config: HabariConfig) -> list[Example]:
    """One example per construct, written with the council's names, places, officials and topics."""
    watch = config.watch
    name = (watch.names.sw or watch.names.en or (watch.council,))[0]
    places = [*watch.villages, *watch.wards] or [watch.place or watch.council]
    place, other_place = places[0], places[1 % len(places)]
    bare = watch.place or place
    near = next((name for name in places if len(name.split()) == 1), "maji")  # nearness is between two words
    official = watch.officials[0].name if watch.officials else name
    topic = config.topics[0].id if config.topics else "maji"
    namesake = watch.namesakes[0] if watch.namesakes else name
    first_word = bare.split()[0]
    stem = first_word[: max(3, len(first_word) - 2)]
    found = [
        Example(f"{bare} mradi", "maneno yote mawili", "both words"),
        Example(f'"{name}"', "maneno haya pamoja, kwa mpangilio huu", "these words together, in this order"),
        Example(f"{place} OR {other_place}", "neno lolote kati ya haya", "either word"),
        Example(f"{bare} AND maji", "yote mawili (sawa na nafasi)", "both (the same as a space)"),
        Example(f'{bare} -"{namesake}"', "bila maneno haya", "without these words"),
        Example(f"{bare} NOT {other_place}", "bila neno hili", "without this word"),
        Example(f"({place} OR {other_place}) AND maji", "mabano hupanga maswali", "brackets group"),
        Example(f"{stem}*", f"maneno yanayoanza na \u201c{stem}\u201d", f"words starting with \u201c{stem}\u201d"),
        Example(f'"mradi {near}"~5', "maneno mawili karibu: hadi 5 kati yao kwa mpangilio huu, hadi 3 kinyume chake",
                "two words near each other: up to 5 between in this order, up to 3 the other way round"),
        Example(f"title:{first_word}", "kwenye kichwa cha habari tu", "in the headline only"),
        Example(f'person:"{official}"', "habari zinazomtaja mtu huyu", "stories naming this person"),
        Example(f"place:{place}", "habari zinazotaja mahali hapa", "stories naming this place"),
        Example(f"topic:{topic} tone:hasi", "mada na mwelekeo (chanya, wastani, hasi)",
                "topic and tone (positive, neutral, negative)"),
        Example("about:ndiyo source:mwananchi-rss", "inahusu Halmashauri, kutoka chanzo hiki",
                "about the council, from this source"),
        Example("lang:en outlet:\"The Citizen\" author:\"Asha Mussa\"", "lugha, chombo cha habari, mwandishi",
                "language, outlet, author"),
        Example("org:TANROADS", "habari zinazotaja taasisi hii", "stories naming this organisation"),
    ]
    return found
