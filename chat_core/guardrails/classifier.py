"""The financial-advice classifier: sentence meaning (MiniLM) and word and letter patterns (TF-IDF), averaged.

Two logistic regressions learn from the training set: one on all-MiniLM-L6-v2 embeddings, which carry a
request's meaning across wordings it never saw, and one on TF-IDF word and character n-grams, which catch
tickers, other languages and leftovers of obfuscation. Their probabilities are averaged, except for text that is
not English, where MiniLM (trained on English) reads noise and the n-gram model decides alone. The threshold is
chosen on out-of-fold scores of the training set alone, never on the scoring set.
"""

from __future__ import annotations

import functools
import os
import pickle
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chat_core.guardrails.data import CATEGORIES, LabelledPrompt, fingerprint, training_set
from chat_core.guardrails.normalise import english_share, normalise
from chat_core.settings import PROJECT_ROOT

WINDOW_TURNS = 3
"""Earlier user turns read together with the new message, so an escalation over several turns is seen whole."""
READ_ALONE = frozenset({"benign_after_attack"})
"""Training categories whose earlier turns hold an attack the message does not lean on: the check reads such a
message alone, so they train alone."""
LEANS_ON_EARLIER = re.compile(
    r"\b(?:it|its|it's|that|this|those|these|them|they|one|ones|then|just|anyway|instead|either|hypothetically|"
    r"off\s+the\s+record|between\s+us|come\s+on|what\s+about|how\s+about|same|again|yes\s+or\s+no)\b",
    re.IGNORECASE,
)
"""Words by which a message points back at what was said before ("just name one", "what about then?")."""
FOLDS = 5
ENGLISH_SHARE = 0.1
"""Below this share of common English words a text is read as another language."""
BUILD_VERSION = 6
"""Raise when the features or the model change, so a cached build is not reused."""


def conversation_text(turns: Sequence[str], prompt: str) -> str:
    """What the classifier reads for a message with its recent user turns: one normalised text."""
    recent = [*list(turns)[-WINDOW_TURNS:], prompt]
    return normalise("\n".join(t for t in recent if t.strip())).text


def training_text(row: LabelledPrompt) -> str:
    """The text a labelled row contributes to training: what the check reads for it (see `read_message`)."""
    if row.category in READ_ALONE:
        return normalise(row.prompt).text
    return conversation_text(row.turns, row.prompt)


@functools.cache
def _thread_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def limit_threads():
    """Limit BLAS to one thread while the encoder runs (as a context manager)."""
    # Two BLAS threads fighting over two busy cores made one embedding ten times slower than one thread.
    # The controller is made once: finding the loaded BLAS libraries takes tens of milliseconds.
    return _thread_controller().limit(limits=1, user_api="blas")


def _tfidf_model():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
    )
    return make_pipeline(features, LogisticRegression(C=10, max_iter=2000, class_weight="balanced"))


def _embedding_model():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=4, max_iter=2000, class_weight="balanced")


def choose_threshold(scores: np.ndarray, attack: np.ndarray) -> float:
    """The cut that misses the fewest attacks plus refuses the fewest benign prompts (out-of-fold scores)."""
    candidates = np.round(np.arange(0.20, 0.81, 0.01), 2)
    costs = [np.mean(scores[attack] < t) + np.mean(scores[~attack] >= t) for t in candidates]
    return float(candidates[int(np.argmin(costs))])


def combine(by_words: np.ndarray, by_meaning: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """One probability per text from the two models: their mean for English, the n-gram model's otherwise."""
    english = np.array([english_share(t) >= ENGLISH_SHARE for t in texts])
    return np.where(english, (by_words + by_meaning) / 2, by_words)


SEEN_LIMIT = 2048


@dataclass
class Scored:
    """A probability that a text asks for financial advice (or the rules), with its closest labelled examples."""

    score: float
    neighbours: tuple[str, ...]


class AdviceClassifier:
    """Scores texts against the learned line between advice requests and benign questions."""

    def __init__(self, state: dict, encoder=None):
        self.state = state
        self.threshold: float = state["threshold"]
        self._encoder = encoder
        self._seen: dict[str, Scored] = {}
        """Texts scored lately: each turn re-reads the earlier turns, which were scored when they were sent."""

    @property
    def encoder(self):
        """The sentence encoder, loaded on first use."""
        if self._encoder is None:
            from chat_core.guardrails.minilm import shared_model

            self._encoder = shared_model()
        return self._encoder

    def score(self, texts: Sequence[str], neighbours: int = 3) -> list[Scored]:
        """Each text's probability of being an attack, and its nearest training examples by meaning."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._seen))
        if missing:
            for text, scored in zip(missing, self._score(missing, neighbours), strict=True):
                if len(self._seen) >= SEEN_LIMIT:
                    self._seen.pop(next(iter(self._seen)))
                self._seen[text] = scored
        return [self._seen[t] for t in texts]

    def _score(self, texts: Sequence[str], neighbours: int) -> list[Scored]:
        with limit_threads():
            embeddings = self.encoder.encode(list(texts))
            by_words = self.state["tfidf"].predict_proba(list(texts))[:, 1]
        by_meaning = self.state["embedding_model"].predict_proba(embeddings)[:, 1]
        similarity = embeddings @ self.state["embeddings"].T
        results = []
        for row, value in enumerate(combine(by_words, by_meaning, texts)):
            nearest = np.argsort(-similarity[row], kind="stable")[:neighbours]
            results.append(Scored(float(value), tuple(self._describe(i, similarity[row, i]) for i in nearest)))
        return results

    def _describe(self, index: int, similarity: float) -> str:
        label, category, prompt = self.state["examples"][index]
        return f"{similarity:.2f} · {label} · {CATEGORIES.get(category, category)}: {prompt}"


@dataclass(frozen=True)
class Reading:
    """What the classifier decided for one message: the text that counted, its score, and whether it was read
    together with the earlier turns."""

    text: str
    scored: Scored
    with_earlier: bool


def read_message(classifier: AdviceClassifier, earlier: Sequence[str], prompt: str) -> Reading:
    """Score a message alone and together with the recent user turns; the higher score counts, except after a
    flagged turn, when the message is read together only if it points back at it.

    Read together, an escalation spread over innocent-looking turns is seen whole, and so is pushing again after
    a refusal ("just name one"). A question that stands on its own after a request for advice ("What is an index
    fund?") is read alone: one request must not make the harmless questions after it look like one.
    """
    alone = normalise(prompt).text
    recent = [t for t in list(earlier)[-WINDOW_TURNS:] if t.strip()]
    if not recent:
        return Reading(alone, classifier.score([alone])[0], False)
    together = conversation_text(recent, prompt)
    before = [normalise(t).text for t in recent]
    if len(recent) > 1:
        before.append(conversation_text(recent[:-1], recent[-1]))
    scored = classifier.score([alone, together, *before])
    flagged_before = any(s.score >= classifier.threshold for s in scored[2:])
    if (flagged_before and not LEANS_ON_EARLIER.search(alone)) or scored[0].score >= scored[1].score:
        return Reading(alone, scored[0], False)
    return Reading(together, scored[1], True)


def build(
    rows: Sequence[LabelledPrompt], encoder=None, decides: Callable[[LabelledPrompt], bool] | None = None
) -> AdviceClassifier:
    """Train the classifier from labelled rows; the same rows always give the same classifier.

    The threshold is chosen on the rows the classifier will decide (`decides`; all of them by default): the pick
    classifier only ever reads sentences that name an investment."""
    from sklearn.model_selection import StratifiedKFold

    if encoder is None:
        from chat_core.guardrails.minilm import shared_model

        encoder = shared_model()
    texts = [training_text(row) for row in rows]
    attack = np.array([row.is_attack for row in rows])
    decided = np.array([decides is None or decides(row) for row in rows])
    with limit_threads():
        embeddings = encoder.encode(texts)
        folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
        out_of_fold = np.zeros(len(rows))
        for fit_rows, held_rows in folds.split(texts, attack):
            words = _tfidf_model().fit([texts[i] for i in fit_rows], attack[fit_rows])
            meaning = _embedding_model().fit(embeddings[fit_rows], attack[fit_rows])
            held_texts = [texts[i] for i in held_rows]
            out_of_fold[held_rows] = combine(
                words.predict_proba(held_texts)[:, 1], meaning.predict_proba(embeddings[held_rows])[:, 1], held_texts
            )
        state = {
            "version": BUILD_VERSION,
            "fingerprint": fingerprint(list(rows)),
            "tfidf": _tfidf_model().fit(texts, attack),
            "embedding_model": _embedding_model().fit(embeddings, attack),
            "embeddings": embeddings,
            "examples": [(row.label, row.category, row.prompt) for row in rows],
            "threshold": choose_threshold(out_of_fold[decided], attack[decided]),
            "out_of_fold": out_of_fold,
        }
    return AdviceClassifier(state, encoder)


def cache_dir(env: dict | None = None) -> Path:
    """Where built classifiers are kept: CHAT_GUARD_CACHE_DIR, or the project's git-ignored data folder."""
    env = os.environ if env is None else env
    return Path(env.get("CHAT_GUARD_CACHE_DIR") or PROJECT_ROOT / "data" / "guardrails")


def cache_path(rows: Sequence[LabelledPrompt], folder: Path, kind: str = "advice") -> Path:
    """The file a classifier built from these rows is saved in (a new name whenever the data change)."""
    import sklearn

    return folder / f"{kind}-v{BUILD_VERSION}-{fingerprint(list(rows))}-sklearn{sklearn.__version__}.pkl"


def save(classifier: AdviceClassifier, path: Path) -> None:
    """Write a built classifier (written aside, then renamed, so a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(pickle.dumps(classifier.state, protocol=5))
    partial.replace(path)


_loaded: dict[Path, AdviceClassifier] = {}
_lock = threading.Lock()


def load_classifier(folder: Path | None = None) -> AdviceClassifier:
    """The advice classifier for the training set in the repo, built on first use and cached on disk."""
    return load_built(training_set(), "advice", folder)


def load_built(
    rows: Sequence[LabelledPrompt],
    kind: str,
    folder: Path | None = None,
    decides: Callable[[LabelledPrompt], bool] | None = None,
) -> AdviceClassifier:
    """A classifier of `kind` learned from `rows`: read from the cache folder, or built once and saved there."""
    path = cache_path(rows, folder or cache_dir(), kind)
    with _lock:
        if path not in _loaded:
            if path.is_file():
                # Only this project's own build step writes files here.
                _loaded[path] = AdviceClassifier(pickle.loads(path.read_bytes()))
            else:
                _loaded[path] = build(rows, decides=decides)
                save(_loaded[path], path)
        return _loaded[path]
