"""Plans in and out of spreadsheets and CRM reports: ``kaplan export`` and ``kaplan import``.

- :mod:`~kaplan.interop.columns`: the workbook's layout, one sheet per list, read from the model.
- :mod:`~kaplan.interop.cells`: one cell ↔ one plan value, both ways, and what a bad cell says.
- :mod:`~kaplan.interop.tables`: xlsx and CSV files ↔ tables of text and numbers, safely.
- :mod:`~kaplan.interop.export`: plans, filtered for an audience → tables.
- :mod:`~kaplan.interop.rows`: tables → edits of list items, located at file, sheet, row and column.
- :mod:`~kaplan.interop.apply`: edits → plan files changed in place, each problem at its cell.
- :mod:`~kaplan.interop.writer`: the plan's text written: values through ruamel.yaml, new items by libyaml.
- :mod:`~kaplan.interop.report`: what an import changes, told as ``kaplan diff`` tells it, per audience.
- :mod:`~kaplan.interop.crm` (and ``crm_columns``): Salesforce and HubSpot report exports → the same edits.
- :mod:`~kaplan.interop.run`: the commands as functions.
"""
