"""The deployments' schedules, from deployments/ and from prefect.yaml: they agree, and their
next run dates are the 1st/16th, the 25th and daily at 09:00 Asia/Shanghai."""

import datetime as dt

import pendulum
import yaml

from deployments import DEPLOYMENTS, SCHEDULED, by_name, cron_start
from tests.conftest import ROOT

TZ = "Asia/Shanghai"


def prefect_yaml() -> dict:
    return {
        d["name"]: d
        for d in yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
    }


def local(*args):
    return pendulum.datetime(*args, tz=TZ)


def test_prefect_yaml_declares_the_same_deployments_and_schedules():
    declared = prefect_yaml()
    assert set(declared) == {d.name for d in DEPLOYMENTS}
    for spec in DEPLOYMENTS:
        entry = declared[spec.name]
        assert entry["entrypoint"] == spec.entrypoint
        expected = [{"cron": spec.cron, "timezone": TZ}] if spec.cron else []
        assert entry["schedules"] == expected, spec.name
        assert entry.get("triggers", []) == list(spec.triggers), spec.name
        assert callable(spec.load_flow())


def _next(name, start, n):
    spec = by_name(name)
    return spec.next_runs(start, start + dt.timedelta(days=62))[:n]


def test_dispatch_runs_on_the_1st_and_16th_at_nine():
    runs = _next("half-monthly-dispatch", local(2024, 8, 28), 4)
    assert runs == [
        local(2024, 9, 1, 9),
        local(2024, 9, 16, 9),
        local(2024, 10, 1, 9),
        local(2024, 10, 16, 9),
    ]


def test_supervision_runs_on_the_25th():
    assert _next("monthly-supervision", local(2024, 8, 28), 2) == [
        local(2024, 9, 25, 9),
        local(2024, 10, 25, 9),
    ]


def test_deadline_watch_runs_daily_at_nine_shanghai_time():
    runs = _next("deadline-watch", local(2024, 9, 30, 12), 3)
    assert runs == [local(2024, 10, 1, 9), local(2024, 10, 2, 9), local(2024, 10, 3, 9)]
    assert runs[0].astimezone(dt.UTC).hour == 1


def test_schedules_from_prefect_yaml_give_the_same_dates():
    from prefect.server.schemas.schedules import CronSchedule

    start = local(2024, 8, 28)
    for name, entry in prefect_yaml().items():
        for schedule in entry["schedules"]:
            first = cron_start(start, schedule["timezone"])  # as Prefect's cron code takes it
            dates = list(CronSchedule(**schedule)._get_dates_generator(n=5, start=first))
            assert dates == by_name(name).next_runs(start, start + dt.timedelta(days=400))[:5]
    assert len(SCHEDULED) == 5


def test_served_schedules_cover_every_policy_day():
    from deployments import policy_crons, to_deployments
    from rectify.core.policy import Policy

    assert policy_crons([]) == {
        "half-monthly-dispatch": "0 9 1,16 * *",
        "monthly-supervision": "0 9 25 * *",
    }
    policies = [Policy(dispatch_days=[5, 20], supervision_day=28), Policy()]
    assert policy_crons(policies) == {
        "half-monthly-dispatch": "0 9 1,5,16,20 * *",
        "monthly-supervision": "0 9 25,28 * *",
    }
    served = {d.name: d for d in to_deployments("Asia/Shanghai", policies)}
    assert served["half-monthly-dispatch"].schedules[0].schedule.cron == "0 9 1,5,16,20 * *"
    assert served["deadline-watch"].schedules[0].schedule.timezone == "Asia/Shanghai"
