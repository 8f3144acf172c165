"""What a visitor (or a bot, or a broken link) can send: text with control characters,
numbers that are not numbers, dates that are not dates, and now and then a valid value."""

import re

from hypothesis import strategies as st

# Control characters, separators and the odd characters forms meet, beside ordinary text.
ODD = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f\u2028\u2029\ufeff\u200b\r\n\t<>&\"'%;"
JAPANESE = "あいうえお匿名家族会山田居場所池袋豊島区"

text = st.text(
    alphabet=st.one_of(
        st.sampled_from(ODD), st.sampled_from(JAPANESE), st.characters(codec="utf-8")
    ),
    max_size=60,
)
long_text = st.text(alphabet=st.sampled_from("あa\x00\n "), min_size=0, max_size=700)
numberish = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["", "0", "1", "2", "3", "1.5", "1e3", "０", "２", " 1", "NaN", "-1"]),
)
dateish = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["", "2026-02-30", "9999-12-31", "0001-01-01", "2026/12/01", "令和8年"]),
)
value = st.one_of(text, numberish, dateish, st.sampled_from(["on", "true", "1", "yes"]))

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
KANA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def query(known):
    """A query string: some of the ``known`` parameter names (with valid and invalid
    values), unknown names, repeated names, and raw percent-escapes that are not UTF-8."""
    pairs = st.lists(
        st.tuples(st.one_of(st.sampled_from(known), text), value), min_size=0, max_size=5
    )
    raw = st.lists(st.binary(max_size=6).map(lambda b: "".join(f"%{c:02X}" for c in b)))
    return st.tuples(pairs, raw)


def encode_query(drawn):
    from urllib.parse import urlencode

    pairs, raw = drawn
    encoded = urlencode([(k, v.encode()) for k, v in pairs])
    return "&".join(p for p in [encoded, *(f"x={r}" for r in raw)] if p)
