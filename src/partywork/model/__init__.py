"""What a record book is made of: the record schema and its field types, the roster, the
settings, periods and the problems found in files. No I/O beyond reading through storage."""
