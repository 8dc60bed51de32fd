"""One fetched page as plain data: decoding, extraction (title, text, links, format), and its corpus row. No Scrapy."""
