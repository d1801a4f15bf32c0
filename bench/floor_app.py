"""The framework floor for bench/bench_web.py: one Flask endpoint, no database, no template.

Served by the same gunicorn command and settings as Sinau in the same run, it shows what the
machine, gunicorn and Flask alone allow; Sinau's pages are reported as a ratio of it.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def floor() -> str:
    """A few bytes of text."""
    return "ok"
