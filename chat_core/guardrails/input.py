"""Input checks: the transparent rules and the advice classifier, each on the normalised message."""

from __future__ import annotations

from chat_core.checks import CheckInput, Verdict
from chat_core.guardrails.classifier import AdviceClassifier, Reading, load_classifier, read_message
from chat_core.guardrails.language import language_of
from chat_core.guardrails.normalise import Normalised, normalise
from chat_core.guardrails.redirects import redirect_for
from chat_core.guardrails.rules import match_rules


def _decoded(seen: Normalised) -> str | None:
    return seen.text if seen.changed else None


def _undone_note(seen: Normalised) -> str:
    return f" (after undoing: {'; '.join(seen.undone)})" if seen.changed else ""


def recent_user_turns(turn: CheckInput) -> list[str]:
    """The user's earlier messages, oldest first."""
    return [m["content"] for m in turn.history if m.get("role") == "user"]


class RuleCheck:
    """Blocks instruction overrides and system-prompt extraction by named, readable rules."""

    name = "rules"

    def __call__(self, turn: CheckInput) -> Verdict:
        seen = normalise(turn.user_text)
        found = match_rules(seen.text)
        if not found:
            return Verdict(
                "input",
                self.name,
                False,
                "No attempt to change or read the assistant's rules" + _undone_note(seen) + ".",
                decoded=_decoded(seen),
            )
        rule, words = found[0]
        return Verdict(
            "input",
            self.name,
            True,
            f"{rule.reason} The words that gave it away: “{words}”{_undone_note(seen)}.",
            decoded=_decoded(seen),
            redirect=redirect_for(seen.text, extraction=rule.kind == "extraction", language=language_of(seen.text)),
        )


class ClassifierCheck:
    """Blocks requests for financial advice, scored by the classifier on the message and on the recent turns."""

    name = "classifier"
    told = "advice classifier"
    """How the reason names the classifier."""
    reads_like = "a request for personal investment advice"
    """What a message the classifier stops reads like, in the reason."""

    def __init__(self, classifier: AdviceClassifier | None = None):
        self._classifier = classifier

    @property
    def classifier(self) -> AdviceClassifier:
        """The trained classifier (built or read from the cache on first use)."""
        if self._classifier is None:
            self._classifier = self.load()
        return self._classifier

    def load(self) -> AdviceClassifier:
        """The classifier this check uses when none was given."""
        return load_classifier()

    def redirect(self, reading: Reading, seen: Normalised) -> str:
        """What the reader is told instead of an answer when the check stops the message."""
        return redirect_for(reading.text, language=language_of(seen.text))

    def __call__(self, turn: CheckInput) -> Verdict:
        seen = normalise(turn.user_text)
        reading = read_message(self.classifier, recent_user_turns(turn), turn.user_text)
        score, threshold = reading.scored.score, self.classifier.threshold
        blocked = score >= threshold
        where = "this message together with the ones before it" if reading.with_earlier else "this message"
        reason = (
            f"The {self.told} read {where} and gave it {score:.2f}, "
            f"{'at or above' if blocked else 'below'} the {threshold:.2f} where it stops a message"
            + (f": it reads like {self.reads_like}" if blocked else "")
            + _undone_note(seen)
            + "."
        )
        return Verdict(
            "input",
            self.name,
            blocked,
            reason,
            score=round(score, 4),
            threshold=threshold,
            decoded=_decoded(seen),
            neighbours=reading.scored.neighbours,
            redirect=self.redirect(reading, seen) if blocked else None,
        )
