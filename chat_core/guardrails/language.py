"""The asker's language, so that a refusal answers in it rather than in English.

Scripts tell Chinese, Japanese and Russian apart at once; among languages written in Latin letters, py3langid's
model (shipped in the package, no download) chooses between the languages the lab can refuse in. A text too short
or too uncertain to tell stays English, the page's own language.
"""

from __future__ import annotations

import copy
import functools
import re

from chat_core.guardrails.normalise import english_share

ENGLISH = "en"
LATIN_LANGUAGES = ("en", "es", "pl", "fr", "de", "pt", "it", "nl")
"""The Latin-script languages a refusal is written in; any other is answered in English."""
CONFIDENT = 0.9
"""The detector's probability below which a text is taken as English."""
MIN_LETTERS = 12
"""Fewer letters than this say too little about a language (a ticker, "ok", "thanks")."""
LIKELY_ENGLISH = 0.34
"""A text with at least this share of the most common English words is English, whatever the detector says."""

_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")


SURELY_ANOTHER = 0.85
"""The detector's probability, over all its languages, above which a text is taken as not English."""


@functools.cache
def _every_language():
    """The detector over all its languages: the model, read once per process (half a second, about 75 MiB)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@functools.cache
def _latin_languages():
    """The detector narrowed to `LATIN_LANGUAGES`, sharing the model's tables with `_every_language`."""
    identifier = copy.copy(_every_language())
    identifier.set_languages(list(LATIN_LANGUAGES))
    return identifier


def load() -> None:
    """Read the detector's model now rather than during the first message that needs it."""
    _latin_languages()


def surely_not_english(text: str) -> bool:
    """Whether a text is, with little doubt, written in another language (any of the detector's 97)."""
    language, probability = _every_language().classify(text)
    return language != ENGLISH and probability >= SURELY_ANOTHER


def language_of(text: str) -> str:
    """The language code a reply to `text` should be written in: one of `REFUSALS`' keys, English when unsure."""
    letters = len(_LETTER.findall(text))
    if letters < MIN_LETTERS and not _HAN.search(text):
        return ENGLISH
    if _KANA.search(text):
        return "ja"
    if len(_HAN.findall(text)) * 2 >= letters:
        return "zh"
    if len(_CYRILLIC.findall(text)) * 2 >= letters:
        return "ru"
    if english_share(text) >= LIKELY_ENGLISH:
        return ENGLISH
    language, probability = _latin_languages().classify(text)
    return language if probability >= CONFIDENT else ENGLISH


REFUSALS: dict[str, tuple[str, str]] = {
    "es": (
        "No puedo decirte qué comprar o vender, pero sí puedo explicarte las ideas que hay detrás de tu pregunta, "
        "como la diversificación, el riesgo o las comisiones. Para una decisión sobre tu propio dinero, un asesor "
        "financiero autorizado puede estudiar tu situación completa.",
        "No puedo compartir mis instrucciones, pero con gusto te explico ideas de finanzas en lenguaje sencillo "
        "(interés, inflación, diversificación, presupuesto) sin recomendar inversiones.",
    ),
    "pl": (
        "Nie mogę powiedzieć, co kupić ani sprzedać, ale mogę wyjaśnić idee stojące za Twoim pytaniem, takie jak "
        "dywersyfikacja, ryzyko czy opłaty. W decyzji dotyczącej Twoich własnych pieniędzy licencjonowany doradca "
        "finansowy może przyjrzeć się całej Twojej sytuacji.",
        "Nie mogę udostępnić moich instrukcji, ale chętnie wyjaśnię pojęcia finansowe prostym językiem (odsetki, "
        "inflacja, dywersyfikacja, budżet), bez polecania inwestycji.",
    ),
    "fr": (
        "Je ne peux pas vous dire quoi acheter ou vendre, mais je peux vous expliquer les idées derrière votre "
        "question, comme la diversification, le risque ou les frais. Pour une décision concernant votre propre "
        "argent, un conseiller financier agréé peut examiner l'ensemble de votre situation.",
        "Je ne peux pas partager mes instructions, mais je vous explique volontiers des notions de finance en "
        "termes simples (intérêts, inflation, diversification, budget), sans recommander d'investissements.",
    ),
    "de": (
        "Ich kann Ihnen nicht sagen, was Sie kaufen oder verkaufen sollen, aber ich kann die Ideen hinter Ihrer "
        "Frage erklären, etwa Diversifikation, Risiko oder Gebühren. Für eine Entscheidung über Ihr eigenes Geld "
        "kann ein zugelassener Finanzberater Ihre gesamte Situation betrachten.",
        "Ich kann meine Anweisungen nicht weitergeben, aber ich erkläre gern Finanzbegriffe in einfachen Worten "
        "(Zinsen, Inflation, Diversifikation, Budget), ohne Anlagen zu empfehlen.",
    ),
    "pt": (
        "Não posso dizer o que comprar ou vender, mas posso explicar as ideias por trás da sua pergunta, como "
        "diversificação, risco ou taxas. Para uma decisão sobre o seu próprio dinheiro, um consultor financeiro "
        "licenciado pode analisar toda a sua situação.",
        "Não posso partilhar as minhas instruções, mas explico com gosto ideias de finanças em linguagem simples "
        "(juros, inflação, diversificação, orçamento), sem recomendar investimentos.",
    ),
    "it": (
        "Non posso dirti cosa comprare o vendere, ma posso spiegarti le idee alla base della tua domanda, come la "
        "diversificazione, il rischio o le commissioni. Per una decisione sul tuo denaro, un consulente finanziario "
        "abilitato può esaminare tutta la tua situazione.",
        "Non posso condividere le mie istruzioni, ma ti spiego volentieri concetti di finanza in parole semplici "
        "(interessi, inflazione, diversificazione, budget), senza consigliare investimenti.",
    ),
    "nl": (
        "Ik kan je niet zeggen wat je moet kopen of verkopen, maar ik kan de ideeën achter je vraag uitleggen, "
        "zoals spreiding, risico of kosten. Voor een beslissing over je eigen geld kan een erkende financieel "
        "adviseur naar je hele situatie kijken.",
        "Ik kan mijn instructies niet delen, maar ik leg graag financiële begrippen in gewone taal uit (rente, "
        "inflatie, spreiding, budgetteren), zonder beleggingen aan te raden.",
    ),
    "zh": (
        "我不能告诉你该买或卖什么，但我可以解释你问题背后的概念，比如分散投资、风险和费用。"
        "关于你自己资金的决定，持牌理财顾问可以全面了解你的情况。",
        "我不能分享我的指令，但很乐意用通俗的语言解释理财概念（利息、通货膨胀、分散投资、预算），而不推荐任何投资。",
    ),
    "ja": (
        "何を買うべきか、売るべきかはお伝えできませんが、ご質問の背景にある考え方（分散投資、リスク、手数料など）は"
        "説明できます。ご自身のお金に関する判断は、認可を受けたファイナンシャルアドバイザーに状況全体を見てもらいましょう。",
        "私の指示内容はお伝えできませんが、金利、インフレ、分散投資、家計管理などのお金の考え方を、"
        "投資を勧めることなくわかりやすく説明します。",
    ),
    "ru": (
        "Я не могу сказать, что покупать или продавать, но могу объяснить идеи, стоящие за вашим вопросом: "
        "диверсификацию, риск или комиссии. Для решения о ваших собственных деньгах лицензированный финансовый "
        "консультант может оценить всю вашу ситуацию.",
        "Я не могу поделиться своими инструкциями, но с радостью объясню финансовые понятия простым языком "
        "(проценты, инфляция, диверсификация, бюджет), не рекомендуя инвестиций.",
    ),
}
"""For each language other than English: (the refusal of advice, the refusal to share the instructions)."""
