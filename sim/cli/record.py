"""`sim record`: the documented record, with sources and quotes."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub) -> None:
    record = sub.add_parser("record", help="show the documented record",
                            description="A documented record (default: the shipped one): the "
                            "quantities it scores, its observations grouped by date with their "
                            "sources and quotes, its moves, documents and conflicts.")
    record.add_argument("--json", action="store_true", help="print a JSON list instead")
    record.add_argument("--file", type=Path, help="another record file")
    record.set_defaults(handler=cmd_record)


def cmd_record(args: argparse.Namespace) -> int:
    from sim.record.reader import load_record
    from sim.record.show import format_table, to_json

    rec = load_record(args.file)
    print(to_json(rec) if args.json else format_table(rec))
    return 0
