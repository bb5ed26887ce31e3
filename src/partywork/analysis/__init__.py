"""Reading the record book: reports, the audit of the git history, check, history, similarity
and the report across branches. Pure where it can be (report.py)."""
