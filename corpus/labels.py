"""The label vocabulary shared by the detector, Label Studio, annotations and releases."""
from __future__ import annotations

# Spam families: the Label Studio choices, `family_guess` and the release's `family`.
FAMILIES: tuple[str, ...] = (
    "telecom_sim",     # SIM/eSIM/data cards, foreign numbers for account registration
    "gambling",
    "fake_documents",
    "crypto_finance",
    "loans",
    "adult",
    "account_trade",
    "support_scam",    # fake customer-service numbers
    "pharma_drugs",
    "hacking_data",    # leaked data, hacking services
    "seo_service",
    "warez_lure",      # cracked software, keygens, fake "free download" tool repositories
    "other",
)

# Verdicts, as in WEBSPAM-UK2006/2007.
VERDICTS: tuple[str, ...] = ("spam", "benign", "borderline")

# Contact kinds in the corpus rows (normal forms in corpus/contacts/).
CONTACT_KINDS: tuple[str, ...] = ("telegram", "whatsapp", "phone", "wechat", "qq", "line", "email", "domain", "url")

# Span labels annotators draw over the text.
SPAN_LABELS: tuple[str, ...] = ("contact", "brand", "call_to_action")

# How a released label was obtained.
LABEL_SOURCES: tuple[str, ...] = ("human", "adjudicated", "propagated", "silver")
