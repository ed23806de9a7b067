-- User sessions: bids per bidder in sessions that end after 10 seconds without a bid.
-- (Nexmark's q11 writes SESSION in GROUP BY; this is Flink's window table function form.)
SELECT bidder, COUNT(*) AS bid_count, window_start AS starttime, window_end AS endtime
FROM TABLE(SESSION(TABLE bid PARTITION BY bidder, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
GROUP BY bidder, window_start, window_end;
