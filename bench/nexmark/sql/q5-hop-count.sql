-- The first half of Nexmark q5 (hot items): bids per auction in 10-second windows every 2 seconds.
-- q5 then joins this with its per-window maximum, which needs joins.
SELECT auction, window_start, window_end, COUNT(*) AS num
FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
GROUP BY auction, window_start, window_end;
