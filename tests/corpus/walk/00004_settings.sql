-- +goose ENVSUB ON
-- +goose Up
CREATE TABLE ${SETTINGS_TABLE:-settings} (key text PRIMARY KEY, value text);
INSERT INTO ${SETTINGS_TABLE:-settings} VALUES ('region', '${REGION:-eu-west}');

-- +goose Down
DROP TABLE ${SETTINGS_TABLE:-settings};
