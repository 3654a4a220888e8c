"""Input checks: the transparent rules and the advice classifier, each on the normalised message."""

from __future__ import annotations

from chat_core.checks import CheckInput, Verdict
from chat_core.guardrails.classifier import AdviceClassifier, conversation_text, load_classifier
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
                "input", self.name, False, "No rule matched" + _undone_note(seen) + ".", decoded=_decoded(seen)
            )
        rule, words = found[0]
        return Verdict(
            "input",
            self.name,
            True,
            f"Rule '{rule.name}': {rule.reason} Matched: “{words}”{_undone_note(seen)}.",
            decoded=_decoded(seen),
            redirect=redirect_for(seen.text, extraction=rule.kind == "extraction"),
        )


class ClassifierCheck:
    """Blocks requests for financial advice, scored by the classifier on the message and on the recent turns."""

    name = "classifier"

    def __init__(self, classifier: AdviceClassifier | None = None):
        self._classifier = classifier

    @property
    def classifier(self) -> AdviceClassifier:
        """The trained classifier (built or read from the cache on first use)."""
        if self._classifier is None:
            self._classifier = load_classifier()
        return self._classifier

    def __call__(self, turn: CheckInput) -> Verdict:
        classifier = self.classifier
        seen = normalise(turn.user_text)
        earlier = recent_user_turns(turn)
        texts = [seen.text] + ([conversation_text(earlier, turn.user_text)] if earlier else [])
        scored = classifier.score(texts)
        best = max(range(len(scored)), key=lambda i: scored[i].score)
        score, threshold = scored[best].score, classifier.threshold
        blocked = score >= threshold
        where = "this message together with the previous user turns" if best else "this message"
        reason = (
            f"The advice classifier scored {where} {score:.2f}, "
            f"{'at or above' if blocked else 'below'} its threshold of {threshold:.2f}"
            + (": it reads like a request for personal investment advice" if blocked else "")
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
            neighbours=scored[best].neighbours,
            redirect=redirect_for(texts[best]) if blocked else None,
        )
