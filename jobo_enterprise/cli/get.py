"""``jobo get ID``: one job (GET /api/jobs/{id}). Free."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..frames import job_record
from .common import add_common, client, output_format
from .output import fields_table, job_csv_header, job_csv_rows, job_json, json_line, json_text


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("get", help="one job by id (GET /api/jobs/{id})",
                              description="Print one job (GET /api/jobs/{id}). Free.")
    p.add_argument("id", help="the job's id (a UUID)")
    add_common(p)
    return p


def run(args: argparse.Namespace) -> int:
    with client(args) as c:
        job = c.jobs.get(args.id)
    write_job(output_format(args), job)
    return 0


def write_job(fmt: str, job: Any) -> None:
    if fmt == "json":
        sys.stdout.write(json_text(job_json(job)))
    elif fmt == "jsonl":
        sys.stdout.write(json_line(job_json(job)))
    elif fmt == "csv":
        sys.stdout.write(job_csv_header() + job_csv_rows([job]))
    else:
        rec = job_record(job)
        sys.stdout.write(fields_table((name, rec[name]) for name in (
            "title", "company_name", "location", "employment_type", "workplace_type",
            "experience_level", "salary_min", "salary_max", "salary_currency", "salary_period",
            "date_posted", "valid_through", "source", "listing_url", "apply_url", "id",
            "company_id", "summary", "skills_must_have", "skills_preferred")))
