"""``{% related_documents dossier=… %}`` / ``{% related_documents meeting=… %}``: the
"Văn bản liên quan" list another app's page shows with one line of template, read through
``selectors.related_documents`` (only the documents the viewer may see)."""

from django import template

from tinhso.documents import selectors

register = template.Library()


@register.inclusion_tag("documents/_related.html", takes_context=True)
def related_documents(context, dossier=None, meeting=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or (dossier is None and meeting is None):
        return {"related": []}
    return {"related": selectors.related_documents(user, dossier=dossier, meeting=meeting)}
