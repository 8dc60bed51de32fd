# Two entry points for a fresh machine: `make demo` and `make test`. Everything else is set-up they call.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz bench venv studio-venv redis-server clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Label Studio (the server) lives in its own venv: it pins pyarrow<25 and pytz<2023, which clash with ours
STUDIO_VENV := .venv-studio
STUDIO_STAMP := $(STUDIO_VENV)/.installed

studio-venv: $(STUDIO_STAMP)

$(STUDIO_STAMP):
	$(PYTHON) -m venv $(STUDIO_VENV)
	$(STUDIO_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(STUDIO_VENV)/bin/python -m pip install --quiet 'label-studio==1.23.2'
	touch $(STUDIO_STAMP)

# Debian's redis-server for the distributed crawl (tests start their own, on loopback, in a tmp dir; nothing
# listens until one does): installed when root, else the distributed tests skip and say why (they fail under CI)
redis-server:
	@command -v redis-server >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server >/dev/null && \
		{ service redis-server stop >/dev/null 2>&1 || true; }; } || \
		echo "redis-server is not installed: the distributed crawl tests will skip"

demo: $(STAMP) $(STUDIO_STAMP) redis-server
	$(BIN)/spamcorpus demo

# the browser tests open Label Studio in Debian's headless chromium (CJK fonts for the Chinese pages); without it
# they skip and say why
test: $(STAMP) $(STUDIO_STAMP) redis-server
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; } || \
		echo "chromium is not installed: the browser tests will skip"
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

# property tests with fresh examples, 15x their budget (make test draws the same ones every run): run it before a
# submission; a failure it finds is a real case to fix and to pin with @example
fuzz: $(STAMP) $(STUDIO_STAMP)
	SPAMCORPUS_HYPOTHESIS=fuzz $(BIN)/python -m pytest -q -n 2 $$(grep -rl --include="test_*.py" "^from hypothesis" tests)

# the crawl benchmark's site is best served by nginx (so the server is never the bottleneck); without it the
# benchmark serves the site with asyncio and says so
bench: $(STAMP) $(STUDIO_STAMP) redis-server
	@command -v nginx >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; } || \
		echo "nginx is not installed: the crawl benchmark serves its site with asyncio"
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) $(STUDIO_VENV) build *.egg-info
