"""The challenge: eight levels of rising guardrails over `chat_core.guardrails`, a guess box, the after-level card and
the replay command line. Pure: no streamlit, no database (the store keeps progress, attempts and guesses)."""
