"""The oversight pages: the street office's (``/office/``). One module per audience registers its views; ``common`` holds the blueprint."""

from ..labels import FLAG_LABELS
from . import office  # noqa: F401  the views register on ``bp``
from .common import bp

__all__ = ["FLAG_LABELS", "bp"]
