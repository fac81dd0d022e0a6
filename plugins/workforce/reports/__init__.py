"""Report rendering: number formats, charts, Jinja templates and PDF output.

Report builders assemble a context from the warehouse, then call
``render.render_html`` and ``render.write_pdf``; templates live in the project's
``templates/`` folder and use the filters in ``filters``.
"""
