"""Scrapy settings for spamcorpus: overrides of Scrapy's defaults and the SPAMCORPUS_* settings."""
from corpus.version import __version__

BOT_NAME = "spamcorpus"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- spamcorpus settings -------------------------------------------------------------------------
SPAMCORPUS_CORPUS_DIR = "datasets/corpus"
SPAMCORPUS_CONTACT_URL = "https://github.com/spamcorpus/spamcorpus#crawler"  # where site owners learn who we are
SPAMCORPUS_ALLOW_PRIVATE_ADDRESSES = False  # only the sample web and tests set this
SPAMCORPUS_ROBOTS_UNAVAILABLE = "disallow"  # robots.txt answering 5xx or timing out: RFC 9309 says disallow all
SPAMCORPUS_SHARD_ROWS = 500  # rows per committed Parquet shard
SPAMCORPUS_COMMIT_SECONDS = 30.0  # commit at least this often, so a kill loses little work
SPAMCORPUS_STORE_BUFFER_BYTES = 64 * 1024 * 1024  # bodies dominate memory: commit early on big pages
SPAMCORPUS_ZSTD_LEVEL = 3
SPAMCORPUS_PAGE_WORKERS = "auto"  # processes that extract pages: auto = cores - 1; 0 = in the crawler process
SPAMCORPUS_PAGE_TIMEOUT = 30.0  # seconds one page may take to extract; then its worker is replaced
SPAMCORPUS_PAGE_RETRIES_AFTER_CRASH = 3  # a page in flight when another page crashed its worker is not at fault
SPAMCORPUS_PAGE_BATCH = 8  # pages that queue up while the workers are busy travel together (one pickling, one wake-up)
SPAMCORPUS_PROGRESS = True
SPAMCORPUS_PROGRESS_INTERVAL = 2.0
SPAMCORPUS_RUNSTATS_INTERVAL = 10.0  # _runs/<run>.json is rewritten this often, so a killed run keeps its counts
SPAMCORPUS_MAX_LINKS_PER_PAGE = 500
SPAMCORPUS_SITEMAP_MAX_BYTES = 50 * 1024 * 1024  # a gzipped sitemap is read up to this many bytes unpacked
SPAMCORPUS_MAX_PAGES = 0  # documents (rows) per run, 0 = no limit; a job's limits.pages sets it
SPAMCORPUS_WARC = True  # every exchange into WARC files committed with the shards (corpus/warc); --no-warc skips
SPAMCORPUS_GC_FREEZE = True  # freeze the start-up heap out of the garbage collector's scans
# distributed crawl (crawler/distributed/): empty = one process, no Redis; `spamcorpus crawl --redis URL` sets it
SPAMCORPUS_REDIS_URL = ""
SPAMCORPUS_REDIS_ROLE = "crawl"  # "crawl" opens the job and queues its seeds; "worker" joins a job
SPAMCORPUS_REDIS_HEARTBEAT = 2.0  # seconds between a worker's heartbeats
SPAMCORPUS_REDIS_WORKER_TTL = 15.0  # a worker silent this long is dead: its leased requests are queued again
SPAMCORPUS_REDIS_PATIENCE = 60.0  # seconds a command waits for an unreachable or restarting Redis
SPAMCORPUS_REDIS_JOIN_WAIT = 60.0  # seconds a worker waits for `spamcorpus crawl` to open its job
SPAMCORPUS_REDIS_ROBOTS_TTL = 86400.0  # robots.txt bodies shared between workers for a day (RFC 9309's cap)
# schemes the SSRF guard lets out; anything else (file:, ftp:, data:) is refused
SPAMCORPUS_ALLOWED_SCHEMES = ["http", "https"]



def user_agent(contact_url: str) -> str:
    """The User-Agent names who crawls and where site owners learn more; a job with its own contact_url sets
    USER_AGENT from it (crawler.job), nothing else rewrites it."""
    return f"spamcorpus/{__version__} (+{contact_url})"


# --- politeness ----------------------------------------------------------------------------------
USER_AGENT = user_agent(SPAMCORPUS_CONTACT_URL)
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 32
# Scrapy starts CONCURRENT_ITEMS tasks for every response's output (scrapy#5182); a page yields one row and
# its links, and the pipelines are synchronous, so 100 (the default) is pure overhead: ~1 ms a page here
CONCURRENT_ITEMS = 1
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # applies to decompressed bodies (decompression-bomb guard)
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # a page that still fails is a counted drop, listed in the end summary
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote control runs Python sent over HTTP (token in the user's profile): never in a crawler of
# hostile pages, and a SIGKILLed crawl would leave its job file behind
REMOTE_CONTROL_ENABLED = False
DEPTH_LIMIT = 3  # a job's follow.depth sets it (Scrapy's DepthMiddleware; sitemap hops reset it to 0)
DEPTH_PRIORITY = 1  # shallow pages first: a page first met through a long path would take its depth from it
DEPTH_STATS_VERBOSE = True
REDIRECT_MAX_TIMES = 5
LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.extensions.logformat.RowLogFormatter"  # rows are logged by URL, never dumped

# --- components ----------------------------------------------------------------------------------
# requests are de-duplicated once, by the scheduler, over canonical URLs (a distributed scheduler such as
# scrapy-redis swaps the dupefilter and keeps the fingerprinter); rows once, by doc_id, at the store's commit
DUPEFILTER_CLASS = "crawler.dupefilter.CommittedDupeFilter"
REQUEST_FINGERPRINTER_CLASS = "crawler.fingerprinter.CanonicalURLFingerprinter"
TWISTED_DNS_RESOLVER = "crawler.resolver.GuardedResolver"
DOWNLOADER_MIDDLEWARES = {
    # first in line, so nothing (not even a robots.txt fetch) reaches a refused address
    "crawler.middlewares.ssrf.SSRFGuardMiddleware": 50,
    # Scrapy's offsite filter on the job's exact hosts, one counted drop per URL (it runs as requests are scheduled)
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.middlewares.offsite.JobOffsiteMiddleware": 40,
    # a body past DOWNLOAD_MAXSIZE once decompressed fails as ResponseTooLarge (too_large), not a bare IgnoreRequest
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.middlewares.decompression.SizedHttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.PoliteRobotsTxtMiddleware": 100,
    # next to the downloader: requests as sent, responses as received (before redirects and decompression)
    "crawler.middlewares.warc.WarcRecorderMiddleware": 950,
}
ITEM_PIPELINES = {
    "crawler.pipelines.validate.ValidateRowPipeline": 100,
    "crawler.pipelines.store.ParquetStorePipeline": 900,
}
EXTENSIONS = {
    "crawler.extensions.progress.ProgressLine": 500,
    "crawler.extensions.runstats.RunStats": 510,
    "crawler.extensions.gc_freeze.GcFreeze": 520,
    "crawler.extensions.size_limit.ResponseSizeLimit": 530,
    "crawler.extensions.page_workers.PageWorkers": 540,  # the spider's extraction pool
}
