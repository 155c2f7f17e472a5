-- +goose Up
-- +goose StatementBegin
create table gadget ( id int );
update gadget set id = id + 1 -- no semicolon here, yet the block still ends at StatementEnd
-- +goose StatementEnd

-- +goose Down
DROP TABLE IF EXISTS gadget;
