-- +goose Up

CREATE TABLE note (
    id text,
            body text);

INSERT INTO note (id, body) VALUES ('n1',  E'# Heading

first paragraph

second paragraph');

INSERT INTO note (id, body) VALUES ('n2',  E'# Another heading 

with text

-- a line that looks like a comment
    -- an indented one

last paragraph');

-- +goose StatementBegin


-- 1 dropped: before the statement starts
  -- 2 dropped as well


CREATE FUNCTION touch_note(id TEXT) RETURNS INTEGER AS $$
BEGIN
  -- first step
  PERFORM pg_sleep(0);

  -- second step
  UPDATE note SET body = body WHERE note.id = touch_note.id;

  RETURN 1;
END;
$$ LANGUAGE plpgsql;

-- 3 kept: inside the block after the statement
  -- 4 kept, indented


-- +goose StatementEnd

INSERT INTO note (id, body)
VALUES ('n3', '
a string that spans lines.

the blank lines belong to it.

keep them.
');

-- +goose Down
TRUNCATE TABLE note; 
