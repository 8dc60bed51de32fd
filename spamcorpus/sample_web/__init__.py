"""The bundled sample web: SEO-spam posts and benign look-alikes on loopback platforms 127.0.0.2-7, with its truth."""
from spamcorpus.sample_web.accounts import PLATFORMS_FILE
from spamcorpus.sample_web.campaigns import CAMPAIGNS, DEFAULT_BENIGN, DEFAULT_SPAM
from spamcorpus.sample_web.export import export_site
from spamcorpus.sample_web.generate import generate
from spamcorpus.sample_web.server import JOB_FILE, RequestRecord, SampleWebError, SampleWebServer, serve_sample_web
from spamcorpus.sample_web.site import DEFAULT_HOSTS, DEFAULT_PORT, PageTruth, Resource, SampleWeb

__all__ = [
    "CAMPAIGNS", "DEFAULT_BENIGN", "DEFAULT_HOSTS", "DEFAULT_PORT", "DEFAULT_SPAM", "JOB_FILE", "PLATFORMS_FILE", "PageTruth",
    "RequestRecord", "Resource", "SampleWeb", "SampleWebError", "SampleWebServer", "export_site", "generate",
    "serve_sample_web",
]
