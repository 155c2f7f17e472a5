CREATE TABLE certificate (
    id integer NOT NULL,
    "pemText" text
);