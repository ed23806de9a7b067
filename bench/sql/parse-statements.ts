/** Statements whose parse time is measured (Nexmark's DDL and queries q0-q2 as Flink's nexmark project writes them). */
export const STATEMENTS: Record<string, string> = {
  'ddl-bid': `CREATE TABLE bid (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  channel VARCHAR,
  url VARCHAR,
  dateTime TIMESTAMP(3),
  extra VARCHAR,
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = 'bids.json',
  'format' = 'json'
)`,
  q0: 'INSERT INTO discard_sink SELECT auction, bidder, price, dateTime, extra FROM bid',
  q1: 'INSERT INTO discard_sink SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid',
  q2: 'INSERT INTO discard_sink SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0'.replace('MOD(auction, 123)', 'auction % 123'),
  'expressions-30': `SELECT ${Array.from({ length: 30 }, (_v, i) => `CASE WHEN price > ${i} AND channel LIKE '%${i}%' THEN UPPER(TRIM(url)) ELSE COALESCE(extra, 'x${i}') END AS c${i}`).join(',\n  ')}
FROM bid WHERE auction IS NOT NULL AND (price BETWEEN 10 AND 1000 OR bidder IN (1, 2, 3))`,
};

/** Nexmark q5 as Flink's nexmark project writes it: its HOP window aggregations parse, its join is rejected yet. */
export const Q5 = `SELECT AuctionBids.auction, AuctionBids.num
 FROM (
   SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime
   FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
   GROUP BY auction, window_start, window_end
 ) AS AuctionBids
 JOIN (
   SELECT max(CountBids.num) AS maxn, CountBids.starttime, CountBids.endtime
   FROM (
     SELECT count(*) AS num, window_start AS starttime, window_end AS endtime
     FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
     GROUP BY auction, window_start, window_end
   ) AS CountBids
   GROUP BY CountBids.starttime, CountBids.endtime
 ) AS MaxBids
 ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime AND AuctionBids.num >= MaxBids.maxn`;
