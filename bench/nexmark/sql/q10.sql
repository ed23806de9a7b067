-- Log to file system: every bid into a filesystem table partitioned by its day and minute, as
-- Nexmark's q10 writes it, with its partition commit: a _SUCCESS file in each partition once the
-- watermark passes the end of its minute. 'path' is rewritten by the benchmark and the test to a
-- directory of their own. (Nexmark's 'sink.rolling-policy.check-interval' is left out: Weir checks
-- the rolling times with a timer per part.)
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
  'sink.partition-commit.trigger' = 'partition-time',
  'sink.partition-commit.delay' = '1 min',
  'sink.partition-commit.policy.kind' = 'success-file',
  'partition.time-extractor.timestamp-pattern' = '$dt $hm:00',
  'sink.rolling-policy.rollover-interval' = '1min'
);

INSERT INTO fs_sink
SELECT auction, bidder, price, dateTime, extra, DATE_FORMAT(dateTime, 'yyyy-MM-dd'), DATE_FORMAT(dateTime, 'HH:mm')
FROM bid;
