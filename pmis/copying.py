"""Bulk loading through PostgreSQL's COPY, with the driver's own API (psycopg 3)."""


def copy_in(cursor, sql, text):
    """Run ``COPY … FROM STDIN`` (``sql``) on Django's ``cursor``, feeding it ``text``."""
    with cursor.cursor.copy(sql) as copy:
        copy.write(text)
