
-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION set_changed_at()
RETURNS TRIGGER AS $$
BEGIN
    NEW.changed_at = now();
    RETURN NEW;
END;
$$ language 'plpgsql';
-- +goose StatementEnd

CREATE TRIGGER item_changed_at
BEFORE UPDATE
ON item 
FOR EACH ROW EXECUTE PROCEDURE  set_changed_at();

-- +goose Down
DROP TRIGGER item_changed_at ON item;
DROP FUNCTION set_changed_at();
