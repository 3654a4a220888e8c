"""Talking to model servers: the OpenAI-compatible client, its error translation, the embedded model."""
