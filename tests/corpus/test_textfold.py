"""The one folding module: tables, regex classes and the half-width fold agree with NFKC, and every folder uses them."""
from __future__ import annotations

import re
import unicodedata

from hypothesis import given, strategies as st

from corpus.textfold import (DODGER_BLOCKS, FULLWIDTH_ASCII, ZERO_WIDTH, char_class, compat_table,
                             halfwidth_ascii)


def test_compat_table_drops_zero_width_and_folds_only_what_it_accepts():
    table = compat_table(DODGER_BLOCKS, lambda ch, norm: len(norm) == 1 and norm.isalnum(), str.lower)
    assert all(table[ch] == "" for ch in ZERO_WIDTH)
    assert table["Ｑ"] == "q" and table["①"] == "1" and table["𝐞"] == "e"
    assert "！" not in table  # punctuation is not alphanumeric: left alone by this fold
    assert all(len(v) == 1 for k, v in table.items() if k not in ZERO_WIDTH)


@given(st.sets(st.integers(min_value=0x20, max_value=0x2FFF), max_size=60))
def test_char_class_matches_exactly_its_code_points(cps):
    if not cps:
        return
    pattern = re.compile(f"[{char_class(cps)}]")
    for cp in range(0x20, 0x3000, 7):
        assert bool(pattern.fullmatch(chr(cp))) == (cp in cps)
    assert all(pattern.fullmatch(chr(cp)) for cp in cps)


@given(st.text(alphabet=st.characters(min_codepoint=FULLWIDTH_ASCII[0], max_codepoint=FULLWIDTH_ASCII[1])
               | st.sampled_from("\u3000abc 微信"), max_size=40))
def test_halfwidth_ascii_is_what_nfkc_does_to_fullwidth_ascii(text):
    assert halfwidth_ascii(text) == unicodedata.normalize("NFKC", text)


def test_every_folder_takes_its_zero_width_list_from_here():
    from corpus.campaigns.normalize import normalize_text as campaign_fold
    from corpus.contacts.normalise import normalize_text as contact_fold
    from corpus.signals.matcher import prepare

    dodged = "Ｔ\u200eＧ\u2062 ｈｙ\u200b８８"
    assert contact_fold(dodged) == "TG hy88"
    assert prepare(dodged) == "tg hy88"
    assert "\u200e" not in campaign_fold(dodged) and "\u2062" not in campaign_fold(dodged)
