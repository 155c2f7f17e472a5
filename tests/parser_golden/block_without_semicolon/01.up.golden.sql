create table gadget ( id int );
update gadget set id = id + 1 -- no semicolon here, yet the block still ends at StatementEnd