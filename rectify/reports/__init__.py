"""Reports (报表): the progress report (整改进展情况通报) as Markdown and as an official DOCX,
its chart, the 整改台账 as an XLSX report and as the Excel round trip departments fill in, and
the office view across units (巡察办) with who was late and by how much (干部考核问责). Every
function that reads the database takes ``*, session``; ``apply_ledger`` is an audited action
and opens its own."""

from rectify.reports.accountability import (
    PERSON_COLUMNS,
    UNIT_COLUMNS,
    accountability_view,
    with_headers,
    write_accountability_xlsx,
)
from rectify.reports.chart import chart_days, chart_figures, cjk_font, write_chart
from rectify.reports.docx import write_docx
from rectify.reports.history import (
    History,
    closing_dates,
    evidence_names,
    history_as_of,
    progress_entries,
)
from rectify.reports.ledger_sheet import (
    COLUMNS,
    LEDGER_COLUMNS,
    LONG_TERM_DUE,
    Column,
    LedgerLine,
    ledger_lines,
    ledger_rows,
    write_ledger_report_xlsx,
)
from rectify.reports.ledger_workbook import (
    EDITABLE,
    LOCKED,
    SHEET,
    LedgerChange,
    LedgerPlan,
    apply_ledger,
    export_ledger,
    read_ledger,
)
from rectify.reports.office import office_rows, unit_path
from rectify.reports.progress import (
    AspectReport,
    CategoryReport,
    ProblemReport,
    ProgressReport,
    build_report,
    progress_report_markdown,
)
from rectify.reports.wording import (
    Block,
    cn_date,
    cn_number,
    headline,
    problem_paragraph,
    report_blocks,
)

__all__ = [
    "COLUMNS",
    "EDITABLE",
    "LEDGER_COLUMNS",
    "LOCKED",
    "LONG_TERM_DUE",
    "PERSON_COLUMNS",
    "SHEET",
    "UNIT_COLUMNS",
    "AspectReport",
    "Block",
    "CategoryReport",
    "Column",
    "History",
    "LedgerChange",
    "LedgerLine",
    "LedgerPlan",
    "ProblemReport",
    "ProgressReport",
    "accountability_view",
    "apply_ledger",
    "build_report",
    "chart_days",
    "chart_figures",
    "cjk_font",
    "closing_dates",
    "cn_date",
    "cn_number",
    "evidence_names",
    "export_ledger",
    "headline",
    "history_as_of",
    "ledger_lines",
    "ledger_rows",
    "office_rows",
    "problem_paragraph",
    "progress_entries",
    "progress_report_markdown",
    "read_ledger",
    "report_blocks",
    "unit_path",
    "with_headers",
    "write_accountability_xlsx",
    "write_chart",
    "write_docx",
    "write_ledger_report_xlsx",
]
