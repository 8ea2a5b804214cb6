"""Where the web chat listens: host and port from arguments, the environment, or the defaults.

Gradio-free on purpose: gradio's import parses GRADIO_SERVER_PORT with ``int()`` and dies with a
traceback on a bad value, so ``qa serve`` checks the settings here before it imports gradio.

Example:
    >>> server_address("127.0.0.1", 7911)
    ('127.0.0.1', 7911)
"""

from __future__ import annotations

import os

from qa.errors import InvalidOptionError
from qa.web.host_check import DEFAULT_HOST

HOST_ENV = "GRADIO_SERVER_NAME"
PORT_ENV = "GRADIO_SERVER_PORT"
DEFAULT_PORT = 7860
MAX_PORT = 65535  # TCP ports are 16-bit; 0 would mean "any free port", which a user cannot find


def parse_port(value: object) -> int:
    """Return ``value`` as a port number from 1 to 65535.

    Raises:
        InvalidOptionError: Otherwise; the message names the rule and the value, not where it came from.
    """
    number = _port_number(value)
    if number is None:
        raise InvalidOptionError(f"expected a port number from 1 to {MAX_PORT}, got {value!r}")
    return number


def server_address(host: str | None = None, port: int | str | None = None) -> tuple[str, int]:
    """Where to listen. Precedence: argument > GRADIO_SERVER_NAME / GRADIO_SERVER_PORT > 127.0.0.1:7860.

    An empty environment variable counts as unset.

    Raises:
        InvalidOptionError: For a port that is not a number from 1 to 65535, naming where it came from.
    """
    host = host or os.environ.get(HOST_ENV) or DEFAULT_HOST
    if port is not None:
        return host, parse_port(port)
    value = os.environ.get(PORT_ENV) or None
    if value is None:
        return host, DEFAULT_PORT
    number = _port_number(value)
    if number is None:
        raise InvalidOptionError(
            f"{PORT_ENV} must be a port number from 1 to {MAX_PORT}, not {value!r}: fix it or unset it."
        )
    return host, number


def _port_number(value: object) -> int | None:
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 1 <= number <= MAX_PORT else None
