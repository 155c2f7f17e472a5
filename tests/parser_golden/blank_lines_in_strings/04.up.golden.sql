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