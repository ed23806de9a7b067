-- Calculation: converted prices, the time of day of each bid and a user-defined function.
-- count_char(s, c) counts c in s; it is registered from TypeScript (Nexmark's own DDL creates it
-- from a Java class): tEnv.createTemporarySystemFunction('count_char', ...).
SELECT
  auction,
  bidder,
  0.908 * price AS price,
  CASE
    WHEN HOUR(dateTime) >= 8 AND HOUR(dateTime) <= 18 THEN 'dayTime'
    WHEN HOUR(dateTime) <= 6 OR HOUR(dateTime) >= 20 THEN 'nightTime'
    ELSE 'otherTime'
  END AS bidTimeType,
  dateTime,
  extra,
  count_char(extra, 'c') AS c_counts
FROM bid
WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000;
