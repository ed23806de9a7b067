-- Average selling price by seller: the average of each seller's last 10 winning bids (an OVER ROWS
-- window over the winning bids of q9's join and ROW_NUMBER). Flink cannot run it (FLINK-19059: its
-- OVER operator does not take retractions); Nexmark's text is kept as written.
SELECT
  Q.seller,
  AVG(Q.price) OVER (PARTITION BY Q.seller ORDER BY Q.dateTime ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) AS avg_price
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY id, seller ORDER BY price DESC) AS rownum
  FROM (
    SELECT A.id, A.seller, B.price, B.dateTime
    FROM auction AS A, bid AS B
    WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
  )
) AS Q
WHERE Q.rownum <= 1;
