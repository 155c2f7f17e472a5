--+goose up
CREATE TABLE spelling (id int);
-- +gooseStatementBegin
SELECT 1;
SELECT 2;
---- +goose STATEMENTEND
-- +goose   DOWN	
DROP TABLE spelling;
