-- Auction Top-10 price: the ten highest bids of each auction (Top-N with the rank number).
SELECT * FROM
(SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number FROM bid)
WHERE rank_number <= 10;
