"""The pipeline: plain Python that turns a fetched page into an indexable article.

It knows nothing of Scrapy; crawls, submitted URLs and files on disk all go through `process_page`.
"""
from pipeline.chain import Rejected, process_page
from pipeline.page import FeedEntry, FetchedPage

__all__ = ["FeedEntry", "FetchedPage", "Rejected", "process_page"]
