SELECT 'one';
SELECT 'two';