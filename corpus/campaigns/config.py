"""One configuration object shared by every campaign stage, and its fingerprint for incremental runs."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version

# Bump when the normaliser, the shingler, the band keys or the linking rules change their output:
# the stored signatures and edges of earlier runs are then no longer comparable with new ones.
ALGORITHM_VERSION = 2  # 2: template-line, rare-token, domain and url keys

# Contact kinds that chain documents into one campaign. `url` is left out: call-to-action links
# include app stores, messenger landing pages and shorteners that unrelated sellers all share.
LINK_KINDS: tuple[str, ...] = ("telegram", "whatsapp", "phone", "wechat", "qq", "line", "email")
# Contact kinds that join as operation keys (below): a promoted site, or a short link / invite (its path is the
# seller's id). Capped and filtered like every operation key.
KEY_CONTACT_KINDS: tuple[str, ...] = ("domain", "url")
# Sites every kind of page names: code hosts, registries, docs, big platforms, shorteners and messengers
# (a suffix match: `docs.github.com` is `github.com`). Never a promoted domain, nor the host of a joining url.
GENERIC_DOMAINS: tuple[str, ...] = (
    "github.com", "github.io", "githubusercontent.com", "gitlab.com", "gitlab.io", "gitee.com", "gitee.io",
    "bitbucket.org", "codeberg.org", "sourceforge.net", "npmjs.com", "npmjs.org", "pypi.org", "python.org",
    "readthedocs.io", "readthedocs.org", "rust-lang.org", "crates.io", "docs.rs", "golang.org", "go.dev",
    "nodejs.org", "mozilla.org", "w3.org", "wikipedia.org", "shields.io", "opensource.org", "creativecommons.org",
    "apache.org", "gnu.org", "google.com", "youtube.com", "youtu.be", "microsoft.com", "apple.com",
    "amazon.com", "cloudflare.com", "twitter.com", "x.com", "facebook.com", "instagram.com", "linkedin.com",
    "reddit.com", "discord.com", "medium.com", "stackoverflow.com", "openai.com", "vercel.app", "netlify.app",
    "t.me", "telegram.org", "telegram.me", "wa.me", "whatsapp.com", "qq.com", "weixin.qq.com", "line.me",
    "bit.ly", "t.co", "tinyurl.com", "cutt.ly", "goo.gl", "is.gd", "discord.gg")
# Link services whose path is one seller's own id (a short link, a group invite): the only hosts whose `url`
# contacts join (other links join through their `domain`).
ID_PATH_HOSTS: tuple[str, ...] = ("bit.ly", "t.co", "tinyurl.com", "cutt.ly", "goo.gl", "is.gd", "discord.gg",
                                  "qm.qq.com", "wa.me", "t.me")
# Code hosts where a site is an account (first path segment), not the host: throwaway accounts are the sites.
CODE_HOSTS: tuple[str, ...] = ("github.com", "raw.githubusercontent.com", "gist.github.com",
                               "gist.githubusercontent.com", "gitlab.com", "gitee.com", "bitbucket.org",
                               "codeberg.org", "code-host.invalid")


# The platforms' own accounts, which how-to pages of every kind name ("ask @userinfobot for your id"): never links.
OFFICIAL_CONTACTS: tuple[str, ...] = tuple(f"telegram:{h}" for h in (
    "botfather", "userinfobot", "getidsbot", "rawdatabot", "telegram", "durov", "gif", "vote", "stickers", "bing",
    "wiki", "like", "pic", "vid", "spambot", "notoscam", "jsondumpbot", "chatidbot", "myidbot", "username_to_id_bot"))


class CampaignError(RuntimeError):
    """Campaign assignment cannot run safely (bad settings, state from other settings, foreign state)."""


@dataclass(frozen=True)
class CampaignConfig:
    """Settings of every stage. Changing any of them needs a `--full` recompute (see `fingerprint`)."""

    num_perm: int = 128              # MinHash permutations
    bands: int = 32                  # LSH bands x rows = num_perm; 32 x 4 catches Jaccard ~0.4 templates
    rows: int = 4
    seed: int = 1088                 # MinHash seed
    char_ngram: int = 5              # shingle size for CJK/Thai text (characters)
    word_ngram: int = 3              # shingle size where words exist (words)
    cjk_share: float = 0.3           # share of CJK/Thai letters above which a document is shingled by character
    min_chars: int = 40              # normalised texts shorter than this are not MinHash-indexed
    threshold: float = 0.35          # estimated Jaccard a candidate pair must reach to join
    verify_depth: int = 4            # earliest members of a bucket a document is checked against
    mask_handles: bool = True        # @handles, messenger ids after a keyword ("微信: abc")
    mask_urls: bool = True           # URLs and bare domains
    mask_emails: bool = True
    mask_numbers: bool = True        # digit runs: phone numbers, prices, dates
    mask_tokens: bool = True         # random tokens: letter/digit mixes, long hex
    link_kinds: tuple[str, ...] = LINK_KINDS
    link_min_spam_score: float = 0.5   # only rows that look like spam chain campaigns through contacts
    link_max_contacts: int = 6         # a page naming more linking contacts is a list, not one seller
    ignore_values: tuple[str, ...] = field(default=OFFICIAL_CONTACTS)  # "kind:value" never used as links
    # Operation keys: posts of one operation share a header/footer line, a promoted domain, a call-to-action
    # link or a random token (tracking id, affiliate code) while their bodies differ (see keys.py).
    op_keys: bool = True               # off: MinHash and contacts only (version 1 behaviour)
    key_contact_kinds: tuple[str, ...] = KEY_CONTACT_KINDS
    key_min_spam_score: float = 0.5    # an operation key joins rows only through a row scoring at least this
                                       # (grouping.key_edges): benign pages sharing a footer never join
    key_min_spam_share: float = 0.5    # and while at least this share of the key's rows so far look like spam
    template_head: int = 3             # first non-empty lines of the text that may hold a header template
    template_tail: int = 3             # last non-empty lines that may hold a footer template
    template_min_chars: int = 32       # letters left in a masked template line besides its placeholders (CJK
                                       # count 2): "Contact us on Telegram @x or call N" (25) is anyone's footer
    template_exact_min_chars: int = 12  # the same for an exact line: its contact or link makes it specific
    token_min_len: int = 6             # rare token: ASCII letters/digits/_ run at least this long,
    token_min_switches: int = 2        # with at least this many letter<->digit switches (8cf37b1e13, 033_l8)
    max_tokens: int = 8                # first rare tokens of a page that become keys (a hash list is not 30 keys)
    key_max_sites: int = 20            # a key stops joining once it was seen on more distinct sites than this
    generic_domains: tuple[str, ...] = GENERIC_DOMAINS
    id_path_hosts: tuple[str, ...] = ID_PATH_HOSTS
    code_hosts: tuple[str, ...] = CODE_HOSTS

    def __post_init__(self) -> None:
        if self.num_perm <= 0 or self.bands <= 0 or self.rows <= 0:
            raise CampaignError("num_perm, bands and rows must be positive")
        if self.bands * self.rows != self.num_perm:
            raise CampaignError(f"bands x rows must equal num_perm: {self.bands} x {self.rows} != {self.num_perm}")
        if not 0.0 < self.threshold <= 1.0:
            raise CampaignError(f"threshold must be in (0, 1], got {self.threshold}")
        if self.char_ngram < 1 or self.word_ngram < 1 or self.verify_depth < 1:
            raise CampaignError("shingle sizes and verify_depth must be at least 1")
        if min(self.template_head, self.template_tail, self.key_max_sites, self.max_tokens) < 0:
            raise CampaignError("template_head, template_tail, key_max_sites and max_tokens must not be negative")
        if not 0.0 <= self.seed < 2**63:
            raise CampaignError("seed must be a non-negative 63-bit integer")

    @classmethod
    def from_dict(cls, data: dict) -> "CampaignConfig":
        """The settings stored with a corpus's campaign state."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise CampaignError(f"stored campaign settings name unknown fields {unknown}; run with --full")
        values = dict(data)
        for key in ("link_kinds", "ignore_values", "key_contact_kinds", "generic_domains", "id_path_hosts", "code_hosts"):
            if key in values:
                values[key] = tuple(values[key])
        return cls(**values)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["link_kinds"] = list(self.link_kinds)
        d["ignore_values"] = sorted(self.ignore_values)
        for key in ("key_contact_kinds", "generic_domains", "id_path_hosts", "code_hosts"):
            d[key] = list(getattr(self, key))
        return d

    def fingerprint(self) -> str:
        """Hash of the settings and of every library version whose output is stored in the state."""
        payload = {"config": self.as_dict(), "algorithm": ALGORITHM_VERSION, "libraries": library_versions()}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape signatures (OpenCC conversion tables, rensa's MinHash)."""
    out = {}
    for name in ("rensa", "opencc"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - both are dependencies
            out[name] = "missing"
    import rensa

    out["rensa_algorithm"] = str(rensa.RMinHash.ALGORITHM_VERSION)
    return out
