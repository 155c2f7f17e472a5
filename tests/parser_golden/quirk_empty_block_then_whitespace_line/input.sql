-- +goose Up
-- +goose StatementBegin
-- +goose StatementEnd
    
SELECT 1;

-- +goose Down
-- +goose StatementBegin
-- +goose StatementEnd
