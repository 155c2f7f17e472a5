SELECT 5 " ; " -- quoted
, 6;