"""Transparent rules for what rules do well: attempts to override the assistant's instructions or to read them."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A named pattern with the plain-words reason shown when it matches."""

    name: str
    kind: str
    """"override" (break the rules) or "extraction" (read the system prompt)."""
    reason: str
    pattern: re.Pattern

    def find(self, text: str) -> str | None:
        """The words in `text` that the rule matched, if any."""
        match = self.pattern.search(text)
        return match.group().strip() if match else None


_RULES_WORDS = (
    r"(?:instructions?|rules?|directives?|guidelines?|guardrails?|restrictions?|system\s+prompt|prompt|"
    r"programming|constraints?|policy|policies|filters?|setup|configuration|safety\s+settings)"
)
_FORMER = (
    r"(?:all\s+|any\s+|the\s+|your\s+|my\s+|these\s+|those\s+|of\s+)*"
    r"(?:previous|prior|above|earlier|preceding|original|initial|old|existing|current|system)?\s*"
)
_REVEAL = (
    r"(?:repeat|print|show|reveal|output|dump|paste|echo|quote|cite|display|copy|spell\s+out|write\s+out|type\s+out|"
    r"recite|translate|summari[sz]e|list|give\s+me|tell\s+me|leak|expose|disclose)"
)
_YOUR_SETUP = (
    r"(?:your|the)\s+(?:\w+\s+){0,3}?(?:system\s+(?:prompt|message|instructions?|text)|(?:hidden|secret|initial|original|"
    r"first|internal|developer)\s+(?:prompt|message|instructions?|rules?|setup|text)|instructions?|rules|guidelines|prompt|"
    r"preamble|configuration|setup\s+(?:message|text)|directives)"
)

RULES: tuple[Rule, ...] = tuple(
    Rule(name, kind, reason, re.compile(pattern, re.IGNORECASE))
    for name, kind, reason, pattern in (
        (
            "ignore-instructions",
            "override",
            "The message asks the assistant to ignore, forget or override its instructions.",
            rf"\b(?:ignore|disregard|forget|override|bypass|skip|drop|abandon|pay\s+no\s+attention\s+to|set\s+aside|"
            rf"cancel|void|suspend|turn\s+off|disable|reset)\s+{_FORMER}{_RULES_WORDS}|"
            r"\b(?:ignore|disregard|forget)\s+(?:everything|all\s+(?:of\s+)?(?:that|this)|the\s+above|what\s+you\s+were\s+told)",
        ),
        (
            "rules-lifted",
            "override",
            "The message claims the assistant's rules no longer apply.",
            rf"\b{_RULES_WORDS}\s+(?:\w+\s+){{0,3}}(?:(?:are|is|have\s+been|has\s+been|were)\s+)?(?:now\s+)?"
            r"(?:lifted|disabled|removed|suspended|void|obsolete|cancelled|canceled|off|gone|wrong|"
            r"no\s+longer\s+appl(?:y|ies)|do(?:es)?\s*n[o']t\s+apply)\b",
        ),
        (
            "persona-dan",
            "override",
            "The message uses a known jailbreak persona (DAN, 'do anything now').",
            r"\b(?:you\s+are\s+(?:now\s+)?DAN\b|DAN\s*,|\bdo\s+anything\s+now\b|\bjailbr(?:ea|o)k)",
        ),
        (
            "developer-mode",
            "override",
            "The message asks for a 'developer', 'unrestricted' or 'no filter' mode that switches the rules off.",
            r"\b(?:developer|dev|god|admin|debug|unrestricted|unfiltered|jailbreak|sudo)\s+mode\b|"
            r"\bwithout\s+(?:any\s+)?(?:restrictions|filters|rules)\b|\bno\s+(?:filters?|restrictions|rules)\s+(?:mode|from\s+now)|"
            r"\bwith\s+no\s+(?:filters?|restrictions|rules)\b",
        ),
        (
            "new-instructions",
            "override",
            "The message tries to give the assistant new standing instructions that replace its own.",
            r"\b(?:your\s+new\s+(?:instructions|rules|task|role)|new\s+(?:instructions|rules)\s*(?::|#|from)|"
            r"system\s+override|from\s+now\s+on,?\s+you\s+(?:are|will|must|give)|you\s+(?:have\s+been|are\s+now)\s+"
            r"(?:updated|unlocked|freed|reprogrammed)|i\s+am\s+unlocking\s+you)",
        ),
        (
            "no-refusing",
            "override",
            "The message forbids the assistant to refuse, so that its rules cannot stop the answer.",
            r"\b(?:do\s+not|don'?t|never|you\s+(?:can(?:no|')t|must\s+not))\s+(?:refuse|decline|say\s+no)\b",
        ),
        (
            "fake-system-tag",
            "override",
            "The message imitates a system or admin message to slip in instructions.",
            r"(?:^|\s)(?:\[(?:system|admin|developer)\]|<\|?(?:system|im_start)\|?>|###\s*(?:system|new\s+instructions))|"
            r"\b(?:admin|system)\s+command\s*:",
        ),
        (
            "reveal-instructions",
            "extraction",
            "The message asks the assistant to reveal its system prompt or hidden instructions.",
            rf"\b{_REVEAL}\s+(?:me\s+|back\s+|out\s+)?(?:all\s+of\s+|exactly\s+)?{_YOUR_SETUP}",
        ),
        (
            "what-is-your-prompt",
            "extraction",
            "The message asks what the assistant's system prompt or instructions say.",
            r"\bwhat\s+(?:is|was|are|were|does|do)\s+(?:in\s+)?your\s+(?:\w+\s+)?(?:system\s+prompt|system\s+message|"
            r"(?:initial|original|hidden|first|secret)\s+(?:prompt|message|instructions))|"
            r"\bwhat\s+(?:were\s+you\s+told|instructions\s+(?:did|were)\s+you)|"
            r"\bwhat\s+(?:rules|instructions)\s+(?:govern|control|bind)\s+you",
        ),
        (
            "text-above",
            "extraction",
            "The message asks the assistant to repeat the text that came before the conversation.",
            rf"\b{_REVEAL}\s+(?:\w+\s+){{0,2}}(?:text|words|everything|message|content|lines?)\s+(?:above|before\s+this)|"
            r"\b(?:verbatim|word\s+for\s+word)\b.{0,40}\b(?:instructions|prompt|rules|message|above)\b|"
            r"\b(?:instructions|prompt|rules|message)\b.{0,40}\b(?:verbatim|word\s+for\s+word)\b",
        ),
    )
)
"""Each rule is a pattern a reader can check by eye; what needs judgement is left to the classifier."""


def match_rules(text: str) -> list[tuple[Rule, str]]:
    """The rules a (normalised) message breaks, each with the words that matched."""
    found = []
    for rule in RULES:
        words = rule.find(text)
        if words:
            found.append((rule, words))
    return found
