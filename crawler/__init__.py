"""The Scrapy project: spiders, page extraction, pipelines, middlewares, extensions."""
