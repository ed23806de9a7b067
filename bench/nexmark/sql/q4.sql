-- Average price for a category: the average winning bid (the highest bid placed while the auction
-- was open) over the auctions of each category. A join, a GROUP BY on its changelog, and a second
-- GROUP BY over the first's retractions.
SELECT Q.category, AVG(Q.final) AS avg_final
FROM (
  SELECT MAX(B.price) AS final, A.category
  FROM auction A, bid B
  WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.category
) Q
GROUP BY Q.category;
