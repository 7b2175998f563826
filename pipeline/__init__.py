"""The pipeline: plain Python that turns a fetched page into an indexable article.

It knows nothing of Scrapy; crawls, submitted URLs and files on disk all go through one `Pipeline`.
"""
from pipeline.chain import Document, Failed, Pipeline, Rejected
from pipeline.page import FeedEntry, FetchedPage

__all__ = ["Document", "Failed", "FeedEntry", "FetchedPage", "Pipeline", "Rejected"]
