CREATE TABLE note (
    id text,
            body text);