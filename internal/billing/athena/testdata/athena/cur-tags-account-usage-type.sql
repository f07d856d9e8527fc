-- refit: cur unblended cost by tag:CostCenter, tag:aws:createdBy, account, usage-type, resource
SELECT
  n."k0" AS "k0",
  n."k1" AS "k1",
  n."k2" AS "k2",
  n."k3" AS "k3",
  n."k4" AS "k4",
  SUM(n."cost") AS "cost",
  SUM(n."usage") AS "usage",
  COUNT(*) AS "row_count",
  MIN(n."day") AS "first_day",
  MAX(n."day") AS "last_day",
  MAX(n."currency") AS "currency"
FROM (
  SELECT
    date_format("line_item_usage_start_date", '%Y-%m-%d') AS "day",
    CAST(COALESCE("line_item_unblended_cost", 0) AS DECIMAL(38, 10)) AS "cost",
    CAST(COALESCE("line_item_usage_amount", 0) AS DECIMAL(38, 10)) AS "usage",
    COALESCE("line_item_currency_code", '') AS "currency",
    COALESCE("resource_tags_user_cost_center", '') AS "k0",
    COALESCE("resource_tags_aws_created_by", '') AS "k1",
    COALESCE(COALESCE(NULLIF("line_item_usage_account_id", ''), "bill_payer_account_id", ''), '') AS "k2",
    COALESCE("line_item_usage_type", '') AS "k3",
    COALESCE("line_item_resource_id", '') AS "k4"
  FROM "cur"
  WHERE "line_item_usage_start_date" >= TIMESTAMP '2024-03-01 00:00:00.000'
) n
GROUP BY 1, 2, 3, 4, 5
