"""Small helpers shared by the customer service tests (not a test module itself)."""

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)
