"""A plan as files: an Excel workbook in the importer's layout (`plans.importing.layout`), a Word document to publish.

- `selectors.objectives_for_export(plan)`: the live objectives in plan order with everything the files show.
- `excel.export_plan_xlsx(plan)`: sheets "Plan" and "About"; importing it gives back the same plan.
- `word.export_plan_docx(plan)`: landscape A4, a table per section, for publishing.
"""

from __future__ import annotations

from .excel import export_plan_xlsx
from .selectors import objectives_for_export
from .word import export_plan_docx

__all__ = ["export_plan_docx", "export_plan_xlsx", "objectives_for_export"]
