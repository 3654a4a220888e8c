"""The tutor lab's example sets: pick one, edit it as a table, check it, save, delete, export and import it, and the
thumbs each set earned."""

from __future__ import annotations

import streamlit as st

from chat_core.errors import ChatError
from chat_core.lab.examples import (
    BUILT_IN_SETS,
    ExampleSet,
    check_usable,
    file_name,
    from_rows,
    parse_json,
    to_json,
    to_rows,
)
from chat_core.lab.feedback import tally_rows
from chat_core.settings import Settings
from chat_core.ui import keys
from chat_core.ui.account import owner
from chat_core.ui.notices import notice, show_error
from chat_core.ui.resources import connect, storage

PAGE = "tutor"
EDITOR_COLUMNS = {
    "order": st.column_config.NumberColumn("#", width=50, help="Change the numbers to reorder the examples."),
    "user": st.column_config.TextColumn("User asks", width="medium"),
    "assistant": st.column_config.TextColumn("Assistant answers", width="large"),
}


def offered_sets() -> dict[str, ExampleSet]:
    """The built-in sets, then the visitor's saved ones, by name."""
    store = storage()
    saved = []
    if store is not None:
        try:
            saved = store.list_example_sets(owner())
        except ChatError as error:
            notice(error)
    return {**BUILT_IN_SETS, **{example_set.name: example_set for example_set in saved}}


def choose_set(offered: dict[str, ExampleSet]) -> ExampleSet:
    """The sidebar's choice of example set; a set saved or deleted on the last run is chosen here."""
    switch = st.session_state.pop(keys.TUTOR_SWITCH, None)
    if switch is not None:
        st.session_state[keys.TUTOR_SET] = switch
    if st.session_state.get(keys.TUTOR_SET) not in offered:
        st.session_state[keys.TUTOR_SET] = next(iter(offered))
    with st.sidebar:
        name = st.selectbox(
            "Example set", list(offered), key=keys.TUTOR_SET,
            help="Built-in sets, then the ones you saved. Each set keeps its own conversation.",
        )  # fmt: skip
    return offered[name]


def _fill(example_set: ExampleSet, source: str) -> None:
    """Put a set into the editor, replacing what it held."""
    loaded = st.session_state.get(keys.TUTOR_LOADED) or {"version": 0}
    st.session_state[keys.TUTOR_LOADED] = {"from": source, "version": loaded["version"] + 1, "set": example_set}
    st.session_state[keys.TUTOR_NAME] = example_set.name
    st.session_state[keys.TUTOR_SYSTEM] = example_set.system


def _import_box() -> None:
    upload = st.file_uploader("Import a set (JSON)", type=["json"], key=keys.TUTOR_IMPORT)
    if upload is None or st.session_state.get(keys.TUTOR_IMPORTED) == upload.file_id:
        return
    st.session_state[keys.TUTOR_IMPORTED] = upload.file_id
    try:
        imported = parse_json(upload.getvalue())
    except ChatError as error:
        show_error(error)
        return
    _fill(imported, st.session_state[keys.TUTOR_SET])
    st.toast(f"Imported “{imported.name}” into the editor: save it to keep it.")


def edited_set(chosen: ExampleSet, settings: Settings | None) -> ExampleSet:
    """The example editor; returns the set the chat uses: the edited one when it passes its checks, else the last
    one that did (a mistake is shown and never sent)."""
    loaded = st.session_state.get(keys.TUTOR_LOADED)
    if loaded is None or loaded["from"] != chosen.name:
        _fill(chosen, chosen.name)
        st.session_state[keys.TUTOR_ACTIVE] = chosen
        loaded = st.session_state[keys.TUTOR_LOADED]
    st.markdown(
        "The **system message** and the **worked examples** are sent, in this order, before every question. "
        "Edit a cell, add a row at the bottom, select rows and delete them, or renumber **#** to reorder."
    )
    with st.expander("Import a set from a JSON file"):
        _import_box()
    loaded = st.session_state[keys.TUTOR_LOADED]
    st.text_input("Name", key=keys.TUTOR_NAME, max_chars=80)
    st.text_area("System message", key=keys.TUTOR_SYSTEM, height=100)
    rows = st.data_editor(
        to_rows(loaded["set"]), num_rows="dynamic", key=keys.tutor_editor(loaded["version"]),
        column_config=EDITOR_COLUMNS, hide_index=True, width="stretch",
    )  # fmt: skip
    name, system = st.session_state[keys.TUTOR_NAME], st.session_state[keys.TUTOR_SYSTEM]
    candidate = None
    try:
        candidate = from_rows(rows, name=name, system=system)
        if settings is not None:
            candidate = check_usable(candidate, settings, connect(settings).counter)
    except ChatError as error:
        show_error(error)
        kept = st.session_state[keys.TUTOR_ACTIVE]
        st.caption(f"Not used: the chat keeps the last complete set, “{kept.name}” ({len(kept.examples)} examples).")
    else:
        st.session_state[keys.TUTOR_ACTIVE] = candidate
        count = len(candidate.examples)
        source = loaded["set"]
        changed = (candidate.system, candidate.examples) != (source.system, source.examples)
        edited = f" Edited from “{source.name}”: save it to keep it." if changed else ""
        st.caption(f"✅ The chat uses this set: {count} example{'s' if count != 1 else ''}.{edited}")
    _set_actions(candidate, chosen)
    return st.session_state[keys.TUTOR_ACTIVE]


def _save(store, candidate: ExampleSet) -> None:
    try:
        store.save_example_set(owner(), candidate)
    except ChatError as error:
        show_error(error)
        return
    st.session_state[keys.TUTOR_SWITCH] = candidate.name
    st.session_state.pop(keys.TUTOR_LOADED, None)
    st.rerun()


def _delete(store, name: str) -> None:
    try:
        store.delete_example_set(owner(), name)
    except ChatError as error:
        notice(error)
        return
    st.session_state[keys.TUTOR_SWITCH] = next(iter(BUILT_IN_SETS))
    st.session_state.pop(keys.TUTOR_CONFIRM_DELETE, None)


def _set_actions(candidate: ExampleSet | None, chosen: ExampleSet) -> None:
    store = storage()
    save, export, delete = st.columns(3)
    if save.button("💾 Save set", key="tutor.save", disabled=candidate is None or store is None, width="stretch"):
        _save(store, candidate)
    if candidate is not None:
        export.download_button(
            "⬇️ Export JSON", to_json(candidate), file_name(candidate), "application/json", key="tutor.export",
            width="stretch",
        )  # fmt: skip
    if chosen.builtin or store is None:
        st.caption("Built-in sets cannot be overwritten: save your version under a name of its own.")
    elif st.session_state.get(keys.TUTOR_CONFIRM_DELETE) == chosen.name:
        st.warning(f"Delete the saved set “{chosen.name}” for good? Its thumbs stay in the tally.")
        yes, no = st.columns(2)
        yes.button("Yes, delete", key="tutor.delete_yes", type="primary", on_click=_delete, args=(store, chosen.name))
        no.button("Cancel", key="tutor.delete_no", on_click=st.session_state.pop, args=(keys.TUTOR_CONFIRM_DELETE,))
    else:
        delete.button(
            "🗑 Delete set", key="tutor.delete", width="stretch",
            on_click=st.session_state.__setitem__, args=(keys.TUTOR_CONFIRM_DELETE, chosen.name),
        )  # fmt: skip


def examples_shown(example_set: ExampleSet) -> None:
    """The set the chat sends, as the chat messages the model reads before each question."""
    pairs = len(example_set.examples)
    with st.expander(f"Few-shot examples: {pairs} pairs sent before your question", expanded=True):
        st.markdown(
            "These user/assistant turns are not a real conversation: the app sends them, after the system "
            "message, in front of every question you ask, so the model imitates their style. Edit them in "
            "the **Examples** tab."
        )
        st.caption("The system message, sent first:")
        st.code(example_set.system or "(none)", language=None, wrap_lines=True)
        st.caption("Then the worked examples, as user and assistant turns:")
        for question, answer in example_set.examples:
            with st.chat_message("user"):
                st.text(f"(example) {question}")
            with st.chat_message("assistant"):
                st.markdown(f"*(example)* {answer}")


def tally() -> None:
    """Thumbs up and down on the tutor's replies, per example set."""
    st.markdown("#### Which set earns better answers")
    store = storage()
    if store is None:
        st.caption("The tally is unavailable while the database fails.")
        return
    try:
        rows = tally_rows(store.feedback_tally(owner(), page=PAGE))
    except ChatError as error:
        show_error(error)
        return
    if not rows:
        st.caption("Rate the tutor's replies with 👍 or 👎 in the Chat tab; the count per example set appears here.")
        return
    st.dataframe(rows, hide_index=True, width="stretch")
