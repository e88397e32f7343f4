"""The FAQ search: a question in, the closest curated FAQ answer out, with similar questions.

Shaped like a doctor's Q&A page: the reply, "more information", and similar questions. The FAQ
(``kb/data/faq.yaml``) is searched by meaning: TF-IDF cosine similarity over words and word pairs
plus character n-grams (robust to typos and word forms), with scikit-learn. Below a threshold the
page says honestly that no curated answer fits. A question that names a feared disease ("is it
ALS?") gets the entry about that disease (``feared`` in the FAQ), whatever else it mentions. The
reply and the more information carry numbered source markers (``kb/citations.py``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from twitchcheck.errors import TwitchcheckError
from twitchcheck.kb.citations import Citations
from twitchcheck.kb.faq import FaqEntry, default_faq, fear_answers
from twitchcheck.service import default_engine

SIMILAR = 5
# Scores below these mean no curated answer fits (set by hand on paraphrases of FAQ questions and
# on unrelated questions: true matches scored above, unrelated ones below).
TFIDF_THRESHOLD = 0.12
NO_MATCH = (
    "twitchcheck has no curated answer that fits this question closely. The questions below are the "
    "nearest it has. If you are describing your own twitching, the assessment can help more."
)
MAX_QUESTION = 1_000
REPLY_REFS = 3  # the short reply cites an entry's first sources; the more information cites them all

Matrix = NDArray[np.float64]


class Index(Protocol):
    """Scores a query against every FAQ entry (cosine similarity, higher is closer)."""

    method: str
    threshold: float

    def scores(self, query: str) -> Matrix:
        """One score per entry."""
        ...


def _document(entry: FaqEntry) -> str:
    """The text an entry is found by: its question (twice, it matters most), paraphrases and reply."""
    return " ".join([entry.question, entry.question, *entry.also_asked, entry.answer])


class TfidfIndex:
    """Word (1-2 gram) and character (3-5 gram) TF-IDF, cosine similarity averaged."""

    method = "tfidf"
    threshold = TFIDF_THRESHOLD

    def __init__(self, entries: tuple[FaqEntry, ...]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs = [_document(e) for e in entries]
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english")
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self.word_docs = self.words.fit_transform(docs)
        self.char_docs = self.chars.fit_transform(docs)

    def scores(self, query: str) -> Matrix:
        """Mean of the word and character cosine similarities (TF-IDF rows are unit length)."""
        w = (self.word_docs @ self.words.transform([query]).T).toarray().ravel()
        c = (self.char_docs @ self.chars.transform([query]).T).toarray().ravel()
        return np.asarray(0.5 * (w + c), dtype=np.float64)


@dataclass(frozen=True)
class Searcher:
    """The FAQ entries and the index over them."""

    entries: tuple[FaqEntry, ...]
    index: Index


_lock = threading.Lock()
_searcher: Searcher | None = None


def searcher() -> Searcher:
    """The FAQ search, built once per process."""
    global _searcher  # noqa: PLW0603 - a lazily built, process-wide index
    with _lock:
        if _searcher is None:
            entries = default_faq()
            _searcher = Searcher(entries, TfidfIndex(entries))
        return _searcher


def _entry_view(entry: FaqEntry) -> dict[str, Any]:
    kb = default_engine().kb
    cites = Citations(kb)
    answer_refs = cites.cite(entry.sources, REPLY_REFS)
    return {
        "id": entry.id,
        "question": entry.question,
        "answer": entry.answer,
        "answer_refs": answer_refs,
        "more_information": entry.more_information,
        "more_information_refs": cites.cite(entry.sources),
        "conditions": [{"id": c, "name": kb.conditions[c].lay_name} for c in entry.conditions],
        "sources": cites.sources(),
    }


def _brief(entry: FaqEntry, score: float | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": entry.id, "question": entry.question, "answer": entry.answer}
    if score is not None:
        out["score"] = round(score, 3)
    return out


def ask(question: str) -> dict[str, Any]:
    """The reply to a question: the closest FAQ answer (if close enough) and similar questions."""
    text = " ".join(question.split())
    if not text:
        raise TwitchcheckError(
            "invalid", "invalid_question", "the question is empty", [{"field": "question", "problem": "empty"}]
        )
    if len(text) > MAX_QUESTION:
        problem = f"the question is longer than {MAX_QUESTION} characters"
        raise TwitchcheckError("invalid", "invalid_question", problem, [{"field": "question", "problem": problem}])
    s = searcher()
    scores = s.index.scores(text)
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    feared = fear_answers(text, s.entries)
    order = feared + [i for i in order if i not in feared]
    best = order[0]
    matched = bool(feared) or bool(scores[best] >= s.index.threshold)
    similar_ids = order[1 : SIMILAR + 1] if matched else order[:SIMILAR]
    out: dict[str, Any] = {
        "question": text,
        "matched": matched,
        "method": s.index.method,
        "similar": [_brief(s.entries[i], float(scores[i])) for i in similar_ids],
    }
    if matched:
        entry = _entry_view(s.entries[best])
        out |= {
            "reply": entry["answer"],
            "more_information": entry["more_information"],
            "match": _brief(s.entries[best], float(scores[best])),
            "feared": bool(feared),
            "reply_refs": entry["answer_refs"],
            "more_information_refs": entry["more_information_refs"],
            "conditions": entry["conditions"],
            "sources": entry["sources"],
        }
    else:
        out |= {
            "reply": NO_MATCH,
            "more_information": None,
            "match": None,
            "feared": False,
            "reply_refs": [],
            "more_information_refs": [],
            "conditions": [],
            "sources": [],
        }
    return out


def faq_entry(entry_id: str) -> dict[str, Any]:
    """One FAQ entry in full, with the questions most similar to it."""
    s = searcher()
    position = next((i for i, e in enumerate(s.entries) if e.id == entry_id), None)
    if position is None:
        raise TwitchcheckError("not_found", "unknown_question", f"there is no FAQ entry {entry_id!r}")
    entry = s.entries[position]
    scores = s.index.scores(entry.question)
    order = [int(i) for i in np.argsort(-scores, kind="stable") if int(i) != position][:SIMILAR]
    return {**_entry_view(entry), "similar": [_brief(s.entries[i], float(scores[i])) for i in order]}


def faq_list() -> list[dict[str, Any]]:
    """Every FAQ question with its short answer."""
    return [_brief(e) for e in searcher().entries]
