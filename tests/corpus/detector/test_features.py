"""The detector's n-gram features: bucket range, region counts, digit folding."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.detector.features import HASH_BITS, REGIONS, DocumentView, hashed_ngrams


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.text(max_size=60), st.lists(st.text(max_size=40), max_size=5))
def test_buckets_fit_the_table_and_regions_add_up(text, title, links):
    view = DocumentView(title=title, text=text, links=[f"https://{u}" for u in links])
    buckets, counts = hashed_ngrams(view)
    assert buckets.dtype == np.uint32 and int(buckets.max(initial=0)) < 1 << HASH_BITS
    assert len(counts) == len(REGIONS) and sum(counts) == len(buckets)


def test_same_page_same_buckets_and_digits_fold():
    a = hashed_ngrams(DocumentView(title="TG @esim1088", text="续费 联系 @esim1088"))[0]
    b = hashed_ngrams(DocumentView(title="TG @esim2077", text="续费 联系 @esim2077"))[0]
    assert np.array_equal(a, b)  # handles vary by digits from post to post; their shape is what is learned
