"""The crawlers: Scrapy spiders that fetch configured news sources politely and feed the pipeline.

`crawl(settings)` runs one isolated crawl in a child process and returns an outcome per source.
"""
