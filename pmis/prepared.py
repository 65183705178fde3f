"""Reads whose SQL is built once per process.

Building a queryset's SQL costs the ORM 0.5–1.5 ms of Python, more than PostgreSQL takes to run a
primary-key read; on the API's hottest reads (the officer's plan) that was most of the request.
``prepared`` builds the queryset once with stand-in values for its arguments, keeps the SQL, and
afterwards runs that SQL with the real values, giving a list of model instances as the queryset would
(its annotations set as attributes; which column is which field is worked out once, too). The same
idea as ``pmis.tenancy._visible_sql``, for any queryset.

On PostgreSQL with kept connections (``CONN_MAX_AGE``) the SQL is also PREPAREd once per connection
and run with EXECUTE, so PostgreSQL parses and plans it once too: planning the visibility subquery
cost it more than running it. (psycopg2, which the stack uses, has no prepared statements of its
own.) ``PREPARED_STATEMENTS=0`` turns that off, for a pooler in transaction mode.

Use it only for reads whose shape never depends on the values (no ``if`` on an argument while
building) and whose annotations need no conversion from the database (text, integers); the
queryset is still written with the ORM, so names and joins come from the models.
"""

import functools
import itertools
import re

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

#: stand-ins for the arguments while building: within even a positive small integer column's range,
#: since Django drops a lookup whose value is outside its column's (an odd value no query uses itself)
_STAND_IN = 32_051
_names = itertools.count(1)


class Prepared:
    def __init__(self, build, rows=False):
        self.build = build
        self.rows = rows
        self.arity = build.__code__.co_argcount
        self._compiled = {}
        self._readers = {}
        word = re.sub(r"\W", "_", build.__name__).strip("_")
        self.statement_name = f"pmis_{next(_names)}_{word}"[:63]
        functools.update_wrapper(self, build)

    def stand_ins(self):
        # An integer for an id, a string where the argument is annotated ``str`` (a token's key).
        names = self.build.__code__.co_varnames[: self.arity]
        return [f"\x1fstand-in-{i}" if self.build.__annotations__.get(name) is str else _STAND_IN + i
                for i, name in enumerate(names)]

    def compiled(self, alias):
        """(model, SQL, parameters, [(parameter position, argument index)]) for database ``alias``."""
        if alias not in self._compiled:
            self._compiled[alias] = self._compile(alias)
        return self._compiled[alias]

    def _compile(self, alias):
        stand_ins = self.stand_ins()
        queryset = self.build(*stand_ins)
        sql, params = queryset.query.get_compiler(using=alias).as_sql()
        slots = [(i, stand_ins.index(p)) for i, p in enumerate(params)
                 if isinstance(p, int | str) and not isinstance(p, bool) and p in stand_ins]
        missing = set(range(self.arity)) - {arg for _, arg in slots}
        if missing:
            raise ValueError(f"{self.build.__qualname__}: arguments {sorted(missing)} never reach the SQL")
        return queryset.model, sql, tuple(params), tuple(slots)

    def __call__(self, *values, using=DEFAULT_DB_ALIAS):
        model, sql, params, slots = self.compiled(using)
        params = list(params)
        for position, arg in slots:
            params[position] = values[arg]
        sql = self._statement(using, sql, len(params))
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if self.rows:
                return cursor.fetchall()
            columns = tuple(connection.introspection.identifier_converter(c[0]) for c in cursor.description)
            rows = cursor.fetchall()
        reader = self._readers.get((using, columns)) or self._reader(model, using, columns)
        return [reader(row, connection) for row in rows]

    def _reader(self, model, using, columns):
        """``fn(row) -> instance`` for rows of ``columns``: what ``QuerySet.raw`` works out again for
        every query (which column is which field, its converters from the database), once."""
        if len(set(columns)) != len(columns):  # a join's ``id`` would take the model's place
            raise ValueError(f"{self.build.__qualname__}: the read has two columns of one name {columns}")
        connection = connections[using]
        at = {column: position for position, column in enumerate(columns)}
        fields = [f for f in model._meta.concrete_fields if f.column in at]
        if model._meta.pk not in fields:
            raise ValueError(f"{self.build.__qualname__}: the read must include the primary key")
        names = [f.attname for f in fields]  # in the model's field order, as Model.from_db expects
        positions = [at[f.column] for f in fields]
        annotations = [(column, position) for column, position in at.items()
                       if column not in {f.column for f in fields}]
        converters = []
        for field in fields:
            col = field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                converters.append((at[field.column], found, col))

        def read(row, connection):  # this thread's connection (the converters take it)
            if converters:
                row = list(row)
                for position, functions, expression in converters:
                    value = row[position]
                    for convert in functions:
                        value = convert(value, expression, connection)
                    row[position] = value
            instance = model.from_db(using, names, [row[p] for p in positions])
            for column, position in annotations:
                setattr(instance, column, row[position])
            return instance

        self._readers[using, columns] = read
        return read

    def _statement(self, alias, sql, count):
        """``sql``, or on a kept PostgreSQL connection ``EXECUTE`` of it, PREPAREd there first."""
        connection = connections[alias]
        if (connection.vendor != "postgresql" or not settings.PREPARED_STATEMENTS
                or not connection.settings_dict.get("CONN_MAX_AGE")):
            return sql
        connection.ensure_connection()
        raw = connection.connection
        known = getattr(connection, "_pmis_prepared", None)
        if known is None or known[0] is not raw:  # a new connection has none of them
            known = connection._pmis_prepared = (raw, set())
        if self.statement_name not in known[1]:
            # On the driver's own cursor: a once-per-connection statement is not one of the read's
            # queries (tests count those).
            with raw.cursor() as cursor:
                cursor.execute(f"PREPARE {self.statement_name} AS {_numbered(sql)}")
            known[1].add(self.statement_name)
        return f"EXECUTE {self.statement_name}({', '.join(['%s'] * count)})" if count else \
            f"EXECUTE {self.statement_name}"


def _numbered(sql):
    """Driver placeholders (%s, with %% for a literal %) as PostgreSQL's $1, $2, …"""
    numbers = itertools.count(1)
    return re.sub(r"%([s%])", lambda m: f"${next(numbers)}" if m.group(1) == "s" else "%", sql)


def prepared(build):
    """Decorate ``build(*args) -> QuerySet``; calling the result runs its SQL with ``args`` and gives
    the model instances. Arguments are integers (ids), or strings where annotated ``str``; each must
    reach the SQL as a parameter (compared, not transformed)."""
    return Prepared(build)


def prepared_rows(build):
    """As ``prepared``, for a ``values_list`` queryset: calling it gives the rows as tuples."""
    return Prepared(build, rows=True)


def in_range(value, bits=64):
    """``value`` as an id the database can take, or None (a malformed or out-of-range id)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -(2 ** (bits - 1)) <= number < 2 ** (bits - 1) else None


def compiled_sql(read, using=DEFAULT_DB_ALIAS):
    """The SQL ``read`` runs (for tests and EXPLAIN)."""
    return read.compiled(using)[1]
