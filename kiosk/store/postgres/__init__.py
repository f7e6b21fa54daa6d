"""The PostgreSQL store: many offices in one database (DESIGN §4); the only code that imports
psycopg. ``location`` reads a ``postgresql://`` URL without importing the driver; ``store`` is
the store interface over a connection pool; ``schema`` applies the SQL migrations; ``changes``
turns LISTEN/NOTIFY into the port's change signal."""
