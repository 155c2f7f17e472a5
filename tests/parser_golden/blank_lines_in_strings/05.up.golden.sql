INSERT INTO note (id, body)
VALUES ('n3', '
a string that spans lines.

the blank lines belong to it.

keep them.
');