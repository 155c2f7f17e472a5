SELECT 3 -- not ended ;
, 4;