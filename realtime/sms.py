"""SMS gateways: the class named by settings.SMS_GATEWAY sends one text to one mobile number, or raises."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsGatewayError(Exception):
    """The gateway refused or could not be reached; the delivery task retries later."""


class SmsGateway(Protocol):
    def send(self, mobile: str, text: str) -> None: ...


class LoggingSmsGateway:
    """The default: writes each text to the log instead of sending it (laptops, tests, no contract yet)."""

    def send(self, mobile: str, text: str) -> None:
        logger.info("SMS to %s: %s", mobile, text)


class HttpSmsGateway:
    """POSTs {"mobile", "text"} as JSON to SMS_HTTP_URL with a bearer token; any non-2xx answer is an error."""

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.url = url if url is not None else settings.SMS_HTTP_URL
        self.token = token if token is not None else settings.SMS_HTTP_TOKEN
        self.timeout = timeout if timeout is not None else settings.SMS_HTTP_TIMEOUT
        if not self.url.startswith(("http://", "https://")):
            raise SmsGatewayError("SMS_HTTP_URL must be an http(s) URL")

    def send(self, mobile: str, text: str) -> None:
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            raise SmsGatewayError(f"SMS gateway answered {error.code}") from error
        except OSError as error:  # URLError, timeouts, refused connections
            raise SmsGatewayError(f"SMS gateway unreachable: {error}") from error
        if not 200 <= status < 300:
            raise SmsGatewayError(f"SMS gateway answered {status}")


def configured_gateway() -> SmsGateway:
    """A fresh instance of settings.SMS_GATEWAY (a dotted path)."""
    gateway: SmsGateway = import_string(settings.SMS_GATEWAY)()
    return gateway
