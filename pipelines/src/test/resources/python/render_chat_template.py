"""Renders chat templates the way Hugging Face's apply_chat_template does, for comparison.

Reads JSON lines {"template": str, "variables": {...}} on stdin and writes one JSON line per case:
{"text": rendered} or {"error": message}.
"""
import json
import sys
from datetime import datetime

from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise ValueError(message)


def tojson(value, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
for line in sys.stdin:
    case = json.loads(line)
    try:
        text = env.from_string(case["template"]).render(**case["variables"])
        print(json.dumps({"text": text}), flush=True)
    except Exception as e:  # the comparison only needs to know that it failed
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)
