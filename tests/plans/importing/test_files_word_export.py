"""Our own Word export read by the file reader: each priority's table with its heading before it, bullets as "• "."""

from __future__ import annotations

import io

import pytest

from plans.exporting import export_plan_docx
from plans.importing.files import read_tables
from tests.plans.exporting.small_plan import small_plan

pytestmark = pytest.mark.django_db


def test_the_word_export_reads_back_as_one_table_per_priority_with_its_heading():
    world = small_plan()
    first, second = read_tables(io.BytesIO(export_plan_docx(world.plan)), filename="plan.docx")
    assert (first.source, second.source) == ("Table 1", "Table 2")
    assert first.headings_before[-1] == "1 Domestic abuse"
    assert second.headings_before == ["2 ASB, criminal damage"]
    assert first.rows[0] == second.rows[0]
    assert first.rows[0][:2] == ["Ref", "Objective and actions"]
    objective = dict(zip(first.rows[0], first.rows[1], strict=True))
    assert objective["Ref"] == "1.1"
    assert objective["Objective and actions"] == (
        "Support the work of the DA coordinator\n• Continue awareness raising.\n• Run a campaign in November."
    )
    assert objective["Milestones"].count("\n• ") == 2
    assert [row[0] for row in second.rows[1:]] == ["2.1", "2.2"]
    assert second.row_numbers == [1, 2, 3]
