"""Crawl job files: parsing, validation errors, and the Scrapy settings they imply."""
from pathlib import Path

import pytest

from crawler.job import JobError, adhoc_job, load_job

JOBS = Path(__file__).resolve().parents[2] / "crawler" / "jobs"


@pytest.mark.parametrize("path", sorted(JOBS.glob("*.toml")), ids=lambda p: p.name)
def test_bundled_jobs_load(path):
    job = load_job(path)
    assert job.name and (job.seeds or job.sitemaps or job.robots)
    settings = job.scrapy_settings()
    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["DOWNLOAD_MAXSIZE"] == 10 * 1024 * 1024


def test_public_example_job_is_polite_and_safe():
    job = load_job(JOBS / "telegram_sellers.toml")
    assert job.follow == "spam_only" and job.autothrottle and not job.allow_private_addresses
    assert job.contact_url and job.contact_url in str(job.scrapy_settings()["SPAMCORPUS_CONTACT_URL"])


def write(tmp_path, text):
    path = tmp_path / "job.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_seeds_file_is_relative_to_the_job_and_skips_comments(tmp_path):
    (tmp_path / "s.txt").write_text("# c\nhttp://a.example/1\n\n  http://a.example/2  \n")
    job = load_job(write(tmp_path, 'name = "j"\n[seeds]\nfile = "s.txt"\nurls = ["http://b.example/"]\n'))
    assert job.seeds == ["http://b.example/", "http://a.example/1", "http://a.example/2"]


def test_overrides_win_over_the_file(tmp_path):
    job = load_job(write(tmp_path, 'name = "j"\n[seeds]\nurls = ["http://a.example/"]\n[follow]\ndepth = 5\n'),
                   depth=1, max_pages=None)
    assert job.depth == 1 and job.max_pages == 0


@pytest.mark.parametrize("text,match", [
    ('name = "j"\n', "no seeds"),
    ('name = "bad name"\n[seeds]\nurls = ["http://a.example/"]\n', "must match"),
    ('name = "j"\n[seeds]\nurls = ["ftp://a.example/"]\n', "bad seed"),
    ('name = "j"\n[seeds]\nurls = ["http://a.example/"]\n[follow]\nmode = "some"\n', "follow.mode: expected one of"),
    ('name = "j"\n[seeds]\nurls = ["http://a.example/"]\n[follow]\nspam_threshold = 2\n', "spam_threshold"),
    ('name = "j"\n[seeds\n', "invalid TOML"),
    ('name = "j"\n[seeds]\nfile = "missing.txt"\n', "cannot read seeds file"),
])
def test_bad_jobs_get_clear_errors(tmp_path, text, match):
    with pytest.raises(JobError, match=match):
        load_job(write(tmp_path, text))


def test_adhoc_job(tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("http://a.example/\n")
    job = adhoc_job("adhoc", seeds, max_pages=3, depth=None)
    assert job.seeds == ["http://a.example/"] and job.max_pages == 3 and job.depth == 2
    with pytest.raises(JobError, match="cannot read job file"):
        load_job(tmp_path / "nope.toml")


def test_sample_job_is_loopback_only_and_names_the_private_address_for_the_guard():
    job = load_job(JOBS / "sample_web.toml")
    assert job.allow_private_addresses and job.robots and job.depth == 4
    # 10.0.0.1 is allowed by the host filter on purpose: the SSRF guard, not the filter, must refuse it
    assert "10.0.0.1" in job.allowed_hosts
    assert all(h.startswith(("127.", "10.")) for h in job.allowed_hosts)


def test_page_limit_is_the_spiders_not_scrapys(tmp_path):
    job = load_job(write(tmp_path, 'name = "j"\n[seeds]\nurls = ["http://a.example/"]\n[limits]\npages = 7\n'))
    settings = job.scrapy_settings()
    assert settings["SPAMCORPUS_MAX_PAGES"] == 7 and settings["CLOSESPIDER_PAGECOUNT"] == 0


# --- the typed schema: every problem, one line each, naming the file, the key and what is allowed ----------------
GOOD = 'name = "j"\n[seeds]\nurls = ["http://a.example/"]\n'


@pytest.mark.parametrize("text,expected", [
    # unknown keys and tables, with a "did you mean" hint
    (GOOD + 'colour = "red"\n', ["unknown key `colour` in [seeds]"]),
    ('name = "j"\ncolour = "red"\n[seeds]\nurls = ["http://a.example/"]\n',
     ["unknown key `colour` at the top level (allowed: `name`, `description`, [seeds]"]),
    ('name = "j"\n[seeds]\nurl = ["http://a.example/"]\n', ["unknown key `url` in [seeds] (did you mean `urls`?)"]),
    (GOOD + '[follow]\ndept = 3\n', ["unknown key `dept` in [follow] (did you mean `depth`?)"]),
    ('name = "j"\ndepth = 3\n' + GOOD.split("\n", 1)[1], ["unknown key `depth` at the top level (`depth` belongs in [follow])"]),
    (GOOD + '[politness]\ntimeout = 3\n', ["unknown table [politness] (did you mean [politeness]?)"]),
    (GOOD + '[follow.extra]\nx = 1\n', ["unknown table [follow.extra]"]),
    # types: never coerced
    (GOOD + '[follow]\ndepth = "three"\n', ["follow.depth: expected an integer >= 0, got 'three'"]),
    (GOOD + '[follow]\ndepth = 1.5\n', ["follow.depth: expected an integer >= 0, got 1.5"]),
    (GOOD + '[follow]\ndepth = true\n', ["follow.depth: expected an integer >= 0, got true"]),
    ('name = 5\n[seeds]\nurls = ["http://a.example/"]\n', ["name: expected a job name matching", "got 5"]),
    ('name = "j"\nseeds = "http://a.example/"\n', ['seeds: expected a table (e.g. a line [seeds], then urls = ["http://..."]']),
    ('name = "j"\n[seeds]\nurls = "http://a.example/"\n',
     ['seeds.urls: expected a list of URLs, e.g. urls = ["http://..."], got \'http://a.example/\'']),
    ('name = "j"\n[seeds]\nurls = ["http://a.example/", 7]\n', ["seeds.urls[1]: expected a string (each entry of seeds.urls), got 7"]),
    (GOOD + '[politeness]\nmax_size_mib = "big"\n', ["politeness.max_size_mib: expected a number > 0", "got 'big'"]),
    (GOOD + '[politeness]\nobey_robots = "yes"\n', ["politeness.obey_robots: expected true or false, got 'yes'"]),
    (GOOD + '[safety]\nallow_private_addresses = 1\n', ["safety.allow_private_addresses: expected true or false, got 1"]),
    (GOOD + '[follow]\nallowed_hosts = "127.0.0.2"\n', ["follow.allowed_hosts: expected a list of host names"]),
    (GOOD + '[follow]\nallowed_hosts = ["http://127.0.0.2/"]\n', ["follow.allowed_hosts[0]: 'http://127.0.0.2/' is not a host name"]),
    # ranges
    (GOOD + '[limits]\npages = -5\n', ["limits.pages: expected an integer >= 0 (0 = no limit), got -5"]),
    (GOOD + '[politeness]\ntimeout = -1\n', ["politeness.timeout: expected a number > 0 and <= 86400, got -1"]),
    (GOOD + '[politeness]\ntimeout = inf\n', ["politeness.timeout: expected a number > 0 and <= 86400, got inf"]),
    (GOOD + '[politeness]\nconcurrency_per_host = 0\n', ["politeness.concurrency_per_host: expected an integer within 1..1000, got 0"]),
    (GOOD + '[politeness]\ndownload_delay = -0.5\n', ["politeness.download_delay: expected a number within 0..86400, got -0.5"]),
    (GOOD + '[politeness]\ncontact_url = "http://a.example/\\r\\nX: y"\n', ["politeness.contact_url:", "control characters"]),
    (GOOD + '[follow]\nmode = "some"\n', ['follow.mode: expected one of "all", "spam_only", "none", got \'some\'']),
    (GOOD + '[distributed]\nredis = "http://127.0.0.1:6379/0"\n', ["distributed.redis:", "redis://HOST:PORT/DB"]),
    (GOOD + '[distributed]\nredis = "redis://127.0.0.1:99999/0"\n', ["distributed.redis:", "bad Redis URL"]),
    (GOOD + '[distributed]\nredis = "redis://127.0.0.1:6379/jobs"\n', ["distributed.redis:", "is a number"]),
    (GOOD + '[distributed]\nredis = 6379\n', ["distributed.redis:", "got 6379"]),
])
def test_schema_errors_name_the_file_key_and_allowed_values(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(JobError) as info:
        load_job(path)
    message = str(info.value)
    assert all(line.startswith(f"{path}: ") for line in message.splitlines()), message
    for part in expected:
        assert part in message, message
    assert len(message.splitlines()) == 1, message  # one problem, one line


def test_every_problem_is_reported_at_once(tmp_path):
    text = ('name = "bad name"\ncolour = 1\n[seeds]\nurl = ["http://a.example/"]\nurls = ["ftp://a.example/"]\n'
            '[follow]\ndepth = -1\n[politness]\n[politeness]\ntimeout = 0\nobey_robots = "yes"\n')
    with pytest.raises(JobError) as info:
        load_job(write(tmp_path, text))
    keys = ["name:", "`colour`", "`url`", "seeds.urls[0]: bad seed", "follow.depth:", "[politness]",
            "politeness.timeout:", "politeness.obey_robots:"]
    lines = info.value.problems
    assert len(lines) == len(keys), lines
    for key in keys:
        assert sum(key in line for line in lines) == 1, (key, lines)


def test_name_defaults_to_the_file_stem_and_is_checked(tmp_path):
    path = tmp_path / "my job.toml"
    path.write_text('[seeds]\nurls = ["http://a.example/"]\n')
    with pytest.raises(JobError, match=r"name taken from the file name.*'my job' must match"):
        load_job(path)
    assert load_job(path, name="ok").name == "ok"


def test_overrides_are_checked_too(tmp_path):
    with pytest.raises(JobError, match=r"follow.depth \(override\): expected an integer >= 0, got -1"):
        load_job(write(tmp_path, GOOD), depth=-1)
    with pytest.raises(TypeError, match="unknown CrawlJob override"):
        load_job(write(tmp_path, GOOD), colour="red")


def test_code_built_jobs_get_the_same_checks():
    from crawler.job import CrawlJob

    with pytest.raises(JobError, match=r"politeness.concurrency_per_host: expected an integer within 1..1000, got 0"):
        CrawlJob(name="j", seeds=["http://a.example/"], concurrency_per_host=0).validate()
    with pytest.raises(JobError, match="no seeds"):
        CrawlJob(name="j").validate()


@pytest.mark.parametrize("data,where", [
    (b"http://a.example/1\nhttp://a.example/\xff2\n", "line 2, column 18 (byte offset 36)"),
    (b"\xef\xbb\xbfhttp://a.example/\n\xfe\n", "line 2, column 1 (byte offset 21)"),
])
def test_seeds_file_that_is_not_utf8_names_file_line_and_byte(tmp_path, data, where):
    seeds = tmp_path / "seeds.txt"
    seeds.write_bytes(data)
    with pytest.raises(JobError) as info:
        adhoc_job("adhoc", seeds)
    message = str(info.value)
    assert f"seeds file {seeds}: not UTF-8 text" in message and where in message, message
    # from a job file too, with the job file and key in front
    path = write(tmp_path, 'name = "j"\n[seeds]\nfile = "seeds.txt"\n')
    with pytest.raises(JobError) as info:
        load_job(path)
    assert str(info.value).startswith(f"{path}: seeds.file: seeds file {seeds}: not UTF-8 text: byte 0x")
    assert where in str(info.value)


def test_seeds_file_lines_are_checked_with_line_numbers(tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# list\nhttp://a.example/\nftp://b.example/\n\nnot a url\n", encoding="utf-8")
    with pytest.raises(JobError) as info:
        adhoc_job("adhoc", seeds)
    assert [p.split(": bad seed")[0] for p in info.value.problems] == [
        f"seeds file {seeds}, line 3", f"seeds file {seeds}, line 5"]
    with pytest.raises(JobError, match="not a regular file"):
        adhoc_job("adhoc", tmp_path)
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbfhttp://a.example/\n")
    assert adhoc_job("adhoc", bom).seeds == ["http://a.example/"]


def test_job_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "job.toml"
    path.write_bytes(b'name = "j"\n# caf\xe9\n')
    with pytest.raises(JobError, match=r"not UTF-8 text: byte 0xe9 at line 2 \(byte offset 16\)"):
        load_job(path)


# --- properties: the schema's valid space loads; junk only ever raises JobError ----------------------------------
import types  # noqa: E402
import typing  # noqa: E402
from datetime import date  # noqa: E402

import annotated_types  # noqa: E402
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402
from pydantic import BaseModel  # noqa: E402

from corpus.store import JOB_NAME  # noqa: E402
from crawler.job import job_from_data  # noqa: E402
from crawler.job_schema import JobFile  # noqa: E402

HOSTS = st.from_regex(r"[a-z][a-z0-9-]{0,12}\.(example|test|org)", fullmatch=True)
URLS = st.builds(lambda scheme, host, path: f"{scheme}://{host}/{path}", st.sampled_from(["http", "https"]), HOSTS,
                 st.from_regex(r"[a-z0-9/._-]{0,20}", fullmatch=True))
# keys whose valid values need more than their type says
SPECIAL = {
    ("name",): st.from_regex(JOB_NAME, fullmatch=True),
    ("seeds", "urls"): st.lists(URLS, min_size=1, max_size=5),
    ("seeds", "sitemaps"): st.lists(URLS, max_size=3),
    ("seeds", "robots"): st.lists(URLS, max_size=3),
    ("follow", "allowed_hosts"): st.lists(st.one_of(HOSTS, st.just("*")), max_size=4),
    ("politeness", "contact_url"): URLS,
    ("distributed", "redis"): st.builds(lambda scheme, host, port, db: f"{scheme}://{host}:{port}/{db}",
                                        st.sampled_from(["redis", "rediss"]), HOSTS, st.integers(1, 65535),
                                        st.integers(0, 15)),
}
SKIP = {("seeds", "file")}  # needs a file on disk: covered by the tests above


def _strategy(annotation, metadata):
    """Valid values of a schema field, derived from its type and constraints (a new field type fails here)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _strategy(base, list(metadata) + [x for m in extra for x in (getattr(m, "metadata", None) or [m])])
    if origin is typing.Literal:
        return st.sampled_from(typing.get_args(annotation))
    bounds = {}
    for m in metadata:
        for attr in ("ge", "gt", "le", "lt"):
            if isinstance(m, getattr(annotated_types, attr.capitalize())):
                bounds[attr] = getattr(m, attr)
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return st.integers(min_value=bounds.get("ge", bounds.get("gt", -10**6 - 1) + 1),
                           max_value=bounds.get("le", 10**9))
    if annotation is float:
        return st.floats(min_value=bounds.get("ge", bounds.get("gt")), max_value=bounds.get("le", 1e9),
                         exclude_min="gt" in bounds, allow_nan=False, allow_infinity=False)
    if annotation is str:
        return st.text(max_size=40)
    raise AssertionError(f"no strategy for {annotation!r}: extend _strategy")


def _table(model, prefix=()):
    fields = {}
    for name, info in model.model_fields.items():
        key = prefix + (name,)
        if key in SKIP:
            continue
        annotation = info.annotation
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):  # optional: the value's type
            (annotation,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):  # a table
            fields[name] = _table(annotation, key)
        elif key in SPECIAL:
            fields[name] = SPECIAL[key]
        else:
            fields[name] = _strategy(annotation, info.metadata)
    required = {"seeds": fields.pop("seeds")} if prefix == () else {}
    if prefix == ("seeds",):
        required = {"urls": fields.pop("urls")}
    return st.fixed_dictionaries(required, optional=fields)


VALID_JOBS = _table(JobFile)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALID_JOBS)
def test_any_job_from_the_schemas_valid_space_loads(data):
    job = job_from_data(data, source="<generated>", default_name="generated")
    assert job.name == data.get("name", "generated")
    assert job.seeds == data["seeds"]["urls"]
    for table, key, attr in [("follow", "depth", "depth"), ("limits", "pages", "max_pages"),
                             ("politeness", "concurrency_per_host", "concurrency_per_host"),
                             ("politeness", "obey_robots", "obey_robots"), ("follow", "mode", "follow")]:
        if key in data.get(table, {}):
            assert getattr(job, attr) == data[table][key]
    settings_ = job.scrapy_settings()
    assert settings_["CONCURRENT_REQUESTS_PER_DOMAIN"] >= 1 and settings_["DOWNLOAD_TIMEOUT"] > 0


JUNK = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300), st.floats(),
              st.text(max_size=30), st.binary(max_size=10), st.datetimes(), st.just(date(2026, 1, 1))),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)
KEYS = st.sampled_from(["name", "description", "seeds", "follow", "limits", "politeness", "safety", "colour"])
SUBKEYS = st.sampled_from(["urls", "file", "sitemaps", "robots", "depth", "allowed_hosts", "mode", "spam_threshold",
                           "pages", "seconds", "obey_robots", "robots_unavailable", "autothrottle",
                           "concurrency_per_host", "download_delay", "timeout", "max_size_mib", "contact_url",
                           "allow_private_addresses", "url", "dept"])


@st.composite
def junk_jobs(draw):
    data = draw(st.one_of(VALID_JOBS, st.dictionaries(st.text(max_size=10), JUNK, max_size=5)))
    for _ in range(draw(st.integers(0, 4))):
        top = draw(KEYS)
        if draw(st.booleans()) and isinstance(data.get(top), dict):
            data[top][draw(SUBKEYS)] = draw(JUNK)
        else:
            data[top] = draw(JUNK)
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(junk_jobs(), JUNK))
def test_junk_never_raises_anything_but_job_error(tmp_path_factory, data):
    base = tmp_path_factory.getbasetemp()
    try:
        job_from_data(data, source="<junk>", base_dir=base, default_name="junk")
    except JobError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_junk_files_never_raise_anything_but_job_error(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("junk") / "job.toml"
    path.write_bytes(raw)
    try:
        load_job(path)
    except JobError:
        pass


def test_one_source_for_job_defaults():
    # CrawlJob (the dataclass code builds) and the job file's tables must agree on every default
    import dataclasses

    from crawler.job import CrawlJob
    from crawler.job_schema import JobValues
    for f in dataclasses.fields(CrawlJob):
        if f.name == "name":
            continue
        ours = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        assert ours == JobValues.model_fields[f.name].get_default(call_default_factory=True), f.name
