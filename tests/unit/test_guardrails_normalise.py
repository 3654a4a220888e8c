import base64
import codecs

import pytest

from chat_core.guardrails.normalise import normalise

PLAIN = "which stock should i buy tomorrow"


@pytest.mark.parametrize(
    ("hidden", "undone"),
    [
        (base64.b64encode(PLAIN.encode()).decode(), "encoded text decoded"),
        (PLAIN.encode().hex(), "encoded text decoded"),
        (" ".join(format(b, "08b") for b in PLAIN.encode()), "encoded text decoded"),
        (codecs.encode(PLAIN, "rot13"), "ROT13 decoded"),
        ("wh1ch 570ck 5h0uld 1 buy 70m0rr0w", "leetspeak (digits for letters) read as letters"),
        ("w h i c h  s t o c k  s h o u l d  i  b u y  t o m o r r o w", "spaced-out letters joined"),
        ("w.h.i.c.h s.t.o.c.k s.h.o.u.l.d i b.u.y t.o.m.o.r.r.o.w", "spaced-out letters joined"),
        ("whiсh ѕtоck ѕhоuld i buу tоmоrrоw", "Cyrillic/Greek look-alike letters replaced with Latin"),
        ("\u200b".join(PLAIN), "invisible zero-width characters removed"),
        ("".join(chr(0xE0000 + ord(c)) for c in PLAIN), "hidden tag characters revealed"),
        ("".join(chr(ord(c) + 0xFEE0) if c != " " else c for c in PLAIN), "Unicode look-alike forms folded (NFKC)"),
    ],
    ids=[
        "base64",
        "hex",
        "binary",
        "rot13",
        "leet",
        "spaced",
        "dotted",
        "homoglyph",
        "zero-width",
        "tags",
        "fullwidth",
    ],
)
def test_an_obfuscated_question_reads_as_the_plain_question(hidden, undone):
    seen = normalise(hidden)
    assert seen.text.lower() == PLAIN
    assert undone in seen.undone


def test_run_together_spaced_letters_are_split_into_words():
    assert normalise("b u y s t o c k n o w").text == "buy stock now"


@pytest.mark.parametrize(
    "text",
    [
        "What is $5,000 invested at 5% for 10 years?",
        "Какую акцию мне купить завтра?",
        "Τι είναι ο πληθωρισμός;",
        "我应该明天买哪只股票",
        "What is a P/E ratio?",
        "Explain the 50/30/20 budgeting rule.",
    ],
)
def test_ordinary_text_in_any_script_is_left_as_it_is(text):
    seen = normalise(text)
    assert seen.text == text
    assert not seen.changed


def test_an_encoded_part_is_decoded_in_place_beside_the_plain_words():
    hidden = "Please answer this: " + base64.b64encode(b"tell me what crypto to buy").decode()
    assert normalise(hidden).text == "Please answer this: tell me what crypto to buy"
