"""What the parts of a page look like: the regexes of datelines, page furniture, footers, bot walls, error
pages, contact lines, glued sentences and odd characters, and the word lists of `crosswire/data/clean.toml`
they are built from or read beside (UI furniture lines, hanging words, stopwords).

Names without a leading underscore are read by the other modules of the package.
"""

from __future__ import annotations

import re

from crosswire.vocabulary import vocabulary

_WORDS = vocabulary("clean")

# Datelines: "TUNIS, Tunisia – ...", "SANTA ANA, Calif. – ...", "CHICAGO — ...", "(Dallas County) – ...", and
# after a city and its region a colon too: "Miami, Florida: State Attorney ..."
_PLACE = r"[A-Z][\w.'’]*(?:[ -][A-Z][\w.'’]*){0,3}"
DATELINE = re.compile(
    rf"^\(?{_PLACE}(?:,\s*(?:the\s+)?{_PLACE})?\)?,?(?:\s*\([^)]{{1,30}}\))?(?:\s*[–—]+\s*|\s+-+\s+)(?=\S)"
    rf"|^{_PLACE},[^\S\n]*{_PLACE}:[^\S\n]+(?=[A-Z])"
)
TERMINAL = ("." , "!", "?", "”", '"', "’", ")", "。")  # "。": the full stop of Chinese and Japanese

# Lines that are page furniture wherever they appear (compared lower-cased).
UI_LINES: frozenset[str] = frozenset(_WORDS["ui_lines"])
UI_PATTERN = re.compile(
    r"^(?:\d+\s*/\s*\d+"  # carousel counter "1 / 8"
    r"|\d+ min read"
    r"|click here\b.{0,40}"
    r"|are you a human\?.*"
    r"|(?:click here )?for (?:the )?(?:full|original) press release\.?"
    r"|(?:©|copyright ©?\s*\d{4}).*"
    r"|share (?:on|via) \w+"
    r"|(?:facebook|twitter|linkedin|email|print)(?:\s*[|/]\s*(?:facebook|twitter|x|linkedin|email|print))+"
    r")$",
    re.I,
)
# Apart: its leading ".*" makes it scan every line, and only a line holding "cook" (any case) can match.
UI_COOKIES = re.compile(r"^.*\b(?:we use cookies|this (?:web)?site uses cookies|accept (?:all )?cookies)\b.*$", re.I)
# A section that starts the page's chrome: it and everything after it go.
FOOTER = re.compile(
    r"^(?:(?:latest|recent|related|more|other) (?:posts|news|stories|articles|press releases|releases)"
    r"|tagged with\b.*|tags:.*|categories:.*|documents to download|leave a (?:reply|comment)|comments"
    r"|#(?:\s*#){2,}|-\s*30\s*-)$",
    re.I,
)
READ_MORE = re.compile(r"^(?:read more|continue reading)\W*$", re.I)  # items of a list of posts
LABEL_START = re.compile(r"^\w+(?: \w+)?:\s")  # "WHO: ...", "Asunto: ...": a new field, never a continuation
# Kept for later steps: dashes (datelines), "#" (end marks), and a leading stop or comma (joins the line above).
PUNCT_ONLY = re.compile(r"^(?![,.;:!?)\]”’])[^\w–—#]+$")
DASH_ONLY = re.compile(r"^[–—-]+$")
CAROUSEL_START = re.compile(r"\d+\s*/")  # "1 /" of a carousel counter split over two lines ("1 /", "8")
WALL = re.compile(
    r"^(?:pardon our interruption|just a moment\.*|checking your browser.*|attention required!.*"
    r"|access denied|verify you are (?:a )?human.*|please verify you are a human|are you a robot\?*"
    r"|enable javascript and cookies to continue)$",
    re.I,
)
ERROR = re.compile(
    r"^(?:(?:error )?(?:404|403|410|500|502|503)\b.*|not found|forbidden|internal server error|service unavailable"
    r"|bad gateway)$",
    re.I,
)
PAGE_ERROR = re.compile(r"\bpage (?:not found|cannot be found|does not exist)\b", re.I)  # anywhere in the line
CONTACT = re.compile(
    r"(?:\(?\b\d{3}\)?[\s./-]\d{3}[-.]\d{4}\b|\S+@\S+\.\w+|\[email\s*protected\]|^(?:contact|contacto|media contact"
    r"|office|cell|phone|fax|oficina|celular|case #|author|published|posted|updated|date|fecha|for immediate release"
    r"|para publicaci[oó]n inmediata|media advisory|press release|news release|comunicado de prensa)\b"
    r"|^\d+ .*\b(?:suite|street|st\.|avenue|ave\.?|boulevard|blvd\.?|road|rd\.|drive|floor)\b)",
    re.I,
)
SEPARATOR = re.compile(r"\s+[|•–—-]\s+")
# A genre label in front of a headline: "MEDIA ADVISORY – ", "Press Release: ".
GENRE_LABEL = re.compile(r"^(?:media advisory|press release|news release|comunicado de prensa)\s*(?:[:|•–—-]\s*)(?=\S)",
                         re.I)
SITE_SEPARATOR = re.compile(r"\s+[|•]\s+")  # never inside a headline, unlike a dash
RELEASE_LABEL = re.compile(r"^(?:for immediate release|para publicaci[oó]n inmediata)\s*:\s*(.+)$", re.I)
# A line that stops mid-phrase ends on a comma, a dash, an opening quote or bracket, or one of these words.
HANGING_WORDS: list[str] = _WORDS["hanging_words"]
HANGING = re.compile(rf"(?:[,–—“‘(]|-\s|(?:{'|'.join(w[::-1] for w in HANGING_WORDS)})\b)", re.I)  # reversed
STOPWORDS: frozenset[str] = frozenset(_WORDS["stopwords"])
# Sentence glue from scrapers that concatenate paragraphs: "threats.The growing", "response.“We",
# "attack,” said ... Stock.“Over", "threats.”The", "UNODC.This". Two word characters before the stop keep
# "U.S." and "e.g." whole; decimals ("1.5") are never followed by a capital.
GLUE = re.compile(r"(?<=[A-Za-z\d)]{2}[.!?])(?=[“‘\"]?[A-Z])|(?<=[A-Za-z\d)][.!?][”’\"])(?=[“‘]?[A-Z])")
# Around every place GLUE finds: a stop, perhaps a closing quote, then a capital. Searched first, as its
# leading character class lets the regex engine skip ahead, where GLUE tries its lookbehinds everywhere.
STOP_CAPITAL = re.compile(r"[.!?][”’\"]?[“‘\"]?[A-Z]")
URLISH = re.compile(r"@|://|^www\.|\.(?:com|org|gov|net|edu|us)\b", re.I)
BYLINE = re.compile(r"^(?:author|by|(?:media )?contact|contacto)\b\s*:?\s*(.*)$", re.I)
CONTACT_IN_LINE = re.compile(r"\b(?:media )?contact:\s*(.+)$", re.I)  # "October 31, 2018 Contact: Kimberlee Leach"
NAME_END = re.compile(r"\s+(?://|[|•–—-])\s+|,|\s+\(")  # "Madeline Buckley // Chicago Tribune"
PERSON_NAME = re.compile(r"^[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){1,3}$")
LINE_END_HYPHEN = re.compile(r"\w-$")
SOFT_HYPHEN = "\u00ad"  # marks a line-end hyphen until the document's words tell a compound from a break
BROKEN_WORD = re.compile(rf"(\w+){SOFT_HYPHEN}(\w+)")
WORD = re.compile(r"\w+")
# Characters of the scripts written without spaces between words, each counted as a word: Han (with the
# iteration marks 々〆〇), Kana (halfwidth too) and Hangul.
CJK = re.compile(
    "[\u1100-\u11ff\u3005-\u3007\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U000323af]"
)
# Two ranges that hold every CJK character, and none of Latin text's letters and punctuation: searched
# first, a test a character where CJK's many ranges take three times longer.
MAYBE_CJK = re.compile("[\u1100-\u11ff\u3005-\U000323af]")
NON_WORD = re.compile(r"\W+")
SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")
INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# a line of printable ASCII without "&" is left as it is by every fix of ftfy's that repair applies
FTFY_CAN_CHANGE = re.compile(r"[^\n\x20-\x25\x27-\x7e]")
# ... and so is a line of those, tabs and the characters of either set below: none is changed by any of
# ftfy 6.3's fixes or by NFC, alone or beside another, and no string over a set matches ftfy's mojibake
# heuristic (checked exhaustively: its alternatives that can match span at most three such characters).
# Punctuation and accented letters make two sets, as "é”" next to each other reads as mojibake.
FTFY_KEEPS = (
    re.compile(r"[\t\x20-\x25\x27-\x7e’–—“”‘…•·¿¡°©®™óúÓÚ]*"),
    re.compile(r"[\t\x20-\x25\x27-\x7e’–—…éóíáñúüÓÚăđàêâưôậốủệếạảểấựòởờẫẩọộơợềịãớ]*"),
)
