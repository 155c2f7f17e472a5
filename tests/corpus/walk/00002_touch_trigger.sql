-- +goose Up
ALTER TABLE users ADD COLUMN updated_at timestamptz;

-- +goose StatementBegin
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    -- a comment; with a semicolon
    NEW.updated_at := now();
    RETURN NEW;
END;
$body$;
-- +goose StatementEnd

CREATE TRIGGER users_touch BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION touch();

-- +goose Down
-- +goose StatementBegin
DO $$
BEGIN
    DROP TRIGGER users_touch ON users;
    DROP FUNCTION touch();
END
$$;
-- +goose StatementEnd
ALTER TABLE users DROP COLUMN updated_at;
