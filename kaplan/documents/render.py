"""Views → HTML documents, through the theme's sandboxed templates."""

from __future__ import annotations

from typing import Any

import jinja2

from kaplan.documents.briefing import MeetingBriefing, people_to_handle
from kaplan.documents.theme import ThemeError
from kaplan.documents.views import DocumentView


def render_template(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render a theme template; a broken or missing one becomes a :class:`ThemeError`."""
    try:
        return env.get_template(name).render(**context)
    except ThemeError:
        raise  # a refused theme file: its message already names it
    except jinja2.exceptions.SecurityError as exc:  # the sandbox stopped a reach for Python internals
        raise ThemeError(
            f"{_template_frame(exc) or name}: not allowed in a template: {exc}; "
            "templates may use the view's fields and methods only"
        ) from None
    except jinja2.TemplateNotFound as exc:
        where = _template_frame(exc)
        included = f"{where}: " if where else ""
        raise ThemeError(f"{included}template '{exc.name}' not found in the theme folders") from None
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise ThemeError(f"{where}:{exc.lineno}: template syntax error: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise ThemeError(f"{_template_frame(exc) or name}: {exc.message}") from None
    except Exception as exc:
        where = _template_frame(exc)
        if where is None:  # not the template's fault: a bug in kaplan, let it show
            raise
        raise ThemeError(f"{where}: {type(exc).__name__}: {exc}") from None


def _template_frame(exc: BaseException) -> str | None:
    tb = exc.__traceback__
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".css", ".svg", ".xml")):
            found = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


def render_dossier(view: DocumentView, env: jinja2.Environment) -> str:
    """The dossier's HTML: a self-contained page, also the source of the PDF."""
    return render_template(env, "dossier.html", v=view, L=view.labels)


def render_brief(view: DocumentView, env: jinja2.Environment) -> str:
    """The general briefing's HTML (source of ``ID.brief.pdf``)."""
    # Who needs handling: a key person gets the line in place, the others a section of their own.
    handle = {h.person.id: h for h in people_to_handle(view)} if view.shows_assessments else {}
    return render_template(env, "brief.html", v=view, L=view.labels, handle=handle)


def render_meeting_brief(view: DocumentView, briefing: MeetingBriefing, env: jinja2.Environment) -> str:
    """One meeting's briefing as HTML (source of ``ID.MEETING.brief.pdf``)."""
    return render_template(env, "meeting.html", v=view, b=briefing, L=view.labels)
