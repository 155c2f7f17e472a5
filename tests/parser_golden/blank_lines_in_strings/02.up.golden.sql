INSERT INTO note (id, body) VALUES ('n1',  E'# Heading

first paragraph

second paragraph');