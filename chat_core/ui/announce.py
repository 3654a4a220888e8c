"""A finished reply announced to screen readers once, through one polite live region the page keeps."""

from __future__ import annotations

import html

import streamlit as st

REGION = "chat-lab-announcer"
_SAY = """<span hidden data-announcement="{key}" data-say="{text}"></span><script>
(() => {{
  const said = document.currentScript.previousElementSibling.dataset.say;
  let region = document.getElementById("{region}");
  if (!region) {{
    region = document.createElement("div");
    region.id = "{region}";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.setAttribute("aria-atomic", "true");
    Object.assign(region.style, {{position: "absolute", width: "1px", height: "1px", margin: "-1px", padding: "0",
      border: "0", overflow: "hidden", clipPath: "inset(50%)", whiteSpace: "nowrap"}});
    document.body.appendChild(region);
  }}
  region.textContent = "";
  setTimeout(() => {{ region.textContent = said; }}, 100);
}})();
</script>"""


def announce(text: str, key: str) -> None:
    """Have screen readers say `text` politely, once for each `key` (a reply's id).

    Streamlit offers no live region of its own, and a region drawn by `st.html` is replaced whole (innerHTML)
    whenever its text changes: a region inserted with its text already in it is not reliably read. So a short
    script keeps one region in the document's body, outside Streamlit's tree, and changes its text. Call it only in the
    run that finished the reply: `st.html` runs the script when its HTML appears or changes, and the next rerun, not
    drawing it, removes it; the key makes two replies with the same words two announcements. The text goes in escaped,
    in an attribute (not as text in the page, where a search for the reply's words would find it twice), never as
    script."""
    st.html(_SAY.format(key=html.escape(key), text=html.escape(text), region=REGION), unsafe_allow_javascript=True)
