INSERT INTO note (id, body) VALUES ('n2',  E'# Another heading 

with text

-- a line that looks like a comment
    -- an indented one

last paragraph');