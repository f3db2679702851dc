"""Reading partnerships' own plan documents (Word .docx tables, Excel .xlsx sheets) into a plan.

The path, in order, each step its own module:

- `files.read_tables(upload, filename=...)`: refuses hostile or broken files with one clear message
  (`ImportFileError`) and returns the tables of cell text (`drafts.RawTable`), nothing evaluated.
- `recognise.recognise(tables)`: which column holds what (`drafts.TableMapping`), from the usual headings;
  the user may correct it before parsing.
- `parse.parse(tables, mappings)`: the plan as drafts (`drafts.PlanDraft`), an error beside each faulty row.
- `leads.parse_lead_cell(text)`: "Organisation X / Jobholder Title Y / Reporting officer Z" as leads.
- `plans.services.importing.plan_import(...)`: writes a draft in one transaction through the plan
  editor's services (or only counts it, for a dry run / the preview).

`layout` is the one description of the columns our XLSX export writes and this importer reads.
"""
