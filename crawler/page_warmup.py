"""Preloaded by the page workers' fork server: loads every model and lexicon once, so each forked worker
(the first ones and the replacements after a crash) starts warm instead of paying it on its first page."""
from crawler.extensions.page_workers import _warm_up

_warm_up()
