"""Habari's Settings turned into Scrapy's: polite by default, consoles off, limits from CrawlLimits."""
from __future__ import annotations

from crawlers.scrapy_settings import HABARI_SETTINGS, LOCAL_WEB, POLITE, SHORTEST_DOWNLOAD_DELAY, scrapy_settings


def test_polite_defaults_name_habari_and_obey_robots(make_settings):
    settings = make_settings(contact_url="https://council.example/habari")
    scrapy = scrapy_settings(settings)

    assert scrapy["USER_AGENT"] == "Habari/0.1 (+https://council.example/habari)"
    assert scrapy["ROBOTSTXT_OBEY"] and scrapy["AUTOTHROTTLE_ENABLED"]
    assert scrapy["DOWNLOAD_DELAY"] == POLITE.download_delay > 0
    assert not scrapy["TELNETCONSOLE_ENABLED"] and not scrapy["REMOTE_CONTROL_ENABLED"]
    assert scrapy["DOWNLOAD_MAXSIZE"] == POLITE.max_response_bytes
    assert scrapy[HABARI_SETTINGS] is settings
    assert scrapy["DOWNLOAD_HANDLERS"] == {"file": None, "data": None, "ftp": None, "s3": None}


def test_local_web_limits_turn_delays_down_and_scrapy_is_quiet_unless_debugging(make_settings):
    assert scrapy_settings(make_settings(), LOCAL_WEB)["DOWNLOAD_DELAY"] == SHORTEST_DOWNLOAD_DELAY < 0.01
    assert scrapy_settings(make_settings(log_level="INFO"))["LOG_LEVEL"] == "WARNING"
    assert scrapy_settings(make_settings(log_level="debug"))["LOG_LEVEL"] == "DEBUG"
