"""Forms of the import pages: the upload, and the column mapping (one small form per table of the file)."""

from __future__ import annotations

from django import forms

from csp.forms import GovukFormMixin
from csp.models import Partnership

from ..importing.drafts import TableMapping
from ..importing.recognise import FIELD_CHOICES
from ..selectors.importing import MappingTable

IGNORE = ""
NO_HEADING = "none"


class ImportUploadForm(GovukFormMixin, forms.Form):
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        label="Partnership",
        empty_label=None,
        help_text="The partnership whose plan this is.",
    )
    file = forms.FileField(
        label="Upload the plan",
        help_text="A Word document (.docx) with the plan as a table, or an Excel workbook (.xlsx) with a sheet "
        "of objectives. Older .doc and .xls files need saving as .docx or .xlsx first.",
    )
    title = forms.CharField(
        label="Plan title (optional)",
        max_length=300,
        required=False,
        help_text="Leave blank to use the title in the file, or the file's name.",
    )

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships
        self.fields["file"].error_messages.update(
            required="Select a Word (.docx) or Excel (.xlsx) file", empty="The selected file is empty"
        )
        self.only_partnership = partnerships[0] if len(partnerships) == 1 else None
        if self.only_partnership is not None:
            del self.fields["partnership"]

    def clean(self):
        cleaned = super().clean()
        if self.only_partnership is not None:
            cleaned["partnership"] = self.only_partnership
        return cleaned


def _field_choices() -> list[tuple[str, str]]:
    return [(value or IGNORE, label) for value, label in FIELD_CHOICES]


class TableMappingForm(forms.Form):
    """What each column of one table holds, and which row holds the headings."""

    def __init__(self, *args, table: MappingTable, **kwargs):
        kwargs.setdefault("prefix", f"table-{table.index}")
        super().__init__(*args, **kwargs)
        self.table = table
        self.fields["header_row"] = forms.ChoiceField(
            label="Which row holds the column headings?",
            choices=table.heading_choices,
            initial=str(table.header_row) if table.header_row is not None else NO_HEADING,
        )
        for column in table.columns:
            self.fields[f"column-{column.index}"] = forms.ChoiceField(
                label=f"Column {column.letter}" + (f": {column.heading}" if column.heading.strip() else ""),
                choices=_field_choices(),
                initial=column.field or IGNORE,
                required=False,
            )

    def column_fields(self):
        """(column, bound field) pairs in the table's order, for the template."""
        return [(column, self[f"column-{column.index}"]) for column in self.table.columns]

    def mapping(self) -> TableMapping:
        header = self.cleaned_data["header_row"]
        return TableMapping(
            source=self.table.source,
            header_row=None if header == NO_HEADING else int(header),
            columns=[self.cleaned_data.get(f"column-{c.index}") or None for c in self.table.columns],
        )


def mapping_forms(tables: list[MappingTable], data=None) -> list[TableMappingForm]:
    return [TableMappingForm(data=data, table=table) for table in tables]


def mappings_checked(forms_: list[TableMappingForm]) -> list[TableMapping] | None:
    """The mapping of every table, or None with the errors on the forms: some column must hold the objectives."""
    if not all(form.is_valid() for form in forms_):
        return None
    mappings = [form.mapping() for form in forms_]
    if forms_ and not any("title" in mapping.columns for mapping in mappings):
        # Beside the first ignored column (most likely the one meant), else the first column.
        first = forms_[0]
        ignored = [c for c, mapped in zip(first.table.columns, mappings[0].columns, strict=True) if mapped is None]
        target = next(iter(ignored or first.table.columns), None)
        first.add_error(f"column-{target.index}" if target else None, "Choose the column that holds the objectives")
        return None
    return mappings
