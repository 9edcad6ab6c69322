"""The plan format and nothing else: model, YAML 1.2 reader, loading, messages, audiences.

No Click, Jinja, WeasyPrint or Markdown here.
"""
