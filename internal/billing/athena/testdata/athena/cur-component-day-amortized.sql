-- refit: cur amortized cost by component, day
SELECT
  CASE
    WHEN n."lit" IN ('tax') THEN 'tax'
    WHEN n."lit" IN ('credit', 'refund', 'adjustment', 'edpdiscount', 'privateratediscount', 'bundleddiscount', 'discount', 'sppdiscount', 'distributordiscount') THEN 'credits'
    WHEN n."lit" IN ('fee', 'rifee', 'savingsplanrecurringfee', 'savingsplanupfrontfee', 'purchase') THEN 'fees'
    WHEN n."ut" LIKE '%fargate-%' THEN 'compute/fargate'
    WHEN n."ut" LIKE 'amazoneks-hours:%' THEN 'control-plane'
    WHEN n."ut" LIKE 'spotusage%' THEN 'compute/spot'
    WHEN n."ut" LIKE 'boxusage%' AND n."spot" THEN 'compute/spot'
    WHEN n."ut" LIKE 'boxusage%' THEN 'compute/on-demand'
    WHEN (n."ut" LIKE 'dedicatedusage:%' OR n."ut" LIKE 'hostusage:%' OR n."ut" LIKE 'hostboxusage:%' OR n."ut" LIKE 'reservedhostusage:%' OR n."ut" LIKE 'unusedbox:%' OR n."ut" LIKE 'unusedded:%') AND n."spot" THEN 'compute/spot'
    WHEN (n."ut" LIKE 'dedicatedusage:%' OR n."ut" LIKE 'hostusage:%' OR n."ut" LIKE 'hostboxusage:%' OR n."ut" LIKE 'reservedhostusage:%' OR n."ut" LIKE 'unusedbox:%' OR n."ut" LIKE 'unusedded:%') THEN 'compute/on-demand'
    WHEN (n."ut" LIKE 'ebsoptimized:%' OR n."ut" LIKE 'cpucredits:%') AND n."spot" THEN 'compute/spot'
    WHEN (n."ut" LIKE 'ebsoptimized:%' OR n."ut" LIKE 'cpucredits:%') THEN 'compute/on-demand'
    WHEN n."ut" LIKE 'natgateway-hours%' THEN 'network/nat-hours'
    WHEN n."ut" LIKE 'natgateway-bytes%' THEN 'network/nat-data'
    WHEN (n."ut" LIKE 'ebs:snapshot%' OR n."ut" LIKE 'ebs:fastsnapshotrestore%' OR n."ut" LIKE 'ebs:directapi%') THEN 'storage/snapshots'
    WHEN n."ut" LIKE 'ebs:%' THEN 'storage/ebs'
    WHEN (n."ut" LIKE 'loadbalancerusage%' OR n."ut" LIKE 'lcuusage%') THEN 'network/load-balancer'
    WHEN n."ut" LIKE 'dataprocessing-bytes%' AND n."svc" IN ('awselb') THEN 'network/load-balancer'
    WHEN (n."ut" LIKE 'publicipv4:%' OR n."ut" LIKE 'elasticip:%') THEN 'network/public-ipv4'
    WHEN n."ut" LIKE 'vpcendpoint%' THEN 'network/vpc-endpoint'
    WHEN (n."ut" LIKE '%datatransfer-%' OR n."ut" LIKE '%aws-out-bytes%' OR n."ut" LIKE '%aws-in-bytes%' OR n."ut" LIKE '%cloudfront-out-bytes%' OR n."ut" LIKE '%cloudfront-in-bytes%') THEN 'network/data-transfer'
    WHEN (n."ut" LIKE 'hostedzone%' OR n."ut" LIKE 'dns-queries%' OR n."ut" LIKE '%-queries') AND n."svc" IN ('amazonroute53') THEN 'dns'
    WHEN (n."ut" LIKE 'instanceusage%' OR n."ut" LIKE 'multi-azusage%' OR n."ut" LIKE 'rds:%' OR n."ut" LIKE 'aurora:%') AND n."svc" IN ('amazonrds') THEN 'database'
    WHEN n."descr" LIKE '%data transfer%' THEN 'network/data-transfer'
    WHEN n."descr" LIKE '%fargate%' THEN 'compute/fargate'
    WHEN n."descr" LIKE '%eks cluster%' AND n."svc" IN ('amazoneks') THEN 'control-plane'
    WHEN (n."descr" LIKE '%spot instance-hour%' OR n."descr" LIKE '%spot instance hour%') AND n."svc" IN ('amazonec2') THEN 'compute/spot'
    WHEN n."descr" LIKE '%nat gateway hour%' THEN 'network/nat-hours'
    WHEN n."descr" LIKE '%data processed by nat gateway%' THEN 'network/nat-data'
    WHEN (n."descr" LIKE '%public ipv4 address%' OR n."descr" LIKE '%elastic ip address%') THEN 'network/public-ipv4'
    WHEN n."descr" LIKE '%vpc endpoint%' THEN 'network/vpc-endpoint'
    WHEN (n."descr" LIKE '%loadbalancer-hour%' OR n."descr" LIKE '%load balancer capacity unit%' OR n."descr" LIKE '%by the loadbalancer%') THEN 'network/load-balancer'
    WHEN n."descr" LIKE '%snapshot%' AND n."svc" IN ('amazonec2') THEN 'storage/snapshots'
    WHEN (n."descr" LIKE '%provisioned storage%' OR n."descr" LIKE '%provisioned iops%' OR n."descr" LIKE '%provisioned mibps%' OR n."descr" LIKE '%provisioned throughput%' OR n."descr" LIKE '%i/o requests%') AND n."svc" IN ('amazonec2') THEN 'storage/ebs'
    WHEN (n."descr" LIKE '%instance hour%' OR n."descr" LIKE '%instance-hour%') AND n."svc" IN ('amazonec2') AND n."spot" THEN 'compute/spot'
    WHEN (n."descr" LIKE '%instance hour%' OR n."descr" LIKE '%instance-hour%') AND n."svc" IN ('amazonec2') THEN 'compute/on-demand'
    WHEN n."svc" IN ('amazonroute53') THEN 'dns'
    WHEN n."svc" IN ('amazonrds', 'amazonelasticache', 'amazondocdb', 'amazonneptune', 'amazonmemorydb', 'amazondynamodb') THEN 'database'
    WHEN n."svc" IN ('awselb') THEN 'network/load-balancer'
    WHEN n."svc" IN ('awsdatatransfer') THEN 'network/data-transfer'
    ELSE 'other'
  END AS "k0",
  n."day" AS "k1",
  SUM(n."cost") AS "cost",
  SUM(n."usage") AS "usage",
  COUNT(*) AS "row_count",
  MIN(n."day") AS "first_day",
  MAX(n."day") AS "last_day",
  MAX(n."currency") AS "currency"
FROM (
  SELECT
    date_format("line_item_usage_start_date", '%Y-%m-%d') AS "day",
    CAST(COALESCE(CASE "line_item_line_item_type"
      WHEN 'SavingsPlanCoveredUsage' THEN "savings_plan_savings_plan_effective_cost"
      WHEN 'SavingsPlanRecurringFee' THEN "savings_plan_total_commitment_to_date" - "savings_plan_used_commitment"
      WHEN 'SavingsPlanNegation' THEN 0
      WHEN 'SavingsPlanUpfrontFee' THEN 0
      WHEN 'DiscountedUsage' THEN "reservation_effective_cost"
      WHEN 'RIFee' THEN "reservation_unused_amortized_upfront_fee_for_billing_period" + "reservation_unused_recurring_fee"
      WHEN 'Fee' THEN CASE WHEN COALESCE("reservation_reservation_a_r_n", '') <> '' THEN 0 ELSE "line_item_unblended_cost" END
      ELSE "line_item_unblended_cost" END, 0) AS DECIMAL(38, 10)) AS "cost",
    CAST(COALESCE("line_item_usage_amount", 0) AS DECIMAL(38, 10)) AS "usage",
    COALESCE("line_item_currency_code", '') AS "currency",
    lower(regexp_replace(COALESCE(NULLIF("line_item_usage_type", ''), regexp_extract("line_item_line_item_description", '\bfor +([A-Za-z0-9]+[-:][A-Za-z0-9.:\-]+)( +usage)? +in ', 1), ''), '^([a-z]{2}(-gov)?-[a-z]+-[0-9]+-|(US|EU|AP|CA|SA|ME|AF|IL|MX|UG|CN|JP|IN|ZA|AU)[A-Z]{0,2}[0-9]{0,2}-([A-Z]{3}[0-9]-)?)', '')) AS "ut",
    lower(COALESCE("line_item_line_item_type", '')) AS "lit",
    lower(COALESCE("line_item_line_item_description", '')) AS "descr",
    COALESCE(lower("line_item_product_code"), '') AS "svc",
    COALESCE("line_item_line_item_type" = 'Usage' AND strpos("line_item_usage_type", 'SpotUsage') > 0, false) AS "spot"
  FROM "cur"
  WHERE "line_item_usage_start_date" >= TIMESTAMP '2024-01-01 00:00:00.000'
    AND "line_item_usage_start_date" < TIMESTAMP '2024-02-01 00:00:00.000'
) n
GROUP BY 1, 2
