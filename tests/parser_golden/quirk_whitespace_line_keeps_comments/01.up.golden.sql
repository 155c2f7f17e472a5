-- this comment is kept, because the line of spaces started the statement
SELECT 1;