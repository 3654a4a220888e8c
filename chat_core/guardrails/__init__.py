"""Guardrails: input checks (normalise, rules, classifier), output checks, judges, layers, and the scorecard."""
