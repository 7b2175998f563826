"""The council's configuration files (config/*.yaml) as validated, frozen pydantic models.

A bad file raises ConfigError naming the file, the key path and line, and what is wrong.
"""
from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote_plus

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_HTTP_URL = TypeAdapter(HttpUrl)
SEARCH_TERM = "{term}"
NonEmptyStr = Annotated[str, Field(min_length=1)]


class ConfigError(Exception):
    """A configuration file is missing or invalid; str() is the one message to show the user."""

    def __init__(self, path: Path, message: str, location: str = "", line: int | None = None):
        self.path, self.location, self.line = path, location, line
        where = str(path) + (f", line {line}" if line else "") + (f", at {location}" if location else "")
        super().__init__(f"{where}: {message}")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceKind(str, Enum):
    rss = "rss"
    sitemap = "sitemap"
    section = "section"
    search = "search"
    page = "page"  # one page, fetched as an article (also what `habari add-url` submits)


class OutletType(str, Enum):
    newspaper = "newspaper"
    online = "online"
    tv = "tv"
    radio = "radio"
    blog = "blog"
    government = "government"


class Language(str, Enum):
    sw = "sw"
    en = "en"
    mixed = "mixed"


class Source(_Frozen):
    """One place news is collected from."""

    id: str
    outlet: str = Field(min_length=1)
    outlet_type: OutletType
    kind: SourceKind
    url: str
    language: Language
    interval_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    reach: int | None = Field(default=None, ge=0)
    enabled: bool = True
    # section pages only: how deep to follow links, which URLs to follow (regular expressions)
    max_depth: int = Field(default=2, ge=0, le=5)
    max_pages: int = Field(default=300, ge=1, le=10_000)
    allow: tuple[NonEmptyStr, ...] = ()
    deny: tuple[NonEmptyStr, ...] = ()

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("must be lower-case letters, digits, '-' or '_' (e.g. 'mwananchi-rss')")
        return value

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, value: str) -> str:
        url = _HTTP_URL.validate_python(value.replace(SEARCH_TERM, "term"))
        if url.scheme not in ("http", "https"):
            raise ValueError(f"'{value}' is not an http or https address")
        return value

    @field_validator("allow", "deny")
    @classmethod
    def _patterns_compile(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"'{pattern}' is not a valid regular expression: {error}") from None
        return patterns

    @model_validator(mode="after")
    def _url_fits_kind(self) -> Source:
        has_term = SEARCH_TERM in self.url
        if self.kind is SourceKind.search and not has_term:
            raise ValueError(f"url: a search source's url must contain {SEARCH_TERM} where the watch term goes")
        if has_term and self.kind is not SourceKind.search:
            raise ValueError(f"url: only a search source's url may contain {SEARCH_TERM}")
        return self

    def search_url(self, term: str) -> str:
        """The search source's url with `term` filled in, URL-encoded."""
        return self.url.replace(SEARCH_TERM, quote_plus(term))


class SourcesFile(_Frozen):
    sources: tuple[Source, ...]

    @model_validator(mode="after")
    def _ids_unique(self) -> SourcesFile:
        seen: set[str] = set()
        for source in self.sources:
            if source.id in seen:
                raise ValueError(f"source id '{source.id}' is used twice")
            seen.add(source.id)
        return self


class Names(_Frozen):
    sw: tuple[NonEmptyStr, ...] = ()
    en: tuple[NonEmptyStr, ...] = ()


class Official(_Frozen):
    title: NonEmptyStr
    name: NonEmptyStr
    other_titles: tuple[NonEmptyStr, ...] = ()  # what else the official is called: English title, abbreviation


class WatchFile(_Frozen):
    """The council and what identifies it; pipeline/mentions.py matches these in articles."""

    council: NonEmptyStr
    place: NonEmptyStr | None = None  # the bare place name: weak evidence, since the town shares it
    names: Names
    aliases: tuple[NonEmptyStr, ...] = ()
    officials: tuple[Official, ...] = ()
    honorifics: tuple[NonEmptyStr, ...] = ()  # before an official's surname: Bw., Mr, Dkt. ...
    wards: tuple[NonEmptyStr, ...] = ()
    villages: tuple[NonEmptyStr, ...] = ()
    projects: tuple[NonEmptyStr, ...] = ()
    namesakes: tuple[NonEmptyStr, ...] = ()
    # Wards and villages named like an everyday word that the shipped word list does not know: each counts
    # only where the text uses it as a place (pipeline/place_names.py).
    everyday_words: tuple[NonEmptyStr, ...] = ()

    @property
    def search_terms(self) -> tuple[str, ...]:
        """What `search` sources are queried for: the council's names and aliases."""
        return (*self.names.sw, *self.names.en, *self.aliases)

    def listed_terms(self) -> tuple[tuple[str, str], ...]:
        """(key path, term) for every term the mention rules match, namesakes included."""
        lists = {
            "names.sw": self.names.sw, "names.en": self.names.en, "aliases": self.aliases,
            "wards": self.wards, "villages": self.villages, "projects": self.projects, "namesakes": self.namesakes,
        }
        place = [("place", self.place)] if self.place else []
        listed = [(f"{key}[{index}]", term) for key, terms in lists.items() for index, term in enumerate(terms)]
        officials = [(f"officials[{index}].name", official.name) for index, official in enumerate(self.officials)]
        return tuple(place + listed + officials)

    @model_validator(mode="after")
    def _has_a_name(self) -> WatchFile:
        if not (self.names.sw or self.names.en):
            raise ValueError("names: give the council's name in Swahili (sw) or English (en)")
        return self

    @model_validator(mode="after")
    def _each_term_listed_once(self) -> WatchFile:
        first_key: dict[str, str] = {}
        for key, term in self.listed_terms():
            folded = " ".join(term.casefold().split())
            if folded in first_key:
                raise ValueError(f"{key}: '{term}' is already listed at {first_key[folded]}; list each term once")
            first_key[folded] = key
        return self

    @model_validator(mode="after")
    def _everyday_words_are_places(self) -> WatchFile:
        places = {" ".join(place.casefold().split()) for place in (*self.wards, *self.villages)}
        for index, word in enumerate(self.everyday_words):
            if " ".join(word.casefold().split()) not in places:
                raise ValueError(f"everyday_words[{index}]: '{word}' is not one of the wards or villages")
        return self

    @model_validator(mode="after")
    def _terms_have_words(self) -> WatchFile:
        titles = [(f"officials[{index}].title", official.title) for index, official in enumerate(self.officials)]
        titles += [
            (f"officials[{index}].other_titles[{number}]", title)
            for index, official in enumerate(self.officials)
            for number, title in enumerate(official.other_titles)
        ]
        titles += [(f"honorifics[{index}]", honorific) for index, honorific in enumerate(self.honorifics)]
        for key, term in (*self.listed_terms(), *titles):
            if not any(char.isalnum() for char in term):
                raise ValueError(f"{key}: '{term}' has no letters or digits to match")
        return self


class Topic(_Frozen):
    """A council department and the words or phrases that show an article is about it (pipeline/topics.py).

    Keywords match whole words, case-blind, also with the endings -ni, -s and -es; a trailing '*' matches any
    ending ('chanj*'). Where keywords overlap, the longest phrase found wins. A topic is tagged when its evidence
    reaches min_evidence: each keyword in the title counts 2, each in the text 1 (at most twice per keyword).
    """

    id: str
    label_en: NonEmptyStr
    label_sw: NonEmptyStr
    keywords_en: tuple[NonEmptyStr, ...] = ()
    keywords_sw: tuple[NonEmptyStr, ...] = ()
    min_evidence: int = Field(default=2, ge=1, le=20)

    @field_validator("id")
    @classmethod
    def _topic_id_is_slug(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("must be lower-case letters, digits, '-' or '_' (e.g. 'health')")
        return value

    @field_validator("keywords_en", "keywords_sw")
    @classmethod
    def _keywords_are_words(cls, keywords: tuple[str, ...]) -> tuple[str, ...]:
        for keyword in keywords:
            if not any(character.isalpha() for character in keyword):
                raise ValueError(f"keyword '{keyword}' has no letters")
            if "*" in keyword.rstrip("*") or keyword.endswith("**"):
                raise ValueError(f"keyword '{keyword}': '*' may only end a keyword, once")
            if keyword.endswith("*") and len(keyword.split()[-1]) < 4:
                raise ValueError(f"keyword '{keyword}': put at least 3 letters before '*'")
        folded = [" ".join(keyword.lower().split()) for keyword in keywords]
        repeated = sorted({keyword for keyword in folded if folded.count(keyword) > 1})
        if repeated:
            raise ValueError(f"keyword '{repeated[0]}' is listed twice")
        return keywords

    @model_validator(mode="after")
    def _has_keywords(self) -> Topic:
        if not (self.keywords_en or self.keywords_sw):
            raise ValueError(f"topic '{self.id}' has no keywords: give keywords_en or keywords_sw")
        return self


class TopicsFile(_Frozen):
    topics: tuple[Topic, ...]

    @model_validator(mode="after")
    def _topic_ids_unique(self) -> TopicsFile:
        ids = [topic.id for topic in self.topics]
        repeated = sorted({topic_id for topic_id in ids if ids.count(topic_id) > 1})
        if repeated:
            raise ValueError(f"topic id '{repeated[0]}' is used twice")
        return self


class ScheduleFile(_Frozen):
    timezone: NonEmptyStr = "Africa/Dar_es_Salaam"
    default_interval_minutes: int = Field(default=60, ge=1)
    digest_time: str = Field(default="07:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class HabariConfig(_Frozen):
    sources: tuple[Source, ...]
    watch: WatchFile
    topics: tuple[Topic, ...]
    schedule: ScheduleFile

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        known = ", ".join(s.id for s in self.sources)
        raise KeyError(f"no source with id '{source_id}' (known: {known})")


def load_config(config_dir: Path) -> HabariConfig:
    """Read and validate every file in config_dir; raise ConfigError on the first bad one."""
    sources = _load(config_dir / "sources.yaml", SourcesFile)
    return HabariConfig(
        sources=sources.sources,
        watch=_load(config_dir / "watch.yaml", WatchFile),
        topics=_load(config_dir / "topics.yaml", TopicsFile).topics,
        schedule=_load(config_dir / "schedule.yaml", ScheduleFile),
    )


def _load(path: Path, model: type[BaseModel]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, f"cannot be read: {error}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise ConfigError(path, f"not valid YAML: {error.problem}", line=line) from None
    if not isinstance(data, dict):
        raise ConfigError(path, "expected a mapping of keys at the top of the file", line=1)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        # A misspelt key also leaves a required one missing: name the misspelling first.
        first = min(error.errors(), key=lambda problem: problem["type"] != "extra_forbidden")
        loc = tuple(first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = f"unknown key '{loc[-1]}'"
        raise ConfigError(path, message, location=_dotted(loc), line=_line_of(root, loc)) from None


def first_problem(error: ValidationError, whole: str) -> str:
    """A validation error's first problem as one line: where (`whole` when it is the value itself) and what."""
    first = error.errors()[0]
    return f"{_dotted(first['loc']) or whole}: {first['msg'].removeprefix('Value error, ')}"


def _dotted(loc: tuple) -> str:
    parts = []
    for part in loc:
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "".join(parts).lstrip(".")


def _line_of(node: yaml.Node | None, loc: tuple) -> int | None:
    """1-based line of the deepest YAML node reachable along the validation error's path."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
            if child is None:
                child = next((k for k, _ in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line
