"""Template campaigns: MinHash/LSH near-duplicate groups joined with the shared-contact graph, incremental and stable.

Public API: `assign_campaigns(root, config=None, full=False)`, `read_campaigns(root)`,
`campaign_summary(root, top=10)`, `read_merges(root)`, `CampaignConfig`, `CampaignRunSummary`,
`CampaignError`, `normalize_text`. Stages: normalize -> minhash (shingles, signatures, band keys) and keys
(header/footer lines, rare tokens, promoted domains, short links) -> grouping (edges, components) -> run
(incremental orchestration) -> state/segments (storage).
"""
from corpus.campaigns.config import CampaignConfig, CampaignError
from corpus.campaigns.normalize import normalize_text
from corpus.campaigns.run import CampaignRunSummary, assign_campaigns
from corpus.campaigns.summary import campaign_summary, campaigns_computed, read_campaigns, read_merges

__all__ = ["CampaignConfig", "CampaignError", "CampaignRunSummary", "assign_campaigns", "campaign_summary",
           "campaigns_computed", "normalize_text", "read_campaigns", "read_merges"]
