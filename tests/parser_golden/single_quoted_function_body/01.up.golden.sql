CREATE FUNCTION build_lookup() RETURNS text AS '
DECLARE
    item RECORD;  -- one row of the rules table
    body text;
BEGIN   
    body := ''CREATE FUNCTION lookup(text, text) 
              RETURNS text AS '''' 
                 DECLARE 
                     v_kind ALIAS FOR $1; 
                     v_key ALIAS FOR $2;
                 BEGIN ''; 

-- 
-- walk the rules in order
--

    FOR item IN SELECT * FROM rules ORDER BY position LOOP
        body := body || '' IF v_kind = '''''''' || item.kind 
             || '''''''' THEN RETURN '''''''' || item.answer || ''''''''; END IF;''; 
    END LOOP; 
  
    body := body || '' RETURN NULL; END; '''' LANGUAGE ''''plpgsql'''';''; 
 
    -- runs the generated text as is
    EXECUTE body; 
    RETURN body;
END; 
' LANGUAGE 'plpgsql'; -- this trailing comment stays
-- and this line stays too