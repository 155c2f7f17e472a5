SELECT 7;-- glued comment
SELECT 8; /* block comment */
SELECT 9;