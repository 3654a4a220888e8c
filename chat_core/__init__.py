"""Everything the pages need to talk to a chat model, with no Streamlit in it."""
