-- The Nexmark bid stream as a table of one event kind ('event.type'), its fields as columns. Nexmark's
-- own DDL, which nests the three kinds in ROW columns of one table with a view per kind, is ddl-nexmark.sql.
CREATE TABLE bid (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  channel STRING,
  url STRING,
  dateTime TIMESTAMP(3),
  extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH ('connector' = 'nexmark', 'event.type' = 'bid', 'events.num' = '100000');
