-- Bounded side input join: each bid joined with the side input's row of its auction modulo
-- 10,000. The side input is a file read whole, looked up FOR SYSTEM_TIME AS OF the bid's
-- processing time (a lookup join).
SELECT
  B.auction,
  B.bidder,
  B.price,
  B.dateTime,
  S.`value`
FROM (SELECT *, PROCTIME() AS p_time FROM bid) B
JOIN side_input FOR SYSTEM_TIME AS OF B.p_time AS S
ON mod(B.auction, 10000) = S.key;
