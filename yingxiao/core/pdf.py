"""PDF documents from HTML templates (WeasyPrint; Chinese needs the Noto CJK fonts)."""

from django.http import HttpResponse


def render_pdf(html: str) -> bytes:
    """Render an HTML string to PDF bytes."""
    from weasyprint import HTML  # imported lazily: it loads Pango and fonts

    return HTML(string=html).write_pdf()


def pdf_response(html: str, filename: str) -> HttpResponse:
    """Send HTML rendered as a PDF, shown inline in the browser."""
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
