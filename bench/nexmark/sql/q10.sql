-- Log to file system: every bid into a filesystem table partitioned by its day and minute, as
-- Nexmark's q10 writes it. 'path' is rewritten by the benchmark and the test to a directory of
-- their own. Nexmark's partition-commit options ('sink.partition-commit.*': a _SUCCESS file per
-- partition once the watermark passes it) are left out: Weir's filesystem sink has no partition
-- commit yet.
CREATE TABLE fs_sink (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  dateTime TIMESTAMP(3),
  extra VARCHAR,
  dt STRING,
  hm STRING
) PARTITIONED BY (dt, hm) WITH (
  'connector' = 'filesystem',
  'path' = 'file:///tmp/weir-nexmark/q10',
  'format' = 'csv',
  'sink.rolling-policy.rollover-interval' = '1min'
);

INSERT INTO fs_sink
SELECT auction, bidder, price, dateTime, extra, DATE_FORMAT(dateTime, 'yyyy-MM-dd'), DATE_FORMAT(dateTime, 'HH:mm')
FROM bid;
