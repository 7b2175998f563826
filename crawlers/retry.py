"""Patient retries: 429 and 503 wait as long as the server's Retry-After asks (up to a cap), and
other transient failures back off exponentially. Takes the place of Scrapy's RetryMiddleware.

Reads RETRY_* like Scrapy's, plus HABARI_RETRY_MAX_WAIT and HABARI_RETRY_BACKOFF (seconds).
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)
RATE_LIMITED = (429, 503)


class PatientRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("HABARI_RETRY_MAX_WAIT", 120.0)
        self.backoff = settings.getfloat("HABARI_RETRY_BACKOFF", 1.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after(response) if response.status in RATE_LIMITED else None
        if wait is not None and wait > self.max_wait:
            logger.warning("%s asks to wait %.0f s (Retry-After); giving up for this run", request.url, wait)
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(wait if wait is not None else self._backoff(request))
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self._backoff(request))
        return retry

    def _backoff(self, request: Request) -> float:
        """1, 2, 4 … times the base for the first, second, third … retry, at most the cap."""
        return min(self.backoff * 2 ** request.meta.get("retry_times", 0), self.max_wait)


def retry_after(response: Response) -> float | None:
    """Seconds the Retry-After header asks for (a number or an HTTP date), or None without one."""
    value = response.headers.get("Retry-After", b"").decode("latin-1").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())
