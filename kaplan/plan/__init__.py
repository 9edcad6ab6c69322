"""The plan format and nothing else: model, YAML 1.2 reader, loading, messages, audiences.

No Click, Jinja, WeasyPrint or Markdown here. This module itself imports nothing: the command line
reads its names to build options without loading the model.
"""

from typing import Literal

Locale = Literal["zh", "en"]
Audience = Literal["private", "internal", "external"]
AUDIENCES: tuple[Audience, ...] = ("private", "internal", "external")
