-- refit: cur2 net cost by region
SELECT
  n."k0" AS "k0",
  SUM(n."cost") AS "cost",
  SUM(n."usage") AS "usage",
  COUNT(*) AS "row_count",
  MIN(n."day") AS "first_day",
  MAX(n."day") AS "last_day",
  MAX(n."currency") AS "currency"
FROM (
  SELECT
    date_format("line_item_usage_start_date", '%Y-%m-%d') AS "day",
    CAST(COALESCE(COALESCE("line_item_net_unblended_cost", "line_item_unblended_cost"), 0) AS DECIMAL(38, 10)) AS "cost",
    CAST(COALESCE("line_item_usage_amount", 0) AS DECIMAL(38, 10)) AS "usage",
    COALESCE("line_item_currency_code", '') AS "currency",
    COALESCE(COALESCE(NULLIF("product_region_code", ''), element_at("product", 'region'), ''), '') AS "k0"
  FROM "data_exports"."cur2"
  WHERE "billing_period" = '2024-03'
    AND "line_item_usage_start_date" >= TIMESTAMP '2024-03-01 00:00:00.000'
    AND "line_item_usage_start_date" < TIMESTAMP '2024-03-08 00:00:00.000'
) n
GROUP BY 1
