"""Topic tagging: the council's departments (config/topics.yaml) found by bilingual keywords and phrases.

A topic needs enough evidence (Topic.min_evidence), so one passing word does not tag a story.
"""
from __future__ import annotations

from collections import Counter

from settings.config import Topic
from pipeline.lexicons import PhraseMatcher, tokens

TITLE_WEIGHT = 2
MAX_COUNT_PER_KEYWORD = 2
# A topic scoring under this share of the best topic's score is a side remark in a story about something else.
RELATIVE_FLOOR = 0.25


class TopicTagger:
    def __init__(self, topics: tuple[Topic, ...]) -> None:
        self._topics = topics
        self._matcher: PhraseMatcher[tuple[int, str]] = PhraseMatcher(
            (keyword, (index, keyword.lower()))
            for index, topic in enumerate(topics)
            for keyword in (*topic.keywords_en, *topic.keywords_sw)
        )

    def tag(self, title: str, text: str) -> tuple[str, ...]:
        """Topic ids, most relevant first."""
        in_title = {value for match in self._matcher.find(tokens(title)) for value in match.values}
        in_text = Counter(value for match in self._matcher.find(tokens(text)) for value in match.values)
        scores: Counter[int] = Counter()
        for index, _ in in_title:
            scores[index] += TITLE_WEIGHT
        for (index, _), count in in_text.items():
            scores[index] += min(count, MAX_COUNT_PER_KEYWORD)
        if not scores:
            return ()
        floor = max(scores.values()) * RELATIVE_FLOOR
        tagged = [
            index for index, score in scores.items() if score >= max(self._topics[index].min_evidence, floor)
        ]
        tagged.sort(key=lambda index: (-scores[index], index))
        return tuple(self._topics[index].id for index in tagged)
