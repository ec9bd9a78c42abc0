"""The command line (`rectify`): one module per command group, put together here. Every
text it prints is Chinese (Click's and Typer's own texts too: ``click_zh``); an error nobody
expected ends in one line naming the log file (``common.RectifyGroup``)."""

from typing import Annotated

import typer

from rectify.cli import (
    accountability,
    audit,
    calendar,
    click_zh,
    feedback,
    problems,
    reports,
    runtime,
    worker,
)
from rectify.cli.clues import clue_app
from rectify.cli.common import RectifyGroup
from rectify.cli.outcomes import record_app

click_zh.install()

app = typer.Typer(
    cls=RectifyGroup,
    help="巡察整改：政治巡察反馈后的整改督办。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def options(
    debug: Annotated[
        bool, typer.Option("--debug", help="出错时在终端显示完整的错误信息（默认只写入日志文件）")
    ] = False,
) -> None:
    """巡察整改：政治巡察反馈后的整改督办。"""


app.add_typer(calendar.calendar_app, name="calendar")
app.add_typer(clue_app, name="clue")

app.command()(feedback.init)
app.command()(feedback.upgrade)
app.command("import")(feedback.import_feedback)

app.command()(problems.status)
app.command()(problems.show)
app.command("approve-plan")(problems.approve_plan)
app.command("submit-report")(problems.submit_report)
app.command()(problems.progress)
app.command()(problems.complete)
app.command("stage-report")(problems.stage_report)
app.command("apply-sign-off")(problems.apply_sign_off)
app.command("sign-off")(problems.sign_off)
app.command("return-sign-off")(problems.return_sign_off)
app.command("long-term")(problems.long_term)
app.command()(problems.extend)
app.command()(problems.review)

app.add_typer(record_app, name="record")
app.add_typer(audit.audit_app, name="audit")

app.command()(runtime.simulate)
app.command()(reports.report)
app.command()(reports.intake)
reports.office_app.command("accountability")(accountability.office_accountability)
app.add_typer(reports.office_app, name="office")
app.add_typer(reports.ledger_app, name="ledger")
app.command()(runtime.demo)
app.command()(runtime.serve)
app.command()(worker.worker)

__all__ = ["app"]
