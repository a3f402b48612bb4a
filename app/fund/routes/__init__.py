"""The fund's pages: the committee's (projects, unit accounts, emergencies), the office's confirmations, the owner's account.

One module per stage registers its views on ``common.bp``.
"""

from . import accounts, emergencies, projects  # noqa: F401  the views register on ``bp``
from .common import bp

__all__ = ["bp"]
