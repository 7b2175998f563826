"""Imported once by the fork server that crawl processes start from: Scrapy, the crawl's components and the
pipeline, with the date parser warmed up, so no poll spends seconds importing and loading them again.
"""
import crawlers.index_pipeline  # noqa: F401
import crawlers.robots_cache  # noqa: F401
import crawlers.run  # noqa: F401
import crawlers.warc_middleware  # noqa: F401
import scrapy.core.downloader.handlers.http11  # noqa: F401
from pipeline.extract import warm_up

warm_up()
