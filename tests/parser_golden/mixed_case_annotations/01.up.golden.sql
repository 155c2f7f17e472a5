CREATE TABLE invoice (
    id bigint PRIMARY KEY,
    total numeric(12, 2) NOT NULL,
    issued_on date
);